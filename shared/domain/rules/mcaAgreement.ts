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

/**
 * A date-time as UTC ISO. Partner Center writes `dateAgreed` without an offset (`2019-08-26T00:00:00`), meaning
 * UTC; reading it as local time would move it to another day on a machine east or west of Greenwich.
 */
export function utcDateTimeOf(value: string): string {
  const withZone =
    value.length === 10 ? `${value}T00:00:00Z` : /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const parsed = new Date(withZone);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

/** Midnight UTC of the acceptance day, as Partner Center wants `dateAgreed` (later today is "in the future"). */
export function partnerCenterDateAgreed(dateAgreed: string): string {
  return `${utcDateTimeOf(dateAgreed).slice(0, 10)}T00:00:00Z`;
}

/** An agreement as Partner Center lists it (`GET /v1/customers/{id}/agreements`). */
export interface PartnerCenterAgreementFacts {
  primaryContact: { firstName: string; lastName: string; email: string; phoneNumber?: string | undefined };
  templateId: string;
  dateAgreed: string;
  type: string;
  userId?: string | null | undefined;
  agreementLink?: string | undefined;
}

/**
 * Partner Center gives agreements no id, so one of ours and one of theirs are the same acceptance when the same
 * person agreed on the same day (Partner Center keeps the day only; it may change the contact's letter case).
 */
export function isSameAcceptance(
  ours: Pick<AgreementDocument, 'primaryContact' | 'dateAgreed'>,
  theirs: Pick<PartnerCenterAgreementFacts, 'primaryContact' | 'dateAgreed'>,
): boolean {
  return (
    normaliseContact(ours.primaryContact) === normaliseContact(theirs.primaryContact) &&
    utcDateTimeOf(ours.dateAgreed).slice(0, 10) === utcDateTimeOf(theirs.dateAgreed).slice(0, 10)
  );
}

/** Shown as `userId` of an agreement Partner Center holds but the service did not record (no partner user known). */
export const attestedOutsideTheService = 'partnerCenter';

/**
 * Our record of an agreement found at Partner Center (attested elsewhere, e.g. in the Partner Center portal): a
 * partner attestation, keyed by the contact like ours, so attesting the same contact later is a conflict.
 */
export function agreementFoundAtPartnerCenter(
  facts: { customerId: string; partnerCenterCustomerId: string; correlationId: string; now: Date },
  agreement: PartnerCenterAgreementFacts,
): AgreementDocument {
  const primaryContact = contactOf(agreement.primaryContact);
  return {
    id: partnerAttestationId(primaryContact),
    customerId: facts.customerId,
    docType: 'agreement',
    type: mcaAgreement.type,
    templateId: agreement.templateId,
    dateAgreed: utcDateTimeOf(agreement.dateAgreed),
    primaryContact,
    userId: agreement.userId ?? attestedOutsideTheService,
    method: 'partnerAttestation',
    agreementLink: agreement.agreementLink ?? mcaAgreementLink,
    createdAt: facts.now.toISOString(),
    correlationId: facts.correlationId,
    partnerCenter: partnerCenterPartOf(facts.partnerCenterCustomerId, agreement),
  };
}

/** What the agreement document keeps of Partner Center's answer. */
export function partnerCenterPartOf(
  partnerCenterCustomerId: string,
  agreement: PartnerCenterAgreementFacts,
): NonNullable<AgreementDocument['partnerCenter']> {
  return {
    customerId: partnerCenterCustomerId,
    templateId: agreement.templateId,
    dateAgreed: agreement.dateAgreed,
    ...(agreement.userId ? { userId: agreement.userId } : {}),
  };
}

function contactOf(contact: PartnerCenterAgreementFacts['primaryContact']): Contact {
  return {
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    ...(contact.phoneNumber ? { phoneNumber: contact.phoneNumber } : {}),
  };
}
