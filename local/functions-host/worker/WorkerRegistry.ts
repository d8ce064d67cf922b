import type {
  CoreFunctionCallback,
  CoreFunctionMetadata,
  CoreHookCallback,
  CoreHookName,
  CoreLogCategory,
  CoreLogLevel,
  CoreProgrammingModel,
  HookContextBase,
  LogHookContext,
} from './coreTypes';
import { Disposable } from './Disposable';

export interface RegisteredCallback {
  metadata: CoreFunctionMetadata;
  callback: CoreFunctionCallback;
}

export interface WorkerLogEntry {
  level: CoreLogLevel;
  category: CoreLogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}

/** What an invocation passes along with its logs so that log hooks see its `hookData` and `InvocationContext`. */
export interface InvocationLogContext {
  hookData: Record<string, unknown>;
  invocationContext: unknown;
  functionName: string;
  invocationId: string;
}

const hookNames: readonly CoreHookName[] = [
  'appStart',
  'appTerminate',
  'preInvocation',
  'postInvocation',
  'log',
];

/** Thrown like the worker's `AzFuncRangeError`: `@azure/functions` recognises it when registering log hooks. */
class UnknownHookError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}

/**
 * The worker-side state behind the stand-in `@azure/functions-core`: registered functions, hooks, the programming
 * model and the log pipeline. Mirrors the real worker's `AppContext` + `WorkerContext.log`.
 */
export class WorkerRegistry {
  /** Keyed by function id, which `@azure/functions` sets to the function name. */
  readonly functions = new Map<string, RegisteredCallback>();
  /** Shared by every hook (`appHookData` in the core API). */
  readonly appHookData: Record<string, unknown> = {};
  /** `hookData` of the app-level hooks (appStart/appTerminate) only, as in the worker. */
  readonly appLevelOnlyHookData: Record<string, unknown> = {};
  programmingModel: CoreProgrammingModel | undefined;
  /** Where logs go after the log hooks ran; the host replaces it with its logger. */
  logSink: (entry: WorkerLogEntry) => void = () => {};

  readonly #hooks = new Map<CoreHookName, CoreHookCallback[]>(hookNames.map((name) => [name, []]));
  #locked = false;

  get locked(): boolean {
    return this.#locked;
  }

  /** After app start the real worker refuses new registrations ("indexing is locked"). */
  lock(): void {
    this.#locked = true;
  }

  registerFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable {
    if (this.#locked) {
      throw new Error('A function can only be registered during app startup.');
    }
    const functionId = metadata.functionId ?? metadata.name;
    if (!functionId) {
      throw new Error('A function registration needs a "functionId" or "name".');
    }
    if (this.functions.has(functionId)) {
      // The real host refuses to start with two functions of the same name; failing here says which one.
      throw new Error(`A function named "${functionId}" is already registered.`);
    }
    this.functions.set(functionId, {
      metadata: { ...metadata, name: metadata.name || functionId },
      callback,
    });
    return new Disposable(() => {
      if (this.#locked) {
        throw new Error('A function can only be disposed during app startup.');
      }
      this.functions.delete(functionId);
    });
  }

  registerHook(name: string, callback: CoreHookCallback): Disposable {
    const hooks = this.#hooks.get(name as CoreHookName);
    if (!hooks) {
      throw new UnknownHookError(`Unrecognized hook "${name}"`);
    }
    hooks.push(callback);
    return new Disposable(() => {
      const index = hooks.indexOf(callback);
      if (index >= 0) {
        hooks.splice(index, 1);
      }
    });
  }

  hookCount(name: CoreHookName): number {
    return this.#hooks.get(name)?.length ?? 0;
  }

  /** Runs hooks one after the other, awaiting each, as the worker's `executeHooks` does; an error propagates. */
  async runHooks(name: Exclude<CoreHookName, 'log'>, context: HookContextBase): Promise<void> {
    // A copy: a hook may dispose itself (or register another) while the list runs.
    for (const hook of [...(this.#hooks.get(name) ?? [])]) {
      await hook(context);
    }
  }

  /**
   * The worker's `WorkerContext.log`: log hooks run synchronously first; for user logs they may change the level
   * and message; a throwing hook never prevents the log. Then the entry goes to `logSink`.
   */
  log(
    level: CoreLogLevel,
    category: CoreLogCategory,
    message: string,
    invocation?: InvocationLogContext,
  ): void {
    const entry: WorkerLogEntry = {
      level,
      category,
      message,
      functionName: invocation?.functionName,
      invocationId: invocation?.invocationId,
    };
    const logHooks = this.#hooks.get('log') ?? [];
    if (logHooks.length > 0) {
      const context: LogHookContext = {
        level,
        message,
        category,
        hookData: invocation?.hookData ?? {},
        appHookData: this.appHookData,
        invocationContext: invocation?.invocationContext,
      };
      try {
        for (const hook of logHooks) {
          // Log hooks are synchronous in the worker; a returned promise is not awaited there either.
          const result = hook(context);
          if (result instanceof Promise) {
            result.catch(() => {});
          }
        }
        if (category === 'user') {
          entry.level = context.level;
          entry.message = context.message;
        }
      } catch {
        // As in the worker: user hooks cannot suppress logs.
      }
    }
    this.logSink(entry);
  }
}
