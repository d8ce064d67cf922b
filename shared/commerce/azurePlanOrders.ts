import { type Container, type OperationInput, type OperationResponse } from '@azure/cosmos';

import {
  type AgreementDocument,
  type AzurePlanMarker,
  azurePlanMarkerId,
  azurePlanMarkerSchema,
  azurePlanProduct,
  type CustomerDocument,
  customerDocumentSchema,
  type EntitlementDocument,
  entitlementDocumentSchema,
  type OrderDocument,
  orderDocumentSchema,
  type SubscriptionDocument,
  subscriptionDocumentSchema,
} from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { mcaSummaryOf } from '../domain/rules/mcaAgreement';
import { readOrUndefined, toWritableDocument } from '../platform/cosmos/cosmosStatus';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';

export interface AzurePlanOrderRequest {
  customerId: string;
  /**
   * The purchase or transition placing the order, the id holding the customer's work in progress (stored as the
   * marker's and the order's `purchaseId`); a retry by the same one is recognised by it.
   */
  workInProgressId: string;
  /**
   * Partner Center's ids (the order, or the transition's upgrade; the plan subscription; its first Azure
   * subscription), carried in the workflow's history, so a retried activity writes the same ids.
   */
  orderId: string;
  subscriptionId: string;
  entitlementId: string;
  /** Name of the first Azure subscription under the plan. */
  friendlyName?: string;
  /**
   * Partner Center confirmed the customer's MCA before selling (it may have been signed directly with Microsoft,
   * unknown to this store): the order is recorded and the customer summary marked accepted.
   */
  mcaConfirmedByPartnerCenter?: boolean;
  /** The Partner Center catalog item id bought (`DZH318Z0BPS6:0001:<availability>`), the subscription's offerId. */
  offerId?: string;
  /** An agreement to record with the order (a partner attestation given with the purchase). */
  agreement?: AgreementDocument;
  /** Whether the order frees the customer's work in progress held by `workInProgressId` (default true). */
  releaseWorkInProgress?: boolean;
  /**
   * The customer document as the caller last wrote it, with its ETag. When it is still current it saves the
   * read; when it is not, the write is refused (412) and the function reads the customer and tries again.
   */
  customerSnapshot?: CustomerDocument;
  correlationId: string;
  now: Date;
}

export interface PlacedAzurePlanOrder {
  orderId: string;
  subscriptionId: string;
  entitlementId: string;
  /** True when this purchase had placed the order before (a retry); nothing was written twice. */
  alreadyPlaced: boolean;
}

export const defaultEntitlementName = 'Azure subscription 1';

/** The documents one Azure plan order consists of, all in the customer's partition. */
export function azurePlanOrderDocuments(request: AzurePlanOrderRequest): {
  marker: AzurePlanMarker;
  order: OrderDocument;
  subscription: SubscriptionDocument;
  entitlement: EntitlementDocument;
} {
  const { customerId, workInProgressId, orderId, subscriptionId, entitlementId, correlationId } = request;
  const now = request.now.toISOString();
  return {
    marker: azurePlanMarkerSchema.parse({
      id: azurePlanMarkerId,
      customerId,
      docType: 'azurePlanMarker',
      subscriptionId,
      orderId,
      entitlementId,
      purchaseId: workInProgressId,
      createdAt: now,
      correlationId,
    }),
    order: orderDocumentSchema.parse({
      id: orderId,
      customerId,
      docType: 'order',
      referenceCustomerId: customerId,
      billingCycle: azurePlanProduct.billingCycle,
      lineItems: [
        {
          lineItemNumber: 0,
          offerId: azurePlanProduct.catalogItemId,
          productId: azurePlanProduct.productId,
          skuId: azurePlanProduct.skuId,
          subscriptionId,
          quantity: 1,
        },
      ],
      creationDate: now,
      status: 'completed',
      purchaseId: workInProgressId,
      correlationId,
    }),
    subscription: subscriptionDocumentSchema.parse({
      id: subscriptionId,
      customerId,
      docType: 'subscription',
      offerId: request.offerId ?? azurePlanProduct.offerId,
      offerName: azurePlanProduct.title,
      friendlyName: azurePlanProduct.title,
      quantity: 1,
      unitType: 'Usage-based',
      billingType: 'usage',
      billingCycle: azurePlanProduct.billingCycle,
      status: 'active',
      orderId,
      creationDate: now,
      correlationId,
    }),
    entitlement: entitlementDocumentSchema.parse({
      id: entitlementId,
      customerId,
      docType: 'azureEntitlement',
      friendlyName: request.friendlyName ?? defaultEntitlementName,
      status: 'active',
      subscriptionId,
      createdAt: now,
      correlationId,
    }),
  };
}

/**
 * The customer's summary once the plan is placed: the plan, the MCA if it came with the order, the work in progress
 * freed (`placed.purchaseId`: the marker's stored name for the id holding it).
 */
export function customerWithAzurePlan(
  customer: CustomerDocument,
  placed: { purchaseId: string; orderId: string; subscriptionId: string },
  request: Pick<
    AzurePlanOrderRequest,
    'agreement' | 'releaseWorkInProgress' | 'correlationId' | 'now' | 'mcaConfirmedByPartnerCenter'
  >,
): CustomerDocument {
  const releases =
    (request.releaseWorkInProgress ?? true) && customer.workInProgress?.id === placed.purchaseId;
  return {
    ...customer,
    azurePlan: { subscriptionId: placed.subscriptionId, orderId: placed.orderId, status: 'active' },
    mca: request.agreement
      ? mcaSummaryOf(request.agreement)
      : request.mcaConfirmedByPartnerCenter && !customer.mca.accepted
        ? { accepted: true }
        : customer.mca,
    workInProgress: releases ? null : customer.workInProgress,
    updatedAt: request.now.toISOString(),
    correlationId: request.correlationId,
  };
}

function summaryIsCurrent(
  customer: CustomerDocument,
  marker: AzurePlanMarker,
  request: Pick<AzurePlanOrderRequest, 'agreement' | 'releaseWorkInProgress'>,
): boolean {
  const stillHeld =
    (request.releaseWorkInProgress ?? true) && customer.workInProgress?.id === marker.purchaseId;
  const agreementRecorded = !request.agreement || customer.mca.accepted;
  return customer.azurePlan?.subscriptionId === marker.subscriptionId && !stillHeld && agreementRecorded;
}

/**
 * Places the Azure plan order: the Azure plan marker, the order, the Azure plan subscription, its first Azure
 * entitlement, the agreement given with the purchase (if any) and the customer's summary, in ONE transactional
 * batch in the customer's partition.
 *
 * The marker has a fixed id and comes first, so a second Azure plan for a customer is impossible by construction:
 * its create conflicts, and the batch writes nothing (real Cosmos DB rolls the batch back; the local server, whose
 * batches are not atomic, stops at the first failed operation, which is the first one). A retry by the same
 * purchase finds its own marker and returns the same ids (`alreadyPlaced`) without writing anything twice, and so
 * does a purchase whose Partner Center order was recorded by the reconciliation meanwhile (same order id); the
 * marker of another order is `AzurePlanAlreadyExists`.
 *
 * The customer's summary is a Replace conditional on its ETag (the local server has no Patch in batches). When
 * the customer changed since it was read, that operation fails: Cosmos DB rolls everything back and the next
 * attempt starts again from a fresh read; the local server has written the other documents, so the next attempt
 * finds its own marker and brings the summary up to date.
 */
export async function placeAzurePlanOrder(
  container: Container,
  request: AzurePlanOrderRequest,
): Promise<PlacedAzurePlanOrder> {
  const { customerId } = request;
  const documents = azurePlanOrderDocuments(request);
  const placed = {
    orderId: request.orderId,
    subscriptionId: request.subscriptionId,
    entitlementId: request.entitlementId,
  };
  let customer = request.customerSnapshot;

  return retryOnConflict(`Customer ${customerId}`, async () => {
    customer ??= await readCustomer(container, customerId);
    if (!request.agreement && !request.mcaConfirmedByPartnerCenter && !customer.mca.accepted) {
      // A snapshot may predate the acceptance (an invited customer signs after the work in progress was claimed): only the
      // stored customer may refuse. The summary Replace below is conditional on this document's ETag, so the
      // order is written only while the customer read here, with its accepted MCA, is the current one.
      if (customer === request.customerSnapshot) {
        customer = undefined;
        return lostRace;
      }
      throw new AppError(
        'McaNotAccepted',
        `Customer ${customerId} has not accepted the Microsoft Customer Agreement; nothing was ordered.`,
      );
    }
    const next = customerWithAzurePlan(
      customer,
      { ...placed, purchaseId: request.workInProgressId },
      request,
    );
    const operations: OperationInput[] = [
      { operationType: 'Create', resourceBody: toWritableDocument(documents.marker) },
      ...(request.agreement
        ? // Upsert: confirming a contact that already has an agreement is not an error during a purchase.
          [
            {
              operationType: 'Upsert' as const,
              partitionKey: customerId,
              resourceBody: toWritableDocument(request.agreement),
            },
          ]
        : []),
      { operationType: 'Create', resourceBody: toWritableDocument(documents.order) },
      { operationType: 'Create', resourceBody: toWritableDocument(documents.subscription) },
      { operationType: 'Create', resourceBody: toWritableDocument(documents.entitlement) },
      {
        operationType: 'Replace',
        id: customerId,
        partitionKey: customerId,
        ...(customer._etag ? { ifMatch: customer._etag } : {}),
        resourceBody: toWritableDocument(next),
      },
    ];
    const { result = [] } = await container.items.batch(operations, customerId);
    const [markerResult] = result;
    if (result.length === operations.length && result.every(succeeded)) {
      return { ...placed, alreadyPlaced: false };
    }
    if (markerResult?.statusCode === 409) {
      return settleExistingOrder(container, request);
    }
    if (result.at(-1)?.statusCode === 412) {
      customer = undefined;
      return lostRace;
    }
    throw new Error(
      `The Azure plan batch of customer ${customerId} failed: ${result.map((entry) => entry.statusCode).join(', ')}.`,
    );
  });
}

function succeeded(entry: OperationResponse): boolean {
  return entry.statusCode >= 200 && entry.statusCode < 300;
}

async function readCustomer(container: Container, customerId: string): Promise<CustomerDocument> {
  const resource = await readOrUndefined(() => container.item(customerId, customerId).read());
  if (resource === undefined)
    throw new AppError('CustomerNotFound', `Customer ${customerId} does not exist.`);
  return customerDocumentSchema.parse(resource);
}

/** The marker exists: ours (a retry, so make sure the summary is written) or another purchase's plan. */
async function settleExistingOrder(
  container: Container,
  request: AzurePlanOrderRequest,
): Promise<PlacedAzurePlanOrder> {
  const { customerId } = request;
  const resource = await readOrUndefined(() => container.item(azurePlanMarkerId, customerId).read());
  if (resource === undefined) throw new Error(`The Azure plan marker of ${customerId} vanished.`);
  const stored = azurePlanMarkerSchema.parse(resource);
  // The same Partner Center order under another writer's name is this purchase's plan, not a second one: the
  // reconciliation can find the order provisioned at Partner Center and record it while the purchase is still
  // waiting out throttled looks at it (a customer read before the purchase claimed its work in progress).
  if (stored.purchaseId !== request.workInProgressId && stored.orderId !== request.orderId) {
    throw new AppError(
      'AzurePlanAlreadyExists',
      `Customer ${customerId} already has the Azure plan ${stored.subscriptionId}.`,
    );
  }
  const marker = { ...stored, purchaseId: request.workInProgressId };
  const settled = {
    orderId: marker.orderId,
    subscriptionId: marker.subscriptionId,
    entitlementId: marker.entitlementId,
    alreadyPlaced: true,
  };
  return retryOnConflict(`Customer ${customerId}`, async () => {
    const customer = await readCustomer(container, customerId);
    if (summaryIsCurrent(customer, marker, request)) return settled;
    const next = customerWithAzurePlan(customer, marker, request);
    const { result = [] } = await container.items.batch(
      [
        ...(request.agreement
          ? [
              {
                operationType: 'Upsert' as const,
                partitionKey: customerId,
                resourceBody: toWritableDocument(request.agreement),
              },
            ]
          : []),
        {
          operationType: 'Replace',
          id: customerId,
          partitionKey: customerId,
          ...(customer._etag ? { ifMatch: customer._etag } : {}),
          resourceBody: toWritableDocument(next),
        },
      ],
      customerId,
    );
    return result.every(succeeded) ? settled : lostRace;
  });
}

/**
 * The Azure plan order this purchase (or transition) placed, from its marker, or undefined when it placed none.
 * Asked after `placeAzurePlanOrder` kept failing: the marker is the batch's first write, so its presence tells
 * whether the order was placed and a later step failed, or nothing was bought.
 */
export async function findAzurePlanOrder(
  container: Container,
  customerId: string,
  workInProgressId: string,
): Promise<Omit<PlacedAzurePlanOrder, 'alreadyPlaced'> | undefined> {
  const resource = await readOrUndefined(() => container.item(azurePlanMarkerId, customerId).read());
  if (resource === undefined) return undefined;
  const marker = azurePlanMarkerSchema.parse(resource);
  if (marker.purchaseId !== workInProgressId) return undefined;
  return {
    orderId: marker.orderId,
    subscriptionId: marker.subscriptionId,
    entitlementId: marker.entitlementId,
  };
}

/** The Azure plan orders as a repository over the `customers` container, for the workflows' activities. */
export function createAzurePlanOrderRepository(container: Container) {
  return {
    place: (request: AzurePlanOrderRequest) => placeAzurePlanOrder(container, request),
    find: (customerId: string, workInProgressId: string) =>
      findAzurePlanOrder(container, customerId, workInProgressId),
  };
}

export type AzurePlanOrderRepository = ReturnType<typeof createAzurePlanOrderRepository>;
