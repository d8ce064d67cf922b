import { randomUUID } from 'node:crypto';

import { type Container, type OperationInput } from '@azure/cosmos';

import { azurePlanOrderDocuments, customerWithAzurePlan } from '../shared/commerce/azurePlanOrders';
import { type CustomerDocument } from '../shared/domain/documents/documents';
import { newPartnerAttestation } from '../shared/domain/rules/mcaAgreement';
import { toWritableDocument } from '../shared/platform/cosmos/cosmosStatus';
import { mapWithConcurrency } from '../shared/platform/mapWithConcurrency';
import { elapsedMs } from './statistics';

export interface RawWriteRound {
  batches: number;
  batchesPerSecond: number;
}

/** A fresh direct customer who has not bought anything yet, as `PUT /api/customers/{id}` stores it. */
export function aFreshCustomer(customerId: string, now: Date): CustomerDocument {
  const at = now.toISOString();
  return {
    id: customerId,
    customerId,
    docType: 'customer',
    companyName: `Bench ${customerId}`,
    country: 'DE',
    segment: 'commercial',
    relationship: 'direct',
    primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: `ada@${customerId}.example` },
    createdAt: at,
    updatedAt: at,
    mca: { accepted: false },
    azurePlan: null,
    legacySubscriptionIds: [],
    workInProgress: null,
  };
}

/**
 * The batch an attested purchase writes when it places its order (see `placeAzurePlanOrder`): the Azure plan
 * marker, the partner's attestation, the order, the subscription, the entitlement and the customer summary.
 */
export function attestedOrderBatch(
  customer: CustomerDocument & { _etag?: string },
  now: Date,
): OperationInput[] {
  const purchaseId = randomUUID();
  const request = {
    customerId: customer.customerId,
    workInProgressId: purchaseId,
    orderId: randomUUID(),
    subscriptionId: randomUUID(),
    entitlementId: randomUUID(),
    correlationId: randomUUID(),
    now,
    agreement: newPartnerAttestation({
      customerId: customer.customerId,
      primaryContact: customer.primaryContact,
      dateAgreed: now.toISOString(),
      correlationId: purchaseId,
      now,
      userId: 'bench-agent',
    }),
  };
  const documents = azurePlanOrderDocuments(request);
  const next = customerWithAzurePlan(customer, { ...request, purchaseId }, request);
  return [
    { operationType: 'Create', resourceBody: toWritableDocument(documents.marker) },
    // The local server needs the partition key on an Upsert inside a batch.
    {
      operationType: 'Upsert',
      partitionKey: customer.customerId,
      resourceBody: toWritableDocument(request.agreement),
    },
    { operationType: 'Create', resourceBody: toWritableDocument(documents.order) },
    { operationType: 'Create', resourceBody: toWritableDocument(documents.subscription) },
    { operationType: 'Create', resourceBody: toWritableDocument(documents.entitlement) },
    {
      operationType: 'Replace',
      id: customer.customerId,
      partitionKey: customer.customerId,
      ...(customer._etag ? { ifMatch: customer._etag } : {}),
      resourceBody: toWritableDocument(next),
    },
  ];
}

/**
 * The ceiling for the purchase rate: fresh customers (created before the clock starts), then their order
 * batches written straight with the SDK, `concurrency` in flight, timed from the first to the last.
 */
export async function measureRawCosmosWriteRound(options: {
  customers: Container;
  count: number;
  concurrency: number;
}): Promise<RawWriteRound> {
  const now = new Date();
  const prefix = `raw-${randomUUID().slice(0, 8)}`;
  const created = await mapWithConcurrency(
    Array.from({ length: options.count }, (_, index) => `${prefix}-${index}`),
    options.concurrency,
    async (customerId) => {
      const { resource } = await options.customers.items.create(aFreshCustomer(customerId, now));
      return resource as CustomerDocument & { _etag?: string };
    },
  );
  const batches = created.map((customer) => attestedOrderBatch(customer, now));
  const start = process.hrtime.bigint();
  await mapWithConcurrency(batches, options.concurrency, async (operations, index) => {
    const customerId = created[index]?.customerId ?? '';
    const { result = [] } = await options.customers.items.batch(operations, customerId);
    const failed = result.find((entry) => entry.statusCode >= 300);
    if (failed) throw new Error(`A raw order batch failed with ${failed.statusCode}.`);
  });
  const seconds = elapsedMs(start) / 1000;
  return { batches: batches.length, batchesPerSecond: batches.length / seconds };
}
