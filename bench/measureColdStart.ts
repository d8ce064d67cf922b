import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { elapsedMs, quantileOfSorted, sortedAscending } from './statistics';

export interface ColdStartRound {
  /** Median wall time of a fresh `node -e ''`, ms. */
  bareNodeMs: number;
  /** Median wall time of a fresh Node process that imports the app entry and exits, ms. */
  appImportMs: number;
  /** appImportMs ÷ bareNodeMs. */
  ratio: number;
}

/**
 * What the Functions worker provides as `@azure/functions-core`, reduced to what registration needs, so the app
 * registers its functions as it does under the real worker (instead of switching to its "test mode").
 */
export const coreModuleStandIn = `
const Module = require('node:module');
const registered = [];
const core = {
  version: '3.10.1', hostVersion: '4.0.0',
  registerFunction(metadata) { registered.push(metadata.name); return { dispose() {} }; },
  registerHook() { return { dispose() {} }; },
  setProgrammingModel() {}, getProgrammingModel() { return undefined; },
  log() {}, Disposable: class { static from() { return { dispose() {} }; } dispose() {} },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};
`;

function wallTimeMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = elapsedMs(start);
  if (result.status !== 0) {
    throw new Error(
      `${args.join(' ')} exited with ${result.status}: ${result.stderr.toString().slice(0, 2000)}`,
    );
  }
  return ms;
}

/** The app settings of local.settings.sample.json: the entry parses its configuration when imported. */
export function sampleAppSettings(appDir: string): Record<string, string> {
  const sample = JSON.parse(readFileSync(path.join(appDir, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  return Object.fromEntries(Object.entries(sample.Values).filter(([, value]) => value !== ''));
}

/**
 * One round: `processes` fresh processes each of bare Node and of Node importing `entry`, interleaved so that
 * machine noise hits both alike.
 */
export function measureColdStartRound(options: {
  appDir: string;
  entry: string;
  processes: number;
  /** Extra settings, e.g. OTEL_EXPORTER_OTLP_ENDPOINT to measure the start with telemetry on. */
  env?: Record<string, string>;
}): ColdStartRound {
  const env = { ...process.env, ...sampleAppSettings(options.appDir), ...options.env };
  const entry = path.resolve(options.appDir, options.entry);
  const importApp = `${coreModuleStandIn}\nrequire(${JSON.stringify(entry)});`;
  const bare: number[] = [];
  const app: number[] = [];
  for (let index = 0; index < options.processes; index += 1) {
    bare.push(wallTimeMs(['-e', ''], env));
    app.push(wallTimeMs(['-e', importApp], env));
  }
  const bareNodeMs = quantileOfSorted(sortedAscending(bare), 0.5);
  const appImportMs = quantileOfSorted(sortedAscending(app), 0.5);
  return { bareNodeMs, appImportMs, ratio: appImportMs / bareNodeMs };
}

/** How many functions the entry registers at import (proves the lazy loading left registration alone). */
export function countRegisteredFunctions(options: { appDir: string; entry: string }): number {
  const env = { ...process.env, ...sampleAppSettings(options.appDir) };
  const entry = path.resolve(options.appDir, options.entry);
  const script = `${coreModuleStandIn}\nrequire(${JSON.stringify(entry)});\nprocess.stdout.write(String(registered.length));`;
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Importing ${entry} failed: ${result.stderr.slice(0, 2000)}`);
  return Number(result.stdout);
}
