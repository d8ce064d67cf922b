import { z } from 'zod';

import { type AgreementDocument, contactSchema, mcaAgreement } from '../documents/documents';

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
