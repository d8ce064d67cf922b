import { type AgreementRepository } from '../agreements/agreementRepository';
import { type CustomerRepository } from '../customers/customerRepository';
import { type AgreementDocument, type Contact } from '../domain/documents/documents';
import { type InvitationDocument, isInvitationOpen } from '../domain/documents/invitation';
import { AppError } from '../domain/errors';
import { directAcceptanceId, newDirectAcceptance } from '../domain/rules/mcaAgreement';
import { type Clock } from '../platform/clock';
import { type InvitationRepository } from './invitationRepository';
import { invitationIdOf, invitationTokenPattern } from './invitationToken';

export interface InvitationAcceptanceDependencies {
  invitations: Pick<InvitationRepository, 'get' | 'replace'>;
  agreements: Pick<AgreementRepository, 'create'>;
  customers: Pick<CustomerRepository, 'recordMcaAcceptance'>;
  clock: Clock;
}

/**
 * Lets the invitation's waiting purchase go on; absent when the purchase itself is the one reading. False when the
 * wake-up could not be delivered: the acceptance then stays unmarked, so the reconciliation timer tries again.
 */
export type WakePurchase = (invitation: InvitationDocument, agreement: AgreementDocument) => Promise<boolean>;

/**
 * The customer's acceptance of the MCA through the link of an invitation, in two steps so that no crash can lose it:
 *
 * 1. the claim: one conditional write marks the invitation accepted and stores who accepted and when. Of two
 *    acceptances of the same link, the one whose write lands first wins; the link is single use from here on;
 * 2. the record: the agreement (its id derives from the invitation), the customer's MCA summary, the purchase's
 *    wake-up, then a mark on the invitation that all of it was done. Each write is safe to repeat.
 *
 * A process that dies between the two leaves an accepted invitation without its record. Whoever meets it next
 * finishes the record from what the claim stored: the same link used again (answered 410 all the same), the
 * waiting purchase when it re-reads the truth, or the reconciliation timer.
 */
export function createInvitationAcceptance({
  invitations,
  agreements,
  customers,
  clock,
}: InvitationAcceptanceDependencies) {
  /**
   * Records an accepted invitation's agreement and lets its purchase go on; safe to repeat. `undefined` for an
   * invitation accepted before acceptances stored who accepted (nothing to rebuild the agreement from).
   */
  async function recordAcceptance(
    invitation: InvitationDocument,
    wakePurchase?: WakePurchase,
  ): Promise<AgreementDocument | undefined> {
    if (invitation.status !== 'accepted' || !invitation.acceptedBy || !invitation.acceptedAt)
      return undefined;
    const correlationId = invitation.correlationId ?? invitation.purchaseId;
    const agreement = newDirectAcceptance({
      customerId: invitation.customerId,
      invitationId: invitation.id,
      primaryContact: invitation.acceptedBy,
      dateAgreed: invitation.acceptedAt,
      correlationId,
      now: new Date(invitation.acceptedAt),
    });
    const created = await agreements.create(agreement);
    const recorded = created === 'exists' ? agreement : created;
    const now = clock.now();
    await customers.recordMcaAcceptance(recorded, { now, correlationId });
    const woken = (await wakePurchase?.(invitation, recorded)) ?? true;
    if (woken && invitation.acceptanceRecordedAt === undefined) {
      // Losing this race only means another finisher marked it first.
      await invitations.replace({ ...invitation, acceptanceRecordedAt: now.toISOString() });
    }
    return recorded;
  }

  return {
    recordAcceptance,

    /**
     * Accepts the invitation behind `token` for `contact`, dated now. Unknown token: InvitationNotFound; expired,
     * cancelled or already used: InvitationExpired (after finishing a used link's record if a crash cut it short).
     */
    async accept(
      token: string,
      contact: Contact,
      correlationId: string,
      wakePurchase: WakePurchase,
    ): Promise<AgreementDocument> {
      const invitation = invitationTokenPattern.test(token)
        ? await invitations.get(invitationIdOf(token))
        : undefined;
      if (invitation === undefined) {
        throw new AppError('InvitationNotFound', 'This invitation link is not valid.');
      }
      const expired = new AppError(
        'InvitationExpired',
        'This invitation has expired or was already used; ask your partner for a new one.',
      );
      const now = clock.now();
      if (!isInvitationOpen(invitation, now)) {
        if (invitation.acceptanceRecordedAt === undefined) {
          await recordAcceptance(invitation, wakePurchase);
        }
        throw expired;
      }
      const claimed = await invitations.replace({
        ...invitation,
        status: 'accepted',
        acceptedAt: now.toISOString(),
        acceptedBy: contact,
        agreementId: directAcceptanceId(invitation.id),
        correlationId,
      });
      if (claimed === 'changed') throw expired;
      const recorded = await recordAcceptance(claimed, wakePurchase);
      if (recorded === undefined)
        throw new Error(`Invitation ${invitation.id} was claimed without its acceptance`);
      return recorded;
    },
  };
}

export type InvitationAcceptance = ReturnType<typeof createInvitationAcceptance>;
