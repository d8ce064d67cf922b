import { randomUUID } from 'node:crypto';

import { type CustomersPort } from '../../../shared/gateways/partnerCenter/ports';
import { type PartnerCenterCustomer } from '../../../shared/gateways/partnerCenter/schemas';

/**
 * Partner Center's customer calls without Partner Center, for handler and use-case tests: a created customer gets a
 * new id, and a repeat of the same creation step answers the same customer (as Partner Center does per domain).
 * The gateway's own contract tests prove the real adapter against the simulator.
 */
export function createInMemoryPartnerCenterCustomers(): CustomersPort & { created: PartnerCenterCustomer[] } {
  const byId = new Map<string, PartnerCenterCustomer>();
  const byStep = new Map<string, PartnerCenterCustomer>();
  const created: PartnerCenterCustomer[] = [];
  return {
    created,
    getCustomer: (customerId) => Promise.resolve(byId.get(customerId)),
    createCustomer(_customer, context) {
      const repeated = byStep.get(context.stepKey);
      if (repeated) return Promise.resolve(repeated);
      const customer = { id: randomUUID() } as PartnerCenterCustomer;
      byId.set(customer.id, customer);
      byStep.set(context.stepKey, customer);
      created.push(customer);
      return Promise.resolve(customer);
    },
  };
}
