import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

import { devStorageConnectionString } from './devStorageConnectionString';
import { findFreePorts } from './findFreePorts';
import { isPortOpen } from './isPortOpen';

export interface AzuriteOptions {
  /** Default: a free port (the bin cannot listen on port 0 itself). */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Give up after this long; default 20 s. */
  readyTimeoutMs?: number;
  /**
   * Which services to run; default all three (the `azurite` bin). A single service runs its own bin
   * (`azurite-queue` …), which starts in about half the time: tests that only need queues ask for `['queue']`.
   */
  services?: readonly AzuriteService[];
  /**
   * Keep the data in this folder (Azurite's `--location`) instead of in memory; `stop()` then lets Azurite close
   * its servers, which saves its metadata (otherwise saved only every ~5 s).
   */
  location?: string;
}

export type AzuriteService = 'blob' | 'queue' | 'table';

export interface EmbeddedAzurite {
  /** Explicit `devstoreaccount1` connection string with the running services' endpoints on 127.0.0.1. */
  connectionString: string;
  /** Undefined for a service not started. */
  blobPort: number | undefined;
  queuePort: number | undefined;
  tablePort: number | undefined;
  /** The child process id (also its process group id). */
  pid: number;
  /** Kills Azurite (its whole process group) and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs inside the child: loads the Azurite CLI in-process with our arguments, and exits when its parent is gone, so
 * a killed test run leaves no Azurite.
 *
 * In memory there is nothing to save, so a signal exits at once (Azurite's own handler closes its servers but
 * leaves the process running while sockets linger). On disk, Azurite's own SIGTERM/SIGINT handler closes each
 * service, and closing is what saves its LokiJS metadata: we exit once every service printed that it closed (or
 * after a bound), never before. A lost parent is treated the same way.
 */
const childMain = `
const [bin, parentPid, persistent, serviceCount, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], bin, ...args];
let closing = false;
function exitWhenClosed() {
  if (closing) return;
  closing = true;
  let closed = 0;
  const log = console.log;
  console.log = (...parts) => {
    if (/successfully closed/.test(String(parts[0])) && ++closed >= Number(serviceCount)) setImmediate(() => process.exit(0));
    return log.apply(console, parts);
  };
  setTimeout(() => process.exit(0), 8000).unref();
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.prependListener(signal, persistent === '1' && signal !== 'SIGHUP' ? exitWhenClosed : () => process.exit(0));
}
function parentGone() {
  if (persistent !== '1') process.exit(0);
  process.emit('SIGTERM', 'SIGTERM');
}
setInterval(() => { try { process.kill(Number(parentPid), 0); } catch { parentGone(); } }, 1000).unref();
require(bin);
`;

/**
 * Starts Azurite (blob, queue, table; in memory unless `location` is given; no telemetry, any API version) as a
 * child process in its own
 * process group, ready when all three ports accept connections. `--skipApiVersionCheck` because
 * `@azure/storage-queue` 12.30 sends an API version newer than Azurite 3.35 accepts.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<EmbeddedAzurite> {
  const wanted = new Set<AzuriteService>(options.services ?? ['blob', 'queue', 'table']);
  if (wanted.size === 0) {
    throw new Error('startAzurite: services must name at least one of blob, queue, table.');
  }
  const single = wanted.size === 1 ? [...wanted][0] : undefined;
  // The full bin always runs all three services; only a single-service bin can leave the others out.
  const running = single ? [single] : (['blob', 'queue', 'table'] as const);
  const requested: Record<AzuriteService, number | undefined> = {
    blob: options.blobPort,
    queue: options.queuePort,
    table: options.tablePort,
  };
  const free = await findFreePorts(running.filter((service) => requested[service] === undefined).length);
  const ports: Partial<Record<AzuriteService, number>> = {};
  for (const service of running) {
    ports[service] = requested[service] ?? free.shift();
  }
  const bin = createRequire(__filename).resolve(
    single ? `azurite/dist/src/${single}/main.js` : 'azurite/dist/src/azurite.js',
  );
  const args = [
    '--silent',
    ...(options.location === undefined ? ['--inMemoryPersistence'] : ['--location', options.location]),
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
  ];
  for (const service of running) {
    args.push(`--${service}Host`, '127.0.0.1', `--${service}Port`, String(ports[service]));
  }
  const persistent = options.location === undefined ? '0' : '1';
  const childArgs = ['-e', childMain, bin, String(process.pid), persistent, String(running.length), ...args];
  const child = spawn(process.execPath, childArgs, {
    // Its own process group: stop() can kill the group, and a Ctrl-C aimed at us is handled by us.
    detached: true,
    // A scratch working directory: Azurite ensures its "location" (cwd) exists even when in memory.
    cwd: os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) {
      output.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        // On disk, closing saves the metadata: give it time (the child bounds itself at 8 s).
        const grace = options.location === undefined ? 3000 : 10_000;
        const gone = await Promise.race([exited.then(() => true), delay(grace).then(() => false)]);
        if (!gone) {
          killGroup(child, 'SIGKILL');
          await exited;
        }
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `Azurite exited during startup (${child.exitCode ?? child.signalCode}): ${output.join('').trim()}`,
        );
      }
      const open = await Promise.all(running.map((service) => isPortOpen(ports[service] as number, 200)));
      if (open.every(Boolean)) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Azurite did not listen on ${Object.values(ports).join('/')} in time: ${output.join('').trim()}`,
        );
      }
      await delay(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    connectionString: devStorageConnectionString(ports),
    blobPort: ports.blob,
    queuePort: ports.queue,
    tablePort: ports.table,
    pid: child.pid as number,
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
