import { type OrchestrationContext, type OrchestrationHandler } from 'durable-functions';

/**
 * Replays an orchestrator function against a fake orchestration context, one decision at a time, without a host:
 * activities answer from the test's handlers (a throw is the activity failing after its retries), timers fire by
 * moving the orchestration's clock, and `Task.any` races are decided by the test (`race`). It counts the history
 * events one execution would write (as the Durable extension records them), so tests can bound history size.
 */
export interface HarnessOptions {
  input: unknown;
  instanceId?: string;
  startTime?: Date;
  /** Activity name → its result (or throw: the activity failed after its retries). */
  activities: Record<string, (input: unknown, call: ActivityCall) => unknown>;
  /** Decides a `Task.any`: the default lets the timer (or the first task) win. */
  race?: (race: RaceView) => RaceDecision;
  /** Stops a runaway orchestrator. */
  maxSteps?: number;
}

export interface ActivityCall {
  name: string;
  input: unknown;
  /** The orchestration time when it was scheduled. */
  at: Date;
  /** The custom status set before it was scheduled (what a status read would show meanwhile). */
  customStatus: unknown;
}

export interface RaceView {
  now: Date;
  /** The tasks raced: events by name, timers by their due time. */
  events: string[];
  timerAt: Date | undefined;
  /** Activities called so far (all of them, in order). */
  calls: readonly ActivityCall[];
}

/** One activity call or durable timer, in the order the orchestrator scheduled it. */
export type Scheduled = { kind: 'activity'; name: string; input: unknown } | { kind: 'timer'; fireAt: Date };

export type RaceDecision = { winner: 'timer' } | { winner: 'event'; name: string; data?: unknown };

export interface HarnessResult {
  output: unknown;
  /** Set when the orchestrator called `continueAsNew`: the next execution's input. */
  continuedAsNew?: unknown;
  calls: ActivityCall[];
  customStatuses: unknown[];
  timers: Date[];
  /** Activities and awaited timers interleaved, in scheduling order (raced timers are in `timers` only). */
  scheduled: Scheduled[];
  /** History events this execution wrote (OrchestratorStarted/ExecutionStarted + 2 per activity/timer + events…). */
  historyEvents: number;
  now: Date;
}

interface FakeTask {
  kind: 'activity' | 'timer' | 'event' | 'any';
  isCompleted: boolean;
  isFaulted: boolean;
  result?: unknown;
  name?: string;
  input?: unknown;
  fireAt?: Date;
  tasks?: FakeTask[];
  cancel(): void;
}

export function runOrchestrator(orchestrator: OrchestrationHandler, options: HarnessOptions): HarnessResult {
  let now = options.startTime ?? new Date('2026-01-01T00:00:00Z');
  const instanceId = options.instanceId ?? 'instance-1';
  let guidCounter = 0;
  const calls: ActivityCall[] = [];
  const customStatuses: unknown[] = [];
  const timers: Date[] = [];
  const scheduled: Scheduled[] = [];
  let continuedAsNew: unknown;
  let continued = false;
  // ExecutionStarted + OrchestratorStarted/Completed for the first episode.
  let historyEvents = 3;

  const task = (fields: Partial<FakeTask> & Pick<FakeTask, 'kind'>): FakeTask => ({
    isCompleted: false,
    isFaulted: false,
    cancel() {},
    ...fields,
  });

  const df = {
    instanceId,
    get currentUtcDateTime() {
      return now;
    },
    getInput: () => options.input,
    newGuid: () => `00000000-0000-4000-8000-${String(++guidCounter).padStart(12, '0')}`,
    setCustomStatus: (status: unknown) => customStatuses.push(status),
    callActivity: (name: string, input: unknown) => task({ kind: 'activity', name, input }),
    callActivityWithRetry: (name: string, _retry: unknown, input: unknown) =>
      task({ kind: 'activity', name, input }),
    createTimer: (fireAt: Date) => task({ kind: 'timer', fireAt }),
    waitForExternalEvent: (name: string) => task({ kind: 'event', name }),
    continueAsNew: (input: unknown) => {
      continued = true;
      continuedAsNew = input;
    },
    Task: {
      any: (tasks: FakeTask[]) => task({ kind: 'any', tasks }),
      all: (tasks: FakeTask[]) => task({ kind: 'any', tasks }),
    },
  };
  const context = {
    df,
    log: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
  } as unknown as OrchestrationContext;

  const generator = orchestrator(context) as Generator<unknown, unknown, unknown>;
  let next = generator.next();
  const maxSteps = options.maxSteps ?? 10_000;
  for (let steps = 0; !next.done; steps += 1) {
    if (steps > maxSteps) throw new Error(`the orchestrator did not finish within ${maxSteps} steps`);
    const yielded = next.value as FakeTask;
    if (yielded.kind === 'activity') {
      const call = {
        name: yielded.name as string,
        input: yielded.input,
        at: now,
        customStatus: customStatuses.at(-1),
      };
      calls.push(call);
      scheduled.push({ kind: 'activity', name: call.name, input: call.input });
      historyEvents += 2 + 2; // TaskScheduled + TaskCompleted, and an OrchestratorStarted/Completed episode
      const handler = options.activities[call.name];
      if (!handler) throw new Error(`no handler for activity ${call.name}`);
      let result: unknown;
      try {
        result = handler(call.input, call);
      } catch (error) {
        next = generator.throw(error);
        continue;
      }
      yielded.isCompleted = true;
      yielded.result = result;
      next = generator.next(result);
    } else if (yielded.kind === 'timer') {
      timers.push(yielded.fireAt as Date);
      scheduled.push({ kind: 'timer', fireAt: yielded.fireAt as Date });
      historyEvents += 2 + 2;
      now = new Date(Math.max(now.getTime(), (yielded.fireAt as Date).getTime()));
      yielded.isCompleted = true;
      next = generator.next(undefined);
    } else if (yielded.kind === 'event') {
      const decision = (options.race ?? defaultRace)({
        now,
        events: [yielded.name as string],
        timerAt: undefined,
        calls,
      });
      if (decision.winner !== 'event') throw new Error(`nothing raises ${yielded.name}`);
      historyEvents += 1 + 2;
      yielded.isCompleted = true;
      yielded.result = decision.data;
      next = generator.next(decision.data);
    } else {
      const tasks = yielded.tasks ?? [];
      const done = tasks.find((candidate) => candidate.isCompleted);
      if (done) {
        next = generator.next(done);
        continue;
      }
      const timer = tasks.find((candidate) => candidate.kind === 'timer');
      const events = tasks
        .filter((candidate) => candidate.kind === 'event')
        .map((event) => event.name as string);
      const decision = (options.race ?? defaultRace)({ now, events, timerAt: timer?.fireAt, calls });
      if (timer) {
        timers.push(timer.fireAt as Date);
        historyEvents += 1; // TimerCreated
      }
      let winner: FakeTask | undefined;
      if (decision.winner === 'timer') {
        winner = timer;
        if (timer) now = new Date(Math.max(now.getTime(), (timer.fireAt as Date).getTime()));
        historyEvents += 1 + 2;
      } else {
        winner = tasks.find((candidate) => candidate.kind === 'event' && candidate.name === decision.name);
        if (winner) winner.result = decision.data;
        historyEvents += 1 + 2;
      }
      if (!winner) throw new Error(`the race has no ${decision.winner} to win`);
      winner.isCompleted = true;
      next = generator.next(winner);
    }
  }
  return {
    output: next.value,
    ...(continued ? { continuedAsNew } : {}),
    calls,
    customStatuses,
    timers,
    scheduled,
    historyEvents,
    now,
  };
}

function defaultRace(race: RaceView): RaceDecision {
  if (race.timerAt) return { winner: 'timer' };
  throw new Error(`a race of events only (${race.events.join(', ')}) needs a race decision`);
}
