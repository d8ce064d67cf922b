import { type Customer, type CustomerRequest, toCustomer } from '../domain/api/customer';
import { type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { newCustomerDocument, updatedCustomerDocument } from '../domain/rules/customer';
import { customerCreationProblems, relationshipOf } from '../domain/rules/partnerCenterCustomer';
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
  /**
   * The new tenant's first admin sign-in, when this request made Partner Center create the customer: Partner Center
   * returns it once. It is handed to the caller and never stored.
   */
  userCredentials?: { userName: string; password: string };
}

/**
 * Registers (or updates) a customer the service buys for. The path id is the service's key; Partner Center is the
 * truth about the customer and knows it by its own id (the tenant id). The customer Partner Center already has is
 * linked: the one the stored link names, else the one whose id is `tenantId`, else the path id when Partner Center
 * knows it (its country wins over the body's). Otherwise Partner Center creates the customer from the body, which
 * must then carry a real billing address (and the registration number and phone where Partner Center requires
 * them); nothing is invented. The stored customer keeps Partner Center's id as `partnerCenterCustomerId`.
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
    relationship: relationshipOf(request.relationship, linked.customer),
    tenantId: linked.tenantId,
  };
  const credentials = linked.customer.userCredentials
    ? {
        userCredentials: {
          userName: linked.customer.userCredentials.userName,
          password: linked.customer.userCredentials.password,
        },
      }
    : {};
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
      return { created: true, customer: toCustomer(created), ...credentials };
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
  tenantId: string;
  country?: string;
  customer: PartnerCenterCustomer;
}

/**
 * The customer at Partner Center for this registration: linked (stored link, `tenantId`, or a GUID path id Partner
 * Center knows) or created from the request (idempotent per domain, so a repeat is the same tenant).
 */
async function linkPartnerCenterCustomer(
  partnerCenter: CustomersPort,
  customerId: string,
  storedLink: string | undefined,
  request: CustomerRequest,
  correlationId: string,
): Promise<LinkedCustomer> {
  const context = { correlationId };
  const tenantId = request.tenantId?.toLowerCase();
  if (storedLink !== undefined && tenantId !== undefined && tenantId !== storedLink.toLowerCase()) {
    // A customer's purchases live under its Partner Center id: moving the link would strand them.
    throw new AppError('InvalidRequest', `Customer ${customerId} is linked to another tenant.`, [
      {
        pointer: '/tenantId',
        detail: `The customer is Partner Center's ${storedLink}; its link does not change.`,
      },
    ]);
  }
  if (storedLink !== undefined) {
    const known = await partnerCenter.getCustomer(storedLink, context);
    if (known === undefined) {
      throw new AppError(
        'CustomerNotLinked',
        `Partner Center no longer knows customer ${storedLink}, which customer ${customerId} is linked to.`,
      );
    }
    return linkedFrom(known);
  }
  if (tenantId !== undefined) {
    const known = await partnerCenter.getCustomer(tenantId, context);
    if (known === undefined) {
      // Never a second tenant for a customer that has one: the partner links it once the relationship exists.
      throw new AppError('InvalidRequest', `Partner Center has no customer with tenant id ${tenantId}.`, [
        {
          pointer: '/tenantId',
          detail:
            'Partner Center has no customer with this tenant id: the customer must accept your reseller ' +
            'relationship first (or leave tenantId out to have Partner Center create a new customer).',
        },
      ]);
    }
    return linkedFrom(known);
  }
  // Partner Center ids are GUIDs (it refuses other ids with 900118): only those can name a customer it has.
  const known = guid.test(customerId) ? await partnerCenter.getCustomer(customerId, context) : undefined;
  if (known) return linkedFrom(known);

  const problems = customerCreationProblems(request);
  if (problems.length > 0) {
    throw new AppError(
      'InvalidRequest',
      `Partner Center does not know customer ${customerId} and cannot create it from this request.`,
      problems,
    );
  }
  const address = request.billingAddress!;
  // Letters and digits only: a tenant's initial domain allows no other characters.
  const domain = request.domain ?? `${customerId.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`;
  const created = await partnerCenter.createCustomer(
    {
      domain,
      ...(request.organizationRegistrationNumber
        ? { organizationRegistrationNumber: request.organizationRegistrationNumber }
        : {}),
      companyName: request.companyName,
      email: request.primaryContact.email,
      address: {
        addressLine1: address.addressLine1,
        city: address.city,
        postalCode: address.postalCode,
        ...(address.state ? { state: address.state } : {}),
        country: address.country,
        firstName: request.primaryContact.firstName,
        lastName: request.primaryContact.lastName,
        ...(request.primaryContact.phoneNumber ? { phoneNumber: request.primaryContact.phoneNumber } : {}),
      },
    },
    // Per domain: Partner Center answers a repeat of the same creation with the same customer.
    { correlationId, stepKey: `customer:${customerId}:create:${domain}` },
  );
  return { id: created.id, tenantId: created.companyProfile?.tenantId ?? created.id, customer: created };
}

function linkedFrom(customer: PartnerCenterCustomer): LinkedCustomer {
  const country =
    customer.billingProfile?.defaultAddress?.country ?? customer.companyProfile?.address?.country;
  return {
    id: customer.id,
    tenantId: customer.companyProfile?.tenantId ?? customer.id,
    ...(country ? { country: country.toUpperCase() } : {}),
    customer,
  };
}
