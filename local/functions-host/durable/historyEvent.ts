/**
 * DTFx history event types as durable-functions numbers them (`HistoryEventType` in the library). The JS executor
 * only reacts to completion events (TaskCompleted/TaskFailed/SubOrchestration*, TimerFired, EventRaised) and to
 * OrchestratorStarted (it advances `currentUtcDateTime`); the others are kept so status and replay look real.
 */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type HistoryEventTypeNumber = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/**
 * One history event in the PascalCase shape the extension serialises into the orchestration trigger.
 * `EventId` is the task id for TaskScheduled/TimerCreated/SubOrchestrationInstanceCreated and -1 otherwise;
 * completions point back with `TaskScheduledId` or `TimerId`. `IsPlayed` is set per episode when sending.
 */
export interface HistoryEvent {
  EventType: HistoryEventTypeNumber;
  EventId: number;
  Timestamp: string;
  IsPlayed?: boolean;
  Name?: string;
  Input?: string | null;
  Result?: string | null;
  Reason?: string;
  Details?: string;
  FailureDetails?: Record<string, unknown>;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: {
    Name: string;
    OrchestrationInstance: { InstanceId: string; ExecutionId: string };
    TaskScheduleId: number;
  } | null;
  Version?: string;
}
