import { type AgreementRepository } from '../agreements/agreementRepository';
import { type CustomerDocument } from '../domain/documents/documents';
import { agreementFoundAtPartnerCenter, mcaSummaryOf, utcDateTimeOf } from '../domain/rules/mcaAgreement';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import { type McaPort } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import { type CustomerRepository } from './customerRepository';

/** Where the MCA status comes from: our record, Partner Center, and where what Partner Center says is recorded. */
export interface McaFromPartnerCenterDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  agreements: Pick<AgreementRepository, 'create'>;
  partnerCenter: Pick<McaPort, 'listMcaAgreements' | 'isDirectlySigned'>;
  clock: Clock;
  log: { warn(message: string): void };
}

/**
 * The customer, its MCA summary brought up to date from Partner Center when our record does not say accepted
 * (an agreement attested elsewhere, a direct signature) and recorded. Unchanged when it is accepted already, not
 * linked to Partner Center yet, or when Partner Center cannot be asked (logged; our record stands).
 */
export async function withMcaFromPartnerCenter(
  dependencies: McaFromPartnerCenterDependencies,
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
  { customers, agreements, partnerCenter, clock }: McaFromPartnerCenterDependencies,
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
