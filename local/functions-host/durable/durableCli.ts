/**
 * `npm run durable`: looks into a durable journal folder, read-only (safe while a host appends to it).
 * See scripts/durable.ts for the commands.
 */
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { readJournalState } from './durableJournal';
import { type HistoryEvent, HistoryEventType } from './historyEvent';
import type { OrchestrationInstance } from './orchestrationInstance';
import { toStatusJson } from './toStatusJson';

const usage =
  'usage: npm run durable -- list|show <instanceId>|history <instanceId> [--dir <folder>] [--hub <hub>]';
const journalSuffix = '.durable.jsonl';
const eventTypeNames = new Map<number, string>(
  Object.entries(HistoryEventType).map(([name, value]) => [value, name]),
);

interface CliValues {
  dir: string;
  hub?: string;
  status?: string;
}

/** Every instance of the chosen hub, or of every hub journaled in the folder. */
function loadInstances(values: CliValues): OrchestrationInstance[] {
  const directory = values.dir;
  if (!existsSync(directory)) throw new Error(`No durable state in ${directory} (start the service first).`);
  const hubs = values.hub
    ? [values.hub]
    : readdirSync(directory)
        .filter((file) => file.endsWith(journalSuffix))
        .map((file) => file.slice(0, -journalSuffix.length));
  return hubs.flatMap((hub) => [...readJournalState(directory, hub).instances.values()]);
}

function find(instances: OrchestrationInstance[], instanceId: string | undefined): OrchestrationInstance {
  if (!instanceId) throw new Error(usage);
  const instance = instances.find((candidate) => candidate.instanceId === instanceId);
  if (!instance) throw new Error(`No instance '${instanceId}'.`);
  return instance;
}

function describeEvent(event: HistoryEvent): Record<string, unknown> {
  return { ...event, EventType: eventTypeNames.get(event.EventType) ?? event.EventType };
}

/**
 * Runs one command over `args` (as after `npm run durable --`) and returns what to print. `defaultDirectory` is
 * where `npm start` keeps the journal.
 */
export function runDurableCli(args: string[], defaultDirectory: string): string {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: defaultDirectory },
      hub: { type: 'string' },
      status: { type: 'string' },
    },
  });
  const [command, instanceId] = positionals;
  const instances = loadInstances(values);
  switch (command) {
    case 'list': {
      const wanted = values.status?.split(',').map((status) => status.trim().toLowerCase());
      const rows = instances
        .filter((instance) => !wanted || wanted.includes(instance.status.toLowerCase()))
        .sort((a, b) => a.createdTime - b.createdTime)
        .map((instance) => ({
          instanceId: instance.instanceId,
          name: instance.name,
          runtimeStatus: instance.status,
          createdTime: new Date(instance.createdTime).toISOString(),
          lastUpdatedTime: new Date(instance.lastUpdatedTime).toISOString(),
          historyEvents: instance.execution.history.length,
          pendingMessages: instance.inbox.length,
        }));
      return formatTable(rows);
    }
    case 'show': {
      const instance = find(instances, instanceId);
      const fired = new Set(
        instance.execution.history
          .filter((event) => event.EventType === HistoryEventType.TimerFired)
          .map((event) => event.TimerId),
      );
      return JSON.stringify(
        {
          ...toStatusJson(instance, { showInput: true, showHistory: false, showHistoryOutput: false }),
          executionId: instance.execution.executionId,
          parentInstanceId: instance.parent?.instanceId ?? null,
          inbox: instance.inbox.map((item) => describeEvent(item.event)),
          timers: instance.execution.history
            .filter((event) => event.EventType === HistoryEventType.TimerCreated && !fired.has(event.EventId))
            .map((event) => ({
              id: event.EventId,
              fireAt: event.FireAt,
              canceled: instance.execution.owners.get(event.EventId)?.task.canceled === true,
            })),
        },
        null,
        2,
      );
    }
    case 'history':
      return find(instances, instanceId)
        .execution.history.map((event) => JSON.stringify(describeEvent(event)))
        .join('\n');
    default:
      throw new Error(usage);
  }
}

/** Fixed-width columns, header first. */
function formatTable(rows: Record<string, string | number>[]): string {
  const first = rows[0];
  if (!first) return '(no instances)';
  const columns = Object.keys(first);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => String(row[column]))))].join('\n');
}
