import { type Container, type ItemDefinition, type OperationInput } from '@azure/cosmos';
import { type z } from 'zod';

import { newAzureEntitlement } from '../domain/api/azureEntitlement';
import {
  type CustomerDocument,
  type EntitlementDocument,
  entitlementDocumentSchema,
  type OrderDocument,
  orderDocumentSchema,
  type SubscriptionDocument,
  subscriptionDocumentSchema,
} from '../domain/documents/documents';
import { isCosmosStatus, toWritableDocument } from '../platform/cosmos/cosmosStatus';

/** Thrown when a write that must not half-happen did not complete; the message names the failed operation. */
export class CommerceWriteError extends Error {
  override readonly name = 'CommerceWriteError';
}

function byCreation<T extends { creationDate?: string; createdAt?: string; id: string }>(a: T, b: T): number {
  const left = a.creationDate ?? a.createdAt ?? '';
  const right = b.creationDate ?? b.createdAt ?? '';
  return left < right ? -1 : left > right ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Orders, subscriptions and Azure entitlements of the `customers` container (one partition per customer). Every
 * document read back is validated again with its schema.
 */
export function createCommerceRepository(customers: Container) {
  async function queryPartition<T extends z.ZodType>(
    customerId: string,
    schema: T,
    query: string,
    parameters: { name: string; value: string }[] = [],
  ): Promise<z.output<T>[]> {
    const { resources } = await customers.items
      .query<unknown>(
        { query, parameters: [{ name: '@customerId', value: customerId }, ...parameters] },
        {
          partitionKey: customerId,
        },
      )
      .fetchAll();
    return resources.map((resource) => schema.parse(resource));
  }

  async function readDocument<T extends z.ZodType>(
    customerId: string,
    id: string,
    schema: T,
  ): Promise<z.output<T> | undefined> {
    try {
      const { resource } = await customers.item(id, customerId).read<ItemDefinition>();
      if (resource === undefined) return undefined;
      const parsed = schema.safeParse(resource);
      // Another kind of document with that id (the customer itself, an order) is not the one asked for.
      return parsed.success ? parsed.data : undefined;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw error;
    }
  }

  function readSubscription(
    customerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionDocument | undefined> {
    return readDocument(customerId, subscriptionId, subscriptionDocumentSchema);
  }

  /** Runs a batch and throws unless every operation succeeded (the local server does not roll back: check each). */
  async function writeAll(customerId: string, operations: OperationInput[], what: string): Promise<number[]> {
    const response = await customers.items.batch(operations, customerId);
    const statuses = (response.result ?? []).map((result) => result.statusCode);
    if (statuses.length !== operations.length || statuses.some((status) => status >= 300)) {
      throw new CommerceWriteError(`${what} failed: operation status codes ${statuses.join(', ')}`);
    }
    return statuses;
  }

  return {
    readSubscription,

    /** Every subscription of the customer, oldest first: the Azure plan, 0145P and reservations. */
    async listSubscriptions(customerId: string): Promise<SubscriptionDocument[]> {
      const subscriptions = await queryPartition(
        customerId,
        subscriptionDocumentSchema,
        "SELECT * FROM c WHERE c.customerId = @customerId AND c.docType = 'subscription'",
      );
      return subscriptions.sort(byCreation);
    },

    /** Replaces a subscription if nobody changed it since it was read (its `_etag`); `'changed'` otherwise. */
    async replaceSubscription(subscription: SubscriptionDocument): Promise<SubscriptionDocument | 'changed'> {
      try {
        const { resource } = await customers
          .item(subscription.id, subscription.customerId)
          .replace(toWritableDocument(subscription), {
            accessCondition: { type: 'IfMatch', condition: subscription._etag ?? '' },
          });
        return subscriptionDocumentSchema.parse(resource);
      } catch (error) {
        if (isCosmosStatus(error, 412)) return 'changed';
        throw error;
      }
    },

    /** The customer's subscriptions with these ids (missing ones are left out). */
    async readSubscriptions(customerId: string, ids: readonly string[]): Promise<SubscriptionDocument[]> {
      const found = await Promise.all(ids.map((id) => readSubscription(customerId, id)));
      return found.filter((subscription) => subscription !== undefined);
    },

    readOrder(customerId: string, orderId: string): Promise<OrderDocument | undefined> {
      return readDocument(customerId, orderId, orderDocumentSchema);
    },

    async listOrders(customerId: string): Promise<OrderDocument[]> {
      const orders = await queryPartition(
        customerId,
        orderDocumentSchema,
        "SELECT * FROM c WHERE c.customerId = @customerId AND c.docType = 'order'",
      );
      return orders.sort(byCreation);
    },

    /** The Azure subscriptions under one Azure plan subscription. */
    async listEntitlements(customerId: string, planSubscriptionId: string): Promise<EntitlementDocument[]> {
      const entitlements = await queryPartition(
        customerId,
        entitlementDocumentSchema,
        "SELECT * FROM c WHERE c.customerId = @customerId AND c.docType = 'azureEntitlement' AND c.subscriptionId = @planSubscriptionId",
        [{ name: '@planSubscriptionId', value: planSubscriptionId }],
      );
      return entitlements.sort(byCreation);
    },

    readEntitlement(
      customerId: string,
      azureSubscriptionId: string,
    ): Promise<EntitlementDocument | undefined> {
      return readDocument(customerId, azureSubscriptionId, entitlementDocumentSchema);
    },

    /** Records an Azure subscription Microsoft created; a repeat (same Azure subscription id) keeps the first. */
    async recordEntitlement(entitlement: EntitlementDocument): Promise<EntitlementDocument> {
      try {
        const { resource } = await customers.items.create(entitlement);
        return entitlementDocumentSchema.parse(resource);
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const existing = await readDocument(
          entitlement.customerId,
          entitlement.id,
          entitlementDocumentSchema,
        );
        if (existing === undefined) throw error;
        return existing;
      }
    },

    async createEntitlement(entitlement: EntitlementDocument): Promise<EntitlementDocument> {
      const { resource } = await customers.items.create(entitlement);
      return entitlementDocumentSchema.parse(resource);
    },

    /** A reservation's order and its subscription, together. */
    async placeReservationOrder(order: OrderDocument, subscription: SubscriptionDocument): Promise<void> {
      await writeAll(
        order.customerId,
        [
          { operationType: 'Create', resourceBody: order },
          { operationType: 'Create', resourceBody: subscription },
        ],
        `Reservation order ${order.id}`,
      );
    },

    /**
     * A 0145P order: the customer anchor (its legacy summary grown) replaced only if it is unchanged since it was
     * read, then the order and its subscriptions. The conditional replace goes first so that a concurrent change
     * (a purchase claiming the customer, a plan bought) writes nothing here: the caller re-reads and re-checks.
     */
    async placeLegacyOrder(input: {
      customer: CustomerDocument;
      order: OrderDocument;
      subscriptions: SubscriptionDocument[];
    }): Promise<'placed' | 'customerChanged'> {
      const { customer, order, subscriptions } = input;
      if (!customer._etag)
        throw new CommerceWriteError('placeLegacyOrder needs the customer as read (its _etag).');
      const response = await customers.items.batch(
        [
          {
            operationType: 'Replace',
            id: customer.id,
            // The local Cosmos server reads the partition of a batched replace from the operation itself.
            partitionKey: customer.customerId,
            ifMatch: customer._etag,
            resourceBody: toWritableDocument(customer),
          },
          { operationType: 'Create', resourceBody: order },
          ...subscriptions.map((subscription): OperationInput => ({
            operationType: 'Create',
            resourceBody: subscription,
          })),
        ],
        customer.customerId,
      );
      const statuses = (response.result ?? []).map((result) => result.statusCode);
      if (statuses[0] === 412) return 'customerChanged';
      if (statuses.length !== subscriptions.length + 2 || statuses.some((status) => status >= 300)) {
        throw new CommerceWriteError(
          `0145P order ${order.id} failed: operation status codes ${statuses.join(', ')}`,
        );
      }
      return 'placed';
    },

    /**
     * Moves a legacy Azure subscription under the Azure plan: an entitlement whose id is the Azure subscription id.
     * Safe to repeat: the id makes a second create conflict, and an entitlement already under this plan counts as
     * moved (it may be the plan order's first entitlement).
     */
    async moveAzureSubscriptionUnderPlan(input: {
      customerId: string;
      azureSubscriptionId: string;
      sourceSubscriptionId: string;
      friendlyName: string;
      planSubscriptionId: string;
      correlationId: string;
      now: Date;
    }): Promise<{ entitlementId: string; created: boolean }> {
      const entitlement: EntitlementDocument = {
        ...newAzureEntitlement(input),
        movedFromSubscriptionId: input.sourceSubscriptionId,
      };
      try {
        await customers.items.create(entitlement);
        return { entitlementId: entitlement.id, created: true };
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
      }
      const { resource } = await customers.item(entitlement.id, input.customerId).read<ItemDefinition>();
      const existing = entitlementDocumentSchema.parse(resource);
      if (existing.subscriptionId !== input.planSubscriptionId) {
        throw new CommerceWriteError(
          `Azure subscription ${entitlement.id} is already under another plan (${existing.subscriptionId}).`,
        );
      }
      if (existing.movedFromSubscriptionId === undefined) {
        await customers
          .item(entitlement.id, input.customerId)
          .patch([{ op: 'add', path: '/movedFromSubscriptionId', value: input.sourceSubscriptionId }]);
      }
      return { entitlementId: entitlement.id, created: false };
    },

    /** Suspends a legacy commerce subscription whose Azure subscription now lives under the plan (idempotent). */
    async suspendLegacySubscription(input: {
      customerId: string;
      subscriptionId: string;
      entitlementId: string;
    }): Promise<void> {
      await customers.item(input.subscriptionId, input.customerId).patch([
        { op: 'set', path: '/status', value: 'suspended' },
        { op: 'set', path: '/transitionedToEntitlementId', value: input.entitlementId },
      ]);
    },
  };
}

export type CommerceRepository = ReturnType<typeof createCommerceRepository>;
