import { type Contact, type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { partnerCenterDateAgreed } from '../domain/rules/mcaAgreement';
import { type McaPort } from '../gateways/partnerCenter/ports';
import { type AgreementRepository } from './agreementRepository';
import { currentMcaTemplateId } from './mcaTemplate';

export interface ConfirmMcaAtPartnerCenterInput {
  customer: CustomerDocument;
  partnerCenterCustomerId: string;
  /** An acceptance given with the request (a purchase's attestation); else the one the service holds. */
  attestation?: { primaryContact: Contact; dateAgreed: string } | undefined;
  /** The step key of the attestation, so a repeat is the same request (same MS-RequestId). */
  stepKey: string;
  correlationId: string;
}

/**
 * Makes sure Partner Center holds the customer's MCA, which it needs to sell the Azure plan and to transition from
 * 0145P: nothing to do when it has an MCA record or the customer signed directly; else the acceptance the service
 * holds (given with the request, recorded by the invitation link or an attestation, or the summary on a customer
 * recorded as accepted before agreements were kept apart) is attested there. `attested` says whether it was posted.
 * Without any acceptance it throws `McaNotAccepted`.
 */
export async function confirmMcaAtPartnerCenter(
  deps: { agreements: Pick<AgreementRepository, 'list'>; partnerCenter: McaPort },
  input: ConfirmMcaAtPartnerCenterInput,
): Promise<{ attested: boolean }> {
  const { agreements, partnerCenter } = deps;
  const { customer, partnerCenterCustomerId: pcId } = input;
  const context = { correlationId: input.correlationId };
  if ((await partnerCenter.listMcaAgreements(pcId, context)).length > 0) return { attested: false };
  if (await partnerCenter.isDirectlySigned(pcId, context)) return { attested: false };
  const acceptance =
    input.attestation ??
    (await agreements.list(customer.customerId)).at(-1) ??
    (customer.mca.accepted
      ? { primaryContact: customer.primaryContact, dateAgreed: customer.mca.dateAgreed ?? customer.createdAt }
      : undefined);
  if (!acceptance) {
    throw new AppError(
      'McaNotAccepted',
      `Customer ${customer.customerId} has not accepted the Microsoft Customer Agreement.`,
    );
  }
  const templateId = await currentMcaTemplateId(partnerCenter, context);
  await partnerCenter.createAttestation(
    pcId,
    {
      templateId,
      dateAgreed: partnerCenterDateAgreed(acceptance.dateAgreed),
      primaryContact: acceptance.primaryContact,
    },
    { ...context, stepKey: input.stepKey },
  );
  return { attested: true };
}
