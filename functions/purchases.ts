import { z } from 'zod';

import { cancelPurchase, type CancelPurchaseDependencies } from '../orchestrations/purchase/cancelPurchase';
import { purchaseSchema, readPurchase } from '../orchestrations/purchase/readPurchase';
import {
  startAzurePlanPurchase,
  type StartAzurePlanPurchaseDependencies,
} from '../orchestrations/purchase/startAzurePlanPurchase';
import { type CommerceRepository } from '../shared/commerce/commerceRepository';
import { type CustomerRepository } from '../shared/customers/customerRepository';
import { purchaseRequestSchema, purchaseStatusSchema } from '../shared/domain/api/azurePlanPurchase';
import { purchaseStatusUrl } from '../shared/domain/api/customer';
import { AppError } from '../shared/domain/errors';
import { mayPerform, permissions } from '../shared/domain/rules/roles';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';
import { idFromIdempotencyKey } from '../shared/platform/http/idempotency';

const purchaseAcceptedSchema = z
  .object({
    purchaseId: z.string(),
    status: purchaseStatusSchema,
    statusUrl: z.string().meta({ description: 'Where to follow the purchase: `GET` it.' }),
  })
  .meta({ id: 'PurchaseAccepted' });

export const startAzurePlanPurchaseEndpoint = (deps: StartAzurePlanPurchaseDependencies) =>
  endpoint({
    name: 'startAzurePlanPurchase',
    method: 'POST',
    route: 'customers/{customerId}/azure-plan/purchases',
    summary: 'Buys the Microsoft Azure plan for a customer (a durable workflow).',
    description:
      'Send `{}` when the customer has accepted the MCA (on our record, or at Partner Center: an agreement attested ' +
      'there or a direct signature, asked when our record does not say so); ' +
      '`{ "mca": { "method": "attest", … } }` to confirm the ' +
      'acceptance with the purchase (needs the AdminAgent or SalesAgent role, not for customers of an indirect ' +
      'reseller); `{ "mca": { "method": "invite", … } }` to invite the customer and wait for the signature (reminders ' +
      'every `reminderEveryHours`, default 24, one minute to 720 hours; expiry after `expiresInDays`, default 30, one ' +
      'minute to 90 days; fractions allowed, at most 2,160 reminders). A customer ' +
      'that has accepted already needs no invitation: the purchase goes straight to the order. Everything is checked ' +
      'before the workflow starts; one purchase per customer runs at a time. Follow `statusUrl` (also `Location`).',
    tags: ['Azure plan purchase'],
    access: { action: 'buyAzurePlan' },
    params: z.strictObject({ customerId: idParameter }),
    body: purchaseRequestSchema,
    idempotent: true,
    durableClient: true,
    responses: { 202: { description: 'The purchase started.', schema: purchaseAcceptedSchema } },
    errors: [
      'CustomerNotFound',
      'CountryNotAvailable',
      'AzurePlanAlreadyExists',
      'LegacySubscriptionRequiresTransition',
      'OrderInProgress',
      'McaNotAccepted',
      'ResellerCannotAttest',
    ],
    handler: async ({ params, body, caller, correlationId, workflows, request }) => {
      if (body.mca?.method === 'attest' && !mayPerform(caller, 'attestMca')) {
        throw new AppError(
          'Forbidden',
          `Confirming the MCA needs one of the roles ${permissions.attestMca.join(', ')}; invite the customer instead.`,
        );
      }
      const started = await startAzurePlanPurchase(deps, workflows, {
        customerId: params.customerId,
        mca: body.mca,
        requestedBy: { userId: caller.userId, ...(caller.name ? { name: caller.name } : {}) },
        correlationId,
        // A retry after a crash cut the first attempt short finds the customer's work in progress held by its own purchase.
        purchaseId: idFromIdempotencyKey(request, caller.userId),
      });
      const statusUrl = purchaseStatusUrl(started.purchaseId);
      return { status: 202, body: { ...started, statusUrl }, headers: { location: statusUrl } };
    },
  });

const purchaseParams = z.strictObject({ purchaseId: idParameter });

export const getPurchaseEndpoint = (deps: {
  customers: Pick<CustomerRepository, 'get'>;
  commerce: Pick<CommerceRepository, 'readOrder' | 'readSubscription'>;
}) =>
  endpoint({
    name: 'getPurchase',
    method: 'GET',
    route: 'purchases/{purchaseId}',
    summary: 'Follows an Azure plan purchase.',
    description:
      'Status: `validating`, `awaitingCustomerSignature` (with the invitation: email, expiry, reminders sent), ' +
      '`placingOrder`, then `completed` (with the order and the Azure plan subscription), `failed` (with `error`), ' +
      '`expired` (no signature before the deadline; no order) or `cancelled`.',
    tags: ['Azure plan purchase'],
    access: { action: 'read' },
    params: purchaseParams,
    durableClient: true,
    responses: { 200: { description: 'The purchase.', schema: purchaseSchema } },
    errors: ['PurchaseNotFound'],
    handler: async ({ params, workflows }) => ({
      status: 200,
      body: await readPurchase({ workflows, ...deps }, params.purchaseId),
      headers: { 'cache-control': 'no-store' },
    }),
  });

export const cancelPurchaseEndpoint = (deps: CancelPurchaseDependencies) =>
  endpoint({
    name: 'cancelPurchase',
    method: 'POST',
    route: 'purchases/{purchaseId}/cancel',
    summary: "Cancels a purchase that waits for the customer's signature.",
    description:
      'The invitation is withdrawn, nothing is bought and the purchase ends `cancelled`; the answer shows the ' +
      'status once the purchase has taken the cancellation (usually at once). A purchase in any other state answers ' +
      '409 PurchaseNotCancellable.',
    tags: ['Azure plan purchase'],
    access: { action: 'buyAzurePlan' },
    params: purchaseParams,
    durableClient: true,
    responses: { 202: { description: 'The purchase is cancelled.', schema: purchaseAcceptedSchema } },
    errors: ['PurchaseNotFound', 'PurchaseNotCancellable'],
    handler: async ({ params, workflows, correlationId }) => {
      const state = await cancelPurchase(workflows, deps, params.purchaseId, correlationId);
      const statusUrl = purchaseStatusUrl(state.purchaseId);
      return {
        status: 202,
        body: { purchaseId: state.purchaseId, status: state.status, statusUrl },
        headers: { location: statusUrl },
      };
    },
  });
