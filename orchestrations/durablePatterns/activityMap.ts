import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type OrchestrationContext, type RetryOptions, type Task } from 'durable-functions';

/**
 * An activity as a workflow's activities factory returns it: one serialisable input, the invocation context (for
 * logs), a promised serialisable result.
 */
export type Activity = (input: never, log: InvocationContext) => Promise<unknown>;

/**
 * The names the activities are registered under, one per key of the factory. A registered name is what running
 * orchestrations replay their history under, so it never changes, even when the key (the name in the code) does.
 */
export type ActivityNames<A> = { readonly [K in keyof A]: string };

/** Each activity as the orchestrator calls it, with `yield*`: its input and result types are the factory's. */
export type ActivityProxy<A extends Record<keyof A, Activity>> = {
  readonly [K in keyof A]: (
    input: Parameters<A[K]>[0],
  ) => Generator<Task, Awaited<ReturnType<A[K]>>, unknown>;
};

/**
 * The orchestrator's typed view of its activities, as Temporal's `proxyActivities<typeof activities>`: one
 * declaration (the activities factory, whose type the orchestrator imports as a type only, and the registered names)
 * gives each call its name, input and result type. Every call is retried by `retry`.
 *
 * This is the one place where the durable result (`unknown`: whatever the activity returned, through the history's
 * JSON) becomes typed: the activity registered under that name by `registerActivities` is the factory's function of
 * the same key, so its result is what the factory's type says.
 */
export function proxyActivities<A extends Record<keyof A, Activity>>(
  context: OrchestrationContext,
  names: ActivityNames<A>,
  retry: RetryOptions,
): ActivityProxy<A> {
  const proxy: Record<string, (input: unknown) => Generator<Task, unknown, unknown>> = {};
  for (const [key, name] of Object.entries<string>(names)) {
    proxy[key] = function* (input: unknown) {
      return yield context.df.callActivityWithRetry(name, retry, input);
    };
  }
  return proxy as ActivityProxy<A>;
}

/**
 * Registers every activity of a workflow under its name, from the same declaration the orchestrator's proxy uses.
 * `activities` is the factory's result, built once at load by the composition root.
 */
export function registerActivities<A extends Record<keyof A, Activity>>(
  names: ActivityNames<A>,
  activities: A,
): void {
  for (const key of Object.keys(names) as (keyof A & string)[]) {
    const run = activities[key] as (input: never, log: InvocationContext) => Promise<unknown>;
    df.app.activity(names[key], {
      // The input is what the orchestrator's proxy passed for this key, read back from the history's JSON.
      handler: (input: unknown, context: InvocationContext) => run(input as never, context),
    });
  }
}
