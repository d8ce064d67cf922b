import { z } from 'zod';

import { contactSchema } from './documents';

/**
 * An MCA invitation (`invitations` container). Its id is the SHA-256 of the token sent to the customer: the token
 * itself is never stored, so reading the store does not let anyone accept on the customer's behalf.
 */
export const invitationDocumentSchema = z.object({
  id: z.string(),
  docType: z.literal('mcaInvitation'),
  customerId: z.string(),
  purchaseId: z.string(),
  email: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(['pending', 'accepted', 'expired', 'cancelled']),
  acceptedAt: z.string().optional(),
  /**
   * Who accepted, written with the acceptance itself: the claim of the link alone holds everything the agreement
   * is made of, so an acceptance cut short after the claim can be finished later (shared/invitations).
   */
  acceptedBy: contactSchema.optional(),
  agreementId: z.string().optional(),
  /** When the agreement, the customer's MCA summary and the purchase's wake-up were all done. */
  acceptanceRecordedAt: z.string().optional(),
  correlationId: z.string().optional(),
  _etag: z.string().optional(),
});
export type InvitationDocument = z.infer<typeof invitationDocumentSchema>;

/** An invitation can be accepted while it is pending and before it expires. */
export function isInvitationOpen(invitation: InvitationDocument, now: Date): boolean {
  return invitation.status === 'pending' && now.getTime() < Date.parse(invitation.expiresAt);
}
