import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { createClientBinding, type DurableClientBinding, instanceIdPlaceholder } from './createClientBinding';
import { inspectInstance } from './inspectInstance';
import { type OrchestrationInstance, type RuntimeStatus, terminalStatuses } from './orchestrationInstance';
import { InstanceConflictError, type OrchestrationRunner } from './OrchestrationRunner';
import { toStatusJson } from './toStatusJson';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

interface Reply {
  status: number;
  /** Serialised as JSON (so a string output stays a JSON string). */
  body?: unknown;
  /** An error message, sent as the extension's `CreateErrorResponse` does: JSON `{"Message": …}`. */
  text?: string;
  headers?: Record<string, string>;
}

/** The HttpManagementPayload of one instance: the webhook URLs (with the system key) a caller may use next. */
type Links = (instanceId: string) => Record<string, string>;

export interface ManagementApiOptions {
  hubName: string;
  /** The public origin, for the webhook URLs in replies to rpc calls (whose own origin is the loopback port). */
  baseUrl: string;
  systemKey: string;
  rpcBaseUrl: string;
}

export interface ManagementApi {
  /** `/runtime/webhooks/durabletask/...`; the caller has checked the system key. */
  webhook: Handler;
  /** `/durabletask/...` (the client's `rpcBaseUrl`). */
  rpc: Handler;
}

const webhookPrefix = '/runtime/webhooks/durabletask/';
const rpcPrefix = '/durabletask/';
const continuationHeader = 'x-ms-continuation-token';
const defaultPageSize = 100;

/**
 * The HTTP management API of the Durable extension, on the webhook paths (`/runtime/webhooks/durabletask/...`,
 * used by `createCheckStatusResponse` URLs and tools) and the `rpcBaseUrl` paths (`/durabletask/...`, used by every
 * `DurableClient` call). Same routes, same status codes (see `HttpApiHandler` in the extension); which port serves
 * which prefix, and the key check, are the host's business.
 */
export function createManagementApi(
  runner: OrchestrationRunner,
  options: ManagementApiOptions,
): ManagementApi {
  const { hubName, baseUrl, systemKey, rpcBaseUrl } = options;
  const linksFrom =
    (origin: string): Links =>
    (instanceId) =>
      managementPayload(instanceId, createClientBinding({ baseUrl: origin, hubName, systemKey, rpcBaseUrl }));
  // Webhook callers get URLs on the origin they used (as the extension builds them from the request URL); rpc
  // callers are on the loopback port, which is no use to whoever receives the payload, so they get the public one.
  const publicLinks = linksFrom(baseUrl);
  const handler =
    (prefix: string, links: (url: URL) => Links): Handler =>
    async (req, res, url) => {
      // Route words are case-insensitive, as in the extension; instance ids and event names keep their case.
      const lowerPath = url.pathname.toLowerCase();
      if (!lowerPath.startsWith(prefix) && `${lowerPath}/` !== prefix) return false;
      const segments = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent);
      const method = (req.method ?? 'GET').toUpperCase();
      const body = method === 'POST' || method === 'PUT' || method === 'DELETE' ? await readBody(req) : '';
      const context: RouteContext = {
        runner,
        links: links(url),
        url,
        body,
        contentType: req.headers['content-type'],
        continuation: req.headers[continuationHeader],
      };
      send(res, await route(context, method, segments));
      return true;
    };
  return {
    webhook: handler(webhookPrefix, (url) => linksFrom(url.origin)),
    rpc: handler(rpcPrefix, () => publicLinks),
  };
}

interface RouteContext {
  runner: OrchestrationRunner;
  links: Links;
  url: URL;
  body: string;
  contentType: string | undefined;
  continuation: string | string[] | undefined;
}

async function route(context: RouteContext, method: string, segments: string[]): Promise<Reply> {
  const { runner, links, url, body, contentType, continuation } = context;
  const [collectionWord, first, actionWord, eventName, ...rest] = segments;
  const collection = collectionWord?.toLowerCase();
  const action = actionWord === undefined ? undefined : actionWord.toLowerCase();
  if (collection === 'orchestrators' && first && action === undefined && method === 'POST') {
    return startNew(runner, links, url, first, undefined, body);
  }
  if (collection === 'orchestrators' && first && action && eventName === undefined && method === 'POST') {
    return startNew(runner, links, url, first, actionWord, body);
  }
  if (collection === 'entities') {
    return { status: 501, text: 'Durable entities are not supported by the local Functions host.' };
  }
  if (collection !== 'instances' || rest.length > 0) return notFound();
  if (!first) {
    const token = typeof continuation === 'string' ? continuation : undefined;
    if (method === 'GET') return list(runner, url, token);
    if (method === 'DELETE') return purgeBy(runner, url);
    return notFound();
  }
  const instance = runner.instances.get(first);
  if (!instance && action === 'restart' && method === 'POST') {
    // The extension's RestartAsync throws ArgumentException for an unknown id, which its handler answers 400.
    return { status: 400, text: 'InstanceId does not match a valid orchestration instance.' };
  }
  if (action === undefined) {
    if (method === 'GET') return status(instance, url, links);
    if (method === 'DELETE') {
      if (!instance) return { status: 404, text: `No instance with ID '${first}' found.` };
      runner.purge(instance);
      return { status: 200, body: { instancesDeleted: 1 } };
    }
    return notFound();
  }
  if (!instance) return { status: 404, text: `No instance with ID '${first}' found.` };
  if (action === 'history' && method === 'GET') {
    // Local host only (the extension has no such route): the raw DTFx history, for the harness and benchmarks.
    return { status: 200, body: inspectInstance(instance) };
  }
  if (method !== 'POST') return notFound();
  const reason = url.searchParams.get('reason') ?? '';
  const finished = terminalStatuses.has(instance.status);
  switch (action) {
    case 'raiseevent': {
      if (!eventName) return notFound();
      if (finished) return gone(instance);
      // As HttpApiHandler: the media type must be application/json (checked after 404 and 410), then the body JSON.
      const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
      if (mediaType !== 'application/json') {
        return { status: 400, text: 'Only application/json request content is supported' };
      }
      const input = jsonOrNull(body);
      if (input === undefined) return { status: 400, text: 'Invalid JSON content' };
      runner.raiseEvent(instance, eventName, input);
      return { status: 202 };
    }
    case 'terminate':
      if (finished) return gone(instance);
      runner.terminate(instance, reason);
      return { status: 202 };
    case 'suspend':
      if (finished) return gone(instance);
      runner.suspend(instance, reason);
      return { status: 202 };
    case 'resume':
      if (finished) return gone(instance);
      runner.resume(instance, reason);
      return { status: 202 };
    case 'rewind':
      return { status: 501, text: 'The rewind operation is not supported by the local Functions host.' };
    case 'restart': {
      const newId = url.searchParams.get('restartWithNewInstanceId') !== 'false';
      const restarted = start(runner, instance.name, newId ? undefined : instance.instanceId, instance.input);
      return 'reply' in restarted ? restarted.reply : accepted(restarted.instance, links);
    }
    default:
      return notFound();
  }
}

async function startNew(
  runner: OrchestrationRunner,
  links: Links,
  url: URL,
  name: string,
  instanceId: string | undefined,
  body: string,
): Promise<Reply> {
  const input = jsonOrNull(body);
  if (input === undefined) return { status: 400, text: 'The orchestration input must be JSON.' };
  const outcome = start(runner, name, instanceId, input);
  if ('reply' in outcome) return outcome.reply;
  const started = outcome.instance;
  const timeout = url.searchParams.get('timeout');
  if (timeout === null) return accepted(started, links);
  // createAndWaitOnNewInstancePostUri: wait (real time) for the outcome, like WaitForCompletionOrCreateCheckStatus.
  const seconds = Math.min(Number(timeout) || 10, 300);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runner.whenTerminal(started.instanceId),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, seconds * 1000);
    }),
  ]);
  clearTimeout(timer);
  const options = { showInput: true, showHistory: false, showHistoryOutput: false };
  switch (started.status) {
    case 'Completed':
      return { status: 200, body: started.output ?? null };
    case 'Terminated':
      return { status: 200, body: toStatusJson(started, options) };
    case 'Failed':
      return { status: 500, body: toStatusJson(started, options) };
    default:
      return accepted(started, links);
  }
}

function start(
  runner: OrchestrationRunner,
  name: string,
  instanceId: string | undefined,
  input: string | null,
): { instance: OrchestrationInstance } | { reply: Reply } {
  const fn = runner.findOrchestrator(name);
  if (!fn) {
    const text = `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    return { reply: { status: 400, text } };
  }
  try {
    return { instance: runner.start(fn.name, instanceId ?? randomUUID().replace(/-/g, ''), input) };
  } catch (error) {
    if (error instanceof InstanceConflictError) return { reply: { status: 409, text: error.message } };
    throw error;
  }
}

/** 202 + HttpManagementPayload + Location + Retry-After, as `CreateCheckStatusResponse` does. */
function accepted(instance: OrchestrationInstance, links: Links): Reply {
  const payload = links(instance.instanceId);
  return {
    status: 202,
    body: payload,
    headers: { Location: payload.statusQueryGetUri ?? '', 'Retry-After': '10' },
  };
}

function managementPayload(instanceId: string, binding: DurableClientBinding): Record<string, string> {
  const templates = binding.managementUrls;
  const payload: Record<string, string> = {};
  for (const [key, template] of Object.entries(templates)) {
    payload[key] = template.replaceAll(instanceIdPlaceholder, encodeURIComponent(instanceId));
  }
  payload.id = instanceId;
  return payload;
}

function status(instance: OrchestrationInstance | undefined, url: URL, links: Links): Reply {
  if (!instance) return { status: 404 };
  const body = toStatusJson(instance, {
    showInput: flag(url, 'showInput', true),
    showHistory: flag(url, 'showHistory', false),
    showHistoryOutput: flag(url, 'showHistoryOutput', false),
  });
  if (instance.status === 'Failed' && flag(url, 'returnInternalServerErrorOnFailure', false)) {
    return { status: 500, body };
  }
  if (terminalStatuses.has(instance.status)) return { status: 200, body };
  const location = links(instance.instanceId).statusQueryGetUri ?? '';
  return { status: 202, body, headers: { Location: location, 'Retry-After': '5' } };
}

/** Instances matching the query's filters, oldest first (stable, so continuation tokens are offsets). */
function matching(runner: OrchestrationRunner, url: URL): OrchestrationInstance[] {
  const from = dateParam(url, 'createdTimeFrom');
  const to = dateParam(url, 'createdTimeTo');
  const statuses = (url.searchParams.get('runtimeStatus') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const prefix = url.searchParams.get('instanceIdPrefix') ?? '';
  return [...runner.instances.values()]
    .filter(
      (i) =>
        (from === undefined || i.createdTime >= from) &&
        (to === undefined || i.createdTime <= to) &&
        (statuses.length === 0 || statuses.includes(i.status.toLowerCase() as Lowercase<RuntimeStatus>)) &&
        i.instanceId.startsWith(prefix),
    )
    .sort((a, b) => a.createdTime - b.createdTime || a.instanceId.localeCompare(b.instanceId));
}

function list(runner: OrchestrationRunner, url: URL, token: string | undefined): Reply {
  const all = matching(runner, url);
  const top = Number(url.searchParams.get('top') ?? defaultPageSize);
  const pageSize = Number.isInteger(top) && top > 0 ? top : defaultPageSize;
  const offset = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const page = all.slice(offset, offset + pageSize);
  // OrchestrationStatusQueryCondition.ShowInput defaults to true in the extension.
  const options = {
    showInput: flag(url, 'showInput', true),
    showHistory: false,
    showHistoryOutput: false,
  };
  const headers: Record<string, string> = {};
  // Only send a token when there is more: DurableClient keeps paging while the header is truthy.
  if (offset + pageSize < all.length) {
    headers[continuationHeader] = Buffer.from(String(offset + pageSize)).toString('base64');
  }
  return { status: 200, body: page.map((i) => toStatusJson(i, options)), headers };
}

function purgeBy(runner: OrchestrationRunner, url: URL): Reply {
  const victims = matching(runner, url);
  for (const instance of victims) runner.purge(instance);
  // The extension answers 404 when nothing was deleted; DurableClient reads that as instancesDeleted 0.
  return victims.length > 0 ? { status: 200, body: { instancesDeleted: victims.length } } : { status: 404 };
}

function gone(instance: OrchestrationInstance): Reply {
  return { status: 410, text: `The instance '${instance.instanceId}' is ${instance.status}.` };
}

function notFound(): Reply {
  return { status: 404, text: 'No such durable task management route.' };
}

/** `undefined` means "not JSON"; an empty body means no input. */
function jsonOrNull(body: string): string | null | undefined {
  if (body.trim() === '') return null;
  try {
    JSON.parse(body);
    return body;
  } catch {
    return undefined;
  }
}

function flag(url: URL, name: string, fallback: boolean): boolean {
  const value = url.searchParams.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
}

function dateParam(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.text !== undefined) {
    payload = JSON.stringify({ Message: reply.text });
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
