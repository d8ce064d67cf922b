import { type AgreementRepository } from '../agreements/agreementRepository';
import { type Customer, toCustomer } from '../domain/api/customer';
import { type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { agreementFoundAtPartnerCenter, mcaSummaryOf, utcDateTimeOf } from '../domain/rules/mcaAgreement';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import { type McaPort } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { type CustomerRepository } from './customerRepository';

export interface ReadCustomerDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  agreements: Pick<AgreementRepository, 'create'>;
  partnerCenter: Pick<McaPort, 'listMcaAgreements' | 'isDirectlySigned'>;
  clock: Clock;
  log: { warn(message: string): void };
}

/**
 * The customer, with `mcaAccepted` as Partner Center knows it: our record says accepted, or else Partner Center
 * holds an MCA agreement or reports that the customer signed directly. What Partner Center says is recorded, so
 * later reads and purchases see it without asking again. Partner Center being unreachable does not fail the read:
 * the answer is then our record's.
 */
export async function readCustomer(
  dependencies: ReadCustomerDependencies,
  customerId: string,
  correlationId: string,
): Promise<Customer> {
  const customer = await dependencies.customers.get(customerId);
  if (customer === undefined) throw new AppError('CustomerNotFound', `There is no customer ${customerId}.`);
  return toCustomer(await withMcaFromPartnerCenter(dependencies, customer, correlationId));
}

/**
 * The customer, its MCA summary brought up to date from Partner Center when our record does not say accepted
 * (an agreement attested elsewhere, a direct signature) and recorded. Unchanged when it is accepted already, not
 * linked to Partner Center yet, or when Partner Center cannot be asked (logged; our record stands).
 */
export async function withMcaFromPartnerCenter(
  dependencies: ReadCustomerDependencies,
  customer: CustomerDocument,
  correlationId: string,
): Promise<CustomerDocument> {
  if (customer.mca.accepted || !customer.partnerCenterCustomerId) return customer;
  try {
    const accepted = await acceptanceAtPartnerCenter(
      dependencies,
      customer,
      customer.partnerCenterCustomerId,
      correlationId,
    );
    return accepted ?? customer;
  } catch (error) {
    if (!(error instanceof PartnerCenterError)) throw error;
    dependencies.log.warn(
      `customerId=${customer.customerId}: MCA status at Partner Center unknown, our record stands ` +
        `correlationId=${correlationId} (${error.message})`,
    );
    return customer;
  }
}

/** The customer as recorded after Partner Center said it accepted, or `undefined` when it did not. */
async function acceptanceAtPartnerCenter(
  { customers, agreements, partnerCenter, clock }: ReadCustomerDependencies,
  customer: CustomerDocument,
  partnerCenterCustomerId: string,
  correlationId: string,
): Promise<CustomerDocument | undefined> {
  const context = { correlationId };
  const now = clock.now();
  const stamp = { updatedAt: now.toISOString(), correlationId };
  const latest = (await partnerCenter.listMcaAgreements(partnerCenterCustomerId, context))
    .sort((a, b) => utcDateTimeOf(a.dateAgreed).localeCompare(utcDateTimeOf(b.dateAgreed)))
    .at(-1);
  if (latest) {
    const found = agreementFoundAtPartnerCenter(
      { customerId: customer.customerId, partnerCenterCustomerId, correlationId, now },
      latest,
    );
    // 'exists': we hold this contact's agreement already; the summary points at it either way.
    await agreements.create(found);
    return customers.update(customer.customerId, (current) =>
      current.mca.accepted ? undefined : { ...current, mca: mcaSummaryOf(found), ...stamp },
    );
  }
  if (!(await partnerCenter.isDirectlySigned(partnerCenterCustomerId, context))) return undefined;
  // A direct signature has no agreement record at Partner Center to copy: the summary alone says it.
  return customers.update(customer.customerId, (current) =>
    current.mca.accepted ? undefined : { ...current, mca: { accepted: true }, ...stamp },
  );
}
