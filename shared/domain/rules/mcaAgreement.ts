import { createHash } from 'node:crypto';

import { type AgreementDocument, type Contact, mcaAgreement } from '../documents/documents';
import { AppError } from '../errors';

/** Microsoft's public page of the Microsoft Customer Agreement, linked from every agreement we record. */
export const mcaAgreementLink = 'https://www.microsoft.com/licensing/docs/customeragreement';

/** The same person written with other spacing or letter case is the same contact. */
export function normaliseContact(contact: Contact): string {
  const text = (value: string | undefined) => (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  return [
    text(contact.firstName),
    text(contact.lastName),
    text(contact.email),
    (contact.phoneNumber ?? '').replace(/[^0-9+]/g, ''),
  ].join('\n');
}

/**
 * A partner attestation's id is derived from the contact, so recording the same contact twice is a create
 * conflict (Partner Center 600061) by construction, while a changed contact is a new, valid attestation.
 */
export function partnerAttestationId(contact: Contact): string {
  return `mca-attestation-${createHash('sha256').update(normaliseContact(contact)).digest('hex').slice(0, 40)}`;
}

/** A direct acceptance is one per invitation: accepting the same invitation again can never add a second. */
export function directAcceptanceId(invitationId: string): string {
  return `mca-acceptance-${invitationId.slice(0, 40)}`;
}

export function assertDateAgreedNotInFuture(dateAgreed: string, now: Date, pointer: string): void {
  if (Date.parse(dateAgreed) > now.getTime()) {
    throw new AppError('InvalidRequest', 'dateAgreed cannot be in the future.', [
      { pointer, detail: 'must not be in the future' },
    ]);
  }
}

interface AgreementFacts {
  customerId: string;
  primaryContact: Contact;
  dateAgreed: string;
  correlationId: string;
  now: Date;
}

export function newPartnerAttestation(facts: AgreementFacts & { userId: string }): AgreementDocument {
  return {
    id: partnerAttestationId(facts.primaryContact),
    customerId: facts.customerId,
    docType: 'agreement',
    type: mcaAgreement.type,
    templateId: mcaAgreement.templateId,
    dateAgreed: facts.dateAgreed,
    primaryContact: facts.primaryContact,
    userId: facts.userId,
    method: 'partnerAttestation',
    agreementLink: mcaAgreementLink,
    createdAt: facts.now.toISOString(),
    correlationId: facts.correlationId,
  };
}

export function newDirectAcceptance(facts: AgreementFacts & { invitationId: string }): AgreementDocument {
  return {
    id: directAcceptanceId(facts.invitationId),
    customerId: facts.customerId,
    docType: 'agreement',
    type: mcaAgreement.type,
    templateId: mcaAgreement.templateId,
    dateAgreed: facts.dateAgreed,
    primaryContact: facts.primaryContact,
    userId: facts.primaryContact.email,
    method: 'customerDirectAcceptance',
    agreementLink: mcaAgreementLink,
    createdAt: facts.now.toISOString(),
    correlationId: facts.correlationId,
  };
}

/** The customer summary after an agreement: accepted, pointing at the latest agreement. */
export function mcaSummaryOf(agreement: Pick<AgreementDocument, 'id' | 'dateAgreed'>) {
  return { accepted: true, agreementId: agreement.id, dateAgreed: agreement.dateAgreed };
}
