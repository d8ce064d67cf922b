import type { IncomingMessage, ServerResponse } from 'node:http';

import type {
  DurableEngineApi,
  FunctionInvoker,
  HostLogger,
  RpcHttp,
  RpcInvocationResponse,
  WorkTracker,
} from '../contracts';
import { hasSystemKey } from './hasSystemKey';
import { correlationIdFrom, type HostProblem, hostProblemBody } from './hostProblem';
import type { HttpRouteTable } from './HttpRouteTable';
import { removeDotSegments } from './removeDotSegments';
import { toRpcHttpRequest } from './toRpcHttpRequest';
import { writeRpcHttpResponse } from './writeRpcHttpResponse';

export interface FrontDoorOptions {
  invoker: FunctionInvoker;
  routes: HttpRouteTable;
  tracker: WorkTracker;
  logger: HostLogger;
  /** Gets `/runtime/webhooks/durabletask/*` from callers that present its system key. */
  durable?: DurableWebhooks;
  /** `host:port` for URLs of requests without a Host header. */
  fallbackHost: string;
  /**
   * What is served beside the app, outside the routes prefix (`npm start`: the console's files and its
   * development sign-in), as a Static Web App or a storage static site serves a front end beside a deployed app.
   * Answers `true` when it responded; else the request goes on as without it.
   */
  site?: SiteHandler;
  /** The HTTP routes prefix (`api`): requests under it never reach `site`. */
  routePrefix?: string;
}

export type SiteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export interface DurableWebhooks extends Pick<DurableEngineApi, 'handleWebhook'> {
  /** Required as `code=` or `x-functions-key` on every webhook request, as the real host requires it. */
  systemKey: string;
}

/** The real host's request size limit (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` default, 100 MB). */
const maxBodyBytes = 100 * 1024 * 1024;

/**
 * Kestrel's defaults (`KestrelServerLimits`): the request line (method, target, version) up to 8 KB, else 414; the
 * headers up to 32 KB in all, else 431. Node's parser counts both together (`maxHeaderSize`), so the server gets
 * their sum and the front door tells the two apart.
 */
export const maxRequestLineBytes = 8 * 1024;
export const maxRequestHeadersBytes = 32 * 1024;
export const nodeMaxHeaderSize = maxRequestLineBytes + maxRequestHeadersBytes;

// The client's rpc paths (`/durabletask/*`) are not here: they are served on the loopback rpc listener only.
const webhookPrefix = '/runtime/webhooks/durabletask/';

/**
 * The `node:http` request handler in front of the functions: durable webhooks go to the engine once the system key
 * checks out (401 with an empty body otherwise, as on the real host), `/` is
 * the host's "up and running" page, `/admin/host/status` answers like `func start`; everything else is matched
 * against the HTTP triggers' routes and invoked. Unknown routes and method mismatches answer 404 with an empty body,
 * as on the real host; a request line or headers over Kestrel's limits 414 or 431, as on the real host but as
 * problem+json (see hostProblem.ts); a function
 * that throws answers 500 with an empty body, as on the real host. Dot segments, percent-encoded ones included, are
 * resolved before routing, as Kestrel does (see removeDotSegments.ts).
 */
export function createFrontDoor(
  options: FrontDoorOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { invoker, routes, tracker, logger, durable, fallbackHost, site } = options;
  const prefix = options.routePrefix ? `/${options.routePrefix.toLowerCase()}` : '';
  const isUnderPrefix = (lowerPath: string) =>
    prefix !== '' && (lowerPath === prefix || lowerPath.startsWith(`${prefix}/`));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedUrl = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const receivedPath = receivedUrl.split('?', 1)[0] ?? '/';
    // `GET <target> HTTP/1.1`: the limit is on the whole line, as Kestrel counts it.
    if (method.length + receivedUrl.length + 10 > maxRequestLineBytes) {
      await respondProblem(req, res, {
        status: 414,
        code: 'UriTooLong',
        detail: `The request line exceeds ${maxRequestLineBytes} bytes.`,
        instance: '',
      });
      return;
    }
    if (headerBytes(req) > maxRequestHeadersBytes) {
      await respondProblem(req, res, {
        status: 431,
        code: 'RequestHeadersTooLarge',
        detail: `The request headers exceed ${maxRequestHeadersBytes} bytes in all.`,
        instance: receivedPath,
      });
      return;
    }
    const rawPath = removeDotSegments(receivedPath);
    const rawUrl = rawPath + receivedUrl.slice(receivedPath.length);
    const lowerPath = rawPath.toLowerCase();

    if (lowerPath.startsWith(webhookPrefix) || `${lowerPath}/` === webhookPrefix) {
      const url = new URL(rawUrl, `http://${req.headers.host ?? fallbackHost}`);
      if (!durable) {
        await respondEmpty(req, res, 404);
        return;
      }
      // The key is checked before routing, so an unknown webhook route without it is a 401 too, as on the real host.
      if (!hasSystemKey(req, url, durable.systemKey)) {
        await respondEmpty(req, res, 401);
        return;
      }
      if (!(await durable.handleWebhook(req, res, url))) {
        await respondEmpty(req, res, 404);
      }
      return;
    }
    if (
      site &&
      !isUnderPrefix(lowerPath) &&
      lowerPath !== '/admin/host/status' &&
      (await site(req, res, rawPath))
    ) {
      return;
    }
    if (rawPath === '/' && (method === 'GET' || method === 'HEAD')) {
      await drain(req);
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(
        method === 'HEAD' ? undefined : 'Your Functions 4.0 app is up and running (local Functions host).\n',
      );
      return;
    }
    if (lowerPath === '/admin/host/status' && method === 'GET') {
      await drain(req);
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          state: 'Running',
          version: '4.x (@azure-plan-local/functions-host)',
          functions: invoker.functions.size,
        }),
      );
      return;
    }

    const match = routes.match(method, rawPath);
    if (!match) {
      // The real host's router answers a path (or a method) no function serves with a bare 404: no body, no 405.
      // An app that wants its own answer registers a catch-all route, which matches before this.
      await respondEmpty(req, res, 404);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      logger.warn(`${method} ${rawPath}: ${(error as Error).message}`);
      if (!res.headersSent) {
        const status = (error as { statusCode?: number }).statusCode ?? 400;
        writeProblem(req, res, {
          status,
          code: status === 413 ? 'PayloadTooLarge' : 'BadRequest',
          detail:
            status === 413
              ? `The request body exceeds ${maxBodyBytes} bytes.`
              : 'The request body could not be read.',
          instance: rawPath,
        });
      }
      return;
    }
    const { route, params } = match;
    const http = toRpcHttpRequest({ req, url: rawUrl, body, params, fallbackHost });
    let response: RpcInvocationResponse;
    try {
      response = await invoker.invoke(route.functionName, {
        inputData: [{ name: route.fn.trigger.name, data: { http } }],
      });
    } catch {
      // The invoker has logged the failure; the real host answers an unhandled error with a bare 500.
      res.statusCode = 500;
      res.setHeader('content-length', 0);
      res.end();
      return;
    }
    writeRpcHttpResponse(res, findHttpOutput(route.fn.bindings, response), method === 'HEAD');
  }

  return (req, res) => {
    const end = tracker.begin(`http ${req.method ?? ''} ${req.url ?? ''}`);
    res.once('close', end);
    handle(req, res).catch((error: unknown) => {
      logger.error(
        `${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  };
}

/** The HTTP output binding's value: `$return` comes back as `returnValue`, a named one in `outputData`. */
function findHttpOutput(
  bindings: Record<string, { type: string; direction: string }>,
  response: RpcInvocationResponse,
): RpcHttp | undefined {
  const output = Object.entries(bindings).find(
    ([, binding]) => binding.direction === 'out' && binding.type.toLowerCase() === 'http',
  );
  if (!output) {
    return undefined;
  }
  const [name] = output;
  const data =
    name === '$return' ? response.returnValue : response.outputData?.find((item) => item.name === name)?.data;
  return data?.http ?? undefined;
}

async function respondProblem(
  req: IncomingMessage,
  res: ServerResponse,
  problem: HostProblem,
): Promise<void> {
  await drain(req);
  writeProblem(req, res, problem);
}

function writeProblem(req: IncomingMessage, res: ServerResponse, problem: HostProblem): void {
  const correlationId = correlationIdFrom(req.headers['x-correlation-id']);
  const body = hostProblemBody(problem, correlationId);
  res.statusCode = problem.status;
  res.setHeader('content-type', 'application/problem+json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('x-correlation-id', correlationId);
  res.end(req.method?.toUpperCase() === 'HEAD' ? undefined : body);
}

/** Header names and values with `: ` and CRLF, as Kestrel counts them against its total. */
function headerBytes(req: IncomingMessage): number {
  let total = 0;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    total += Buffer.byteLength(req.rawHeaders[i] ?? '') + Buffer.byteLength(req.rawHeaders[i + 1] ?? '') + 4;
  }
  return total;
}

async function respondEmpty(req: IncomingMessage, res: ServerResponse, status: number): Promise<void> {
  await drain(req);
  res.statusCode = status;
  res.setHeader('content-length', 0);
  res.end();
}

/** Reads and discards a body we do not use, so keep-alive connections stay usable. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) {
    return;
  }
  req.resume();
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('error', () => resolve());
    req.once('close', () => resolve());
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) {
      throw Object.assign(new Error('request body too large'), { statusCode: 413 });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
