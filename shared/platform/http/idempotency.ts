import { createHash } from 'node:crypto';

import { AppError } from '../../domain/errors';
import { nameBasedUuid } from '../../domain/rules/nameBasedUuid';
import {
  type IdempotencyRecord,
  type IdempotencyRecordRepository,
} from '../cosmos/idempotencyRecordRepository';
import { type EndpointResult } from './endpointResult';

/** Namespace of the ids derived from Idempotency-Keys (a fixed random UUID: changing it changes every such id). */
const derivedIdNamespace = '0c9e6f52-3b7a-4f1e-9d26-8a51c4e7b203';

/**
 * The id of the work a request starts (a purchase, an operation at Microsoft), derived from the caller's
 * Idempotency-Key: a repeat after a lost response, or after the process died half way, continues the same work
 * instead of starting a second one. `undefined` without a key.
 */
export function idFromIdempotencyKey(
  request: { headers: { get(name: string): string | null }; url: string; method: string },
  callerUserId: string,
): string | undefined {
  const key = request.headers.get('idempotency-key')?.trim();
  if (!key) return undefined;
  const path = new URL(request.url).pathname;
  return nameBasedUuid(derivedIdNamespace, JSON.stringify([callerUserId, request.method, path, key]));
}

/** The same, or a new id (`newId()`) for a request without a key. */
export function idForIdempotentRequest(
  request: { headers: { get(name: string): string | null }; url: string; method: string },
  callerUserId: string,
  newId: () => string,
): string {
  return idFromIdempotencyKey(request, callerUserId) ?? newId();
}

/** A request that claimed a key but never finished (its process died) is taken over after this long. */
const abandonedAfterMs = 60_000;

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** Where the records live (the Cosmos adapter: platform/cosmos/idempotencyRecordRepository.ts). */
export type IdempotencyRecords = Pick<IdempotencyRecordRepository, 'claim' | 'replace' | 'remove'>;

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
 * Runs a state-changing request at most once per Idempotency-Key (Partner Center's MS-RequestId): the key is
 * claimed with a create, which only one concurrent request can win; the first successful response is stored and
 * replayed for the same key and body; the same key with another body is refused with 422. Failed requests
 * release the key, so the client may retry them.
 */
export async function withIdempotency(
  records: IdempotencyRecords,
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

  let etag: string;
  const claimed = await records.claim(claim);
  if ('etag' in claimed) {
    etag = claimed.etag;
  } else {
    const { existing } = claimed;
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
    const replaced = await records.replace(claim, existing._etag ?? '');
    if (replaced === 'changed') {
      throw new AppError(
        'IdempotentRequestInProgress',
        'Another request with this Idempotency-Key is running.',
      );
    }
    etag = replaced.etag;
  }

  let result: EndpointResult;
  try {
    result = await request.run();
  } catch (error) {
    await records.remove(id);
    throw error;
  }
  if (result.status >= 200 && result.status < 300) {
    const stored = result.replayBody ?? result.body;
    const replay = {
      status: result.status,
      ...(stored === undefined ? {} : { body: stored }),
      ...(result.headers ? { headers: result.headers } : {}),
    };
    // Lost only if another request took an abandoned claim over meanwhile; its own record then stands.
    await records.replace({ ...claim, state: 'completed', response: replay }, etag);
  } else {
    await records.remove(id);
  }
  return result;
}
