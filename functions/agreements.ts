import { z } from 'zod';

import { type Services } from '../shared/compositionRoot';
import { agreementSchema, attestationRequestSchema, toAgreement } from '../shared/domain/api/agreement';
import { collectionSchema, toCollection } from '../shared/domain/api/collection';
import { mcaAgreement } from '../shared/domain/documents/documents';
import { AppError } from '../shared/domain/errors';
import { assertDateAgreedNotInFuture, newPartnerAttestation } from '../shared/domain/rules/mcaAgreement';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';
import { continueWaitingPurchase } from '../shared/purchases/continueWaitingPurchase';

const customerParams = z.strictObject({ customerId: idParameter });

export const attestAgreementEndpoint = endpoint({
  name: 'attestAgreement',
  method: 'POST',
  route: 'customers/{customerId}/agreements',
  summary: "Confirms the customer's acceptance of the Microsoft Customer Agreement (partner attestation).",
  description:
    'Records who at the customer accepted and when (never in the future); `userId` is the signed-in partner ' +
    'user. The same contact again is 409 AgreementAlreadyExists (Partner Center 600061); a changed contact is a ' +
    'valid re-attestation. An indirect reseller cannot attest (its indirect provider must). A purchase of the ' +
    'customer that waits for a signature goes on at once.',
  tags: ['Agreements'],
  access: { action: 'attestMca' },
  params: customerParams,
  body: attestationRequestSchema,
  idempotent: true,
  durableClient: true,
  responses: { 201: { description: 'The agreement was recorded.', schema: agreementSchema } },
  errors: ['CustomerNotFound', 'ResellerCannotAttest', 'AgreementAlreadyExists'],
  uses: (services: Services) => ({
    customers: services.repositories.customers,
    agreements: services.repositories.agreements,
    clock: services.clock,
  }),
  handler: async ({ params, body, caller, correlationId, deps, workflows, context }) => {
    const { customers, agreements, clock } = deps;
    const customer = await customers.get(params.customerId);
    if (customer === undefined) {
      throw new AppError('CustomerNotFound', `There is no customer ${params.customerId}.`);
    }
    if (customer.relationship === 'indirectReseller') {
      throw new AppError(
        'ResellerCannotAttest',
        `Customer ${customer.customerId} is served by an indirect reseller; its indirect provider must confirm the acceptance.`,
      );
    }
    const now = clock.now();
    assertDateAgreedNotInFuture(body.dateAgreed, now, '/dateAgreed');

    const created = await agreements.create(
      newPartnerAttestation({
        customerId: customer.customerId,
        primaryContact: body.primaryContact,
        dateAgreed: body.dateAgreed,
        userId: caller.userId,
        correlationId,
        now,
      }),
    );
    if (created === 'exists') {
      throw new AppError(
        'AgreementAlreadyExists',
        'A partner-confirmed agreement with this contact already exists; change the contact to attest again.',
      );
    }
    const updated = await customers.recordMcaAcceptance(created, { now, correlationId });
    await continueWaitingPurchase(workflows, updated?.workInProgress?.id, created, context);
    return {
      status: 201,
      body: toAgreement(created),
      headers: { location: `/api/customers/${customer.customerId}/agreements` },
    };
  },
});

export const listAgreementsEndpoint = endpoint({
  name: 'listAgreements',
  method: 'GET',
  route: 'customers/{customerId}/agreements',
  summary: "Lists the customer's agreements.",
  description:
    'The Microsoft Customer Agreement acceptances recorded for the customer, whether attested by the partner or accepted by the customer through an invitation. Filter with `agreementType`.',
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
    200: { description: 'The agreements.', schema: collectionSchema(agreementSchema, 'AgreementCollection') },
  },
  errors: ['CustomerNotFound'],
  uses: (services: Services) => ({
    customers: services.repositories.customers,
    agreements: services.repositories.agreements,
  }),
  handler: async ({ params, query, deps }) => {
    const customer = await deps.customers.get(params.customerId);
    if (customer === undefined) {
      throw new AppError('CustomerNotFound', `There is no customer ${params.customerId}.`);
    }
    const type = query.agreementType ?? mcaAgreement.type;
    const agreements = await deps.agreements.list(customer.customerId, type);
    return { status: 200, body: toCollection(agreements.map(toAgreement)) };
  },
});
