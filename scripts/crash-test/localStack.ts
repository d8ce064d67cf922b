import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { findFreePorts } from '@azure-plan-local/stores';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/**
 * The environment `npm start` gets: this process's, without the app's settings (the keys of
 * local.settings.sample.json). A local Functions host started earlier in this process (the bench's service rows)
 * wrote its app's settings into `process.env`, as Azure Functions does; inherited, they would point `npm start` at
 * stores and simulators that are gone. `npm start` is started as a person starts it: its settings come from the
 * settings file, the ports below and the caller's `env`.
 */
function environmentWithoutAppSettings(): NodeJS.ProcessEnv {
  const sample = JSON.parse(
    readFileSync(path.join(repositoryRoot, 'local.settings.sample.json'), 'utf8'),
  ) as {
    Values?: Record<string, string>;
  };
  const appSettings = new Set(Object.keys(sample.Values ?? {}));
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !appSettings.has(name)));
}

/**
 * `npm start` (scripts/start.ts: the supervisor, Azurite, the stores process with the Cosmos DB server, the host in
 * its own process) on free ports and a state folder of the caller's, driven from outside as a person would: it
 * reads the pids the supervisor prints, so it can `kill -9` the host alone, or every process it started.
 */
export interface LocalStack {
  url: string;
  ports: StackPorts;
  /** The pid of the process running the Functions host now (it changes at each restart). */
  hostPid(): number;
  /** `kill -9` of the host process; resolves once the supervisor has a new host serving. */
  killHost(): Promise<void>;
  /** `kill -9` of every process this stack started (supervisor, Azurite, stores, host), none left to clean up. */
  killEverything(): Promise<void>;
  /** Ctrl-C: the supervisor stops the host, then the stores, which save. */
  stop(): Promise<void>;
  /** Everything the supervisor printed. */
  output(): string;
}

export interface StackPorts {
  http: number;
  blob: number;
  queue: number;
  table: number;
  cosmos: number;
}

export async function freeStackPorts(): Promise<StackPorts> {
  const [http = 0, blob = 0, queue = 0, table = 0, cosmos = 0] = await findFreePorts(5);
  return { http, blob, queue, table, cosmos };
}

export async function startLocalStack(options: {
  stateDir: string;
  ports: StackPorts;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<LocalStack> {
  const { ports } = options;
  // tsx as a loader in the supervisor's own process (not `tsx` the CLI, whose grandchild would outlive a SIGKILL);
  // its own process group, so that killing everything does not need to know every pid.
  const supervisor = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repositoryRoot, 'scripts', 'start.ts')],
    {
      cwd: repositoryRoot,
      detached: true,
      env: {
        ...environmentWithoutAppSettings(),
        PORT: String(ports.http),
        AZURITE_BLOB_PORT: String(ports.blob),
        AZURITE_QUEUE_PORT: String(ports.queue),
        AZURITE_TABLE_PORT: String(ports.table),
        // The port alone moves the embedded Cosmos DB server and the endpoint the app uses, and PORT the
        // invitation links (the sample settings' COSMOS_ENDPOINT and PUBLIC_BASE_URL name the defaults).
        COSMOS_PORT: String(ports.cosmos),
        LOCAL_STATE_DIR: options.stateDir,
        // Free ports for the Partner Center simulators once npm start runs them (wave2/purchase-integration).
        SIMULATOR_PORTS: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let hostPid = 0;
  const otherPids = new Set<number>();
  const listeners = new Set<() => void>();
  const onText = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const match of output.matchAll(/(?:routes above; pid|The Functions host is back \(pid) (\d+)/g)) {
      hostPid = Number(match[1]);
    }
    for (const match of output.matchAll(
      /(?:Azurite \(pid|on disk, pid|in memory, pid|plain HTTP, pid) (\d+)/g,
    )) {
      otherPids.add(Number(match[1]));
    }
    for (const listener of listeners) listener();
  };
  supervisor.stdout?.on('data', onText);
  supervisor.stderr?.on('data', onText);
  const exited = new Promise<void>((resolve) => supervisor.once('exit', () => resolve()));

  const waitForOutput = (pattern: RegExp, from: number, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output.slice(from))) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`npm start did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then(() => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`npm start exited:\n${output}`));
        }
      });
      check();
    });

  try {
    await waitForOutput(/Azure plan purchase service is running/, 0, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    killGroup(supervisor);
    throw error;
  }

  return {
    url: `http://127.0.0.1:${ports.http}`,
    ports,
    hostPid: () => hostPid,
    async killHost() {
      const from = output.length;
      process.kill(hostPid, 'SIGKILL');
      await waitForOutput(/The Functions host is back/, from, 60_000);
    },
    async killEverything() {
      killGroup(supervisor);
      for (const pid of [...otherPids, hostPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone with the group.
        }
      }
      await exited;
      await waitUntilGone([...otherPids, hostPid]);
    },
    async stop() {
      if (supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGINT');
      await exited;
    },
    output: () => output,
  };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone.
  }
}

async function waitUntilGone(pids: number[]): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (alive.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
