import { type HistoryEvent, HistoryEventType } from './historyEvent';
import type { OrchestrationInstance } from './orchestrationInstance';

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

const eventTypeNames = new Map<number, string>(
  Object.entries(HistoryEventType).map(([name, value]) => [value, name]),
);

/**
 * The status body of the management API: `{name, instanceId, runtimeStatus, input, customStatus, output,
 * createdTime, lastUpdatedTime, historyEvents?}`. DurableClient requires `input` and `output` to be defined (null is
 * fine) and times as strings; the extension formats them `yyyy-MM-ddTHH:mm:ssZ`.
 */
export function toStatusJson(
  instance: OrchestrationInstance,
  options: StatusOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.status,
    input: options.showInput ? parseJson(instance.input) : null,
    customStatus: instance.customStatus ?? null,
    output: instance.output ?? null,
    createdTime: toSeconds(instance.createdTime),
    lastUpdatedTime: toSeconds(instance.lastUpdatedTime),
  };
  if (options.showHistory) body.historyEvents = toHistoryJson(instance.execution.history, options);
  return body;
}

/**
 * The extension's history view: EventType as a name, no OrchestratorStarted/Completed, scheduling events folded into
 * their completions (`FunctionName`, `ScheduledTime`), results only with `showHistoryOutput`. The raw DTFx history,
 * with every event, is what `DurableEngine.inspect()` returns.
 */
function toHistoryJson(history: readonly HistoryEvent[], options: StatusOptions): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const view: Record<string, unknown>[] = [];
  for (const event of history) {
    switch (event.EventType) {
      case HistoryEventType.OrchestratorStarted:
      case HistoryEventType.OrchestratorCompleted:
        continue;
      case HistoryEventType.TaskScheduled:
      case HistoryEventType.SubOrchestrationInstanceCreated:
        scheduled.set(event.EventId, event);
        continue;
    }
    // The extension drops EventId and IsPlayed from this view (its ConvertHistoryEvent removes them).
    const item: Record<string, unknown> = {
      EventType: eventTypeNames.get(event.EventType) ?? String(event.EventType),
      Timestamp: event.Timestamp,
    };
    const origin = event.TaskScheduledId === undefined ? undefined : scheduled.get(event.TaskScheduledId);
    if (origin) {
      item.FunctionName = origin.Name;
      item.ScheduledTime = origin.Timestamp;
      if (origin.InstanceId) item.InstanceId = origin.InstanceId;
    }
    if (event.EventType === HistoryEventType.ExecutionStarted) {
      item.FunctionName = event.Name;
      if (options.showInput) item.Input = parseJson(event.Input ?? null);
    }
    if (event.EventType === HistoryEventType.EventRaised) {
      item.Name = event.Name;
      if (options.showHistoryOutput) item.Input = parseJson(event.Input ?? null);
    }
    if (event.EventType === HistoryEventType.ExecutionTerminated) item.Input = event.Input;
    if (event.TimerId !== undefined) item.TimerId = event.TimerId;
    if (event.FireAt !== undefined) item.FireAt = event.FireAt;
    if (event.OrchestrationStatus !== undefined) item.OrchestrationStatus = event.OrchestrationStatus;
    if (event.Reason !== undefined) item.Reason = event.Reason;
    if (event.Details !== undefined) item.Details = event.Details;
    if (options.showHistoryOutput && event.Result !== undefined) {
      item.Result =
        event.EventType === HistoryEventType.ExecutionCompleted && event.OrchestrationStatus !== 'Completed'
          ? event.Result
          : parseJson(event.Result);
    }
    view.push(item);
  }
  return view;
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
