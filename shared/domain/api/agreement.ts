import { z } from 'zod';

import { type AgreementDocument, contactSchema, mcaAgreement } from '../documents/documents';
import {
  agreementFoundAtPartnerCenter,
  isSameAcceptance,
  type PartnerCenterAgreementFacts,
} from '../rules/mcaAgreement';

/**
 * `dateAgreed` as partners send it: an ISO 8601 date-time with offset, or a plain date (taken as midnight UTC).
 * Stored and returned as a UTC date-time.
 */
export const dateAgreedSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString())
  .meta({
    description: 'When the customer accepted (UTC date-time or date); never in the future.',
    example: '2026-01-05T09:00:00Z',
  });

/** The body of a partner attestation (`POST /api/customers/{customerId}/agreements`). */
export const attestationRequestSchema = z
  .strictObject({
    type: z.literal(mcaAgreement.type),
    primaryContact: contactSchema,
    dateAgreed: dateAgreedSchema,
    templateId: z
      .literal(mcaAgreement.templateId)
      .optional()
      .meta({ description: 'The MCA template id; the current one when omitted.' }),
  })
  .meta({ id: 'AgreementAttestation' });
export type AttestationRequest = z.infer<typeof attestationRequestSchema>;

/** Partner Center's Agreement, plus how it was given and an id to refer to it. */
export const agreementSchema = z
  .object({
    id: z.string(),
    type: z.literal(mcaAgreement.type),
    templateId: z.string(),
    dateAgreed: z.string(),
    primaryContact: contactSchema,
    userId: z.string().meta({
      description:
        'Who confirmed: the partner user of an attestation, the contact email of a direct acceptance.',
    }),
    method: z.enum(['partnerAttestation', 'customerDirectAcceptance']),
    agreementLink: z.string().optional(),
  })
  .meta({ id: 'Agreement' });
export type Agreement = z.infer<typeof agreementSchema>;

export function toAgreement(document: AgreementDocument): Agreement {
  return {
    id: document.id,
    type: document.type,
    templateId: document.templateId,
    dateAgreed: document.dateAgreed,
    primaryContact: document.primaryContact,
    userId: document.userId,
    method: document.method,
    ...(document.agreementLink ? { agreementLink: document.agreementLink } : {}),
  };
}

/** Facts of a record that is only shown, never stored. */
const unrecorded = { customerId: '', partnerCenterCustomerId: '', correlationId: '', now: new Date(0) };

/**
 * The customer's agreements: Partner Center's, each shown with our record of it when we have one (how it was
 * given, by whom, our id), then our records Partner Center does not hold (yet: an invitation accepted through the
 * service's link is posted there by the purchase's next step). Oldest acceptance first.
 */
export function joinAgreements(
  ours: readonly AgreementDocument[],
  atPartnerCenter: readonly PartnerCenterAgreementFacts[],
): Agreement[] {
  const unmatched = [...ours];
  const matched: Agreement[] = [];
  const foundOnlyThere: Agreement[] = [];
  for (const theirs of atPartnerCenter.filter((agreement) => agreement.type === mcaAgreement.type)) {
    const index = unmatched.findIndex((record) => isSameAcceptance(record, theirs));
    const [record] = index >= 0 ? unmatched.splice(index, 1) : [];
    if (record) matched.push(toAgreement(record));
    else foundOnlyThere.push(toAgreement(agreementFoundAtPartnerCenter(unrecorded, theirs)));
  }
  const joined = [...matched, ...unmatched.map(toAgreement)];
  const ids = new Set(joined.map((agreement) => agreement.id));
  for (const agreement of foundOnlyThere) {
    // The same contact may have agreed on two days: the day keeps the ids apart.
    const id = ids.has(agreement.id) ? `${agreement.id}-${agreement.dateAgreed.slice(0, 10)}` : agreement.id;
    ids.add(id);
    joined.push({ ...agreement, id });
  }
  return joined.sort((a, b) => a.dateAgreed.localeCompare(b.dateAgreed));
}
