/**
 * The shapes of `@azure/functions-core`, the module the real Node worker injects at run time. There is no npm
 * package with these types, so the ones this host needs are written down here (after
 * `azure-functions-nodejs-library/types-core/index.d.ts`). Only what the stand-in touches is typed strictly.
 */
import type { BindingMetadata, RpcInvocationResponse, RpcTypedData } from '../contracts';

export type CoreLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type CoreLogCategory = 'user' | 'system' | 'customMetric';
export type CoreHookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type CoreInvocationState = 'preInvocationHooks' | 'invocation' | 'postInvocationHooks';

export type WorkerCapabilities = Record<string, string>;

/** What `@azure/functions` passes to `registerFunction` (`toCoreFunctionMetadata`). */
export interface CoreFunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: unknown;
  [key: string]: unknown;
}

export type CoreFunctionCallback = (...args: unknown[]) => unknown;
export type CoreHookCallback = (context: HookContextBase) => void | Promise<void>;

export interface CoreInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: { name: string; data: RpcTypedData }[];
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: unknown;
  traceContext?: unknown;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: CoreInvocationRequest;
  metadata: CoreFunctionMetadata;
  state?: CoreInvocationState;
  log(level: CoreLogLevel, category: CoreLogCategory, message: string): void;
}

export interface CoreInvocationArguments {
  /** The library's `InvocationContext`; opaque to the host. */
  context: unknown;
  inputs: unknown[];
}

export interface CoreInvocationModel {
  getArguments(): Promise<CoreInvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: CoreFunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface CoreProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): CoreInvocationModel | Promise<CoreInvocationModel>;
  getCapabilities?(capabilities: WorkerCapabilities): WorkerCapabilities | Promise<WorkerCapabilities>;
}

/**
 * Hook contexts are plain mutable objects: the version 4 wrappers (`PreInvocationContext` and friends) keep the
 * object they are given and read and write through it, so the host sees `inputs`, `functionCallback`, `result`,
 * `error`, log `level` and `message` as the hooks left them.
 */
export interface HookContextBase {
  hookData: Record<string, unknown>;
  appHookData: Record<string, unknown>;
}

export interface AppStartHookContext extends HookContextBase {
  functionAppDirectory: string;
}

export interface PreInvocationHookContext extends HookContextBase {
  invocationContext: unknown;
  inputs: unknown[];
  functionCallback: CoreFunctionCallback;
}

export interface PostInvocationHookContext extends HookContextBase {
  invocationContext: unknown;
  inputs: unknown[];
  result: unknown;
  error: unknown;
}

export interface LogHookContext extends HookContextBase {
  level: CoreLogLevel;
  message: string;
  category: CoreLogCategory;
  invocationContext: unknown;
}
