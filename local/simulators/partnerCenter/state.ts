import path from 'node:path';

import { type Journal, openJournal } from '@azure-plan-local/stores';
import { z } from 'zod';

/*
 * The simulator's state: one map per Partner Center resource. Every mutation is journaled as the whole new entity
 * ("put") before the answer leaves, so a restart rebuilds exactly what callers were told. Timed transitions
 * (provisioning, cancellation, registration, upgrades) are fields on the entities (`readyAt`…) and are settled
 * against the clock, so they survive restarts and follow a virtual clock.
 */

const contactSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string().optional(),
});

export const customerSchema = z.object({
  id: z.string(),
  commerceId: z.string(),
  companyName: z.string(),
  domain: z.string(),
  email: z.string(),
  country: z.string(),
  address: z.record(z.string(), z.string()),
  billingProfileId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  culture: z.string(),
  language: z.string(),
  relationshipToPartner: z.string(),
  directSigned: z.boolean(),
  /** Set by an indirect provider: the indirect reseller the customer buys through. */
  associatedPartnerId: z.string().optional(),
  organizationRegistrationNumber: z.string().optional(),
  /** Integration sandbox: `DELETE /v1/customers/{id}` (§3.15) removed it; it answers 404 from then on. */
  deletedAt: z.string().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const agreementSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  userId: z.string().nullable(),
  primaryContact: contactSchema,
  templateId: z.string(),
  dateAgreed: z.string(),
  type: z.string(),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const cartLineErrorSchema = z.object({
  errorCode: z.number(),
  errorDescription: z.string(),
  additionalInformation: z.record(z.string(), z.unknown()).optional(),
});
export type CartLineError = z.infer<typeof cartLineErrorSchema>;

export const cartLineSchema = z.object({
  id: z.number(),
  catalogItemId: z.string(),
  quantity: z.number(),
  currencyCode: z.string(),
  billingCycle: z.string(),
  termDuration: z.string().optional(),
  provisioningContext: z.record(z.string(), z.string()).optional(),
  friendlyName: z.string().optional(),
  /** Kept as sent (PCD `create-a-cart.md`): a trial's renewal term, a custom term end, indirect resellers. */
  renewsTo: z.record(z.string(), z.unknown()).optional(),
  customTermEndDate: z.string().optional(),
  participants: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  orderGroup: z.string(),
  error: cartLineErrorSchema.optional(),
});
export type CartLine = z.infer<typeof cartLineSchema>;

export const cartSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  creationTimestamp: z.string(),
  lastModifiedTimestamp: z.string(),
  expirationTimestamp: z.string(),
  lastModifiedUser: z.string(),
  status: z.enum(['Active', 'Ordered']),
  lineItems: z.array(cartLineSchema),
  /** The first successful checkout's answer, replayed on every later checkout of this cart. */
  checkout: z.object({ status: z.number(), body: z.unknown(), committedAt: z.string() }).optional(),
});
export type Cart = z.infer<typeof cartSchema>;

export const productKindSchema = z.enum(['azurePlan', 'legacyAzure', 'reservation']);
export type ProductKind = z.infer<typeof productKindSchema>;

export const orderSchema = z.object({
  id: z.string(),
  alternateId: z.string(),
  customerId: z.string(),
  cartId: z.string(),
  orderGroup: z.string(),
  billingCycle: z.string(),
  currencyCode: z.string(),
  creationDate: z.string(),
  readyAt: z.string(),
  status: z.enum(['pending', 'completed', 'cancelled']),
  /** Dealt at checkout by the `orderCancelled` fault switch: the order ends cancelled when it is due. */
  endsAs: z.literal('cancelled').optional(),
  lineItems: z.array(
    z.object({
      lineItemNumber: z.number(),
      offerId: z.string(),
      kind: productKindSchema,
      termDuration: z.string().optional(),
      friendlyName: z.string(),
      quantity: z.number(),
      provisioningContext: z.record(z.string(), z.string()).optional(),
      subscriptionId: z.string().optional(),
    }),
  ),
});
export type Order = z.infer<typeof orderSchema>;

export const subscriptionSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  kind: productKindSchema,
  offerId: z.string(),
  offerName: z.string(),
  friendlyName: z.string(),
  quantity: z.number(),
  unitType: z.string(),
  billingType: z.string(),
  billingCycle: z.string(),
  termDuration: z.string(),
  status: z.enum(['active', 'suspended', 'deleted']),
  creationDate: z.string(),
  effectiveStartDate: z.string(),
  commitmentEndDate: z.string(),
  autoRenewEnabled: z.boolean(),
  orderId: z.string(),
  /** Bumped on every change; the ETag is derived from it. */
  version: z.number(),
  registrationStatus: z.enum(['notregistered', 'registering', 'registered']),
  registeredAt: z.string().optional(),
  /** 0145P only: the Azure subscription it bills, and whether that one is suspended. */
  legacyAzureSubscriptionId: z.string().optional(),
  legacyAzureSubscriptionStatus: z.enum(['active', 'suspended']).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const entitlementSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  subscriptionId: z.string(),
  friendlyName: z.string(),
  status: z.enum(['active', 'inactive']),
  createdAt: z.string(),
  inactiveAt: z.string().optional(),
});
export type Entitlement = z.infer<typeof entitlementSchema>;

export const upgradeSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  productFamily: z.string(),
  sourceSubscriptionId: z.string(),
  createdAt: z.string(),
  readyAt: z.string(),
  status: z.enum(['InProgress', 'Completed']),
  targetSubscriptionId: z.string().optional(),
  upgradedDate: z.string().optional(),
  /** Every 0145P subscription the upgrade moved (all the customer's active ones), set when it completes. */
  movedSubscriptionIds: z.array(z.string()).optional(),
});
export type Upgrade = z.infer<typeof upgradeSchema>;

/** Which generation of availability ids a country is on (bumped by the "availability went stale" control). */
export const catalogGenerationSchema = z.object({ id: z.string(), generation: z.number() });
export type CatalogGeneration = z.infer<typeof catalogGenerationSchema>;

const schemas = {
  customers: customerSchema,
  agreements: agreementSchema,
  carts: cartSchema,
  orders: orderSchema,
  subscriptions: subscriptionSchema,
  entitlements: entitlementSchema,
  upgrades: upgradeSchema,
  catalogGenerations: catalogGenerationSchema,
} as const;

export type CollectionName = keyof typeof schemas;
type Entities = { [K in CollectionName]: z.infer<(typeof schemas)[K]> };

const putRecordSchema = z.object({
  put: z.enum(Object.keys(schemas) as [CollectionName, ...CollectionName[]]),
  value: z.unknown(),
});
const journalRecordSchema = z.union([
  putRecordSchema,
  // Several puts that must survive together or not at all (a checkout's orders and its cart).
  z.object({ batch: z.array(putRecordSchema) }),
  z.object({ reset: z.literal(true) }),
]);
type JournalRecord = z.infer<typeof journalRecordSchema>;

export interface SimulatorState {
  all<K extends CollectionName>(collection: K): Entities[K][];
  get<K extends CollectionName>(collection: K, id: string): Entities[K] | undefined;
  put<K extends CollectionName>(collection: K, value: Entities[K]): void;
  /** Runs `work` so that all its puts are journaled as one record: after a crash, all or none are there. */
  atomically<T>(work: () => T): T;
  clear(): void;
  /** Compacts the journal and closes it. */
  close(): void;
}

export function openState(directory: string | undefined): SimulatorState {
  const maps = Object.fromEntries(Object.keys(schemas).map((name) => [name, new Map<string, unknown>()])) as {
    [K in CollectionName]: Map<string, Entities[K]>;
  };
  const journal: Journal<JournalRecord> | undefined = directory
    ? openJournal(path.join(directory, 'partner-center.jsonl'), {
        parse: (value) => journalRecordSchema.parse(value),
      })
    : undefined;

  const apply = (record: z.infer<typeof putRecordSchema>) => {
    const value = schemas[record.put].parse(record.value) as { id: string };
    (maps[record.put] as Map<string, unknown>).set(value.id, value);
  };
  for (const record of journal?.recovered ?? []) {
    if ('reset' in record) for (const map of Object.values(maps)) map.clear();
    else if ('batch' in record) record.batch.forEach(apply);
    else apply(record);
  }
  let pending: z.infer<typeof putRecordSchema>[] | undefined;

  return {
    all: (collection) => [...maps[collection].values()],
    get: (collection, id) => maps[collection].get(id),
    put(collection, value) {
      if (pending) pending.push({ put: collection, value });
      else journal?.append({ put: collection, value });
      maps[collection].set((value as { id: string }).id, value);
    },
    atomically(work) {
      if (pending) return work();
      pending = [];
      try {
        const result = work();
        if (pending.length > 0) journal?.append({ batch: pending });
        return result;
      } finally {
        pending = undefined;
      }
    },
    clear() {
      journal?.rewrite([]);
      for (const map of Object.values(maps)) map.clear();
    },
    close() {
      if (!journal) return;
      const records: JournalRecord[] = [];
      for (const name of Object.keys(maps) as CollectionName[]) {
        for (const value of maps[name].values()) records.push({ put: name, value });
      }
      journal.rewrite(records);
      journal.close();
    },
  };
}
