import { z } from 'zod';

import { type Services } from '../shared/compositionRoot';
import { agreementSchema, toAgreement } from '../shared/domain/api/agreement';
import { contactSchema } from '../shared/domain/documents/documents';
import { isInvitationOpen } from '../shared/domain/documents/invitation';
import { AppError } from '../shared/domain/errors';
import { newDirectAcceptance } from '../shared/domain/rules/mcaAgreement';
import { invitationIdOf, invitationTokenPattern } from '../shared/invitations/invitationToken';
import { endpoint } from '../shared/platform/http/endpoint';
import { continueWaitingPurchase } from '../shared/purchases/continueWaitingPurchase';

export const acceptInvitationEndpoint = endpoint({
  name: 'acceptInvitation',
  method: 'POST',
  route: 'invitations/{token}/accept',
  summary: 'The customer accepts the Microsoft Customer Agreement through the link of an invitation.',
  description:
    'Authorised by the unguessable token in the link alone (no credentials). Records the agreement (method ' +
    '`customerDirectAcceptance`, dated now) and lets the waiting purchase go on at once. A token is single use: ' +
    'an unknown token is 404, an expired, cancelled or already used one 410.',
  tags: ['Agreements'],
  access: 'anonymous',
  params: z.strictObject({ token: z.string().max(256) }),
  body: contactSchema.meta({ id: 'InvitationAcceptance' }),
  durableClient: true,
  responses: { 200: { description: 'The agreement.', schema: agreementSchema } },
  errors: ['InvitationNotFound', 'InvitationExpired'],
  uses: (services: Services) => ({
    invitations: services.repositories.invitations,
    agreements: services.repositories.agreements,
    customers: services.repositories.customers,
    clock: services.clock,
  }),
  handler: async ({ params, body, correlationId, deps, workflows, context }) => {
    const { invitations, agreements, customers, clock } = deps;
    const invitation = invitationTokenPattern.test(params.token)
      ? await invitations.get(invitationIdOf(params.token))
      : undefined;
    if (invitation === undefined) {
      throw new AppError('InvitationNotFound', 'This invitation link is not valid.');
    }
    const now = clock.now();
    const expired = new AppError(
      'InvitationExpired',
      'This invitation has expired or was already used; ask your partner for a new one.',
    );
    if (!isInvitationOpen(invitation, now)) throw expired;

    const agreement = newDirectAcceptance({
      customerId: invitation.customerId,
      invitationId: invitation.id,
      primaryContact: body,
      dateAgreed: now.toISOString(),
      correlationId,
      now,
    });
    // Single use: of two acceptances of the same link, the one whose conditional write lands first wins. A process
    // that dies right after this write leaves the link used without an agreement; the partner then attests or
    // invites again (the purchase expires on its own). Writing the agreement first would not close that window.
    const claimed = await invitations.replace({
      ...invitation,
      status: 'accepted',
      acceptedAt: now.toISOString(),
      agreementId: agreement.id,
      correlationId,
    });
    if (claimed === 'changed') throw expired;

    const created = await agreements.create(agreement);
    const recorded = created === 'exists' ? agreement : created;
    await customers.recordMcaAcceptance(recorded, { now, correlationId });
    await continueWaitingPurchase(workflows, invitation.purchaseId, recorded, context);
    return { status: 200, body: toAgreement(recorded) };
  },
});
