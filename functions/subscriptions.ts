import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type CommerceServices } from '../shared/commerce/commerceServices';
import { azureEntitlementRequestSchema, azureEntitlementSchema } from '../shared/domain/api/azureEntitlement';
import { collectionSchema } from '../shared/domain/api/collection';
import { legacySubscriptionUpdateSchema } from '../shared/domain/api/legacyOffer';
import { subscriptionSchema } from '../shared/domain/api/subscription';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';
import { idForIdempotentRequest } from '../shared/platform/http/idempotency';
import { acceptedResponse, answerOperation, microsoftErrors } from './commerceOperations';

const customerParams = z.strictObject({ customerId: idParameter });
const subscriptionParams = z.strictObject({ customerId: idParameter, subscriptionId: idParameter });

export const listSubscriptionsEndpoint = (deps: Pick<CommerceServices, 'holdings'>) =>
  endpoint({
    name: 'listSubscriptions',
    method: 'GET',
    route: 'customers/{customerId}/subscriptions',
    summary: "Lists the customer's subscriptions: the Azure plan, Microsoft Azure (0145P) and reservations.",
    description:
      'The Azure plan appears with `billingType: "usage"`; a 0145P subscription shows the Azure subscription it bills ' +
      '(`azureSubscriptionId`) and, after the transition, is suspended with the entitlement it moved to; a reservation ' +
      'carries the `orderId` of the order that bought it. Oldest first.',
    tags: ['Subscriptions'],
    access: { action: 'read' },
    params: customerParams,
    responses: {
      200: {
        description: 'The subscriptions.',
        schema: collectionSchema(subscriptionSchema, 'Subscriptions'),
      },
    },
    errors: ['CustomerNotFound', ...microsoftErrors],
    handler: async ({ params, correlationId }) => ({
      status: 200,
      body: await deps.holdings.listSubscriptions(params.customerId, correlationId),
    }),
  });

export const listAzureEntitlementsEndpoint = (deps: Pick<CommerceServices, 'holdings'>) =>
  endpoint({
    name: 'listAzureEntitlements',
    method: 'GET',
    route: 'customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
    summary: 'Lists the Azure subscriptions (Azure entitlements) under an Azure plan.',
    description:
      "The Azure subscriptions billed under the customer's Azure plan, including the one the purchase created and those a transition moved in. 404 when the customer or the subscription does not exist.",
    tags: ['Subscriptions'],
    access: { action: 'read' },
    params: subscriptionParams,
    responses: {
      200: {
        description: 'The Azure subscriptions under the plan, oldest first.',
        schema: collectionSchema(azureEntitlementSchema, 'AzureEntitlements'),
      },
    },
    errors: ['CustomerNotFound', 'SubscriptionNotFound', ...microsoftErrors],
    handler: async ({ params, correlationId }) => ({
      status: 200,
      body: await deps.holdings.listAzureEntitlements(
        params.customerId,
        params.subscriptionId,
        correlationId,
      ),
    }),
  });

export const addAzureEntitlementEndpoint = (
  deps: Pick<CommerceServices, 'azureSubscriptions' | 'operations'>,
) =>
  endpoint({
    name: 'addAzureEntitlement',
    method: 'POST',
    route: 'customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
    summary: 'Adds an Azure subscription under the Azure plan (Admin agents: admin on behalf of, AOBO).',
    description:
      'Each call creates a new Azure subscription with its own id under the plan; a plan holds many. The plan must be ' +
      "the customer's and active (AzurePlanNotActive otherwise). Send an Idempotency-Key so that a retry does not add a " +
      'second subscription.',
    tags: ['Subscriptions'],
    access: { action: 'manageAzureSubscriptions' },
    params: subscriptionParams,
    body: azureEntitlementRequestSchema,
    idempotent: true,
    responses: {
      201: {
        description: 'The new Azure subscription (Microsoft finished within the request).',
        schema: azureEntitlementSchema,
      },
      202: acceptedResponse,
    },
    errors: ['CustomerNotFound', 'AzurePlanNotActive', ...microsoftErrors],
    handler: async ({ params, body, caller, correlationId, request }) => {
      const operation = await deps.azureSubscriptions.start({
        customerId: params.customerId,
        planSubscriptionId: params.subscriptionId,
        friendlyName: body.friendlyName,
        ...(body.resellerId ? { resellerId: body.resellerId } : {}),
        operationId: idForIdempotentRequest(request, caller.userId, randomUUID),
        correlationId,
      });
      return answerOperation(operation, deps.operations, correlationId, (view) => ({
        status: 201,
        body: view.azureEntitlement,
      }));
    },
  });

export const updateSubscriptionEndpoint = (deps: Pick<CommerceServices, 'subscriptionUpdates'>) =>
  endpoint({
    name: 'updateSubscription',
    method: 'PATCH',
    route: 'customers/{customerId}/subscriptions/{subscriptionId}',
    summary: 'Suspends, reactivates or renames a Microsoft Azure (0145P) subscription.',
    description:
      'Partner Center\'s subscription update, for 0145P subscriptions: `{ "status": "suspended" | "active" }` and/or ' +
      '`{ "friendlyName": "…" }`. A suspended 0145P subscription blocks the transition to the Azure plan until it is ' +
      'reactivated; once the customer has an Azure plan, reactivating is refused with LegacyOfferNotEligibleForPurchase.',
    tags: ['Subscriptions'],
    access: { action: 'buyLegacyOffer' },
    params: subscriptionParams,
    body: legacySubscriptionUpdateSchema,
    idempotent: true,
    responses: { 200: { description: 'The updated subscription.', schema: subscriptionSchema } },
    errors: [
      'CustomerNotFound',
      'SubscriptionNotFound',
      'LegacyOfferNotEligibleForPurchase',
      'ConcurrentUpdate',
      ...microsoftErrors,
    ],
    handler: async ({ params, body, correlationId }) => ({
      status: 200,
      body: await deps.subscriptionUpdates.update({
        customerId: params.customerId,
        subscriptionId: params.subscriptionId,
        update: body,
        correlationId,
      }),
    }),
  });
