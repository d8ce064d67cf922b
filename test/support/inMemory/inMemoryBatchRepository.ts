import {
  type BatchHeaderDocument,
  batchHeaderDocumentSchema,
  type BatchLineDocument,
  batchLineDocumentSchema,
  lineDocumentId,
} from '../../../shared/domain/documents/purchaseBatch';
import {
  type BatchLine,
  type BatchRepository,
  type LineTransition,
  type StoredBatch,
} from '../../../shared/purchaseBatches/batchRepository';

/**
 * The batch repository's behaviour without Cosmos DB, for use-case tests: header claimed once, lines created once
 * and never overwritten, lines moved only forward from the listed statuses, each write a new ETag. The Cosmos
 * repository's own tests (test/shared/purchaseBatches/batchRepository.test.ts) prove the real one does the same.
 */
export function createInMemoryBatchRepository(): BatchRepository & {
  /** Every line stored, for assertions. */
  lines(batchId: string): BatchLineDocument[];
} {
  const headers = new Map<string, BatchHeaderDocument>();
  const lines = new Map<string, Map<string, BatchLineDocument>>();
  let etag = 0;

  const partition = (batchId: string): Map<string, BatchLineDocument> => {
    let stored = lines.get(batchId);
    if (!stored) {
      stored = new Map();
      lines.set(batchId, stored);
    }
    return stored;
  };
  // Parsed as the Cosmos repository parses what the store returns, so a malformed line fails here too.
  const stamped = (line: BatchLine): BatchLineDocument =>
    batchLineDocumentSchema.parse({ ...structuredClone(line), _etag: `"${++etag}"` });
  const copy = (line: BatchLineDocument | undefined) => (line ? structuredClone(line) : undefined);

  const readLine = (batchId: string, lineId: string): Promise<BatchLineDocument | undefined> =>
    Promise.resolve(copy(partition(batchId).get(lineDocumentId(lineId))));

  return {
    claimBatch(header: BatchHeaderDocument) {
      const existing = headers.get(header.batchId);
      if (existing) return Promise.resolve({ existing: structuredClone(existing) });
      headers.set(header.batchId, batchHeaderDocumentSchema.parse(structuredClone(header)));
      return Promise.resolve({ claimed: true as const });
    },

    createLines(batchId: string, newLines: readonly BatchLine[]): Promise<void> {
      const stored = partition(batchId);
      for (const line of newLines) if (!stored.has(line.id)) stored.set(line.id, stamped(line));
      return Promise.resolve();
    },

    readBatch(batchId: string): Promise<StoredBatch> {
      const header = headers.get(batchId);
      const all = [...partition(batchId).values()].map((line) => structuredClone(line));
      all.sort((a, b) => a.position - b.position || a.lineId.localeCompare(b.lineId));
      return Promise.resolve({ header: header ? structuredClone(header) : undefined, lines: all });
    },

    readLine,

    readHeader(batchId: string): Promise<BatchHeaderDocument | undefined> {
      const header = headers.get(batchId);
      return Promise.resolve(header ? structuredClone(header) : undefined);
    },

    findQueuedLinesUnchangedSince(before: Date, limit: number): Promise<BatchLineDocument[]> {
      const found = [...lines.values()]
        .flatMap((stored) => [...stored.values()])
        .filter((line) => line.status === 'queued' && line.updatedAt < before.toISOString())
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
        .slice(0, limit);
      return Promise.resolve(found.map((line) => structuredClone(line)));
    },

    ensureLine(line: BatchLine): Promise<BatchLineDocument> {
      const stored = partition(line.batchId);
      const existing = stored.get(line.id);
      if (existing) return Promise.resolve(structuredClone(existing));
      const created = stamped(line);
      stored.set(line.id, created);
      return Promise.resolve(structuredClone(created));
    },

    moveLine(
      line: BatchLineDocument | { batchId: string; lineId: string },
      transition: LineTransition,
    ): Promise<BatchLineDocument | undefined> {
      const stored = partition(line.batchId);
      const current = stored.get(lineDocumentId(line.lineId));
      if (!current || !transition.from.includes(current.status)) return Promise.resolve(copy(current));
      const {
        error: _previousError,
        waitingForPaceUntil: _previousWait,
        _etag: _previousEtag,
        ...unchanged
      } = current;
      const next = stamped({ ...unchanged, ...transition.to, updatedAt: transition.now.toISOString() });
      stored.set(next.id, next);
      return Promise.resolve(structuredClone(next));
    },

    lines(batchId: string): BatchLineDocument[] {
      return [...partition(batchId).values()].map((line) => structuredClone(line));
    },
  };
}
