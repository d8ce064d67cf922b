import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { Journal } from '@azure-plan-local/stores';
import { z } from 'zod';

/**
 * The partner user's consent to the app (what the one-time interactive sign-in of the secure application model
 * produces) and the refresh tokens that descend from it. Only a hash of each refresh token is kept, so the state
 * file is no credential store.
 *
 * Rotation: redeeming a refresh token returns a new one; the redeemed token keeps working for `rotationGraceMs`
 * (so two instances that raced to refresh the same stored token both succeed, and a response lost on the way back
 * can be retried), then answers `invalid_grant` AADSTS70000. Entra itself leaves a redeemed token valid until it
 * expires; the simulator is stricter on purpose, so a gateway that forgets to store the rotated token fails in
 * tests instead of 90 days into production.
 */
export const identityRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('consent'),
    consentId: z.string(),
    clientId: z.string(),
    oid: z.string(),
    upn: z.string(),
    name: z.string(),
    mfa: z.boolean(),
    at: z.number(),
    revoked: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('refresh-token'),
    hash: z.string(),
    consentId: z.string(),
    issuedAt: z.number(),
  }),
  z.object({ type: z.literal('refresh-token-redeemed'), hash: z.string(), at: z.number() }),
  z.object({ type: z.literal('consent-revoked'), at: z.number() }),
  z.object({ type: z.literal('access-tokens-expired'), generation: z.number().int(), at: z.number() }),
]);
export type IdentityRecord = z.infer<typeof identityRecordSchema>;

export interface Consent {
  consentId: string;
  clientId: string;
  oid: string;
  upn: string;
  name: string;
  /** Whether the consent was made with multi-factor authentication: decides `amr`. */
  mfa: boolean;
  revoked: boolean;
}

interface RefreshTokenState {
  consentId: string;
  issuedAt: number;
  redeemedAt?: number;
}

export type RedeemResult =
  | { ok: true; consent: Consent }
  | { ok: false; why: 'unknown' | 'replaced' | 'inactive' | 'revoked' | 'other-client' };

export interface ConsentStoreOptions {
  rotationGraceMs: number;
  refreshTokenInactivityMs: number;
  journal?: Journal<IdentityRecord>;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function createConsentStore(options: ConsentStoreOptions) {
  const consents = new Map<string, Consent>();
  const refreshTokens = new Map<string, RefreshTokenState>();
  let accessTokenGeneration = 0;

  function apply(record: IdentityRecord): void {
    switch (record.type) {
      case 'consent':
        consents.set(record.consentId, {
          consentId: record.consentId,
          clientId: record.clientId,
          oid: record.oid,
          upn: record.upn,
          name: record.name,
          mfa: record.mfa,
          revoked: record.revoked ?? false,
        });
        break;
      case 'refresh-token':
        refreshTokens.set(record.hash, { consentId: record.consentId, issuedAt: record.issuedAt });
        break;
      case 'refresh-token-redeemed': {
        const state = refreshTokens.get(record.hash);
        if (state && state.redeemedAt === undefined) state.redeemedAt = record.at;
        break;
      }
      case 'consent-revoked':
        for (const consent of consents.values()) consent.revoked = true;
        break;
      case 'access-tokens-expired':
        accessTokenGeneration = Math.max(accessTokenGeneration, record.generation);
        break;
    }
  }

  function record(entry: IdentityRecord): void {
    // Journal first: once a token has left the simulator, its existence must survive a crash.
    options.journal?.append(entry);
    apply(entry);
  }

  for (const entry of options.journal?.recovered ?? []) apply(entry);

  function issueRefreshToken(consentId: string, now: number): string {
    const token = `0.SIM.${randomBytes(48).toString('base64url')}`;
    record({ type: 'refresh-token', hash: hashRefreshToken(token), consentId, issuedAt: now });
    return token;
  }

  function check(token: string, clientId: string | undefined, now: number): RedeemResult {
    const state = refreshTokens.get(hashRefreshToken(token));
    if (!state) return { ok: false, why: 'unknown' };
    const consent = consents.get(state.consentId);
    if (!consent || consent.revoked) return { ok: false, why: 'revoked' };
    if (clientId !== undefined && consent.clientId !== clientId) return { ok: false, why: 'other-client' };
    if (now - state.issuedAt > options.refreshTokenInactivityMs) return { ok: false, why: 'inactive' };
    if (state.redeemedAt !== undefined && now - state.redeemedAt > options.rotationGraceMs) {
      return { ok: false, why: 'replaced' };
    }
    return { ok: true, consent };
  }

  return {
    get accessTokenGeneration() {
      return accessTokenGeneration;
    },

    /** What the one-time interactive consent would produce: a new consent and its first refresh token. */
    consent(
      user: { clientId: string; oid?: string; upn: string; name: string; mfa: boolean },
      now: number,
    ): { refreshToken: string; consent: Consent } {
      const consentId = randomUUID();
      record({
        type: 'consent',
        consentId,
        clientId: user.clientId,
        oid: user.oid ?? randomUUID(),
        upn: user.upn,
        name: user.name,
        mfa: user.mfa,
        at: now,
      });
      return { refreshToken: issueRefreshToken(consentId, now), consent: consents.get(consentId) as Consent };
    },

    /** Checks a presented refresh token and, when it is good, marks it redeemed and issues its successor. */
    redeem(token: string, clientId: string, now: number): RedeemResult & { successor?: string } {
      const checked = check(token, clientId, now);
      if (!checked.ok) return checked;
      const hash = hashRefreshToken(token);
      if (refreshTokens.get(hash)?.redeemedAt === undefined)
        record({ type: 'refresh-token-redeemed', hash, at: now });
      return { ...checked, successor: issueRefreshToken(checked.consent.consentId, now) };
    },

    /** Whether a refresh token would be accepted now, without redeeming it. */
    check,

    revokeAll(now: number): void {
      record({ type: 'consent-revoked', at: now });
    },

    /** Every access token issued so far stops validating (as if expired); tokens issued afterwards are fine. */
    expireAccessTokens(now: number): number {
      record({ type: 'access-tokens-expired', generation: accessTokenGeneration + 1, at: now });
      return accessTokenGeneration;
    },

    /** The state as few records as possible (journal compaction on stop); forgets tokens that can no longer work. */
    snapshot(now: number): IdentityRecord[] {
      const records: IdentityRecord[] = [];
      // Revoked consents stay, so their tokens keep answering "consent revoked" rather than "unknown token".
      for (const consent of consents.values()) records.push({ type: 'consent', ...consent, at: now });
      for (const [hash, state] of refreshTokens) {
        if (now - state.issuedAt > options.refreshTokenInactivityMs) continue;
        if (state.redeemedAt !== undefined && now - state.redeemedAt > options.rotationGraceMs) continue;
        records.push({ type: 'refresh-token', hash, consentId: state.consentId, issuedAt: state.issuedAt });
        if (state.redeemedAt !== undefined)
          records.push({ type: 'refresh-token-redeemed', hash, at: state.redeemedAt });
      }
      if (accessTokenGeneration > 0) {
        records.push({ type: 'access-tokens-expired', generation: accessTokenGeneration, at: now });
      }
      return records;
    },
  };
}

export type ConsentStore = ReturnType<typeof createConsentStore>;
