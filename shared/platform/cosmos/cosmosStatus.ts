import { type JSONObject } from '@azure/cosmos';

/**
 * True when a Cosmos call failed with this HTTP status (404 not found, 409 conflict, 412 ETag mismatch…). By the
 * shape of the SDK's `ErrorResponse` (a numeric `code`), not `instanceof`: the SDK is imported on first use.
 */
export function isCosmosStatus(error: unknown, status: number): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === status;
}

/**
 * Cosmos DB's sub-status for "the owner resource does not exist": the database or the container is missing, not
 * the document (docs.microsoft.com, "HTTP status codes for Azure Cosmos DB": 404/1003).
 */
const ownerResourceNotFound = 1003;

/**
 * Thrown where a store the app expects is missing (a database, container or queue nobody provisioned); the edge
 * answers it 503 StoreNotProvisioned (shared/platform/http/problem.ts).
 */
export class StoreNotProvisionedError extends Error {
  override readonly name = 'StoreNotProvisionedError';
}

/**
 * Whether an error says a store is missing rather than a document: a Cosmos 404 that no repository expected (they
 * turn the 404s they expect into `undefined` or a refusal, so one that escapes is of a missing database or
 * container; the sub-status 1003 says so where the server sends it), or Azure Storage's `QueueNotFound`.
 */
export function isMissingStore(error: unknown): boolean {
  if (error instanceof StoreNotProvisionedError) return true;
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return (code === 404 && 'headers' in error) || (code === 'QueueNotFound' && statusCode === 404);
}

/** Point read that answers `undefined` for a missing document instead of throwing. */
export async function readOrUndefined<T>(
  read: () => Promise<{ resource?: T; substatus?: number }>,
): Promise<T | undefined> {
  try {
    const response = await read();
    if (response.resource === undefined && response.substatus === ownerResourceNotFound) {
      throw new StoreNotProvisionedError('The Cosmos DB database or container of this read does not exist.');
    }
    return response.resource ?? undefined;
  } catch (error) {
    if (isCosmosStatus(error, 404)) return undefined;
    throw error;
  }
}

/**
 * A document as it is written: without the Cosmos system properties (`_etag` travels in the access condition
 * instead). The documents are zod-validated JSON, hence the cast.
 */
export function toWritableDocument(document: object): JSONObject {
  const copy: Record<string, unknown> = { ...document };
  for (const key of ['_etag', '_rid', '_self', '_ts', '_attachments', '_lsn']) delete copy[key];
  return copy as JSONObject;
}
