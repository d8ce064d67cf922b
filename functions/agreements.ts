import { z } from 'zod';

import { continueWaitingPurchase } from '../orchestrations/purchase/continueWaitingPurchase';
import { attestAgreement, type AttestAgreementDependencies } from '../shared/agreements/attestAgreement';
import { listAgreements, type ListAgreementsDependencies } from '../shared/agreements/listAgreements';
import { agreementSchema, attestationRequestSchema, toAgreement } from '../shared/domain/api/agreement';
import { collectionSchema, toCollection } from '../shared/domain/api/collection';
import { mcaAgreement } from '../shared/domain/documents/documents';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });

export const attestAgreementEndpoint = (deps: AttestAgreementDependencies) =>
  endpoint({
    name: 'attestAgreement',
    method: 'POST',
    route: 'customers/{customerId}/agreements',
    summary: "Confirms the customer's acceptance of the Microsoft Customer Agreement (partner attestation).",
    description:
      'Records who at the customer accepted and when (never in the future); `userId` is the signed-in partner ' +
      'user. The same contact again is 409 AgreementAlreadyExists (Partner Center 600061); a changed contact is a ' +
      'valid re-attestation. An indirect reseller cannot attest (its indirect provider must). The attestation is ' +
      'posted to Partner Center at once (the MCA template from its metadata, `dateAgreed` as midnight UTC of the ' +
      'day; a customer not yet in Partner Center is linked or created there first), then recorded. Repeating a ' +
      'request whose answer was lost is safe: it ends with one agreement. When Partner Center cannot be reached ' +
      'nothing is recorded: 503 with Retry-After. A purchase of the customer that waits for a signature goes on ' +
      'at once.',
    tags: ['Agreements'],
    access: { action: 'attestMca' },
    params: customerParams,
    body: attestationRequestSchema,
    idempotent: true,
    durableClient: true,
    responses: { 201: { description: 'The agreement was recorded.', schema: agreementSchema } },
    errors: [
      'CustomerNotFound',
      'CustomerNotLinked',
      'ResellerCannotAttest',
      'AgreementAlreadyExists',
      'ConcurrentUpdate',
      'PartnerCenterRejected',
      'PartnerCenterUnavailable',
      'PartnerCenterConsentRequired',
    ],
    handler: async ({ params, body, caller, correlationId, workflows, context }) => {
      const { agreement, workInProgressId } = await attestAgreement(deps, {
        customerId: params.customerId,
        primaryContact: body.primaryContact,
        dateAgreed: body.dateAgreed,
        userId: caller.userId,
        correlationId,
      });
      await continueWaitingPurchase(workflows, workInProgressId, agreement, context);
      return {
        status: 201,
        body: toAgreement(agreement),
        headers: { location: `/api/customers/${agreement.customerId}/agreements` },
      };
    },
  });

export const listAgreementsEndpoint = (deps: ListAgreementsDependencies) =>
  endpoint({
    name: 'listAgreements',
    method: 'GET',
    route: 'customers/{customerId}/agreements',
    summary: "Lists the customer's agreements.",
    description:
      "The customer's Microsoft Customer Agreement acceptances as Partner Center holds them, each joined with the " +
      "service's record of it (`method`, `userId` of the partner user, our `id`); an agreement attested outside " +
      'the service has `userId` `partnerCenter`. Acceptances the service recorded that Partner Center does not ' +
      'hold yet (an invitation accepted through our link, posted by the purchase) are listed too; a customer not ' +
      "yet linked to Partner Center lists the service's records. A customer's direct signature at Microsoft has " +
      'no agreement record (see `mcaAccepted` of the customer). Partner Center unreachable: 503 with Retry-After. ' +
      'Filter with `agreementType`.',
    tags: ['Agreements'],
    access: { action: 'read' },
    params: customerParams,
    query: z.object({
      agreementType: z
        .string()
        .max(100)
        .optional()
        .meta({
          description: `Only agreements of this type, e.g. \`${mcaAgreement.type}\` (the only one recorded).`,
        }),
    }),
    responses: {
      200: {
        description: 'The agreements.',
        schema: collectionSchema(agreementSchema, 'AgreementCollection'),
      },
    },
    errors: [
      'CustomerNotFound',
      'PartnerCenterRejected',
      'PartnerCenterUnavailable',
      'PartnerCenterConsentRequired',
    ],
    handler: async ({ params, query, correlationId }) => {
      const agreements = await listAgreements(
        deps,
        params.customerId,
        query.agreementType ?? mcaAgreement.type,
        correlationId,
      );
      return { status: 200, body: toCollection(agreements) };
    },
  });
