import type { HistoryEvent } from './historyEvent';
import type { RetryOptionsJson } from './orchestratorAction';

/** `OrchestrationRuntimeStatus` names as the management API reports them. */
export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew' | 'Suspended';

export const terminalStatuses: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

/**
 * One logical task: the k-th id-consuming leaf of the cumulative action list. A retried activity or a long timer
 * is one logical task that uses several ids over time (attempts, retry timers, segments); `currentId` is the id
 * of the piece in flight.
 */
export interface LogicalTask {
  kind: 'activity' | 'subOrchestration' | 'timer';
  actionType: number;
  functionName?: string;
  /** The action's input as the orchestrator sent it (activity inputs are already JSON text when strings). */
  input?: unknown;
  /** A caller-chosen sub-orchestration instance id. */
  instanceId?: string;
  retry?: RetryOptionsJson;
  attempts: number;
  /** Final fire time of a timer (epoch ms). */
  fireAt?: number;
  /** Whether the JS side made this a `LongTimerTask` (one id per segment). */
  long?: boolean;
  currentId: number;
  canceled: boolean;
}

/** What an id stands for, so a completion event can be matched with its logical task. */
export interface IdOwner {
  task: LogicalTask;
  role: 'attempt' | 'retryTimer' | 'segment';
}

/** One execution (a `continueAsNew` starts a new one with a fresh history and id counter). */
export interface Execution {
  executionId: string;
  history: HistoryEvent[];
  /** The host's mirror of the JS executor's single sequence counter. */
  nextId: number;
  tasks: LogicalTask[];
  owners: Map<number, IdOwner>;
  /** Armed durable timers by id, with the function that disarms them. */
  timers: Map<number, () => void>;
  /** Tasks changed since the last committed step, so the durable store writes only those. */
  dirty: Set<LogicalTask>;
}

/** A message waiting in an instance's inbox; completions remember the execution they belong to. */
export interface InboxItem {
  /** Host-wide sequence number: the durable store names the message it consumed by it. */
  seq: number;
  event: HistoryEvent;
  executionId?: string;
}

export interface ParentLink {
  name: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

export interface OrchestrationInstance {
  name: string;
  instanceId: string;
  /** JSON text of the input, or null. */
  input: string | null;
  status: RuntimeStatus;
  customStatus: unknown;
  output: unknown;
  createdTime: number;
  lastUpdatedTime: number;
  parent?: ParentLink;
  execution: Execution;
  inbox: InboxItem[];
  /** True while a drain loop owns the instance: never two episodes of one instance at once. */
  busy: boolean;
  episodes: number;
}
