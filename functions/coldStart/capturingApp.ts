/**
 * Stands in for `@azure/functions` inside `dist/app.js`, the full app (see scripts/build.ts): the build resolves
 * every import of `@azure/functions` there (the app's own and durable-functions' internal `require`) to this
 * module. Its `app.http` / `app.storageQueue` / `app.generic` … record each registration instead of registering
 * it; everything else (`input`, `trigger`, `HttpResponse`, `InvocationContext` …) is the real module, the same copy
 * the slim entry registers with.
 *
 * Why: the worker imports the entry on every cold start, and importing the whole app (zod schemas of every
 * endpoint, durable-functions with its dependencies, jose …) costs ~250 ms. The slim entry (`lazyEntry.ts`,
 * `dist/main.js`) registers the functions from a manifest the build reads from this registry, and loads
 * `dist/app.js` only when the first invocation arrives, to call the handler recorded here.
 */
import { isDeepStrictEqual } from 'node:util';

import * as functions from '@azure/functions';

export * from '@azure/functions';

type Handler = (...args: unknown[]) => unknown;

/** The `app` methods that take `(name, options-with-handler)` and register one function. */
const registrationKinds = [
  'http',
  'timer',
  'storageBlob',
  'storageQueue',
  'serviceBusQueue',
  'serviceBusTopic',
  'eventHub',
  'eventGrid',
  'cosmosDB',
  'warmup',
  'sql',
  'mySql',
  'webPubSub',
  'generic',
] as const;

export type RegistrationKind = (typeof registrationKinds)[number];

/** One function as the slim entry registers it: the same `app` method and options, minus the handler. */
export interface FunctionRegistration {
  kind: RegistrationKind;
  name: string;
  options: Record<string, unknown>;
}

/** The handler of every function the app registered, by function name. */
export const capturedHandlers = new Map<string, Handler>();
const registrations: FunctionRegistration[] = [];

function capture(kind: RegistrationKind) {
  return (name: string, options: { handler: Handler } & Record<string, unknown>): void => {
    if (capturedHandlers.has(name)) throw new Error(`A function named ${name} is already registered.`);
    const { handler, ...rest } = options;
    capturedHandlers.set(name, handler);
    registrations.push({ kind, name, options: rest });
  };
}

function unsupported(member: string) {
  return (): never => {
    throw new Error(
      `app.${member} is not supported by the lazily loaded app (functions/coldStart/capturingApp.ts): ` +
        'register with app.http/app.storageQueue/app.generic … (with options), or teach the slim entry about it.',
    );
  };
}

const kinds: readonly string[] = registrationKinds;

export const app = Object.fromEntries(
  Object.keys(functions.app).map((member) => [
    member,
    kinds.includes(member) ? capture(member as RegistrationKind) : unsupported(member),
  ]),
) as unknown as typeof functions.app;

/**
 * What the build writes into the slim entry. Throws unless every registration's options survive JSON (binding
 * objects are plain data), because the slim entry registers exactly what the JSON holds.
 */
export function functionsManifest(): FunctionRegistration[] {
  for (const registration of registrations) {
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(registration)), registration)) {
      throw new Error(`The options of function ${registration.name} are not plain JSON data.`);
    }
  }
  return registrations;
}
