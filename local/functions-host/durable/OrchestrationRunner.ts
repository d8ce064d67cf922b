import { randomUUID } from 'node:crypto';

import type {
  DurableEngineOptions,
  RegisteredFunction,
  RpcInvocationResponse,
  RpcTypedData,
} from '../contracts';
import { ActivityQueue } from './ActivityQueue';
import { type DurableStore, emptyExecution, type StepMark } from './durableJournal';
import { flattenActions } from './flattenActions';
import { type HistoryEvent, HistoryEventType } from './historyEvent';
import {
  longRunningTimerIntervalDuration,
  longTimerSegment,
  maximumShortTimerDuration,
} from './longTimerSegment';
import {
  type Execution,
  type InboxItem,
  type LogicalTask,
  type OrchestrationInstance,
  type ParentLink,
  terminalStatuses,
} from './orchestrationInstance';
import { ActionType, type OrchestratorAction, type OrchestratorState } from './orchestratorAction';
import { readOrchestratorState } from './readOrchestratorState';
import { toResultJson } from './toResultJson';
import { toTaskFailure } from './toTaskFailure';

/** Why `start` refused. */
export class InstanceConflictError extends Error {}

/** Actions the JS side can emit that this host does not run (entities, durable HTTP). */
const unsupportedActions: ReadonlyMap<number, string> = new Map([
  [ActionType.CallEntity, 'callEntity'],
  [ActionType.SignalEntity, 'signalEntity'],
  [ActionType.LockEntities, 'lock'],
  [ActionType.ReleaseEntities, 'lock release'],
  [ActionType.CallHttp, 'callHttp'],
]);

/** Work decided in an episode, applied only if the orchestration is still running when the episode ends. */
type Effect = () => void;

/** A message before the runner numbers it. */
type NewInboxItem = Omit<InboxItem, 'seq'>;

/**
 * The Durable Task engine: an in-memory instance store driven one event per episode.
 *
 * An episode appends OrchestratorStarted and one new event, replays the orchestrator over the whole history, and
 * diffs the cumulative action list against the logical tasks already known. Ids come from one counter per
 * execution, allocated in the order the JS executor allocates them: first the ids the new event itself triggers
 * inside the JS tasks (retry timer, re-attempt, next long-timer segment), then one per new id-consuming leaf.
 */
export class OrchestrationRunner {
  readonly instances = new Map<string, OrchestrationInstance>();
  readonly #activities: ActivityQueue;
  readonly #episodes = new Set<Promise<void>>();
  readonly #terminalWaiters = new Map<string, Set<() => void>>();
  /** What a committed step releases: parent notifications wait until the child's step is written. */
  readonly #afterCommit: Effect[] = [];
  #stopped = false;
  #nextSeq = 1;

  /**
   * With a `store`, every state transition is written to it before it has any effect outside the engine, and the
   * instances it recovered are loaded (call `resume()` once the host can run functions).
   */
  constructor(
    private readonly options: DurableEngineOptions,
    private readonly store?: DurableStore,
  ) {
    this.#activities = new ActivityQueue(options.maxConcurrentActivities ?? 16, options.tracker);
    if (store) {
      for (const [id, instance] of store.recovered.instances) this.instances.set(id, instance);
      this.#nextSeq = store.recovered.nextSeq;
    }
  }

  // ---- commands (the management API calls these) -------------------------------------------------------------

  /** Creates an instance (Pending) and queues its ExecutionStarted. Throws `InstanceConflictError` if one is live. */
  start(name: string, instanceId: string, input: string | null, parent?: ParentLink): OrchestrationInstance {
    const existing = this.instances.get(instanceId);
    if (existing && !terminalStatuses.has(existing.status)) {
      throw new InstanceConflictError(
        `An Orchestration instance with the status ${existing.status} already exists.`,
      );
    }
    if (existing) this.#disarm(existing.execution);
    const now = this.options.clock.now();
    const instance: OrchestrationInstance = {
      name,
      instanceId,
      input,
      status: 'Pending',
      customStatus: null,
      output: null,
      createdTime: now,
      lastUpdatedTime: now,
      execution: newExecution(),
      inbox: [],
      busy: false,
      episodes: 0,
    };
    if (parent) instance.parent = parent;
    this.instances.set(instanceId, instance);
    const item: InboxItem = {
      seq: this.#nextSeq++,
      event: this.#executionStarted(instance),
      executionId: instance.execution.executionId,
    };
    instance.inbox.push(item);
    this.store?.created(instance, item);
    this.#kick(instance);
    return instance;
  }

  /** Queues an EventRaised. Events for finished instances are dropped by the caller (410). */
  raiseEvent(instance: OrchestrationInstance, name: string, input: string | null): void {
    this.#enqueue(instance, {
      event: { ...this.#event(HistoryEventType.EventRaised), Name: name, Input: input },
    });
  }

  /** Terminate jumps the queue, like DTFx does: it must not wait behind a backlog of events. */
  terminate(instance: OrchestrationInstance, reason: string): void {
    this.#enqueue(
      instance,
      { event: { ...this.#event(HistoryEventType.ExecutionTerminated), Input: reason } },
      true,
    );
  }

  suspend(instance: OrchestrationInstance, reason: string): void {
    this.#enqueue(instance, {
      event: { ...this.#event(HistoryEventType.ExecutionSuspended), Reason: reason },
    });
  }

  resume(instance: OrchestrationInstance, reason: string): void {
    this.#enqueue(
      instance,
      { event: { ...this.#event(HistoryEventType.ExecutionResumed), Reason: reason } },
      true,
    );
  }

  /** Removes an instance and everything it has armed; in-flight results for it are dropped on arrival. */
  purge(instance: OrchestrationInstance): void {
    this.#disarm(instance.execution);
    instance.inbox.length = 0;
    this.instances.delete(instance.instanceId);
    this.store?.purged(instance.instanceId);
    this.#notifyTerminal(instance.instanceId);
  }

  /** Resolves when the instance reaches a terminal status (or is purged). */
  whenTerminal(instanceId: string): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance || terminalStatuses.has(instance.status)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.#terminalWaiters.get(instanceId) ?? new Set();
      waiters.add(resolve);
      this.#terminalWaiters.set(instanceId, waiters);
    });
  }

  findOrchestrator(name: string): RegisteredFunction | undefined {
    return this.#findFunction(name, 'orchestrationTrigger');
  }

  /** Stops taking work and waits (at most `graceMs`) for invocations in flight: a hung activity must not block exit. */
  async stop(graceMs = 5000): Promise<void> {
    this.#stopped = true;
    for (const instance of this.instances.values()) this.#disarm(instance.execution);
    const settled = (async () => {
      await this.#activities.stop();
      while (this.#episodes.size > 0) await Promise.allSettled([...this.#episodes]);
    })();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
      timer.unref();
    });
    if (await Promise.race([settled.then(() => false), expired])) {
      this.options.logger.warn(`durable: stopped with ${this.#activities.running} activities still running`);
    }
    clearTimeout(timer);
    this.store?.close(this.instances.values());
  }

  /**
   * A crash, for tests: nothing more is written, timers and queued work are dropped, and whatever is still running
   * finishes into the void. The next engine on the same store must pick everything up.
   */
  abandon(): void {
    this.#stopped = true;
    this.store?.abandon();
    for (const instance of this.instances.values()) this.#disarm(instance.execution);
    void this.#activities.stop();
  }

  /**
   * After a restart on a store: runs again what the history says is scheduled and not yet answered (activities at
   * least once, as on Azure; children that never started; parents a finished child never told), arms the timers
   * that have not fired (those already due fire now, in due order), and drains every inbox.
   */
  recover(): void {
    const timers: { instance: OrchestrationInstance; id: number; fireAt: number }[] = [];
    for (const instance of this.instances.values()) {
      if (terminalStatuses.has(instance.status)) continue;
      const execution = instance.execution;
      const answered = new Set<number>();
      const fired = new Set<number>();
      const note = (event: HistoryEvent): void => {
        if (event.TaskScheduledId !== undefined) answered.add(event.TaskScheduledId);
        if (event.EventType === HistoryEventType.TimerFired && event.TimerId !== undefined)
          fired.add(event.TimerId);
      };
      execution.history.forEach(note);
      for (const item of instance.inbox) {
        if (item.executionId === undefined || item.executionId === execution.executionId) note(item.event);
      }
      for (const event of execution.history) {
        if (event.EventType === HistoryEventType.TaskScheduled && !answered.has(event.EventId)) {
          this.#runActivity(instance, event.Name ?? '', event.EventId, event.Input ?? undefined);
        } else if (
          event.EventType === HistoryEventType.SubOrchestrationInstanceCreated &&
          !answered.has(event.EventId)
        ) {
          this.#resumeChild(instance, event);
        } else if (event.EventType === HistoryEventType.TimerCreated && !fired.has(event.EventId)) {
          const owner = execution.owners.get(event.EventId);
          if (owner?.role === 'segment' && owner.task.canceled) continue;
          timers.push({ instance, id: event.EventId, fireAt: Date.parse(event.FireAt ?? '') });
        }
      }
    }
    timers.sort((a, b) => a.fireAt - b.fireAt);
    for (const { instance, id, fireAt } of timers) this.#arm(instance, id, fireAt);
    for (const instance of this.instances.values()) this.#kick(instance);
  }

  #resumeChild(parent: OrchestrationInstance, created: HistoryEvent): void {
    const childId = created.InstanceId ?? '';
    const child = this.instances.get(childId);
    const ours =
      child?.parent?.instanceId === parent.instanceId &&
      child.parent.executionId === parent.execution.executionId &&
      child.parent.taskScheduledId === created.EventId;
    if (!child || !ours) {
      this.#startChild(parent, created.Name ?? '', childId, created.EventId, created.Input ?? null);
    } else if (terminalStatuses.has(child.status)) {
      const result =
        child.status === 'Completed' ? JSON.stringify(child.output ?? null) : String(child.output);
      this.#notifyParent(child, child.status as 'Completed' | 'Failed' | 'Terminated', result);
    }
  }

  // ---- the per-instance loop ----------------------------------------------------------------------------------

  #enqueue(instance: OrchestrationInstance, message: NewInboxItem, first = false): void {
    const item: InboxItem = { seq: this.#nextSeq++, ...message };
    if (first) instance.inbox.unshift(item);
    else instance.inbox.push(item);
    this.store?.message(instance.instanceId, item, first);
    this.#kick(instance);
  }

  /** Starts the instance's drain loop unless one runs already (per-instance serialisation). */
  #kick(instance: OrchestrationInstance): void {
    if (instance.busy || this.#stopped || this.#nextIndex(instance) < 0) return;
    instance.busy = true;
    const done = this.options.tracker.begin(`durable orchestration ${instance.name} ${instance.instanceId}`);
    const drained = this.#drain(instance).finally(() => {
      instance.busy = false;
      this.#episodes.delete(drained);
      // Something may have arrived between the loop's last look at the inbox and now.
      this.#kick(instance);
      done();
    });
    this.#episodes.add(drained);
  }

  async #drain(instance: OrchestrationInstance): Promise<void> {
    // Each turn removes one inbox item, and items only arrive from outside, so the loop is bounded by the inbox.
    // The item stays in the inbox until its step is committed: a compaction meanwhile must still see it.
    for (
      let index = this.#nextIndex(instance);
      index >= 0 && !this.#stopped;
      index = this.#nextIndex(instance)
    ) {
      const item = instance.inbox[index];
      if (!item || this.instances.get(instance.instanceId) !== instance) return;
      try {
        await this.#process(instance, item);
      } catch (error) {
        // A bug here must not leave the instance hanging in Running: fail it visibly.
        this.options.logger.error(`durable: episode of ${instance.instanceId} crashed: ${String(error)}`);
        if (this.#stopped || !instance.inbox.includes(item)) continue;
        const mark = this.#mark(instance);
        if (!terminalStatuses.has(instance.status))
          this.#fail(instance, `Local host error: ${String(error)}`);
        this.#commit(instance, item, mark);
      }
      // An episode abandoned because the instance was replaced or purged leaves its item behind: drop it.
      const left = instance.inbox.indexOf(item);
      if (left >= 0 && this.instances.get(instance.instanceId) !== instance) instance.inbox.splice(left, 1);
    }
  }

  #mark(instance: OrchestrationInstance): StepMark {
    const execution = instance.execution;
    return { execution, historyLength: execution.history.length, nextId: execution.nextId };
  }

  /**
   * Ends the processing of one message: removes it from the inbox, writes the step, then releases what waited for
   * the step (parent notifications). Called synchronously after the state changed, so no compaction can see a
   * changed state whose step is not written.
   */
  #commit(instance: OrchestrationInstance, item: InboxItem, mark: StepMark): void {
    const index = instance.inbox.indexOf(item);
    if (index >= 0) instance.inbox.splice(index, 1);
    const released = this.#afterCommit.splice(0);
    if (this.#stopped) return;
    this.store?.step(instance, item.seq, mark);
    for (const effect of released) effect();
  }

  /** While suspended only resume and terminate are taken; other messages wait, as in DTFx. */
  #nextIndex(instance: OrchestrationInstance): number {
    if (instance.status !== 'Suspended') return instance.inbox.length > 0 ? 0 : -1;
    return instance.inbox.findIndex(
      (item) =>
        item.event.EventType === HistoryEventType.ExecutionResumed ||
        item.event.EventType === HistoryEventType.ExecutionTerminated,
    );
  }

  async #process(instance: OrchestrationInstance, item: InboxItem): Promise<void> {
    const { event, executionId } = item;
    const mark = this.#mark(instance);
    // Messages for an earlier execution (before continueAsNew or a restart) and for finished instances are dropped.
    if (
      (executionId !== undefined && executionId !== instance.execution.executionId) ||
      terminalStatuses.has(instance.status)
    ) {
      this.#commit(instance, item, mark);
      return;
    }
    switch (event.EventType) {
      case HistoryEventType.ExecutionTerminated:
        this.#terminated(instance, event);
        break;
      case HistoryEventType.ExecutionSuspended:
        if (instance.status !== 'Suspended') {
          instance.execution.history.push(event);
          instance.status = 'Suspended';
          instance.lastUpdatedTime = this.options.clock.now();
        }
        break;
      case HistoryEventType.ExecutionResumed:
        if (instance.status === 'Suspended') {
          instance.execution.history.push(event);
          instance.status = 'Running';
          instance.lastUpdatedTime = this.options.clock.now();
        }
        break;
      default:
        return this.#episode(instance, item);
    }
    this.#commit(instance, item, mark);
  }

  // ---- one episode --------------------------------------------------------------------------------------------

  async #episode(instance: OrchestrationInstance, item: InboxItem): Promise<void> {
    const event = item.event;
    const execution = instance.execution;
    const fn = this.findOrchestrator(instance.name);
    if (!fn) {
      const mark = this.#mark(instance);
      this.#fail(
        instance,
        `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
      this.#commit(instance, item, mark);
      return;
    }
    // A timer's episode never starts before its fire time, so the JS side's segment arithmetic sees what we see.
    const now = Math.max(this.options.clock.now(), event.FireAt ? Date.parse(event.FireAt) : 0);
    const started = { ...this.#event(HistoryEventType.OrchestratorStarted, now) };
    const history = [
      ...execution.history.map((past) => ({ ...past, IsPlayed: true })),
      { ...started, IsPlayed: false },
      { ...event, IsPlayed: false },
    ];
    const context = {
      history,
      input: instance.input === null ? null : (JSON.parse(instance.input) as unknown),
      instanceId: instance.instanceId,
      isReplaying: execution.history.length > 0,
      parentInstanceId: instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration,
      maximumShortTimerDuration,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    const [settled] = await Promise.allSettled([
      this.options.invoker.invoke(fn.name, {
        inputData: [{ name: fn.trigger.name, data: { string: JSON.stringify(context) } }],
      }),
    ]);
    if (this.instances.get(instance.instanceId) !== instance || instance.execution !== execution) return;
    if (this.#stopped) return;

    // From here to the commit, all synchronous: the state changes and the step that records them go together.
    const mark = this.#mark(instance);
    this.#decide(instance, event, settled, started, now);
    this.#commit(instance, item, mark);
  }

  /** Applies one finished episode to the instance; returns the work it decided, to run after the commit. */
  #decide(
    instance: OrchestrationInstance,
    event: HistoryEvent,
    settled: PromiseSettledResult<RpcInvocationResponse>,
    started: HistoryEvent,
    now: number,
  ): void {
    const execution = instance.execution;
    const decisions: HistoryEvent[] = [];
    const effects: Effect[] = [];
    // The JS tasks allocate these ids while they process the new event; it does not depend on the episode's output.
    this.#followUps(instance, event, now, decisions, effects);
    instance.episodes++;
    execution.history.push(started, event);
    instance.lastUpdatedTime = now;
    if (instance.status === 'Pending' || instance.status === 'ContinuedAsNew') instance.status = 'Running';
    const outcome = readOrchestratorState(settled);
    if (outcome.state && outcome.state.customStatus !== undefined)
      instance.customStatus = outcome.state.customStatus;
    if (!outcome.ok) {
      this.#fail(instance, `Orchestrator function '${instance.name}' failed: ${outcome.error}`);
      return;
    }
    const problem = this.#diff(instance, outcome.state, now, decisions, effects);
    if (problem) {
      this.#fail(instance, `Orchestrator function '${instance.name}' failed: ${problem}`);
      return;
    }
    if (outcome.state.isDone) {
      const continueAsNew = flattenActions(outcome.state.actions).find(
        (a) => a.actionType === ActionType.ContinueAsNew,
      );
      if (continueAsNew) this.#continueAsNew(instance, continueAsNew.input);
      else this.#complete(instance, outcome.state.output);
      return;
    }
    execution.history.push(...decisions, this.#event(HistoryEventType.OrchestratorCompleted, now));
    this.#afterCommit.push(...effects);
  }

  /**
   * Ids the JS tasks allocate while they process the new event, before the orchestrator code resumes:
   * `RetryableTask` takes a timer id on each failure (also after the last attempt: DTFx's RetryInterceptor creates
   * that timer, and JS fails the task only when it fires) and a new attempt id when the timer fires;
   * `LongTimerTask` takes the next segment's id when a segment fires before the final time.
   */
  #followUps(
    instance: OrchestrationInstance,
    event: HistoryEvent,
    now: number,
    decisions: HistoryEvent[],
    effects: Effect[],
  ): void {
    const execution = instance.execution;
    const failed =
      event.EventType === HistoryEventType.TaskFailed ||
      event.EventType === HistoryEventType.SubOrchestrationInstanceFailed;
    if (failed && event.TaskScheduledId !== undefined) {
      const owner = execution.owners.get(event.TaskScheduledId);
      if (owner?.role !== 'attempt' || !owner.task.retry) return;
      const retry = owner.task.retry;
      // After the last attempt DTFx's RetryInterceptor still creates a timer (old histories have it), but one
      // that fires at once ("Dummy timer for back-compat"); the JS task fails when it fires.
      const delay =
        owner.task.attempts >= retry.maxNumberOfAttempts
          ? 0
          : Math.min(
              retry.firstRetryIntervalInMilliseconds *
                Math.pow(retry.backoffCoefficient ?? 1, owner.task.attempts - 1),
              retry.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY,
            );
      const id = this.#allocate(execution, owner.task, 'retryTimer');
      const fireAt = now + delay;
      decisions.push({
        ...this.#event(HistoryEventType.TimerCreated, now),
        EventId: id,
        FireAt: iso(fireAt),
      });
      effects.push(() => this.#arm(instance, id, fireAt));
      return;
    }
    if (event.EventType !== HistoryEventType.TimerFired || event.TimerId === undefined) return;
    const owner = execution.owners.get(event.TimerId);
    if (!owner) return;
    const task = owner.task;
    if (owner.role === 'retryTimer' && task.retry && task.attempts < task.retry.maxNumberOfAttempts) {
      task.attempts++;
      const id = this.#allocate(execution, task, 'attempt');
      this.#schedule(instance, task, id, now, decisions, effects);
    } else if (owner.role === 'segment' && task.long && task.fireAt !== undefined && task.fireAt > now) {
      // LongTimerTask takes the next segment's id even when the timer was canceled meanwhile (it does not look at
      // isCanceled), so we allocate it too; the segment is just never armed.
      const id = this.#allocate(execution, task, 'segment');
      const fireAt = longTimerSegment(now, task.fireAt);
      decisions.push({
        ...this.#event(HistoryEventType.TimerCreated, now),
        EventId: id,
        FireAt: iso(fireAt),
      });
      effects.push(() => this.#armUnlessCanceled(instance, task, id, fireAt));
    }
  }

  /**
   * Walks the cumulative actions: known leaves are checked (function name, cheap non-determinism check) and
   * canceled timers disarmed; new id-consuming leaves become logical tasks. WaitForExternalEvent takes no id (the
   * JS side keys it by name and buffers EventRaised), ContinueAsNew takes none either.
   */
  #diff(
    instance: OrchestrationInstance,
    state: OrchestratorState,
    now: number,
    decisions: HistoryEvent[],
    effects: Effect[],
  ): string | undefined {
    const execution = instance.execution;
    const leaves = flattenActions(state.actions).filter(
      (a) => a.actionType !== ActionType.WaitForExternalEvent && a.actionType !== ActionType.ContinueAsNew,
    );
    for (const [index, action] of leaves.entries()) {
      const unsupported = unsupportedActions.get(action.actionType);
      if (unsupported) return `${unsupported} is not supported by the local Functions host.`;
      const known = execution.tasks[index];
      if (known) {
        if (known.actionType !== action.actionType || known.functionName !== action.functionName) {
          return (
            `Non-Deterministic workflow detected: task #${index} was ${describe(known.actionType, known.functionName)} ` +
            `in an earlier replay but is now ${describe(action.actionType, action.functionName)}.`
          );
        }
        if (known.kind === 'timer' && action.isCanceled && !known.canceled) {
          // timer.cancel() only flips isCanceled in the next action list; the id stays consumed, we disarm.
          known.canceled = true;
          execution.dirty.add(known);
          execution.timers.get(known.currentId)?.();
          execution.timers.delete(known.currentId);
        }
        continue;
      }
      if (state.isDone) continue;
      this.#newTask(instance, action, now, decisions, effects);
    }
    return undefined;
  }

  #newTask(
    instance: OrchestrationInstance,
    action: OrchestratorAction,
    now: number,
    decisions: HistoryEvent[],
    effects: Effect[],
  ): void {
    const execution = instance.execution;
    const kind: LogicalTask['kind'] =
      action.actionType === ActionType.CreateTimer
        ? 'timer'
        : action.actionType === ActionType.CallSubOrchestrator ||
            action.actionType === ActionType.CallSubOrchestratorWithRetry
          ? 'subOrchestration'
          : 'activity';
    const task: LogicalTask = {
      kind,
      actionType: action.actionType,
      attempts: 1,
      currentId: -1,
      canceled: false,
    };
    if (action.functionName !== undefined) task.functionName = action.functionName;
    if (action.input !== undefined) task.input = action.input;
    if (action.instanceId) task.instanceId = action.instanceId;
    if (action.retryOptions) task.retry = action.retryOptions;
    execution.tasks.push(task);
    if (kind !== 'timer') {
      const id = this.#allocate(execution, task, 'attempt');
      this.#schedule(instance, task, id, now, decisions, effects);
      return;
    }
    const fireAt = Date.parse(action.fireAt ?? '');
    const firstSegment = longTimerSegment(now, fireAt);
    task.fireAt = fireAt;
    task.long = firstSegment !== fireAt;
    task.canceled = action.isCanceled === true;
    const id = this.#allocate(execution, task, 'segment');
    decisions.push({
      ...this.#event(HistoryEventType.TimerCreated, now),
      EventId: id,
      FireAt: iso(firstSegment),
    });
    effects.push(() => this.#armUnlessCanceled(instance, task, id, firstSegment));
  }

  #allocate(execution: Execution, task: LogicalTask, role: 'attempt' | 'retryTimer' | 'segment'): number {
    const id = execution.nextId++;
    task.currentId = id;
    execution.owners.set(id, { task, role });
    execution.dirty.add(task);
    return id;
  }

  /** Records the scheduling event of one attempt of an activity or sub-orchestration and queues the work. */
  #schedule(
    instance: OrchestrationInstance,
    task: LogicalTask,
    id: number,
    now: number,
    decisions: HistoryEvent[],
    effects: Effect[],
  ): void {
    const name = task.functionName ?? '';
    if (task.kind === 'activity') {
      decisions.push({
        ...this.#event(HistoryEventType.TaskScheduled, now),
        EventId: id,
        Name: name,
        Input: activityInputText(task.input) ?? null,
      });
      effects.push(() => this.#runActivity(instance, name, id, task.input));
      return;
    }
    // The extension's default sub-orchestration id: "<parent id>:<sequence number>" (hex, as .NET formats it).
    const childId =
      task.instanceId ?? `${instance.instanceId}:${id.toString(16).toUpperCase().padStart(4, '0')}`;
    const input = task.input === undefined ? null : JSON.stringify(task.input);
    decisions.push({
      ...this.#event(HistoryEventType.SubOrchestrationInstanceCreated, now),
      EventId: id,
      Name: name,
      InstanceId: childId,
      Input: input,
    });
    effects.push(() => this.#startChild(instance, name, childId, id, input));
  }

  // ---- work outside the orchestrator --------------------------------------------------------------------------

  #runActivity(instance: OrchestrationInstance, name: string, taskId: number, input: unknown): void {
    const target = { instanceId: instance.instanceId, executionId: instance.execution.executionId };
    this.#activities.push(`durable activity ${name}`, async () => {
      const fn = this.#findFunction(name, 'activityTrigger');
      let completion: HistoryEvent;
      if (!fn) {
        completion = {
          ...this.#event(HistoryEventType.TaskFailed),
          TaskScheduledId: taskId,
          Reason: `The function '${name}' doesn't exist, is disabled, or is not an activity function.`,
          Details: '',
        };
      } else {
        const text = activityInputText(input);
        // The extension hands out-of-proc activities `TypedData.string` = JSON text of the input, so a string
        // input survives the library's tryJsonParse ('42' stays '42'); no input means empty TypedData.
        const data: RpcTypedData = text === undefined ? {} : { string: text };
        const [settled] = await Promise.allSettled([
          this.options.invoker.invoke(fn.name, { inputData: [{ name: fn.trigger.name, data }] }),
        ]);
        completion =
          settled.status === 'fulfilled'
            ? {
                ...this.#event(HistoryEventType.TaskCompleted),
                TaskScheduledId: taskId,
                Result: toResultJson(settled.value.returnValue),
              }
            : {
                ...this.#event(HistoryEventType.TaskFailed),
                TaskScheduledId: taskId,
                ...toTaskFailure(name, settled.reason),
              };
      }
      this.#deliver(target.instanceId, target.executionId, completion);
    });
  }

  #startChild(
    parent: OrchestrationInstance,
    name: string,
    childId: string,
    taskId: number,
    input: string | null,
  ): void {
    const link: ParentLink = {
      name: parent.name,
      instanceId: parent.instanceId,
      executionId: parent.execution.executionId,
      taskScheduledId: taskId,
    };
    const refuse = (reason: string): void =>
      this.#deliver(parent.instanceId, link.executionId, {
        ...this.#event(HistoryEventType.SubOrchestrationInstanceFailed),
        TaskScheduledId: taskId,
        Reason: reason,
        Details: '',
      });
    if (!this.findOrchestrator(name)) {
      refuse(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
      return;
    }
    try {
      this.start(name, childId, input, link);
    } catch (error) {
      refuse(error instanceof Error ? error.message : String(error));
    }
  }

  /** The orchestrator may cancel a timer in the same episode that created it (or a segment of it). */
  #armUnlessCanceled(instance: OrchestrationInstance, task: LogicalTask, id: number, fireAt: number): void {
    if (!task.canceled) this.#arm(instance, id, fireAt);
  }

  #arm(instance: OrchestrationInstance, id: number, fireAt: number): void {
    const execution = instance.execution;
    const cancel = this.options.clock.schedule(fireAt, () => {
      execution.timers.delete(id);
      this.#deliver(instance.instanceId, execution.executionId, {
        ...this.#event(HistoryEventType.TimerFired),
        TimerId: id,
        FireAt: iso(fireAt),
      });
    });
    execution.timers.set(id, cancel);
  }

  #deliver(instanceId: string, executionId: string, event: HistoryEvent): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.execution.executionId !== executionId || terminalStatuses.has(instance.status))
      return;
    this.#enqueue(instance, { event, executionId });
  }

  // ---- endings ------------------------------------------------------------------------------------------------

  #complete(instance: OrchestrationInstance, output: unknown): void {
    const result = output === undefined ? null : output;
    this.#finish(instance, 'Completed', result, JSON.stringify(result));
  }

  #fail(instance: OrchestrationInstance, message: string): void {
    this.options.logger.warn(
      `durable: ${instance.name} ${instance.instanceId} failed: ${message.split('\n')[0]}`,
    );
    this.#finish(instance, 'Failed', message, message);
  }

  #terminated(instance: OrchestrationInstance, event: HistoryEvent): void {
    const reason = event.Input ?? '';
    instance.execution.history.push(event);
    this.#finish(instance, 'Terminated', reason, reason);
  }

  #finish(
    instance: OrchestrationInstance,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: unknown,
    result: string,
  ): void {
    const now = this.options.clock.now();
    instance.status = status;
    instance.output = output;
    instance.lastUpdatedTime = now;
    instance.execution.history.push(
      {
        ...this.#event(HistoryEventType.ExecutionCompleted, now),
        OrchestrationStatus: status,
        Result: result,
      },
      this.#event(HistoryEventType.OrchestratorCompleted, now),
    );
    this.#disarm(instance.execution);
    this.#afterCommit.push(
      () => this.#notifyParent(instance, status, result),
      () => this.#notifyTerminal(instance.instanceId),
    );
  }

  /**
   * A new execution: fresh history and id counter, the input of the ContinueAsNew action (which the library already
   * JSON-encoded when it was a string). Messages still in the inbox carry over; completions of the old execution are
   * dropped by their execution id.
   */
  #continueAsNew(instance: OrchestrationInstance, input: unknown): void {
    const now = this.options.clock.now();
    instance.execution.history.push(
      {
        ...this.#event(HistoryEventType.ExecutionCompleted, now),
        OrchestrationStatus: 'ContinuedAsNew',
        Result: null,
      },
      this.#event(HistoryEventType.OrchestratorCompleted, now),
    );
    this.#disarm(instance.execution);
    instance.execution = newExecution();
    instance.input = input === undefined ? null : typeof input === 'string' ? input : JSON.stringify(input);
    instance.status = 'ContinuedAsNew';
    instance.output = null;
    instance.createdTime = now;
    instance.lastUpdatedTime = now;
    instance.inbox.unshift({
      seq: this.#nextSeq++,
      event: this.#executionStarted(instance),
      executionId: instance.execution.executionId,
    });
  }

  #notifyParent(
    child: OrchestrationInstance,
    status: 'Completed' | 'Failed' | 'Terminated',
    result: string,
  ): void {
    const parent = child.parent;
    if (!parent) return;
    const event: HistoryEvent =
      status === 'Completed'
        ? {
            ...this.#event(HistoryEventType.SubOrchestrationInstanceCompleted),
            TaskScheduledId: parent.taskScheduledId,
            Result: result,
          }
        : {
            ...this.#event(HistoryEventType.SubOrchestrationInstanceFailed),
            TaskScheduledId: parent.taskScheduledId,
            Reason:
              status === 'Terminated'
                ? `Orchestration '${child.instanceId}' was terminated: ${result}`
                : result,
            Details: JSON.stringify({
              InstanceId: child.instanceId,
              Name: child.name,
              RuntimeStatus: status,
            }),
          };
    this.#deliver(parent.instanceId, parent.executionId, event);
  }

  #notifyTerminal(instanceId: string): void {
    const waiters = this.#terminalWaiters.get(instanceId);
    this.#terminalWaiters.delete(instanceId);
    for (const resolve of waiters ?? []) resolve();
  }

  #disarm(execution: Execution): void {
    for (const cancel of execution.timers.values()) cancel();
    execution.timers.clear();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  #executionStarted(instance: OrchestrationInstance): HistoryEvent {
    return {
      ...this.#event(HistoryEventType.ExecutionStarted),
      Name: instance.name,
      Input: instance.input,
      OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: instance.execution.executionId },
      ParentInstance: instance.parent
        ? {
            Name: instance.parent.name,
            OrchestrationInstance: {
              InstanceId: instance.parent.instanceId,
              ExecutionId: instance.parent.executionId,
            },
            TaskScheduleId: instance.parent.taskScheduledId,
          }
        : null,
      Version: '',
    };
  }

  #event(type: HistoryEvent['EventType'], at = this.options.clock.now()): HistoryEvent {
    return { EventType: type, EventId: -1, Timestamp: iso(at) };
  }

  #findFunction(name: string, triggerType: string): RegisteredFunction | undefined {
    const exact = this.options.invoker.functions.get(name);
    if (exact?.trigger.type === triggerType) return exact;
    // Function names are case-insensitive in the Functions host.
    const lower = name.toLowerCase();
    for (const fn of this.options.invoker.functions.values()) {
      if (fn.name.toLowerCase() === lower && fn.trigger.type === triggerType) return fn;
    }
    return undefined;
  }
}

function newExecution(): Execution {
  return emptyExecution(randomUUID().replace(/-/g, ''));
}

/** `Utils.processInput` already JSON-encoded string inputs; anything else is serialised here. */
function activityInputText(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

function describe(actionType: number, functionName: string | undefined): string {
  const names: Record<number, string> = {
    [ActionType.CallActivity]: 'callActivity',
    [ActionType.CallActivityWithRetry]: 'callActivityWithRetry',
    [ActionType.CallSubOrchestrator]: 'callSubOrchestrator',
    [ActionType.CallSubOrchestratorWithRetry]: 'callSubOrchestratorWithRetry',
    [ActionType.CreateTimer]: 'createTimer',
  };
  const kind = names[actionType] ?? `action type ${actionType}`;
  return functionName ? `${kind}('${functionName}')` : kind;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
