import { type Clock } from '../../platform/clock';

/** Partner Center's audience as a v2 scope (app-only and App+User alike). */
export const partnerCenterScope = 'https://api.partnercenter.microsoft.com/.default';
/** Azure Resource Manager's audience as a v2 scope (the subscription alias API). */
export const armScope = 'https://management.azure.com/.default';

/**
 * `appOnly`: client credentials of the service's app registration (no user, no MFA). `appUser`: the secure
 * application model — a partner user's consent, kept as a refresh token that rotates on every use.
 */
export type TokenKind = 'appOnly' | 'appUser';

export interface AccessTokenRequest {
  kind: TokenKind;
  scope: string;
}

/** What the gateways need from authentication: a bearer token, and a way to drop one Microsoft refused. */
export interface AccessTokenSource {
  /** Throws `PartnerCenterError` (`ConsentRequired` or `Unavailable`) when no token can be had. */
  getToken(request: AccessTokenRequest): Promise<string>;
  /** Forgets the cached token so the next `getToken` asks the token endpoint again (after a 401). */
  invalidate(request: AccessTokenRequest): void;
}

export interface AcquiredToken {
  accessToken: string;
  expiresOn: Date;
}

/** Asks the token endpoint for a new token (MSAL in production; a fake in tests). */
export type TokenAcquirer = (request: AccessTokenRequest) => Promise<AcquiredToken>;

/**
 * Caches tokens until `refreshMarginMs` before they expire (5 minutes, as Microsoft's own samples do), and shares
 * one acquisition among concurrent callers of the same kind and scope (single-flight), so a burst of calls after
 * expiry makes one token request — and, for App+User, rotates the refresh token once, not once per caller.
 */
export function createCachedTokenSource(options: {
  acquire: TokenAcquirer;
  clock: Clock;
  refreshMarginMs?: number;
}): AccessTokenSource {
  const refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
  const cached = new Map<string, AcquiredToken>();
  const inFlight = new Map<string, Promise<AcquiredToken>>();
  const keyOf = (request: AccessTokenRequest) => `${request.kind} ${request.scope}`;

  return {
    async getToken(request) {
      const key = keyOf(request);
      const hit = cached.get(key);
      if (hit && hit.expiresOn.getTime() - refreshMarginMs > options.clock.now().getTime())
        return hit.accessToken;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = options.acquire(request).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
        pending.then(
          (token) => cached.set(key, token),
          () => cached.delete(key),
        );
      }
      return (await pending).accessToken;
    },
    invalidate(request) {
      cached.delete(keyOf(request));
    },
  };
}

/**
 * Runs one task at a time, in call order. App+User acquisitions go through it whatever their scope: each one
 * spends the stored refresh token and stores the rotated one, so two at once would race on the same token.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
