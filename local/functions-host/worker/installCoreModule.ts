import Module from 'node:module';

import type {
  CoreFunctionCallback,
  CoreFunctionMetadata,
  CoreHookCallback,
  CoreLogCategory,
  CoreLogLevel,
  CoreProgrammingModel,
} from './coreTypes';
import { Disposable } from './Disposable';
import { WorkerRegistry } from './WorkerRegistry';

/** The worker version we claim to be; the library does not read it, but log lines and apps might. */
const workerVersion = '3.10.1';
/** The Functions host version under `func start` 4.x. */
const hostVersion = '4.1037.0';

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: LoadFn };

let installed: WorkerRegistry | undefined;

/**
 * Makes `require('@azure/functions-core')` return a stand-in for the worker's core API, process-wide and once.
 *
 * Why `Module._load`: it sits under every CommonJS `require` (including the ones `@azure/functions` makes from an
 * ESM app, since the library is CommonJS), while the worker's `Module.prototype.require` proxy would miss
 * `createRequire` functions. It must run before the app's first `app.*` call: `@azure/functions` caches a failed
 * lookup and then silently skips every registration ("test mode", doc gotcha 1).
 */
export function installCoreModule(): WorkerRegistry {
  if (installed) {
    return installed;
  }
  const registry = new WorkerRegistry();
  const coreApi = {
    version: workerVersion,
    get hostVersion(): string {
      return hostVersion;
    },
    registerFunction: (metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): Disposable =>
      registry.registerFunction(metadata, callback),
    registerHook: (name: string, callback: CoreHookCallback): Disposable =>
      registry.registerHook(name, callback),
    setProgrammingModel: (model: CoreProgrammingModel): void => {
      if (registry.programmingModel && registry.programmingModel !== model) {
        // Two copies of @azure/functions (doc gotcha 2): the last one wins, which usually breaks durable bindings.
        registry.log(
          'warning',
          'system',
          `Setting Node.js programming model to "${model.name}" version "${model.version}" over an earlier one: ` +
            'is @azure/functions installed twice (npm ls @azure/functions)?',
        );
      }
      registry.programmingModel = model;
    },
    getProgrammingModel: (): CoreProgrammingModel | undefined => registry.programmingModel,
    log: (level: CoreLogLevel, category: CoreLogCategory, message: string): void =>
      registry.log(level, category, message),
    Disposable,
  };

  const originalLoad = moduleInternals._load;
  moduleInternals._load = function load(
    this: unknown,
    request: string,
    parent: unknown,
    isMain: boolean,
  ): unknown {
    if (request === '@azure/functions-core') {
      return coreApi;
    }
    return originalLoad.call(this, request, parent, isMain);
  };
  installed = registry;
  return registry;
}
