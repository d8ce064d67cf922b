import { randomUUID } from 'node:crypto';

import { type CustomerRepository } from '../../../shared/customers/customerRepository';
import { type CustomerDocument } from '../../../shared/domain/documents/documents';
import { type CustomersPort, type NewCustomer } from '../../../shared/gateways/partnerCenter/ports';
import { type PartnerCenterCustomer } from '../../../shared/gateways/partnerCenter/schemas';
import { aContact, aCustomer } from '../fixtures';

/**
 * Partner Center's customer calls without Partner Center, for handler and use-case tests: a created customer gets a
 * new id (its tenant id) and, once, the new tenant's admin sign-in; a repeat of the same creation step answers the
 * same customer (as Partner Center does per domain). `add` puts a customer Partner Center already has.
 * The gateway's own contract tests prove the real adapter against the simulator.
 */
export function createInMemoryPartnerCenterCustomers(): CustomersPort & {
  created: PartnerCenterCustomer[];
  sent: NewCustomer[];
  add(customer: Partial<PartnerCenterCustomer> & { country?: string }): PartnerCenterCustomer;
} {
  const byId = new Map<string, PartnerCenterCustomer>();
  const byStep = new Map<string, PartnerCenterCustomer>();
  const created: PartnerCenterCustomer[] = [];
  const sent: NewCustomer[] = [];
  const withoutCredentials = ({ userCredentials: _once, ...customer }: PartnerCenterCustomer) => customer;
  return {
    created,
    sent,
    add({ country = 'DE', ...customer }) {
      const id = customer.id ?? randomUUID();
      const known: PartnerCenterCustomer = {
        relationshipToPartner: 'reseller',
        companyProfile: { tenantId: id },
        billingProfile: { defaultAddress: { country } },
        ...customer,
        id,
      };
      byId.set(id, known);
      return known;
    },
    getCustomer: (customerId) => Promise.resolve(byId.get(customerId.toLowerCase())),
    createCustomer(customer, context) {
      const repeated = byStep.get(context.stepKey);
      if (repeated) return Promise.resolve(withoutCredentials(repeated));
      sent.push(customer);
      const id = randomUUID();
      const answer: PartnerCenterCustomer = {
        id,
        companyProfile: { tenantId: id, domain: customer.domain },
        billingProfile: { defaultAddress: { country: customer.address.country } },
        relationshipToPartner: 'none',
        userCredentials: { userName: 'admin', password: `pw-${id.slice(0, 8)}` },
      };
      byId.set(id, withoutCredentials(answer));
      byStep.set(context.stepKey, answer);
      created.push(answer);
      return Promise.resolve(answer);
    },
  };
}

/**
 * A registered customer (contoso, unless `overrides` says otherwise) as `PUT /api/customers/{customerId}` leaves it:
 * stored, and linked to the customer Partner Center created for it.
 */
export async function storeLinkedCustomer(
  customers: Pick<CustomerRepository, 'create'>,
  partnerCenter: Pick<CustomersPort, 'createCustomer'>,
  overrides: Partial<CustomerDocument> = {},
): Promise<void> {
  const atPartnerCenter = await partnerCenter.createCustomer(
    {
      domain: 'contoso.onmicrosoft.com',
      companyName: 'Contoso Ltd',
      email: aContact.email,
      address: { addressLine1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    },
    { correlationId: 'setup', stepKey: 'setup:contoso' },
  );
  await customers.create(aCustomer({ partnerCenterCustomerId: atPartnerCenter.id, ...overrides }));
}
