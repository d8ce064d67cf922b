import { type Customer, type CustomerRequest, toCustomer } from '../domain/api/customer';
import { type CustomerDocument } from '../domain/documents/documents';
import { newCustomerDocument, updatedCustomerDocument } from '../domain/rules/customer';
import { type CustomersPort } from '../gateways/partnerCenter/ports';
import { type PartnerCenterCustomer } from '../gateways/partnerCenter/schemas';
import { type Clock } from '../platform/clock';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import { type CustomerRepository } from './customerRepository';

export interface RegisterCustomerDependencies {
  customers: Pick<CustomerRepository, 'get' | 'create' | 'replace'>;
  partnerCenter: CustomersPort;
  clock: Clock;
}

export interface RegisteredCustomer {
  created: boolean;
  customer: Customer;
}

/**
 * Registers (or updates) a customer the service buys for. Partner Center is the truth about the customer: one it
 * knows under this id is linked (its country and relationship win over the body's); one it does not know is
 * created there from the body (idempotent per domain, so a repeat links the same tenant). Our `customerId` stays
 * the key; the stored customer carries Partner Center's id.
 */
export async function registerCustomer(
  { customers, partnerCenter, clock }: RegisterCustomerDependencies,
  customerId: string,
  request: CustomerRequest,
  correlationId: string,
): Promise<RegisteredCustomer> {
  const existing = await customers.get(customerId);
  const linked = await linkPartnerCenterCustomer(
    partnerCenter,
    customerId,
    existing?.partnerCenterCustomerId,
    request,
    correlationId,
  );
  const registered: CustomerRequest = {
    ...request,
    ...(linked.country ? { country: linked.country } : {}),
    ...(linked.relationship ? { relationship: linked.relationship } : {}),
  };
  // A lost race with another writer of this customer is retried from a fresh read; it is never an outage.
  return retryOnConflict(`Customer ${customerId}`, async () => {
    const stamp = { now: clock.now(), correlationId };
    const current = await customers.get(customerId);
    if (current === undefined) {
      const document: CustomerDocument = {
        ...newCustomerDocument(customerId, registered, stamp),
        partnerCenterCustomerId: linked.id,
      };
      const created = await customers.create(document);
      if (created === 'exists') return lostRace;
      return { created: true, customer: toCustomer(created) };
    }
    const updated = await customers.replace({
      ...updatedCustomerDocument(current, registered, stamp),
      partnerCenterCustomerId: linked.id,
    });
    if (updated === 'changed') return lostRace;
    return { created: false, customer: toCustomer(updated) };
  });
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface LinkedCustomer {
  id: string;
  country?: string;
  relationship?: CustomerRequest['relationship'];
}

/**
 * The customer's Partner Center id: the one it is known under, else the one Partner Center gives the customer it
 * creates from `request` (idempotent per domain). Also the read path for customers registered before the service
 * bought through Partner Center: their first purchase links them.
 */
export async function linkPartnerCenterCustomer(
  partnerCenter: CustomersPort,
  customerId: string,
  knownPartnerCenterId: string | undefined,
  request: Pick<CustomerRequest, 'companyName' | 'country' | 'primaryContact' | 'domain' | 'billingAddress'>,
  correlationId: string,
): Promise<LinkedCustomer> {
  // Partner Center ids are GUIDs (it refuses other ids with 900118): only those can name a customer it has.
  const lookupId = knownPartnerCenterId ?? (guid.test(customerId) ? customerId : undefined);
  const known = lookupId ? await partnerCenter.getCustomer(lookupId, { correlationId }) : undefined;
  if (known) return linkedFrom(known);
  const domain = request.domain ?? `${customerId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.onmicrosoft.com`;
  const created = await partnerCenter.createCustomer(
    {
      domain,
      companyName: request.companyName,
      email: request.primaryContact.email,
      address: {
        addressLine1: request.billingAddress?.addressLine1 ?? request.companyName,
        city: request.billingAddress?.city ?? '-',
        postalCode: request.billingAddress?.postalCode ?? '-',
        ...(request.billingAddress?.state ? { state: request.billingAddress.state } : {}),
        country: request.billingAddress?.country ?? request.country,
        firstName: request.primaryContact.firstName,
        lastName: request.primaryContact.lastName,
      },
    },
    // Per domain: Partner Center answers a repeat of the same creation with the same customer.
    { correlationId, stepKey: `customer:${customerId}:create:${domain}` },
  );
  return { id: created.id };
}

function linkedFrom(customer: PartnerCenterCustomer): LinkedCustomer {
  const country =
    customer.billingProfile?.defaultAddress?.country ?? customer.companyProfile?.address?.country;
  const relationship = customer.relationshipToPartner?.toLowerCase();
  return {
    id: customer.id,
    ...(country ? { country: country.toUpperCase() } : {}),
    ...(relationship
      ? { relationship: relationship.includes('indirect') ? 'indirectReseller' : 'direct' }
      : {}),
  };
}
