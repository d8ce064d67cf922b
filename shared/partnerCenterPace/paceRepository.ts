import { type Container, type ItemDefinition } from '@azure/cosmos';
import { z } from 'zod';

import { type LimitedResource } from '../domain/rules/partnerCenterPace';
import { isCosmosStatus } from '../platform/cosmos/cosmosStatus';
import { lostRace } from '../platform/cosmos/retryOnConflict';
import { type PaceStore } from './partnerCenterPace';

/**
 * The pace document lives in the `batches` container, in a partition of its own (no batch id has this form: batch
 * ids are GUIDs), so no new container has to be provisioned. One document per partner: the app serves one.
 */
export const paceDocumentKey = { id: 'partner-center-pace', batchId: '_partner-center-pace' } as const;

/** The pace of the calls on each limited resource: a document each, beside the pace of the starts. */
export function callPaceDocumentKey(resource: LimitedResource): { id: string; batchId: string } {
  return { id: `${paceDocumentKey.id}-${resource}`, batchId: paceDocumentKey.batchId };
}

const paceDocumentSchema = z.object({
  recent: z.array(z.number()),
  _etag: z.string(),
});

export function createPaceRepository(
  batches: Container,
  key: { id: string; batchId: string } = paceDocumentKey,
): PaceStore {
  const item = batches.item(key.id, key.batchId);
  return {
    async read() {
      try {
        const { resource } = await item.read<ItemDefinition>();
        if (resource === undefined) return undefined;
        const parsed = paceDocumentSchema.safeParse(resource);
        // A document this build cannot read is overwritten on the next take (conditionally, so no race is lost).
        return parsed.success
          ? { state: { recent: parsed.data.recent }, etag: parsed.data._etag }
          : { state: { recent: [] }, etag: typeof resource._etag === 'string' ? resource._etag : '' };
      } catch (error) {
        if (isCosmosStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async write(state, etag) {
      const document = { ...key, docType: 'partnerCenterPace', recent: state.recent };
      try {
        if (etag === undefined) await batches.items.create(document);
        else await item.replace(document, { accessCondition: { type: 'IfMatch', condition: etag } });
      } catch (error) {
        if (isCosmosStatus(error, 409) || isCosmosStatus(error, 412)) return lostRace;
        throw error;
      }
    },
  };
}

/** The documents of the calls' paces (`createPartnerCenterPace`'s `callStores`). */
export function createCallPaceRepositories(batches: Container): Record<LimitedResource, PaceStore> {
  return {
    orders: createPaceRepository(batches, callPaceDocumentKey('orders')),
    subscriptions: createPaceRepository(batches, callPaceDocumentKey('subscriptions')),
  };
}
