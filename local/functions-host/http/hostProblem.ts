import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers the host gives itself, before any function runs: a request line or headers over Kestrel's limits, a body
 * over the host's limit, a request the HTTP parser refuses. (No route is a bare 404, exactly as on the real host.)
 *
 * The real host answers these with an empty body: Kestrel turns a request it rejects into a bare status
 * (dotnet/aspnetcore `src/Servers/Kestrel/Core/src/BadHttpRequestException.cs`: request line over
 * `KestrelServerLimits.MaxRequestLineSize`, 8 KB → 414; headers over `MaxRequestHeadersTotalSize`, 32 KB → 431).
 * The local host keeps those statuses but answers
 * them as problem+json with an `x-correlation-id`: the service's contract promises both on every response, and a
 * client written against the local service should never meet an error it cannot quote. In Azure the same promise
 * for these few host-level answers needs the gateway in front of the app.
 */
export interface HostProblem {
  status: number;
  /** A stable name, as the app's problem documents carry one. */
  code: string;
  detail: string;
  /** The request path as received (percent-encoded), or '' when the request line could not be read. */
  instance: string;
}

/** Same rule as the app's: a caller's id is echoed when it is a sensible token. */
const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdFrom(header: string | string[] | undefined): string {
  const given = (Array.isArray(header) ? header[0] : header)?.trim();
  return given && correlationIdPattern.test(given) ? given : randomUUID();
}

export function hostProblemBody(problem: HostProblem, correlationId: string): string {
  return JSON.stringify({
    // RFC 9457 §4.2.1: "about:blank" says the status code is all there is to know; the title is its phrase.
    type: 'about:blank',
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    instance: problem.instance,
    code: problem.code,
    correlationId,
  });
}

/**
 * The whole response as raw HTTP/1.1 text, for a socket whose request Node's parser refused (no `ServerResponse`
 * exists then). The connection closes afterwards, as Node's default `clientError` answer does.
 */
export function rawHostProblemResponse(problem: HostProblem, correlationId: string): string {
  const body = hostProblemBody(problem, correlationId);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    'content-type: application/problem+json',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-correlation-id: ${correlationId}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * `server.on('clientError')`: a request Node's parser refused never reaches the front door, and Node's own answer
 * is a bare status. Over the combined header limit is a 431 (Kestrel's status for headers over its total), a
 * request that timed out while sending its headers a 408, anything else unparsable a 400.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem: HostProblem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? {
          status: 431,
          code: 'RequestHeadersTooLarge',
          detail: 'The request line and headers are too large.',
          instance: '',
        }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? {
            status: 408,
            code: 'RequestTimeout',
            detail: 'The request took too long to arrive.',
            instance: '',
          }
        : { status: 400, code: 'BadRequest', detail: 'The request is not valid HTTP/1.1.', instance: '' };
  socket.end(rawHostProblemResponse(problem, randomUUID()));
}
