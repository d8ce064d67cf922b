import path from 'node:path';

import type { HostLogger } from '../index';

export { eventually } from '../../../test/support/eventually';

/** The fixture app (plain CommonJS, `main: functions/*.js`). */
export const fixtureAppDir = path.join(__dirname, 'fixture-app');

export interface FixtureEvent {
  kind: string;
  at: number;
  [detail: string]: unknown;
}

const recorderKey = Symbol.for('local-host-fixture.recorder');

/**
 * What the fixture's functions and hooks recorded (fixture-app/lib/recorder.js). The app runs in the test's
 * process, so this reads the same object without going through the host under test.
 */
export function fixtureEvents(kind?: string): FixtureEvent[] {
  const recorder = (globalThis as unknown as Record<symbol, { events: FixtureEvent[] } | undefined>)[
    recorderKey
  ];
  const events = recorder?.events ?? [];
  return kind === undefined ? [...events] : events.filter((event) => event.kind === kind);
}

export interface CollectingLogger extends HostLogger {
  lines: { level: 'info' | 'warn' | 'error'; message: string }[];
}

/** A logger that keeps every line, for asserting on what the host and the functions logged. */
export function collectingLogger(): CollectingLogger {
  const lines: CollectingLogger['lines'] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}
