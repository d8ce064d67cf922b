'use strict';
/**
 * Observations the fixture functions and hooks make, shared with the tests: the app runs in the test's process,
 * so a process-wide object is the simplest channel that does not go through the host under test.
 */
const key = Symbol.for('local-host-fixture.recorder');
if (!globalThis[key]) {
  globalThis[key] = { events: [] };
}
/** @type {{ events: { kind: string, [k: string]: unknown }[] }} */
const recorder = globalThis[key];

function record(kind, details) {
  recorder.events.push({ kind, at: Date.now(), ...details });
}

module.exports = { recorder, record, key };
