import { z } from 'zod';

import { wakePurchaseWith } from '../orchestrations/purchase/continueWaitingPurchase';
import { agreementSchema, toAgreement } from '../shared/domain/api/agreement';
import { contactSchema } from '../shared/domain/documents/documents';
import { type InvitationAcceptance } from '../shared/invitations/invitationAcceptance';
import { endpoint } from '../shared/platform/http/endpoint';

export const acceptInvitationEndpoint = (deps: { acceptance: Pick<InvitationAcceptance, 'accept'> }) =>
  endpoint({
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
    handler: async ({ params, body, correlationId, workflows, context }) => {
      const agreement = await deps.acceptance.accept(
        params.token,
        body,
        correlationId,
        wakePurchaseWith(workflows, context),
      );
      return { status: 200, body: toAgreement(agreement) };
    },
  });
