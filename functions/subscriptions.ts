import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { requireCustomer } from '../shared/customers/requireCustomer';
import {
  azureEntitlementRequestSchema,
  azureEntitlementSchema,
  newAzureEntitlement,
  toAzureEntitlement,
} from '../shared/domain/api/azureEntitlement';
import { collectionSchema, toCollection } from '../shared/domain/api/collection';
import { subscriptionSchema, toSubscription } from '../shared/domain/api/subscription';
import { AppError } from '../shared/domain/errors';
import { assertActiveAzurePlan } from '../shared/domain/rules/assertActiveAzurePlan';
import {
  legacySubscriptionUpdateSchema,
  updatedLegacySubscription,
} from '../shared/domain/rules/legacyOffer';
import { lostRace, retryOnConflict } from '../shared/platform/cosmos/retryOnConflict';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

const customerParams = z.strictObject({ customerId: idParameter });
const subscriptionParams = z.strictObject({ customerId: idParameter, subscriptionId: idParameter });

export const listSubscriptionsEndpoint = endpoint({
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
    200: { description: 'The subscriptions.', schema: collectionSchema(subscriptionSchema, 'Subscriptions') },
  },
  errors: ['CustomerNotFound'],
  handler: async ({ params, services }) => {
    await requireCustomer(services.repositories.customers, params.customerId);
    const subscriptions = await services.repositories.commerce.listSubscriptions(params.customerId);
    return { status: 200, body: toCollection(subscriptions.map(toSubscription)) };
  },
});

export const listAzureEntitlementsEndpoint = endpoint({
  name: 'listAzureEntitlements',
  method: 'GET',
  route: 'customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
  summary: 'Lists the Azure subscriptions (Azure entitlements) under an Azure plan.',
  tags: ['Subscriptions'],
  access: { action: 'read' },
  params: subscriptionParams,
  responses: {
    200: {
      description: 'The Azure subscriptions under the plan, oldest first.',
      schema: collectionSchema(azureEntitlementSchema, 'AzureEntitlements'),
    },
  },
  errors: ['CustomerNotFound', 'SubscriptionNotFound'],
  handler: async ({ params, services }) => {
    const customer = await requireCustomer(services.repositories.customers, params.customerId);
    if (customer.azurePlan?.subscriptionId !== params.subscriptionId) {
      throw new AppError(
        'SubscriptionNotFound',
        `Customer ${params.customerId} has no Azure plan subscription ${params.subscriptionId}; only an Azure plan has Azure subscriptions under it.`,
      );
    }
    const entitlements = await services.repositories.commerce.listEntitlements(
      params.customerId,
      params.subscriptionId,
    );
    return { status: 200, body: toCollection(entitlements.map(toAzureEntitlement)) };
  },
});

export const addAzureEntitlementEndpoint = endpoint({
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
  responses: { 201: { description: 'The new Azure subscription.', schema: azureEntitlementSchema } },
  errors: ['CustomerNotFound', 'AzurePlanNotActive'],
  handler: async ({ params, body, correlationId, services }) => {
    const customer = await requireCustomer(services.repositories.customers, params.customerId);
    assertActiveAzurePlan(customer, params.subscriptionId);
    const entitlement = await services.repositories.commerce.createEntitlement(
      newAzureEntitlement({
        customerId: params.customerId,
        planSubscriptionId: params.subscriptionId,
        azureSubscriptionId: randomUUID(),
        friendlyName: body.friendlyName,
        correlationId,
        now: services.clock.now(),
      }),
    );
    return { status: 201, body: toAzureEntitlement(entitlement) };
  },
});

export const updateSubscriptionEndpoint = endpoint({
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
    'OrderInProgress',
  ],
  handler: async ({ params, body, services }) => {
    const { customers, commerce } = services.repositories;
    return retryOnConflict(
      `Subscription ${params.subscriptionId}`,
      async () => {
        const customer = await requireCustomer(customers, params.customerId);
        const subscription = await commerce.readSubscription(params.customerId, params.subscriptionId);
        if (subscription === undefined) {
          throw new AppError(
            'SubscriptionNotFound',
            `Customer ${params.customerId} has no subscription ${params.subscriptionId}.`,
          );
        }
        const written = await commerce.replaceSubscription(
          updatedLegacySubscription(customer, subscription, body),
        );
        return written === 'changed' ? lostRace : { status: 200, body: toSubscription(written) };
      },
      {
        giveUp: () =>
          new AppError(
            'OrderInProgress',
            `Subscription ${params.subscriptionId} kept changing; retry the update.`,
          ),
      },
    );
  },
});
