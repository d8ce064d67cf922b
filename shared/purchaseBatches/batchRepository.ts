import { type Container, type ItemDefinition, type OperationInput } from '@azure/cosmos';

import {
  type BatchHeaderDocument,
  batchHeaderDocumentId,
  batchHeaderDocumentSchema,
  type BatchLineDocument,
  batchLineDocumentSchema,
  lineDocumentId,
} from '../domain/documents/purchaseBatch';
import { type BatchLineStatus } from '../domain/rules/purchaseBatch';
import { isCosmosStatus } from '../platform/cosmos/cosmosStatus';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';
import { mapWithConcurrency } from '../platform/mapWithConcurrency';

/** Cosmos DB takes at most 100 operations in one transactional batch. */
const operationsPerBatch = 100;
/** Parallel writes when a chunk has to fall back to one create per line. */
const createConcurrency = 32;

export type BatchLine = Omit<BatchLineDocument, '_etag'>;

export interface StoredBatch {
  header: BatchHeaderDocument | undefined;
  lines: BatchLineDocument[];
}

/** How a line changes: only from the statuses in `from`, to the fields in `to`. */
export interface LineTransition {
  from: readonly BatchLineStatus[];
  to: Pick<BatchLine, 'status'> & Partial<Pick<BatchLine, 'purchaseId' | 'error' | 'waitingForPaceUntil'>>;
  now: Date;
}

function withoutSystemFields<T extends object>(document: T): T {
  const copy = { ...document } as Record<string, unknown>;
  for (const key of Object.keys(copy)) if (key.startsWith('_')) delete copy[key];
  return copy as T;
}

/**
 * The `batches` container: one partition per batch (`/batchId`) holding a header and one document per line.
 * Lines are only ever created (never overwritten), so a request retried after a failure cannot reset a line that
 * has moved on; afterwards each line changes by conditional replace (ETag), only forwards.
 */
export function createBatchRepository(container: Container) {
  async function createIfAbsent(document: object): Promise<void> {
    try {
      await container.items.create(document);
    } catch (error) {
      if (!isCosmosStatus(error, 409)) throw error;
    }
  }

  /**
   * Writes up to 100 new lines in one round trip. On a conflict (a line written by an earlier attempt) the
   * local server keeps the operations before it and real Cosmos DB keeps none, so the chunk falls back to one
   * create per line, each tolerating its own conflict.
   */
  async function createLineChunk(batchId: string, lines: readonly BatchLine[]): Promise<void> {
    const operations: OperationInput[] = lines.map((line) => ({
      operationType: 'Create',
      resourceBody: { ...line },
    }));
    let allCreated = false;
    try {
      const response = await container.items.batch(operations, batchId);
      allCreated = response.result?.every((result) => result.statusCode === 201) ?? false;
    } catch (error) {
      if (!isCosmosStatus(error, 409)) throw error;
    }
    if (!allCreated) {
      await mapWithConcurrency(lines, createConcurrency, (line) => createIfAbsent(line));
    }
  }

  async function readLine(batchId: string, lineId: string): Promise<BatchLineDocument | undefined> {
    try {
      const { resource } = await container.item(lineDocumentId(lineId), batchId).read<ItemDefinition>();
      return resource === undefined ? undefined : batchLineDocumentSchema.parse(resource);
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw error;
    }
  }

  return {
    /**
     * Claims the batch id with its header. Returns the header already stored when the id was claimed before (a
     * retried request), so the caller can tell a retry of the same request from a different one.
     */
    async claimBatch(
      header: BatchHeaderDocument,
    ): Promise<{ claimed: true } | { existing: BatchHeaderDocument }> {
      try {
        await container.items.create(header);
        return { claimed: true };
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const { resource } = await container
          .item(batchHeaderDocumentId, header.batchId)
          .read<ItemDefinition>();
        return { existing: batchHeaderDocumentSchema.parse(resource) };
      }
    },

    /** Writes the lines that do not exist yet; lines that exist are left as they are. */
    async createLines(batchId: string, lines: readonly BatchLine[]): Promise<void> {
      const chunks: BatchLine[][] = [];
      for (let start = 0; start < lines.length; start += operationsPerBatch) {
        chunks.push(lines.slice(start, start + operationsPerBatch));
      }
      await mapWithConcurrency(chunks, 4, (chunk) => createLineChunk(batchId, chunk));
    },

    /** The header (when there is one) and every line, in request order: one query over the batch's partition. */
    async readBatch(batchId: string): Promise<StoredBatch> {
      const { resources } = await container.items
        .query<ItemDefinition>(
          // The filter repeats the partition key on purpose: the local Cosmos server ignores the partitionKey option.
          {
            query: 'SELECT * FROM c WHERE c.batchId = @batchId',
            parameters: [{ name: '@batchId', value: batchId }],
          },
          { partitionKey: batchId },
        )
        .fetchAll();
      let header: BatchHeaderDocument | undefined;
      const lines: BatchLineDocument[] = [];
      for (const resource of resources) {
        const docType = (resource as { docType?: unknown }).docType;
        if (docType === 'purchaseBatch') header = batchHeaderDocumentSchema.parse(resource);
        else if (docType === 'purchaseBatchLine') lines.push(batchLineDocumentSchema.parse(resource));
      }
      lines.sort((a, b) => a.position - b.position || a.lineId.localeCompare(b.lineId));
      return { header, lines };
    },

    readLine,

    /** The header alone (undefined when the batch has none): one point read. */
    async readHeader(batchId: string): Promise<BatchHeaderDocument | undefined> {
      try {
        const { resource } = await container.item(batchHeaderDocumentId, batchId).read<ItemDefinition>();
        return resource === undefined ? undefined : batchHeaderDocumentSchema.parse(resource);
      } catch (error) {
        if (isCosmosStatus(error, 404)) return undefined;
        throw error;
      }
    },

    /**
     * Lines of any batch still `queued` and unchanged since `before`, oldest first, at most `limit`: the lines whose
     * message may never have been sent. A cross-partition query, run only by the reconciliation timer.
     */
    async findQueuedLinesUnchangedSince(before: Date, limit: number): Promise<BatchLineDocument[]> {
      const { resources } = await container.items
        .query<ItemDefinition>({
          query:
            "SELECT * FROM c WHERE c.docType = 'purchaseBatchLine' AND c.status = 'queued' AND c.updatedAt < @before",
          parameters: [{ name: '@before', value: before.toISOString() }],
        })
        .fetchAll();
      return resources
        .map((resource) => batchLineDocumentSchema.parse(resource))
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
        .slice(0, limit);
    },

    /**
     * The line, created as given when it does not exist yet: a message enqueued straight onto the queue by another
     * system has no line until it arrives.
     */
    async ensureLine(line: BatchLine): Promise<BatchLineDocument> {
      return retryOnConflict(`Batch line ${line.batchId}/${line.lineId}`, async () => {
        const existing = await readLine(line.batchId, line.lineId);
        if (existing) return existing;
        try {
          const { resource } = await container.items.create<BatchLine>(line);
          return batchLineDocumentSchema.parse(resource);
        } catch (error) {
          if (isCosmosStatus(error, 409)) return lostRace;
          throw error;
        }
      });
    },

    /**
     * Moves a line forward when its status is one of `transition.from`; otherwise leaves it alone. Returns the line
     * as it is afterwards, or undefined when there is no such line. Pass the line document when you have just read
     * it, to save a read. Conditional on the ETag, so of two writers
     * racing (a redelivered message, two status reads) only one moves it and the other sees the result.
     */
    async moveLine(
      line: BatchLineDocument | { batchId: string; lineId: string },
      transition: LineTransition,
    ): Promise<BatchLineDocument | undefined> {
      const { batchId, lineId } = line;
      // The caller's copy saves a read when it is current; a lost race reads the line afresh.
      let known = 'docType' in line ? line : undefined;
      return retryOnConflict(`Batch line ${batchId}/${lineId}`, async () => {
        const current = known ?? (await readLine(batchId, lineId));
        known = undefined;
        if (!current || !transition.from.includes(current.status)) return current;
        // The error belongs to the status it explains: a line that moves on carries only the new one, if any; so
        // does the wait for Partner Center's pace.
        const {
          error: _previousError,
          waitingForPaceUntil: _previousWait,
          ...unchanged
        } = withoutSystemFields(current);
        const next: BatchLine = {
          ...unchanged,
          ...transition.to,
          updatedAt: transition.now.toISOString(),
        };
        try {
          const { resource } = await container.item(current.id, batchId).replace<BatchLine>(next, {
            accessCondition: { type: 'IfMatch', condition: current._etag ?? '' },
          });
          return batchLineDocumentSchema.parse(resource);
        } catch (error) {
          if (isCosmosStatus(error, 412)) return lostRace;
          throw error;
        }
      });
    },
  };
}

export type BatchRepository = ReturnType<typeof createBatchRepository>;
