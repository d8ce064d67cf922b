import { type Container } from '@azure/cosmos';
import { z } from 'zod';

import { isCosmosStatus } from './cosmosStatus';

export const idempotencyRecordSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  state: z.enum(['inProgress', 'completed']),
  claimedAt: z.string(),
  response: z
    .object({
      status: z.number(),
      body: z.unknown().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  _etag: z.string().optional(),
});

export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

/** The idempotency records (`idempotency` container, id = partition key = hash of scope and key). */
export function createIdempotencyRecordRepository(container: Container) {
  const item = (id: string) => container.item(id, id);
  return {
    /** Creates the record: its ETag, or the record already stored under this id. */
    async claim(record: IdempotencyRecord): Promise<{ etag: string } | { existing: IdempotencyRecord }> {
      try {
        const created = await container.items.create(record);
        return { etag: created.etag };
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        return {
          existing: idempotencyRecordSchema.parse((await item(record.id).read<IdempotencyRecord>()).resource),
        };
      }
    },

    /** Replaces the record if it is still the one read (`etag`): the new ETag, or `'changed'`. */
    async replace(record: IdempotencyRecord, etag: string): Promise<{ etag: string } | 'changed'> {
      try {
        const replaced = await item(record.id).replace(record, {
          accessCondition: { type: 'IfMatch', condition: etag },
        });
        return { etag: replaced.etag };
      } catch (error) {
        if (isCosmosStatus(error, 412)) return 'changed';
        throw error;
      }
    },

    /** Removes the record; a record already gone is fine. */
    async remove(id: string): Promise<void> {
      await item(id)
        .delete()
        .catch(() => undefined);
    },
  };
}

export type IdempotencyRecordRepository = ReturnType<typeof createIdempotencyRecordRepository>;
