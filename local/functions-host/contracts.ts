/**
 * The seams between the parts of the local Functions host. Each part lives in its own folder and depends only on
 * these interfaces:
 *
 * - `worker/`  the stand-in for `@azure/functions-core`, the app loader and the invocation pipeline (FunctionInvoker)
 * - `http/`    the front door: routes HTTP requests to HTTP triggers and (with the system key) to the durable
 *              webhooks; the durable rpc listener on its own loopback port
 * - `queues/`  storage-queue triggers polling Azurite, queue output bindings
 * - `durable/` the Durable Task engine: orchestrations, activities, timers, events, the management HTTP API
 * - `clock.ts` real and virtual time; `idle.ts` the work tracker behind `waitForIdle()`
 * - `index.ts` `startLocalHost()`, which wires them together, and the test-harness API
 *
 * The app under `functions/` never imports any of this: it runs unchanged under `func start`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Typed data as the worker protocol carries it (`RpcTypedData`); exactly one field is set. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  stream?: Uint8Array;
  http?: RpcHttp;
  int?: number;
  double?: number;
  collectionBytes?: { bytes: Uint8Array[] };
  collectionString?: { string: string[] };
  collectionDouble?: { double: number[] };
  collectionSint64?: { sint64: number[] };
}

export interface RpcNullableString {
  value?: string;
}

export interface RpcHttpCookie {
  name: string;
  value: string;
  domain?: { value: string };
  path?: { value: string };
  expires?: { value: { seconds: number; nanos?: number } };
  secure?: { value: boolean };
  httpOnly?: { value: boolean };
  sameSite?: number;
  maxAge?: { value: number };
}

export interface RpcHttp {
  method?: string;
  url?: string;
  nullableHeaders?: Record<string, RpcNullableString>;
  nullableQuery?: Record<string, RpcNullableString>;
  nullableParams?: Record<string, RpcNullableString>;
  headers?: Record<string, string>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
  enableContentNegotiation?: boolean;
}

export interface RpcParameterBinding {
  name: string;
  data: RpcTypedData;
}

export interface RpcInvocationResponse {
  invocationId: string;
  outputData?: RpcParameterBinding[];
  returnValue?: RpcTypedData;
}

/** One binding of a registered function, as `@azure/functions` reports it in `FunctionMetadata.bindings`. */
export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [setting: string]: unknown;
}

/** A function the app registered through `registerFunction`. */
export interface RegisteredFunction {
  name: string;
  /** The binding whose `type` ends in `Trigger`, with its key as `name`. */
  trigger: BindingMetadata & { name: string };
  bindings: Record<string, BindingMetadata>;
  retryOptions?: unknown;
}

export interface InvocationRequest {
  /** Trigger input first, then any extra inputs; inputs provided by an `InputProvider` are filled in for you. */
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Set on every attempt of a function with a retry policy (`context.retryContext` in the app). */
  retryContext?: RpcRetryContext;
}

/** The worker protocol's `RetryContext`: the attempt (0 first), the policy's maximum, the last attempt's error. */
export interface RpcRetryContext {
  retryCount: number;
  maxRetryCount: number;
  exception?: { message?: string; source?: string; stackTrace?: string };
}

/** Supplies a non-trigger input binding (for example `durableClient`) whenever a function that declares it runs. */
export type InputProvider = (
  binding: BindingMetadata & { name: string },
  fn: RegisteredFunction,
) => RpcTypedData;

/** Runs functions through the real programming model, exactly as the Node worker does. */
export interface FunctionInvoker {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  /** Registers the provider for every input binding of this `type`. */
  provideInput(bindingType: string, provider: InputProvider): void;
  /** Rejects with the function's error (the pipeline's thrown error) when the function fails. */
  invoke(functionName: string, request: InvocationRequest): Promise<RpcInvocationResponse>;
}

/** Real time under `npm start`, virtual time in tests. All durable timers and scheduled work go through it. */
export interface HostClock {
  readonly kind: 'real' | 'virtual';
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once the clock reaches `at` (epoch ms). Returns a function that cancels it. */
  schedule(at: number, fn: () => void): () => void;
}

/**
 * Counts work in flight (HTTP requests, invocations, queued durable work items, queue messages being handled) so
 * the harness can wait until the host is idle. Timers scheduled in the future are not work in flight.
 */
export interface WorkTracker {
  /** Marks the start of a piece of work; call the returned function exactly once when it ends. */
  begin(label: string): () => void;
  /** Resolves when nothing is in flight (checked again after a macrotask so that chained work is seen). */
  whenIdle(): Promise<void>;
  readonly busy: number;
}

export interface HostLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What `durable/` gives the rest of the host. Created by `index.ts` after the app is loaded. */
export interface DurableEngineOptions {
  invoker: FunctionInvoker;
  clock: HostClock;
  tracker: WorkTracker;
  logger: HostLogger;
  hubName: string;
  /** The origin the host listens on, e.g. `http://127.0.0.1:7071`. */
  baseUrl: string;
  /** The durable extension's system key: the webhook URLs handed to the app carry it as `code=`. */
  systemKey: string;
  /** Where `DurableClient` calls go (`http://127.0.0.1:<rpc port>/durabletask/`): a loopback-only listener. */
  rpcBaseUrl: string;
  maxConcurrentActivities?: number;
  /**
   * Keep instances in an append-only journal in this folder and resume them on start; undefined keeps them in
   * memory only (the virtual-clock test harness).
   */
  durableStateDirectory?: string;
  /** Compact the journal once this many bytes were appended since the last compaction (default 64 MB). */
  durableCompactAfterBytes?: number;
}

export interface DurableEngineApi {
  /**
   * Handles `/runtime/webhooks/durabletask/...` on the public port; false when not one of them. It does not check
   * the system key: the front door does, before calling it, as the real host's auth filter does.
   */
  handleWebhook(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Handles the client's `rpcBaseUrl` paths (`/durabletask/...`), served only on the loopback rpc listener. */
  handleRpc(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Stops scheduling work; resolves when running invocations have settled. */
  stop(): Promise<void>;
}
