/**
 * The entry the Functions worker imports (package.json `main` → `dist/main.js`), on every cold start. It loads
 * only `@azure/functions` and the configuration (zod/mini), and registers every function of the app from the
 * manifest the build inlined (`FUNCTIONS_MANIFEST`: each function's `app` method, name and options, handler
 * excepted, as the full app registers them). The full app (`dist/app.js`, built from `functions/index.ts`) is
 * loaded by the first invocation; each handler here delegates to the handler the app registered under the same
 * name (see capturingApp.ts). Importing the whole app instead takes ~3× a bare Node start.
 */
import { createRequire } from 'node:module';

import { app } from '@azure/functions';

import { loadConfig } from '../../shared/platform/config';
import type { capturedHandlers, FunctionRegistration } from './capturingApp';

declare const FUNCTIONS_MANIFEST: readonly FunctionRegistration[];

interface FullApp {
  capturedHandlers: typeof capturedHandlers;
}

// A missing or bad setting stops start-up with a list of what is wrong, as before the split.
loadConfig();

let fullApp: FullApp | undefined;

function handlerOf(name: string): (...args: unknown[]) => unknown {
  // `require` relative to this bundle (dist/main.js), at run time: the build leaves dist/app.js a separate file.
  fullApp ??= createRequire(__filename)('./app.js') as FullApp;
  const handler = fullApp.capturedHandlers.get(name);
  if (!handler) throw new Error(`dist/app.js registers no function named ${name}; rebuild the app.`);
  return handler;
}

for (const { kind, name, options } of FUNCTIONS_MANIFEST) {
  const register = app[kind] as (name: string, options: object) => void;
  register(name, { ...options, handler: (...args: unknown[]) => handlerOf(name)(...args) });
}
