import { type CustomerRepository } from '../customers/customerRepository';
import { partnerCenterCustomerIdOf } from '../customers/partnerCenterCustomerId';
import { requireCustomer } from '../customers/requireCustomer';
import { type AgreementDocument, type Contact, type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import {
  assertDateAgreedNotInFuture,
  isSameAcceptance,
  mcaSummaryOf,
  newPartnerAttestation,
  partnerCenterDateAgreed,
  partnerCenterPartOf,
} from '../domain/rules/mcaAgreement';
import { PartnerCenterError } from '../gateways/partnerCenter/partnerCenterError';
import { type CustomersPort, type McaPort } from '../gateways/partnerCenter/ports';
import { type Agreement as PartnerCenterAgreement } from '../gateways/partnerCenter/schemas';
import { type Clock } from '../platform/clock';
import { type AgreementRepository } from './agreementRepository';
import { currentMcaTemplateId } from './mcaTemplate';

export interface AttestAgreementDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  agreements: Pick<AgreementRepository, 'create' | 'list'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> &
    Pick<McaPort, 'getMcaMetadata' | 'createAttestation' | 'listMcaAgreements'>;
  clock: Clock;
}

export interface AttestationFacts {
  customerId: string;
  primaryContact: Contact;
  dateAgreed: string;
  /** The signed-in partner user who confirms. */
  userId: string;
  correlationId: string;
}

export interface Attested {
  agreement: AgreementDocument;
  /** The customer's running purchase, which may be waiting for this acceptance. */
  workInProgressId: string | undefined;
}

/**
 * The partner confirms the customer's MCA acceptance: posted to Partner Center at once (the customer linked there
 * first if it is not yet), then recorded with what Partner Center answered. Safe to repeat: the step has one
 * MS-RequestId, and a repeat that meets Partner Center's 600061 after an attempt that committed there but did not
 * get as far as our record adopts Partner Center's agreement (same contact, same day) and ends 201, once.
 */
export async function attestAgreement(
  { customers, agreements, partnerCenter, clock }: AttestAgreementDependencies,
  facts: AttestationFacts,
): Promise<Attested> {
  const customer = await requireCustomer(customers, facts.customerId);
  if (customer.relationship === 'indirectReseller') {
    throw new AppError(
      'ResellerCannotAttest',
      `Customer ${customer.customerId} is served by an indirect reseller; its indirect provider must confirm the acceptance.`,
    );
  }
  const now = clock.now();
  assertDateAgreedNotInFuture(facts.dateAgreed, now, '/dateAgreed');
  const draft = newPartnerAttestation({ ...facts, customerId: customer.customerId, now });

  const recorded = (await agreements.list(customer.customerId)).find((record) => record.id === draft.id);
  if (recorded) {
    // An earlier attempt may have stopped between the agreement and the customer's summary.
    if (!customer.mca.accepted) await recordOnCustomer(customers, recorded, undefined, facts, now);
    throw alreadyExists();
  }

  const partnerCenterCustomerId = await partnerCenterCustomerIdOf(
    { customers, partnerCenter },
    customer,
    facts.correlationId,
  );
  const atPartnerCenter = await postAttestation(partnerCenter, partnerCenterCustomerId, draft, facts);

  const created = await agreements.create({
    ...draft,
    templateId: atPartnerCenter.templateId,
    partnerCenter: partnerCenterPartOf(partnerCenterCustomerId, atPartnerCenter),
  });
  // Two identical attestations at once: both meet the same agreement at Partner Center, one records it.
  if (created === 'exists') throw alreadyExists();
  const updated = await recordOnCustomer(customers, created, partnerCenterCustomerId, facts, now);
  return { agreement: created, workInProgressId: updated?.workInProgress?.id };
}

async function postAttestation(
  partnerCenter: AttestAgreementDependencies['partnerCenter'],
  partnerCenterCustomerId: string,
  draft: AgreementDocument,
  facts: AttestationFacts,
): Promise<PartnerCenterAgreement> {
  const context = { correlationId: facts.correlationId };
  const dateAgreed = partnerCenterDateAgreed(draft.dateAgreed);
  const templateId = await currentMcaTemplateId(partnerCenter, context);
  try {
    return await partnerCenter.createAttestation(
      partnerCenterCustomerId,
      { templateId, dateAgreed, primaryContact: draft.primaryContact },
      { ...context, stepKey: `customer:${draft.customerId}:attest:${draft.id}:${dateAgreed.slice(0, 10)}` },
    );
  } catch (error) {
    if (!(error instanceof PartnerCenterError) || error.partnerCenterCode !== 600061) throw error;
    // Partner Center holds this contact already. The same day means the same acceptance: an earlier attempt of
    // this request (or someone at Partner Center) attested it and we have no record yet, so we take theirs.
    const existing = (await partnerCenter.listMcaAgreements(partnerCenterCustomerId, context)).find(
      (agreement) => isSameAcceptance(draft, agreement),
    );
    if (existing) return existing;
    throw error;
  }
}

function recordOnCustomer(
  customers: AttestAgreementDependencies['customers'],
  agreement: AgreementDocument,
  partnerCenterCustomerId: string | undefined,
  facts: AttestationFacts,
  now: Date,
): Promise<CustomerDocument | undefined> {
  return customers.update(agreement.customerId, (customer) => ({
    ...customer,
    mca: mcaSummaryOf(agreement),
    ...(customer.partnerCenterCustomerId || !partnerCenterCustomerId ? {} : { partnerCenterCustomerId }),
    updatedAt: now.toISOString(),
    correlationId: facts.correlationId,
  }));
}

function alreadyExists(): AppError {
  return new AppError(
    'AgreementAlreadyExists',
    'A partner-confirmed agreement with this contact already exists; change the contact to attest again.',
  );
}
