import type { ServerResponse } from 'node:http';

import type { RpcHttp, RpcTypedData } from '../contracts';
import { formatSetCookie } from './formatSetCookie';

/** Statuses that never carry a body (Node would refuse to write one). */
const bodylessStatuses = new Set([204, 205, 304]);

/**
 * Writes the function's `RpcHttp` response as the host's `RawScriptResult` does: status code (200 when missing or
 * unparsable), each header once, `content-type` as the content type, every cookie as its own `Set-Cookie` after
 * the headers, and the body bytes as they are.
 *
 * `rpc` undefined means the handler returned nothing (the library then sends no `$return` value). The host makes
 * that an `ObjectResult(null)`, which ASP.NET's `HttpNoContentOutputFormatter` turns into **204 No Content**:
 * inferred from the host source, not observed on a real host.
 */
export function writeRpcHttpResponse(
  res: ServerResponse,
  rpc: RpcHttp | undefined,
  isHeadRequest: boolean,
): void {
  if (!rpc) {
    res.statusCode = 204;
    res.end();
    return;
  }
  const parsedStatus = Number.parseInt(rpc.statusCode ?? '', 10);
  const status =
    Number.isInteger(parsedStatus) && parsedStatus >= 100 && parsedStatus <= 999 ? parsedStatus : 200;
  res.statusCode = status;
  const written = new Set<string>();
  for (const [name, value] of Object.entries(rpc.headers ?? {})) {
    const lower = name.toLowerCase();
    // The host drops a second header of the same name ("duplicate HTTP header removed").
    if (written.has(lower)) {
      continue;
    }
    written.add(lower);
    res.setHeader(name, String(value));
  }
  const cookies = (rpc.cookies ?? []).map(formatSetCookie);
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader('set-cookie', [...before, ...cookies]);
  }
  const body = bodylessStatuses.has(status) ? Buffer.alloc(0) : toBodyBytes(rpc.body);
  if (!bodylessStatuses.has(status)) {
    res.setHeader('content-length', body.length);
  }
  res.end(isHeadRequest ? undefined : body);
}

function toBodyBytes(body: RpcTypedData | undefined): Buffer {
  if (!body) {
    return Buffer.alloc(0);
  }
  const bytes = body.bytes ?? body.stream;
  if (bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (body.string !== undefined) {
    return Buffer.from(body.string, 'utf8');
  }
  if (body.json !== undefined) {
    return Buffer.from(body.json, 'utf8');
  }
  if (body.int !== undefined || body.double !== undefined) {
    return Buffer.from(String(body.int ?? body.double), 'utf8');
  }
  return Buffer.alloc(0);
}
