import type { IncomingMessage } from 'node:http';

import type { RpcHttp, RpcNullableString } from '../contracts';

export interface RpcHttpRequestInput {
  req: IncomingMessage;
  /** The path and query as routed (dot segments resolved, as Kestrel hands them on); `req.url` when absent. */
  url?: string;
  /** The whole request body, already read. */
  body: Buffer;
  /** Route values of the matched template (absent optional values left out). */
  params: Record<string, string>;
  /** Used when the request has no Host header (HTTP/1.0). */
  fallbackHost: string;
}

/**
 * The `RpcHttp` the host sends for an HTTP trigger when the worker declares `UseNullableValueDictionaryForHttp`,
 * `RpcHttpBodyOnly` and `RawHttpBodyBytes` (`GrpcMessageConversionExtensions.ToRpcHttp`): header names lower-cased,
 * a header's values joined with ",", query keys case-insensitive with repeated values joined with ",", the URL
 * rebuilt from the Host header, and the body as bytes.
 *
 * Body rule: the host forwards a body only when `Content-Length > 0`. A chunked request has no Content-Length,
 * so the real host sends it without a body; here a non-empty chunked body is forwarded as well (a deliberate,
 * friendlier deviation: clients that stream a body still work locally).
 */
export function toRpcHttpRequest(input: RpcHttpRequestInput): RpcHttp {
  const { req, body, params, fallbackHost } = input;
  const rawUrl = input.url ?? req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart >= 0 ? rawUrl.slice(0, queryStart) : rawUrl;
  const queryString = queryStart >= 0 ? rawUrl.slice(queryStart) : '';
  const host = req.headers.host ?? fallbackHost;

  const nullableHeaders: Record<string, RpcNullableString> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) {
      nullableHeaders[name.toLowerCase()] = { value: values.join(',') };
    }
  }

  const nullableParams: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(params)) {
    nullableParams[name] = { value };
  }

  const rpc: RpcHttp = {
    method: req.method ?? 'GET',
    url: `http://${host}${path}${queryString === '?' ? '' : queryString}`,
    nullableHeaders,
    nullableQuery: parseQuery(queryString),
    nullableParams,
  };

  const contentLength = Number(req.headers['content-length'] ?? 0);
  const chunked = /chunked/i.test(req.headers['transfer-encoding'] ?? '');
  if ((contentLength > 0 || chunked) && body.length > 0) {
    rpc.body = { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  }
  return rpc;
}

/** ASP.NET `QueryHelpers.ParseQuery`: `+` is a space, keys compare case-insensitively, repeats join with ",". */
function parseQuery(queryString: string): Record<string, RpcNullableString> {
  const result: Record<string, RpcNullableString> = {};
  const keyByLower = new Map<string, string>();
  const text = queryString.startsWith('?') ? queryString.slice(1) : queryString;
  for (const pair of text.split('&')) {
    if (pair === '') {
      continue;
    }
    const equals = pair.indexOf('=');
    const key = decode(equals >= 0 ? pair.slice(0, equals) : pair);
    const value = equals >= 0 ? decode(pair.slice(equals + 1)) : '';
    if (key === '') {
      continue;
    }
    const existing = keyByLower.get(key.toLowerCase());
    if (existing !== undefined) {
      const entry = result[existing] as RpcNullableString;
      entry.value = `${entry.value ?? ''},${value}`;
    } else {
      keyByLower.set(key.toLowerCase(), key);
      result[key] = { value };
    }
  }
  return result;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
