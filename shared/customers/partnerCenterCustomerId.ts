import { type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { type CustomersPort } from '../gateways/partnerCenter/ports';
import { type CustomerRepository } from './customerRepository';
import { requireCustomer } from './requireCustomer';

/**
 * The one place that turns a service customer into its Partner Center reference. The path id (`customerId`) is the
 * service's key, a slug or a GUID of the partner's choosing; Partner Center knows a customer only by the GUID it
 * assigned when it created the customer (the customer's tenant id). Every call to Partner Center, and ARM's
 * billing scope, names the customer with what this returns, never with the path id.
 */
export interface PartnerCenterCustomerDependencies {
  customers: Pick<CustomerRepository, 'update'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'>;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The customer's Partner Center id: the one `PUT /api/customers/{id}` linked. A customer stored before the link was
 * kept is linked here when Partner Center knows it under its tenant id or its path id (a GUID), and the link is
 * recorded. Nothing here creates a customer at Partner Center (that needs the real address only a PUT carries):
 * an unknown customer is `CustomerNotLinked`, never a second tenant.
 */
export async function partnerCenterCustomerIdOf(
  { customers, partnerCenter }: PartnerCenterCustomerDependencies,
  customer: CustomerDocument,
  correlationId: string,
): Promise<string> {
  if (customer.partnerCenterCustomerId) return customer.partnerCenterCustomerId;
  const candidates = [...new Set([customer.tenantId, customer.customerId])].filter(
    (id): id is string => id !== undefined && guid.test(id),
  );
  for (const candidate of candidates) {
    const known = await partnerCenter.getCustomer(candidate, { correlationId });
    if (known === undefined) continue;
    const linked = await customers.update(customer.customerId, (current) =>
      current.partnerCenterCustomerId ? undefined : { ...current, partnerCenterCustomerId: known.id },
    );
    return linked?.partnerCenterCustomerId ?? known.id;
  }
  throw new AppError(
    'CustomerNotLinked',
    `Customer ${customer.customerId} is not linked to a customer at Partner Center; register it again ` +
      '(PUT /api/customers/{customerId}) with its tenantId, or with billingAddress to have Partner Center create it.',
  );
}

/** The customer (CustomerNotFound otherwise) and its Partner Center id (see `partnerCenterCustomerIdOf`). */
export async function requirePartnerCenterCustomer(
  deps: PartnerCenterCustomerDependencies & { customers: Pick<CustomerRepository, 'get'> },
  customerId: string,
  correlationId: string,
): Promise<{ customer: CustomerDocument; partnerCenterCustomerId: string }> {
  const customer = await requireCustomer(deps.customers, customerId);
  return {
    customer,
    partnerCenterCustomerId: await partnerCenterCustomerIdOf(deps, customer, correlationId),
  };
}
