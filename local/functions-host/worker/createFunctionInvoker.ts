import { randomBytes, randomUUID } from 'node:crypto';

import type {
  BindingMetadata,
  FunctionInvoker,
  HostLogger,
  InputProvider,
  InvocationRequest,
  RegisteredFunction,
  RpcInvocationResponse,
  RpcParameterBinding,
  RpcTypedData,
  WorkTracker,
} from '../contracts';
import type {
  CoreFunctionMetadata,
  CoreInvocationContext,
  CoreInvocationRequest,
  PostInvocationHookContext,
  PreInvocationHookContext,
} from './coreTypes';
import type { InvocationLogContext, RegisteredCallback, WorkerRegistry } from './WorkerRegistry';

export interface FunctionInvokerOptions {
  registry: WorkerRegistry;
  /** Each invocation counts as work in flight. */
  tracker?: WorkTracker;
  logger?: HostLogger;
  /** Defaults to `process.env`; read for `AzureWebJobs.<name>.Disabled`. */
  env?: NodeJS.ProcessEnv;
  /** Log every successful invocation ("Executed 'Functions.x' (Succeeded, …)") as `func start` does; failures always are. */
  logInvocations?: boolean;
}

/**
 * Delivers one output binding's value after a successful invocation (the host flushes output bindings before it
 * reports the invocation done; a failed delivery fails the invocation).
 */
export type OutputHandler = (
  binding: BindingMetadata & { name: string },
  data: RpcTypedData,
  fn: RegisteredFunction,
) => Promise<void>;

/** The invoker plus what the host needs around it. */
export interface LocalFunctionInvoker extends FunctionInvoker {
  /** Functions registered by the app but switched off with `AzureWebJobs.<name>.Disabled`. */
  readonly disabled: readonly string[];
  /** Registers the handler for every output binding of this `type` (e.g. `queue`). */
  handleOutput(bindingType: string, handler: OutputHandler): void;
  /** Whether this host gives a value to input bindings (`in`) or delivers output bindings (`out`) of `type`. */
  supports(direction: 'in' | 'out', bindingType: string): boolean;
}

interface FunctionEntry {
  fn: RegisteredFunction;
  registered: RegisteredCallback;
}

/**
 * Runs functions the way the Node worker's `InvocationHandler` does: getInvocationModel → getArguments →
 * preInvocation hooks → invokeFunction → postInvocation hooks → (rethrow) → getResponse. So `@azure/functions`
 * itself builds `HttpRequest`, `InvocationContext`, extra inputs/outputs and the response, with no test mode.
 */
export function createFunctionInvoker(options: FunctionInvokerOptions): LocalFunctionInvoker {
  const { registry, tracker, logger } = options;
  const env = options.env ?? process.env;
  const entries = new Map<string, FunctionEntry>();
  const disabled: string[] = [];
  for (const registered of registry.functions.values()) {
    const fn = toRegisteredFunction(registered.metadata);
    if (isDisabled(env, fn.name)) {
      // The real host indexes a disabled function but never triggers it; here it is simply absent.
      disabled.push(fn.name);
      logger?.info(`Function "${fn.name}" is disabled (AzureWebJobs.${fn.name}.Disabled).`);
      continue;
    }
    entries.set(fn.name, { fn, registered });
  }
  const functions: ReadonlyMap<string, RegisteredFunction> = new Map(
    [...entries].map(([name, entry]) => [name, entry.fn]),
  );
  const providers = new Map<string, InputProvider>();
  const outputHandlers = new Map<string, OutputHandler>();

  function fillProvidedInputs(fn: RegisteredFunction, given: RpcParameterBinding[]): RpcParameterBinding[] {
    const inputData = [...given];
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (
        binding.direction !== 'in' ||
        name === fn.trigger.name ||
        inputData.some((input) => input.name === name)
      ) {
        continue;
      }
      const provider = providers.get(binding.type.toLowerCase());
      if (!provider) {
        // The real host reads the input before the function runs; running it with `undefined` instead would send
        // the code down its "not found" path with no word of why, so the invocation fails here, naming the binding.
        throw new Error(
          `Function "${fn.name}" declares the input binding "${name}" (type ${binding.type}), which the local ` +
            'Functions host cannot provide; the function was not run. Run it under `func start` or in Azure.',
        );
      }
      inputData.push({ name, data: provider({ ...binding, name }, fn) });
    }
    return inputData;
  }

  async function runPipeline(
    entry: FunctionEntry,
    request: InvocationRequest,
    invocationId: string,
  ): Promise<RpcInvocationResponse> {
    const { fn, registered } = entry;
    const model = registry.programmingModel;
    if (!model) {
      throw new Error(
        'The app set no programming model: did it register its functions through @azure/functions?',
      );
    }
    const coreRequest: CoreInvocationRequest = {
      invocationId,
      functionId: registered.metadata.functionId ?? fn.name,
      inputData: fillProvidedInputs(fn, request.inputData),
      triggerMetadata: request.triggerMetadata ?? {},
      ...(request.retryContext ? { retryContext: request.retryContext } : {}),
      traceContext: {
        traceParent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`,
        traceState: '',
        attributes: { OperationName: fn.name },
      },
    };
    // Filled in once the library built the InvocationContext; earlier logs carry an empty one.
    const logState: { context?: InvocationLogContext } = {};
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: coreRequest,
      metadata: copyMetadata(registered.metadata),
      state: undefined,
      log: (level, category, message) =>
        registry.log(
          level,
          category,
          message,
          logState.context ?? {
            hookData: {},
            invocationContext: undefined,
            functionName: fn.name,
            invocationId,
          },
        ),
    };
    coreCtx.log(
      'debug',
      'system',
      `Worker received FunctionInvocationRequest with invocationId ${invocationId}`,
    );

    const invocationModel = await model.getInvocationModel(coreCtx);
    const hookData: Record<string, unknown> = {};
    const args = await invocationModel.getArguments();
    const context = args.context;
    logState.context = { hookData, invocationContext: context, functionName: fn.name, invocationId };

    const pre: PreInvocationHookContext = {
      hookData,
      appHookData: registry.appHookData,
      invocationContext: context,
      inputs: args.inputs,
      functionCallback: registered.callback,
    };
    coreCtx.state = 'preInvocationHooks';
    try {
      await registry.runHooks('preInvocation', pre);
    } finally {
      coreCtx.state = undefined;
    }

    const post: PostInvocationHookContext = {
      hookData,
      appHookData: registry.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result: null,
      error: null,
    };
    coreCtx.state = 'invocation';
    try {
      post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (error) {
      post.error = error;
    } finally {
      coreCtx.state = undefined;
    }

    coreCtx.state = 'postInvocationHooks';
    try {
      await registry.runHooks('postInvocation', post);
    } finally {
      coreCtx.state = undefined;
    }
    // The worker's `isError` is "not null or undefined": hooks may clear or replace the error.
    if (post.error !== null && post.error !== undefined) {
      throw ensureError(post.error);
    }
    const response = await invocationModel.getResponse(context, post.result);
    await deliverOutputs(fn, response);
    return response;
  }

  async function deliverOutputs(fn: RegisteredFunction, response: RpcInvocationResponse): Promise<void> {
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (binding.direction !== 'out') {
        continue;
      }
      const handler = outputHandlers.get(binding.type.toLowerCase());
      // HTTP responses go back through the front door, not through a handler.
      if (!handler && binding.type.toLowerCase() === 'http') {
        continue;
      }
      const data =
        name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
      if (data === undefined || data === null) {
        continue;
      }
      if (!handler) {
        // The real host would write it; dropping it silently would lose data, so the invocation fails instead.
        throw new Error(
          `Function "${fn.name}" set its output binding "${name}" (type ${binding.type}), which the local ` +
            'Functions host cannot deliver; the value was not written anywhere. Run this function under ' +
            '`func start` or in Azure, or leave the output unset locally.',
        );
      }
      await handler({ ...binding, name }, data, fn);
    }
  }

  return {
    functions,
    disabled,
    provideInput(bindingType: string, provider: InputProvider): void {
      providers.set(bindingType.toLowerCase(), provider);
    },
    handleOutput(bindingType: string, handler: OutputHandler): void {
      outputHandlers.set(bindingType.toLowerCase(), handler);
    },
    supports(direction: 'in' | 'out', bindingType: string): boolean {
      const type = bindingType.toLowerCase();
      return direction === 'in' ? providers.has(type) : type === 'http' || outputHandlers.has(type);
    },
    async invoke(functionName: string, request: InvocationRequest): Promise<RpcInvocationResponse> {
      const entry = entries.get(functionName);
      if (!entry) {
        throw new Error(
          `Function "${functionName}" is not registered${disabled.includes(functionName) ? ' (disabled)' : ''}.`,
        );
      }
      const end = tracker?.begin(`invoke ${functionName}`);
      const invocationId = randomUUID();
      const started = Date.now();
      try {
        const response = await runPipeline(entry, request, invocationId);
        if (options.logInvocations) {
          logger?.info(
            `Executed 'Functions.${functionName}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`,
          );
        }
        return response;
      } catch (error) {
        logger?.error(
          `Executed 'Functions.${functionName}' (Failed, Id=${invocationId}, Duration=${Date.now() - started}ms): ` +
            describeFailure(error),
        );
        throw error;
      } finally {
        end?.();
      }
    },
  };
}

const outOfProcDataLabel = '$OutOfProcData$:';

/**
 * The failure as the log line shows it. A failed orchestrator (durable-functions) throws
 * `"false\n\n$OutOfProcData$:<state>"`: its message is the literal `false`, and its error is the state's `error`.
 */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(outOfProcDataLabel);
  if (at < 0) return message;
  try {
    const state = JSON.parse(message.slice(at + outOfProcDataLabel.length)) as { error?: unknown };
    if (typeof state.error === 'string' && state.error !== '') return state.error;
  } catch {
    // not the state we know: the raw text says more than nothing
  }
  return message;
}

function toRegisteredFunction(metadata: CoreFunctionMetadata): RegisteredFunction {
  const bindings = metadata.bindings ?? {};
  const triggerEntry = Object.entries(bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  if (!triggerEntry) {
    throw new Error(`Function "${metadata.name}" has no trigger binding.`);
  }
  const [triggerName, trigger] = triggerEntry;
  return {
    name: metadata.name,
    trigger: { ...trigger, name: triggerName },
    bindings,
    retryOptions: metadata.retryOptions,
  };
}

/** A fresh copy per invocation, as the worker converts the metadata per request; the library may not alter ours. */
function copyMetadata(metadata: CoreFunctionMetadata): CoreFunctionMetadata {
  const bindings: Record<string, BindingMetadata> = {};
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    bindings[name] = { ...binding };
  }
  return { ...metadata, bindings };
}

function isDisabled(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[`AzureWebJobs.${name}.Disabled`] ?? env[`AzureWebJobs_${name}_Disabled`];
  return value !== undefined && (value.toLowerCase() === 'true' || value === '1');
}

/** The worker's `ensureErrorType`: anything thrown becomes an `Error`. */
function ensureError(error: unknown): Error {
  if (error instanceof Error) {
    return error;
  }
  if (typeof error === 'string') {
    return new Error(error);
  }
  if (error === null || error === undefined) {
    return new Error('Unknown error');
  }
  switch (typeof error) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return new Error(String(error));
    case 'symbol':
      return new Error(error.toString());
    default:
      return new Error(JSON.stringify(error) ?? 'Unknown error');
  }
}
