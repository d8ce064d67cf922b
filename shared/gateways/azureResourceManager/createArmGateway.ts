import { z } from 'zod';

import { type Clock } from '../../platform/clock';
import { type Sleep } from '../../platform/retryPolicy';
import { type AccessTokenRequest, type AccessTokenSource, armScope } from '../auth/accessTokens';
import {
  type CallContext,
  createMicrosoftHttpClient,
  type GatewayLog,
  type MicrosoftHttpClientOptions,
  type StepContext,
} from '../microsoftHttp/microsoftHttpClient';
import { probeStatus } from '../microsoftHttp/probeStatus';
import { PartnerCenterError } from '../partnerCenter/partnerCenterError';
import { type Reachability } from '../partnerCenter/ports';

const apiVersion = '2021-10-01';

export const subscriptionAliasSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  properties: z.looseObject({
    subscriptionId: z.string().optional(),
    /** `Accepted` while in progress, then `Succeeded` (or `Failed`). */
    provisioningState: z.string(),
  }),
});
export type SubscriptionAlias = z.infer<typeof subscriptionAliasSchema>;

export interface NewAzureSubscription {
  /**
   * The alias name: the idempotency key of the creation (a PUT of the same alias is the same subscription). Derive
   * it from the service's own request (e.g. a name-based UUID of the entitlement request), never at random.
   */
  aliasName: string;
  displayName: string;
  /** The customer's Partner Center id (the billing scope is the partner's billing account + this customer). */
  customerId: string;
  workload?: 'Production' | 'DevTest';
  /** Indirect providers: the reseller the subscription is sold through. */
  resellerId?: string;
}

/** Creating Azure subscriptions under a customer's Azure plan (ARM subscription alias API). */
export interface SubscriptionAliasPort {
  /** PUT the alias (safe to repeat); answers `Accepted` or `Succeeded`. */
  createSubscriptionAlias(input: NewAzureSubscription, context: StepContext): Promise<SubscriptionAlias>;
  /** The alias, or `undefined` when it does not exist. Poll until `provisioningState` is `Succeeded`. */
  getSubscriptionAlias(aliasName: string, context: CallContext): Promise<SubscriptionAlias | undefined>;
}

export interface ArmGateway extends SubscriptionAliasPort {
  /** For `GET /api/health` `checks.azureResourceManager`. */
  checkReachability(): Promise<Reachability>;
}

export interface ArmGatewayOptions {
  /** `https://management.azure.com`, or the simulator's `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The partner's billing account name (`/providers/Microsoft.Billing/billingAccounts/{this}`). */
  billingAccountId: string;
  tokens: AccessTokenSource;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  log?: GatewayLog;
  retry?: MicrosoftHttpClientOptions['retry'];
}

/**
 * The ARM gateway. Tokens are App+User (the partner's Admin Agent consent, the same refresh token as Partner
 * Center's, for the ARM audience): no documented path lets a service principal create CSP subscriptions.
 */
export function createArmGateway(options: ArmGatewayOptions): ArmGateway {
  const send = createMicrosoftHttpClient({
    service: 'azureResourceManager',
    endpoint: options.endpoint,
    tokens: options.tokens,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const token: AccessTokenRequest = { kind: 'appUser', scope: armScope };
  const aliasPath = (aliasName: string) =>
    `/providers/Microsoft.Subscription/aliases/${encodeURIComponent(aliasName)}?api-version=${apiVersion}`;

  return {
    async createSubscriptionAlias(input, context) {
      const { body } = await send({
        method: 'PUT',
        path: aliasPath(input.aliasName),
        token,
        context,
        body: {
          properties: {
            displayName: input.displayName,
            billingScope: `/providers/Microsoft.Billing/billingAccounts/${options.billingAccountId}/customers/${input.customerId}`,
            workload: input.workload ?? 'Production',
            ...(input.resellerId ? { resellerId: input.resellerId } : {}),
          },
        },
        schema: subscriptionAliasSchema,
      });
      return body;
    },

    async getSubscriptionAlias(aliasName, context) {
      try {
        const { body } = await send({
          method: 'GET',
          path: aliasPath(aliasName),
          token,
          context,
          schema: subscriptionAliasSchema,
        });
        return body;
      } catch (error) {
        if (error instanceof PartnerCenterError && error.httpStatus === 404) return undefined;
        throw error;
      }
    },

    async checkReachability() {
      const probe = await probeStatus(options.tokens, token, (accessToken, signal) =>
        (options.fetch ?? fetch)(
          `${options.endpoint.replace(/\/+$/, '')}/providers/Microsoft.Subscription/aliases?api-version=${apiVersion}`,
          { headers: { authorization: `Bearer ${accessToken}` }, signal },
        ),
      );
      if (!('status' in probe)) return probe;
      return probe.status < 500 ? { reachable: true } : { reachable: false, detail: `HTTP ${probe.status}` };
    },
  };
}
