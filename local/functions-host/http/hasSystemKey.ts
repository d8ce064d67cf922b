import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether the request presents `systemKey` the way the real host reads a function key: the `x-functions-key`
 * header when there is one (it wins over the query), else the `code` query parameter.
 */
export function hasSystemKey(req: IncomingMessage, url: URL, systemKey: string): boolean {
  const header = req.headers['x-functions-key'];
  const presented =
    header === undefined ? url.searchParams.get('code') : Array.isArray(header) ? header[0] : header;
  if (!presented) return false;
  // Compare digests in constant time: equal lengths for timingSafeEqual, and no early exit that leaks a prefix.
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(systemKey));
}
