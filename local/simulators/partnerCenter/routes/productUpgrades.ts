import { randomUUID } from 'node:crypto';

import { productUpgradeBody } from '../bodies';
import { errorA, invalidInput, json, notFound, type SimResponse } from '../responses';
import type { Customer, Upgrade } from '../state';
import { addMs, type CallContext, isParsed, MCA_MISSING, parse, type Route } from './route';
import type { Simulation } from './simulation';

/** The 0145P → Azure plan transition: product upgrades, their eligibility and status (reference §3.13). */
export function productUpgradeRoutes(sim: Simulation): Route[] {
  const { state, behaviour, customerOr404, isCustomer, liveSubscriptions, hasMca } = sim;

  function eligibility(customerId: string): {
    isEligible: boolean;
    upgradeId?: string;
    reason?: string;
    blocked?: SimResponse;
  } {
    const running = state
      .all('upgrades')
      .find((u) => u.customerId === customerId && u.status === 'InProgress');
    if (running)
      return {
        isEligible: false,
        upgradeId: running.id,
        reason: 'A product upgrade is already in progress.',
      };
    const legacy = liveSubscriptions(customerId, 'legacyAzure').filter((s) => s.status === 'active');
    if (legacy.length === 0)
      return {
        isEligible: false,
        reason: 'The customer has no Microsoft Azure (MS-AZR-0145P) subscription to upgrade.',
      };
    if (legacy.some((s) => s.legacyAzureSubscriptionStatus === 'suspended')) {
      return {
        isEligible: false,
        reason: 'Suspended Azure subscriptions cannot be transitioned.',
        blocked: errorA(
          403,
          900105,
          'Suspended Azure subscriptions cannot be transitioned to the Azure plan.',
        ),
      };
    }
    return { isEligible: true };
  }

  const upgradeCustomer = (call: CallContext): { customer: Customer; family: string } | SimResponse => {
    const body = parse(productUpgradeBody, call.body);
    if (!isParsed(body)) return body;
    if (body.value.productFamily.toLowerCase() !== 'azure')
      return invalidInput('productFamily must be "azure".');
    const customer = customerOr404(body.value.customerId);
    return isCustomer(customer) ? { customer, family: body.value.productFamily } : customer;
  };

  return [
    {
      method: 'POST',
      template: '/v1/productUpgrades/eligibility',
      resource: 'productUpgrades',
      appUserOnly: true,
      handle(call) {
        const found = upgradeCustomer(call);
        if (!('customer' in found)) return found;
        const { blocked: _blocked, ...result } = eligibility(found.customer.id);
        return json(200, { customerId: found.customer.id, productFamily: found.family, ...result });
      },
    },
    {
      method: 'POST',
      template: '/v1/productUpgrades',
      resource: 'productUpgrades',
      appUserOnly: true,
      handle(call) {
        const found = upgradeCustomer(call);
        if (!('customer' in found)) return found;
        const result = eligibility(found.customer.id);
        if (result.upgradeId)
          return { status: 202, headers: { Location: `productUpgrades/${result.upgradeId}` } };
        if (result.blocked) return result.blocked;
        if (!result.isEligible) return errorA(400, 800002, `Invalid request input. ${result.reason}`);
        // The transition needs the MCA at Partner Center (mission-anchors §2.4 "Prerequisites"). Which code Partner
        // Center answers is not documented; the checkout's 13605 is the one it uses for a missing MCA.
        if (!hasMca(found.customer)) return errorA(403, 13605, MCA_MISSING);
        const source = liveSubscriptions(found.customer.id, 'legacyAzure').find(
          (s) => s.status === 'active',
        )!;
        const upgrade: Upgrade = {
          id: randomUUID(),
          customerId: found.customer.id,
          productFamily: 'Azure',
          sourceSubscriptionId: source.id,
          createdAt: call.now.toISOString(),
          readyAt: addMs(call.now, behaviour.upgradeDelayMs),
          status: 'InProgress',
        };
        state.put('upgrades', upgrade);
        return { status: 202, headers: { Location: `productUpgrades/${upgrade.id}` } };
      },
    },
    {
      method: 'POST',
      template: '/v1/productUpgrades/{upgradeId}/status',
      resource: 'productUpgrades',
      appUserOnly: true,
      bodyIgnored: true,
      handle(call) {
        const upgrade = state.get('upgrades', (call.params.upgradeId ?? '').toLowerCase());
        if (!upgrade) return notFound(800002, `Product upgrade ${call.params.upgradeId} was not found.`);
        return json(200, {
          id: upgrade.id,
          status: upgrade.status,
          productFamily: upgrade.productFamily,
          lineItems: (upgrade.movedSubscriptionIds ?? [upgrade.sourceSubscriptionId]).map((sourceId) => {
            const source = state.get('subscriptions', sourceId);
            return {
              sourceProduct: { id: source?.legacyAzureSubscriptionId ?? sourceId, name: 'AzureSubscription' },
              targetProduct: { id: upgrade.targetSubscriptionId ?? '', name: 'Microsoft Azure plan' },
              ...(upgrade.upgradedDate ? { upgradedDate: upgrade.upgradedDate } : {}),
              status: upgrade.status,
            };
          }),
        });
      },
    },
  ];
}
