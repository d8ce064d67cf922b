import { createRequire } from 'node:module';

import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type OrchestrationHandler } from 'durable-functions';
import { expect } from 'vitest';

import { flattenActions } from '../../local-functions-host/durable/flattenActions';
import { type HistoryEvent, HistoryEventType } from '../../local-functions-host/durable/historyEvent';
import {
  longRunningTimerIntervalDuration,
  longTimerSegment,
  maximumShortTimerDuration,
} from '../../local-functions-host/durable/longTimerSegment';
import {
  ActionType,
  type OrchestratorAction,
  type OrchestratorState,
  type RetryOptionsJson,
} from '../../local-functions-host/durable/orchestratorAction';

/**
 * A replay harness for orchestrators: history events in, actions out, through the real durable-functions 3.x
 * executor (the same `createOrchestrator` wrapper `df.app.orchestration` registers), so what a test asserts is what
 * the Durable extension would see. Each step is one episode, as the extension runs it: the whole history replayed
 * (`IsPlayed: true`), then one `OrchestratorStarted` and the new event. The harness plays the extension's part in
 * between: it numbers tasks the way the JS executor does (one counter; retry timers, re-attempts and long-timer
 * segments take ids when their trigger event is processed), so a test names activities, timers and events, never ids.
 *
 * ```ts
 * const purchase = replayOrchestration(azurePlanPurchaseOrchestrator, { instanceId, input, startAt });
 * expect((await purchase.start()).actions).toEqual([activityCall(purchaseActivities.inviteCustomer)]);
 * await purchase.completeActivity(purchaseActivities.inviteCustomer, null);
 * const next = await purchase.raiseEvent(purchaseEvents.mcaAccepted, {});
 * ```
 */

/** An action the orchestrator decided in an episode and had not decided before. */
export type NextAction =
  | { kind: 'callActivity'; name: string; input: unknown; withRetry: boolean }
  | { kind: 'createTimer'; fireAt: string }
  | { kind: 'cancelTimer'; fireAt: string }
  | { kind: 'callSubOrchestrator'; name: string; input: unknown; instanceId?: string };

/** What one episode amounted to. */
export interface Episode {
  /** New decisions of this episode, in the order the orchestrator made them (what the extension would schedule now). */
  actions: NextAction[];
  /** The orchestrator returned (`output` is its value). */
  done: boolean;
  output: unknown;
  /** The orchestrator threw: the orchestration fails with this message. */
  failure?: string;
  customStatus: unknown;
}

export interface ReplayOptions {
  instanceId: string;
  input: unknown;
  /** When the orchestration starts: the first `currentUtcDateTime`. */
  startAt: Date;
  /** The function name the orchestrator is registered under (only used for logs). */
  name?: string;
}

export interface StepOptions {
  /** When the event arrives (the clock only moves forward); default: the time of the last episode. */
  at?: Date;
  /** Which of several open calls of the same activity is meant, by its input. */
  where?: (input: unknown) => boolean;
}

interface LogicalTask {
  kind: 'activity' | 'timer' | 'subOrchestration';
  action: OrchestratorAction;
  /** The id the next completion must carry. */
  currentId: number;
  role: 'attempt' | 'retryTimer' | 'segment';
  attempts: number;
  /** Timers: the final fire time, and when the current segment (or retry timer) fires. */
  fireAt?: number;
  currentFireAt?: number;
  canceled: boolean;
  settled: boolean;
}

type OrchestratorListener = (trigger: unknown, context: InvocationContext) => Promise<OrchestratorState>;

// durable-functions exports its replay entry point only through `df.app.orchestration`; the module that wrapper
// uses is the one public test hook (`createOrchestrator`), reached by path because it is not re-exported.
const { createOrchestrator } = createRequire(__filename)(
  'durable-functions/lib/src/util/testingUtils.js',
) as {
  createOrchestrator: (fn: OrchestrationHandler) => OrchestratorListener;
};

const outOfProcDataLabel = '$OutOfProcData$:';

export function replayOrchestration(
  handler: OrchestrationHandler,
  options: ReplayOptions,
): OrchestrationReplay {
  return new OrchestrationReplay(handler, options);
}

export class OrchestrationReplay {
  /**
   * The events of the finished episodes that the JS executor reads (OrchestratorStarted and the new event of each);
   * the extension also stores its own decisions (TaskScheduled, TimerCreated), which the executor ignores.
   */
  readonly history: HistoryEvent[] = [];
  readonly #listener: OrchestratorListener;
  readonly #tasks: LogicalTask[] = [];
  #nextId = 0;
  #now: number;
  #started = false;
  #finished = false;

  constructor(
    handler: OrchestrationHandler,
    private readonly options: ReplayOptions,
  ) {
    this.#listener = createOrchestrator(handler);
    this.#now = options.startAt.getTime();
  }

  /** The orchestration's clock: the time of the last episode. */
  get now(): Date {
    return new Date(this.#now);
  }

  /** The first episode: ExecutionStarted with the input. */
  start(): Promise<Episode> {
    if (this.#started) throw new Error('The orchestration has already started.');
    this.#started = true;
    return this.#episode({
      ...event(HistoryEventType.ExecutionStarted, this.#now),
      Name: this.options.name ?? 'orchestrator',
      Input: JSON.stringify(this.options.input),
    });
  }

  /** The current attempt of the open activity `name` returned `result`. */
  completeActivity(name: string, result: unknown, step: StepOptions = {}): Promise<Episode> {
    const task = this.#openTask('activity', name, step.where);
    this.#moveClock(step.at);
    task.settled = true;
    return this.#episode({
      ...event(HistoryEventType.TaskCompleted, this.#now),
      TaskScheduledId: task.currentId,
      Result: result === undefined ? null : JSON.stringify(result),
    });
  }

  /**
   * The current attempt of the open activity `name` threw. With a retry policy, the extension then waits for the
   * retry timer; this fires it too, so the returned episode shows the re-attempt or, once the attempts are used up,
   * what the orchestrator does with the failure.
   */
  async failActivity(name: string, message: string, step: StepOptions = {}): Promise<Episode> {
    const task = this.#openTask('activity', name, step.where);
    this.#moveClock(step.at);
    const failed: HistoryEvent = {
      ...event(HistoryEventType.TaskFailed, this.#now),
      TaskScheduledId: task.currentId,
      Reason: message,
      Details: '',
      FailureDetails: { ErrorType: 'Error', ErrorMessage: message, StackTrace: '' },
    };
    const retry = task.action.retryOptions;
    if (!retry) {
      task.settled = true;
      return this.#episode(failed);
    }
    // RetryableTask takes the retry timer's id while it processes the failure, also after the last attempt.
    task.role = 'retryTimer';
    task.currentFireAt = this.#now + retryDelay(retry, task.attempts);
    this.#allocate(task);
    const afterFailure = await this.#episode(failed);
    if (afterFailure.done || afterFailure.failure !== undefined) return afterFailure;
    return this.#fireRetryTimer(task, retry);
  }

  /** Every remaining attempt of the open activity `name` throws `message`; returns the episode after the last. */
  async exhaustRetries(name: string, message: string, step: StepOptions = {}): Promise<Episode> {
    for (;;) {
      const episode = await this.failActivity(name, message, step);
      if (!this.#isOpen('activity', name) || episode.done || episode.failure !== undefined) return episode;
    }
  }

  /**
   * The earliest pending timer of the orchestrator fires (a long timer fires its current segment); the clock moves
   * to its fire time.
   */
  fireTimer(): Promise<Episode> {
    const pending = this.#tasks
      .filter((t) => t.kind === 'timer' && !t.settled && !t.canceled)
      .sort((a, b) => (a.currentFireAt ?? 0) - (b.currentFireAt ?? 0));
    const timer = pending[0];
    if (!timer || timer.currentFireAt === undefined || timer.fireAt === undefined) {
      throw new Error('No timer is pending.');
    }
    const id = timer.currentId;
    const segmentFireAt = timer.currentFireAt;
    this.#now = Math.max(this.#now, segmentFireAt);
    if (timer.fireAt > this.#now) {
      // LongTimerTask takes the next segment's id while it processes this one.
      timer.currentFireAt = longTimerSegment(this.#now, timer.fireAt);
      this.#allocate(timer);
    } else {
      timer.settled = true;
    }
    return this.#episode({
      ...event(HistoryEventType.TimerFired, this.#now),
      TimerId: id,
      FireAt: iso(segmentFireAt),
    });
  }

  /** An external event arrives (as `raiseEvent` delivers it: JSON of the payload). */
  raiseEvent(name: string, payload: unknown, step: Pick<StepOptions, 'at'> = {}): Promise<Episode> {
    this.#moveClock(step.at);
    return this.#episode({
      ...event(HistoryEventType.EventRaised, this.#now),
      Name: name,
      Input: payload === undefined ? null : JSON.stringify(payload),
    });
  }

  /** Activities scheduled and not yet answered, by name: what the orchestration is waiting for. */
  get openActivities(): string[] {
    return this.#tasks
      .filter((t) => t.kind === 'activity' && !t.settled && t.role === 'attempt')
      .map((t) => t.action.functionName ?? '');
  }

  async #fireRetryTimer(task: LogicalTask, retry: RetryOptionsJson): Promise<Episode> {
    const id = task.currentId;
    const fireAt = task.currentFireAt ?? this.#now;
    this.#now = Math.max(this.#now, fireAt);
    if (task.attempts < retry.maxNumberOfAttempts) {
      task.attempts += 1;
      task.role = 'attempt';
      this.#allocate(task);
    } else {
      task.settled = true;
    }
    return this.#episode({
      ...event(HistoryEventType.TimerFired, this.#now),
      TimerId: id,
      FireAt: iso(fireAt),
    });
  }

  async #episode(newEvent: HistoryEvent): Promise<Episode> {
    if (this.#finished) throw new Error('The orchestration has finished; no further event reaches it.');
    const started = event(HistoryEventType.OrchestratorStarted, this.#now);
    const history = [
      ...this.history.map((past) => ({ ...past, IsPlayed: true })),
      { ...started, IsPlayed: false },
      { ...newEvent, IsPlayed: false },
    ];
    const trigger = {
      history,
      input: this.options.input,
      instanceId: this.options.instanceId,
      isReplaying: this.history.length > 0,
      parentInstanceId: null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration,
      maximumShortTimerDuration,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    // Swallow the orchestrator's logs: a test asserts decisions, not log lines.
    const context = new df.DummyOrchestrationContext(
      this.options.name,
      `episode-${this.history.length}`,
      () => {},
    );
    let state: OrchestratorState;
    let failure: string | undefined;
    try {
      // The worker hands the extension JSON: dates become strings, undefined fields disappear.
      state = JSON.parse(JSON.stringify(await this.#listener(trigger, context))) as OrchestratorState;
    } catch (error) {
      ({ state, failure } = readFailure(error));
    }
    this.history.push(started, newEvent);
    const actions = this.#diff(state);
    if (state.isDone || failure !== undefined) this.#finished = true;
    return {
      actions,
      done: state.isDone,
      output: state.output,
      customStatus: state.customStatus,
      ...(failure !== undefined ? { failure } : {}),
    };
  }

  /** New id-consuming leaves become tasks (ids in the executor's order); timers canceled since are reported. */
  #diff(state: OrchestratorState): NextAction[] {
    const next: NextAction[] = [];
    const leaves = flattenActions(state.actions).filter(
      (a) => a.actionType !== ActionType.WaitForExternalEvent,
    );
    for (const [index, action] of leaves.entries()) {
      const known = this.#tasks[index];
      if (known) {
        if (
          known.action.actionType !== action.actionType ||
          known.action.functionName !== action.functionName
        ) {
          throw new Error(
            `Non-deterministic orchestrator: task #${index} was ${describe(known.action)} and is now ${describe(action)}.`,
          );
        }
        if (known.kind === 'timer' && action.isCanceled === true && !known.canceled) {
          known.canceled = true;
          next.push({ kind: 'cancelTimer', fireAt: action.fireAt ?? '' });
        }
        continue;
      }
      const task = this.#newTask(action);
      next.push(toNextAction(action));
      if (task.kind === 'timer' && task.canceled)
        next.push({ kind: 'cancelTimer', fireAt: action.fireAt ?? '' });
    }
    return next;
  }

  #newTask(action: OrchestratorAction): LogicalTask {
    const kind: LogicalTask['kind'] =
      action.actionType === ActionType.CreateTimer
        ? 'timer'
        : action.actionType === ActionType.CallSubOrchestrator ||
            action.actionType === ActionType.CallSubOrchestratorWithRetry
          ? 'subOrchestration'
          : 'activity';
    const task: LogicalTask = {
      kind,
      action,
      currentId: -1,
      role: kind === 'timer' ? 'segment' : 'attempt',
      attempts: 1,
      canceled: action.isCanceled === true,
      settled: false,
    };
    if (kind === 'timer') {
      task.fireAt = Date.parse(action.fireAt ?? '');
      task.currentFireAt = longTimerSegment(this.#now, task.fireAt);
    }
    this.#tasks.push(task);
    this.#allocate(task);
    return task;
  }

  #allocate(task: LogicalTask): void {
    task.currentId = this.#nextId++;
  }

  #openTask(kind: LogicalTask['kind'], name: string, where?: (input: unknown) => boolean): LogicalTask {
    const open = this.#tasks.filter(
      (t) =>
        t.kind === kind &&
        !t.settled &&
        t.role === 'attempt' &&
        t.action.functionName === name &&
        (where === undefined || where(t.action.input)),
    );
    if (open.length !== 1) {
      throw new Error(
        `Expected one open ${kind} '${name}'${where ? ' matching where()' : ''}, found ${open.length}; ` +
          `open activities: ${this.openActivities.join(', ') || 'none'}.`,
      );
    }
    return open[0] as LogicalTask;
  }

  #isOpen(kind: LogicalTask['kind'], name: string): boolean {
    return this.#tasks.some((t) => t.kind === kind && !t.settled && t.action.functionName === name);
  }

  #moveClock(at: Date | undefined): void {
    if (at) this.#now = Math.max(this.#now, at.getTime());
  }
}

/** Matches a `callActivity` action of `name` (and `input`, when given: exact, or any asymmetric matcher). */
export function activityCall(name: string, input?: unknown): unknown {
  return expect.objectContaining({ kind: 'callActivity', name, ...(input === undefined ? {} : { input }) });
}

export function timerAt(fireAt: Date): NextAction {
  return { kind: 'createTimer', fireAt: fireAt.toISOString() };
}

export function timerCancelled(fireAt: Date): NextAction {
  return { kind: 'cancelTimer', fireAt: fireAt.toISOString() };
}

function toNextAction(action: OrchestratorAction): NextAction {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return {
        kind: 'callActivity',
        name: action.functionName ?? '',
        input: action.input,
        withRetry: action.actionType === ActionType.CallActivityWithRetry,
      };
    case ActionType.CreateTimer:
      return { kind: 'createTimer', fireAt: normaliseIso(action.fireAt) };
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return {
        kind: 'callSubOrchestrator',
        name: action.functionName ?? '',
        input: action.input,
        ...(action.instanceId ? { instanceId: action.instanceId } : {}),
      };
    default:
      throw new Error(`The replay harness does not model action type ${action.actionType}.`);
  }
}

function readFailure(error: unknown): { state: OrchestratorState; failure: string } {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(outOfProcDataLabel);
  if (at < 0) throw error;
  const state = JSON.parse(message.slice(at + outOfProcDataLabel.length)) as OrchestratorState;
  return { state, failure: state.error ?? message.slice(0, at) };
}

function retryDelay(retry: RetryOptionsJson, attempts: number): number {
  return Math.min(
    retry.firstRetryIntervalInMilliseconds * Math.pow(retry.backoffCoefficient ?? 1, attempts - 1),
    retry.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY,
  );
}

function event(type: HistoryEvent['EventType'], at: number): HistoryEvent {
  return { EventType: type, EventId: -1, Timestamp: iso(at) };
}

function normaliseIso(value: string | undefined): string {
  return value === undefined ? '' : new Date(value).toISOString();
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function describe(action: OrchestratorAction): string {
  return `action type ${action.actionType}${action.functionName ? ` '${action.functionName}'` : ''}`;
}
