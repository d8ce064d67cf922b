import { createHash } from 'node:crypto';

import { type Container } from '@azure/cosmos';
import { z } from 'zod';

import { AppError } from '../../domain/errors';
import { isCosmosStatus } from '../cosmos/cosmosStatus';
import { type EndpointResult } from './endpoint';

/** A request that claimed a key but never finished (its process died) is taken over after this long. */
const abandonedAfterMs = 60_000;

const keyPattern = /^[\x21-\x7e]{1,255}$/;

const recordSchema = z.object({
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

type IdempotencyRecord = z.infer<typeof recordSchema>;

/** JSON with sorted keys, so that the same body sent with other spacing or key order counts as the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The SDK's `ErrorResponse` carries the HTTP status as a numeric `code`. Checking the shape rather than `instanceof`
 * keeps `@azure/cosmos` out of the modules every function loads at start (the SDK is imported on first use).
 */
/**
 * Runs a state-changing request at most once per Idempotency-Key (Partner Center's MS-RequestId): the key is
 * claimed with a create, which only one concurrent request can win; the first successful response is stored and
 * replayed for the same key and body; the same key with another body is refused with 422. Failed requests
 * release the key, so the client may retry them.
 */
export async function withIdempotency(
  container: Container,
  request: {
    key: string;
    scope: string;
    requestBody: unknown;
    now: Date;
    run: () => Promise<EndpointResult>;
  },
): Promise<EndpointResult> {
  if (!keyPattern.test(request.key)) {
    throw new AppError('InvalidRequest', 'Idempotency-Key must be 1-255 visible ASCII characters.');
  }
  const id = sha256(`${request.scope}\n${request.key}`);
  const fingerprint = sha256(canonicalJson(request.requestBody ?? null));
  const claim: IdempotencyRecord = {
    id,
    fingerprint,
    state: 'inProgress',
    claimedAt: request.now.toISOString(),
  };

  let etag: string | undefined;
  try {
    const created = await container.items.create(claim);
    etag = created.etag;
  } catch (error) {
    if (!isCosmosStatus(error, 409)) throw error;
    const existing = recordSchema.parse((await container.item(id, id).read<IdempotencyRecord>()).resource);
    if (existing.fingerprint !== fingerprint) {
      throw new AppError(
        'IdempotencyKeyReused',
        'This Idempotency-Key was already used with a different request.',
      );
    }
    if (existing.state === 'completed' && existing.response) {
      return {
        ...existing.response,
        headers: { ...existing.response.headers, 'idempotent-replayed': 'true' },
      };
    }
    if (request.now.getTime() - Date.parse(existing.claimedAt) < abandonedAfterMs) {
      throw new AppError(
        'IdempotentRequestInProgress',
        'The first request with this Idempotency-Key is still running.',
      );
    }
    // Abandoned claim: take it over, unless another request takes it over first.
    const replaced = await container
      .item(id, id)
      .replace(claim, { accessCondition: { type: 'IfMatch', condition: existing._etag ?? '' } })
      .catch((replaceError: unknown) => {
        if (isCosmosStatus(replaceError, 412)) {
          throw new AppError(
            'IdempotentRequestInProgress',
            'Another request with this Idempotency-Key is running.',
          );
        }
        throw replaceError;
      });
    etag = replaced.etag;
  }

  let result: EndpointResult;
  try {
    result = await request.run();
  } catch (error) {
    await container
      .item(id, id)
      .delete()
      .catch(() => undefined);
    throw error;
  }
  if (result.status >= 200 && result.status < 300) {
    const replay = {
      status: result.status,
      ...(result.body === undefined ? {} : { body: result.body }),
      ...(result.headers ? { headers: result.headers } : {}),
    };
    await container.item(id, id).replace(
      { ...claim, state: 'completed', response: replay },
      {
        accessCondition: { type: 'IfMatch', condition: etag ?? '' },
      },
    );
  } else {
    await container
      .item(id, id)
      .delete()
      .catch(() => undefined);
  }
  return result;
}
