import { type JSONObject } from '@azure/cosmos';

/**
 * True when a Cosmos call failed with this HTTP status (404 not found, 409 conflict, 412 ETag mismatch…). By the
 * shape of the SDK's `ErrorResponse` (a numeric `code`), not `instanceof`: the SDK is imported on first use.
 */
export function isCosmosStatus(error: unknown, status: number): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === status;
}

/** Point read that answers `undefined` for a missing document instead of throwing. */
export async function readOrUndefined<T>(read: () => Promise<{ resource?: T }>): Promise<T | undefined> {
  try {
    return (await read()).resource ?? undefined;
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
