import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { type Journal, openJournal, readJournal } from '@azure-plan-local/stores';
import { z } from 'zod';

import type { HistoryEvent } from './historyEvent';
import type {
  Execution,
  IdOwner,
  InboxItem,
  LogicalTask,
  OrchestrationInstance,
  ParentLink,
  RuntimeStatus,
} from './orchestrationInstance';

/**
 * The durable engine's journal: one JSON line per state transition of an instance, written (one `write(2)`) before
 * the transition has any effect outside the engine — before an activity is queued, a timer armed, a child started,
 * a parent notified, or a management call answered. Replaying the lines in order rebuilds every instance exactly as
 * it was after its last acknowledged transition; what was in flight (an activity running, a timer armed) is derived
 * from the history again on start (`OrchestrationRunner.recover`).
 *
 * - `created`  an instance (or a restart of a finished id), with its ExecutionStarted message
 * - `msg`      a message into an instance's inbox (event raised, activity result, timer fired, terminate, …)
 * - `step`     one processed message: the history events it appended, the status, custom status, output, the
 *              id counter, the logical tasks and ids it changed, and a new execution after continue-as-new
 * - `purged`   the instance is gone
 * - `snapshot` the whole live state of one instance, written by compaction (the journal is then rewritten)
 */
export type JournalRecord = CreatedRecord | MessageRecord | StepRecord | PurgedRecord | SnapshotRecord;

type OwnerRole = IdOwner['role'];

interface CreatedRecord {
  t: 'created';
  id: string;
  name: string;
  input: string | null;
  createdTime: number;
  parent?: ParentLink;
  executionId: string;
  item: InboxItem;
}

interface MessageRecord {
  t: 'msg';
  id: string;
  item: InboxItem;
  first?: true;
}

interface StepRecord {
  t: 'step';
  id: string;
  /** The inbox message this step consumed. */
  seq: number;
  /** History events appended to the current execution. */
  ev?: HistoryEvent[];
  st: RuntimeStatus;
  cs: unknown;
  out: unknown;
  lu: number;
  ep: number;
  nx: number;
  /** Logical tasks created or changed: [index, task]. */
  tk?: [number, StoredTask][];
  /** Ids allocated: [id, task index, role]. */
  ow?: [number, number, OwnerRole][];
  /** Continue-as-new: the new execution and its ExecutionStarted message. */
  next?: { executionId: string; input: string | null; createdTime: number; item: InboxItem };
}

interface PurgedRecord {
  t: 'purged';
  id: string;
}

interface SnapshotRecord {
  t: 'snapshot';
  id: string;
  name: string;
  input: string | null;
  st: RuntimeStatus;
  cs: unknown;
  out: unknown;
  createdTime: number;
  lu: number;
  ep: number;
  parent?: ParentLink;
  executionId: string;
  history: HistoryEvent[];
  nx: number;
  tasks: StoredTask[];
  owners: [number, number, OwnerRole][];
  inbox: InboxItem[];
}

type StoredTask = Omit<LogicalTask, never>;

/**
 * Shape check of each line on open: enough to refuse a file that is not this journal, without re-validating every
 * history event field (the engine wrote them).
 */
const recordSchema = z
  .object({ t: z.enum(['created', 'msg', 'step', 'purged', 'snapshot']), id: z.string() })
  .passthrough();

function parseRecord(value: unknown): JournalRecord {
  return recordSchema.parse(value) as unknown as JournalRecord;
}

/** The journal file of one task hub in a state directory. */
export function journalFile(directory: string, hubName: string): string {
  return path.join(directory, `${hubName}.durable.jsonl`);
}

export interface RecoveredState {
  instances: Map<string, OrchestrationInstance>;
  /** The next free inbox sequence number. */
  nextSeq: number;
}

/** Replays journal records into instances (no timers armed, nothing running): the engine's start and the CLI. */
export function replayJournal(records: Iterable<JournalRecord>): RecoveredState {
  const instances = new Map<string, OrchestrationInstance>();
  let maxSeq = 0;
  const seen = (item: InboxItem): void => {
    maxSeq = Math.max(maxSeq, item.seq);
  };
  for (const record of records) {
    switch (record.t) {
      case 'created': {
        seen(record.item);
        const instance: OrchestrationInstance = {
          name: record.name,
          instanceId: record.id,
          input: record.input,
          status: 'Pending',
          customStatus: null,
          output: null,
          createdTime: record.createdTime,
          lastUpdatedTime: record.createdTime,
          execution: emptyExecution(record.executionId),
          inbox: [record.item],
          busy: false,
          episodes: 0,
        };
        if (record.parent) instance.parent = record.parent;
        instances.set(record.id, instance);
        break;
      }
      case 'msg': {
        seen(record.item);
        const instance = instances.get(record.id);
        if (!instance) break;
        if (record.first) instance.inbox.unshift(record.item);
        else instance.inbox.push(record.item);
        break;
      }
      case 'step': {
        const instance = instances.get(record.id);
        if (!instance) break;
        applyStep(instance, record);
        if (record.next) seen(record.next.item);
        break;
      }
      case 'purged':
        instances.delete(record.id);
        break;
      case 'snapshot': {
        record.inbox.forEach(seen);
        const instance = fromSnapshot(record);
        instances.set(record.id, instance);
        break;
      }
    }
  }
  return { instances, nextSeq: maxSeq + 1 };
}

function applyStep(instance: OrchestrationInstance, record: StepRecord): void {
  const index = instance.inbox.findIndex((item) => item.seq === record.seq);
  if (index >= 0) instance.inbox.splice(index, 1);
  instance.status = record.st;
  instance.customStatus = record.cs;
  instance.output = record.out;
  instance.lastUpdatedTime = record.lu;
  instance.episodes = record.ep;
  if (record.next) {
    instance.execution = emptyExecution(record.next.executionId);
    instance.input = record.next.input;
    instance.createdTime = record.next.createdTime;
    instance.inbox.unshift(record.next.item);
    return;
  }
  const execution = instance.execution;
  if (record.ev) execution.history.push(...record.ev);
  execution.nextId = record.nx;
  for (const [taskIndex, task] of record.tk ?? []) {
    // Owners hold the task object: update it in place.
    const known = execution.tasks[taskIndex];
    if (known) Object.assign(known, task);
    else execution.tasks[taskIndex] = { ...task };
  }
  for (const [id, taskIndex, role] of record.ow ?? []) {
    const task = execution.tasks[taskIndex];
    if (task) execution.owners.set(id, { task, role });
  }
}

function fromSnapshot(record: SnapshotRecord): OrchestrationInstance {
  const execution = emptyExecution(record.executionId);
  execution.history = record.history;
  execution.nextId = record.nx;
  execution.tasks = record.tasks;
  for (const [id, taskIndex, role] of record.owners) {
    const task = execution.tasks[taskIndex];
    if (task) execution.owners.set(id, { task, role });
  }
  const instance: OrchestrationInstance = {
    name: record.name,
    instanceId: record.id,
    input: record.input,
    status: record.st,
    customStatus: record.cs,
    output: record.out,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lu,
    execution,
    inbox: record.inbox,
    busy: false,
    episodes: record.ep,
  };
  if (record.parent) instance.parent = record.parent;
  return instance;
}

function toSnapshot(instance: OrchestrationInstance): SnapshotRecord {
  const execution = instance.execution;
  const record: SnapshotRecord = {
    t: 'snapshot',
    id: instance.instanceId,
    name: instance.name,
    input: instance.input,
    st: instance.status,
    cs: instance.customStatus,
    out: instance.output,
    createdTime: instance.createdTime,
    lu: instance.lastUpdatedTime,
    ep: instance.episodes,
    executionId: execution.executionId,
    history: execution.history,
    nx: execution.nextId,
    tasks: execution.tasks,
    owners: [...execution.owners].map(([id, owner]) => [id, execution.tasks.indexOf(owner.task), owner.role]),
    inbox: instance.inbox,
  };
  if (instance.parent) record.parent = instance.parent;
  return record;
}

export function emptyExecution(executionId: string): Execution {
  return {
    executionId,
    history: [],
    nextId: 0,
    tasks: [],
    owners: new Map(),
    timers: new Map(),
    dirty: new Set(),
  };
}

/** Where an instance stood before a message was processed, to write only what changed. */
export interface StepMark {
  execution: Execution;
  historyLength: number;
  nextId: number;
}

/** What the engine tells its store. The in-memory mode has none. */
export interface DurableStore {
  readonly recovered: RecoveredState;
  created(instance: OrchestrationInstance, item: InboxItem): void;
  message(instanceId: string, item: InboxItem, first: boolean): void;
  step(instance: OrchestrationInstance, seq: number, mark: StepMark): void;
  purged(instanceId: string): void;
  /** Graceful stop: compacts to the live state and closes. */
  close(instances: Iterable<OrchestrationInstance>): void;
  /** A crash, for tests: closes without writing anything more; later calls are ignored. */
  abandon(): void;
}

export interface JournalStoreOptions {
  directory: string;
  hubName: string;
  /** The live instances, for compaction. */
  instances: () => Iterable<OrchestrationInstance>;
  /** Compact once this many bytes were appended since the last rewrite (at least; grows with the live state). */
  compactAfterBytes?: number;
  fsync?: boolean;
}

/**
 * One host per journal: two appending to one file would interleave their states. The lock names the owner's pid;
 * a lock whose process is gone (a crash) is taken over, and this process may reopen its own (tests restart hosts).
 */
function takeLock(directory: string, hubName: string): string {
  mkdirSync(directory, { recursive: true });
  const lock = path.join(directory, `${hubName}.lock`);
  const owner = existsSync(lock) ? Number(readFileSync(lock, 'utf8').trim()) : NaN;
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `The durable state in ${directory} is in use by process ${owner} (another local host on hub ${hubName}). ` +
        `Stop it, or point durableStateDirectory elsewhere.`,
    );
  }
  writeFileSync(lock, String(process.pid));
  return lock;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A `DurableStore` over the append-only journal in `directory`. */
export function openJournalStore(options: JournalStoreOptions): DurableStore {
  const file = journalFile(options.directory, options.hubName);
  const lock = takeLock(options.directory, options.hubName);
  const journal: Journal<JournalRecord> = openJournal(file, { parse: parseRecord, fsync: options.fsync });
  const recovered = replayJournal(journal.recovered);
  const minimum = options.compactAfterBytes ?? 64 * 1024 * 1024;
  const growth = options.compactAfterBytes === undefined ? 2 : 0;
  let liveBytes = 0;
  let open = true;

  const compact = (instances: Iterable<OrchestrationInstance>): void => {
    journal.rewrite(mapIterable(instances, toSnapshot));
    liveBytes = statSync(file).size;
  };
  // Start from the live state only: what the last run appended is folded in once, not replayed at every start.
  if (journal.recovered.length > 0) compact(recovered.instances.values());

  const append = (record: JournalRecord): void => {
    if (!open) return;
    journal.append(record);
  };

  return {
    recovered,
    created(instance, item) {
      const record: CreatedRecord = {
        t: 'created',
        id: instance.instanceId,
        name: instance.name,
        input: instance.input,
        createdTime: instance.createdTime,
        executionId: instance.execution.executionId,
        item,
      };
      if (instance.parent) record.parent = instance.parent;
      append(record);
    },
    message(instanceId, item, first) {
      append(first ? { t: 'msg', id: instanceId, item, first: true } : { t: 'msg', id: instanceId, item });
    },
    step(instance, seq, mark) {
      if (!open) return;
      const execution = instance.execution;
      const record: StepRecord = {
        t: 'step',
        id: instance.instanceId,
        seq,
        st: instance.status,
        cs: instance.customStatus ?? null,
        out: instance.output ?? null,
        lu: instance.lastUpdatedTime,
        ep: instance.episodes,
        nx: execution.nextId,
      };
      if (execution !== mark.execution) {
        const started = instance.inbox.find((item) => item.executionId === execution.executionId);
        if (started) {
          record.next = {
            executionId: execution.executionId,
            input: instance.input,
            createdTime: instance.createdTime,
            item: started,
          };
        }
      } else {
        if (execution.history.length > mark.historyLength)
          record.ev = execution.history.slice(mark.historyLength);
        if (execution.dirty.size > 0) {
          record.tk = [...execution.dirty].map((task) => [execution.tasks.indexOf(task), task]);
        }
        if (execution.nextId > mark.nextId) {
          const owners: [number, number, OwnerRole][] = [];
          for (let id = mark.nextId; id < execution.nextId; id++) {
            const owner = execution.owners.get(id);
            if (owner) owners.push([id, execution.tasks.indexOf(owner.task), owner.role]);
          }
          record.ow = owners;
        }
      }
      execution.dirty.clear();
      append(record);
      if (journal.bytesSinceRewrite > Math.max(minimum, liveBytes * growth)) compact(options.instances());
    },
    purged(instanceId) {
      append({ t: 'purged', id: instanceId });
    },
    close(instances) {
      if (!open) return;
      compact(instances);
      open = false;
      journal.close();
      rmSync(lock, { force: true });
    },
    abandon() {
      if (!open) return;
      open = false;
      journal.close();
    },
  };
}

/** Reads a journal without changing it (the inspection CLI; a host may be running on it). */
export function readJournalState(directory: string, hubName: string): RecoveredState {
  return replayJournal(readJournal(journalFile(directory, hubName), { parse: parseRecord }));
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}
