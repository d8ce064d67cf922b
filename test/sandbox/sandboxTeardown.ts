import { randomUUID } from 'node:crypto';

import { partnerCenterScope } from '../../shared/gateways/auth/accessTokens';
import { type MicrosoftGateways } from '../../shared/gateways/createMicrosoftGateways';

/** What a sandbox run bought for one customer (filled as the run goes). */
export interface SandboxPurchases {
  partnerCenterCustomerId?: string;
  planId?: string;
  reservationOrderId?: string;
}

export interface SandboxTeardownOptions {
  gateways: MicrosoftGateways;
  partnerCenterEndpoint: string;
  /** Lets time pass between looks (real time in the sandbox; the simulators' clock locally). */
  pause: () => Promise<void>;
  /** How long the cancelled Azure subscriptions may take to turn inactive ("about 10 minutes", §3.11). */
  timeoutMs: number;
  /** Whether to delete the customer (a sandbox customer a partner keeps for the gateway contract is not). */
  deleteCustomer: boolean;
}

/**
 * Leaves the integration sandbox as it was (its quota is 10 Azure plans in all, reference §6): cancel the
 * reservation order (§3.15), cancel every Azure subscription under the plan and wait until Partner Center shows them
 * inactive (§3.11), suspend the plan (§3.14), delete the customer (§3.15) — the order partners found necessary (§5,
 * issue 7). Each step runs even if an earlier one failed; what could not be undone is returned, for a person to
 * clean by hand.
 */
export async function tearDownSandboxCustomer(
  bought: SandboxPurchases,
  options: SandboxTeardownOptions,
): Promise<string[]> {
  const left: string[] = [];
  const customer = bought.partnerCenterCustomerId;
  if (!customer) return left;
  const { gateways } = options;
  const deadline = Date.now() + options.timeoutMs;
  const partnerCenter = async (method: string, path: string, body?: unknown): Promise<void> => {
    const token = await gateways.tokens.getToken({ kind: 'appUser', scope: partnerCenterScope });
    const response = await fetch(`${options.partnerCenterEndpoint.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'ms-correlationid': randomUUID(),
        'ms-requestid': randomUUID(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  };
  const attempt = async (what: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      left.push(`${what} (customer ${customer}): ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  if (bought.reservationOrderId) {
    const orderId = bought.reservationOrderId;
    await attempt('cancel the reservation order', () =>
      partnerCenter('PATCH', `/v1/customers/${customer}/orders/${orderId}`, {
        id: orderId,
        status: 'cancelled',
      }),
    );
  }
  const planId = bought.planId;
  if (planId) {
    const context = { correlationId: randomUUID() };
    const active = async () =>
      (await gateways.partnerCenter.listAzureEntitlements(customer, planId, context)).filter(
        (entitlement) => entitlement.status.toLowerCase() === 'active',
      );
    await attempt('cancel the Azure subscriptions', async () => {
      for (const entitlement of await active()) {
        await partnerCenter(
          'POST',
          `/v1/customers/${customer}/subscriptions/${planId}/azureEntitlements/${entitlement.id}/cancel`,
          { cancellationReason: 'compromise' },
        );
      }
      while ((await active()).length > 0) {
        if (Date.now() > deadline) throw new Error('still active when the teardown ran out of time');
        await options.pause();
      }
    });
    await attempt('suspend the Azure plan', async () => {
      const plan = await gateways.partnerCenter.getSubscription(customer, planId, context);
      if (plan && plan.status.toLowerCase() === 'active') {
        await gateways.partnerCenter.updateSubscription(
          customer,
          { ...plan, status: 'suspended' },
          { ...context, stepKey: `sandbox:${customer}:suspend` },
        );
      }
    });
  }
  if (options.deleteCustomer) {
    await attempt('delete the customer', () => partnerCenter('DELETE', `/v1/customers/${customer}`));
  }
  return left;
}
