import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder where `npm start` keeps all local state (`.local-state/` in the repository, or `LOCAL_STATE_DIR`);
 * undefined with `LOCAL_STATE=memory`. The supervisor (scripts/start.ts) is the one caller that decides; it hands
 * its decision to every child with `stateEnvironment`, and the children read it back with `stateFolders`.
 */
export function resolveStateDirectory(repositoryRoot: string, env = process.env): string | undefined {
  if (env.LOCAL_STATE?.trim().toLowerCase() === 'memory') {
    return undefined;
  }
  const configured = env.LOCAL_STATE_DIR?.trim();
  return path.resolve(configured ? configured : path.join(repositoryRoot, '.local-state'));
}

/** The subfolders of the state folder, one per store (what docs/local-host.md "Local state" lists). */
export interface StateFolders {
  root: string;
  azurite: string;
  cosmos: string;
  simulators: string;
  durable: string;
  timers: string;
}

/**
 * What a child process of `npm start` is given about the state folder: the decided absolute folder, or memory.
 * Both names are always set, so a child never falls back to a default of its own (a child that kept durable state
 * in memory because the variable was unset made `npm start` forget every purchase on restart).
 */
export function stateEnvironment(stateDir: string | undefined): {
  LOCAL_STATE_DIR: string;
  LOCAL_STATE: string;
} {
  return stateDir
    ? { LOCAL_STATE_DIR: path.resolve(stateDir), LOCAL_STATE: 'disk' }
    : { LOCAL_STATE_DIR: '', LOCAL_STATE: 'memory' };
}

/** The folders a child keeps its state in, from what the supervisor handed it; undefined: in memory. */
export function stateFolders(env: NodeJS.ProcessEnv = process.env): StateFolders | undefined {
  if (env.LOCAL_STATE === undefined) {
    throw new Error('LOCAL_STATE is not set: this process is started by npm start (scripts/start.ts).');
  }
  const root = env.LOCAL_STATE === 'memory' ? '' : (env.LOCAL_STATE_DIR?.trim() ?? '');
  if (!root) return undefined;
  return {
    root,
    azurite: path.join(root, 'azurite'),
    cosmos: path.join(root, 'cosmos'),
    simulators: path.join(root, 'simulators'),
    durable: path.join(root, 'durable'),
    timers: path.join(root, 'timers'),
  };
}

const lockFileName = 'npm-start.pid';

export interface StateLock {
  release(): void;
}

/**
 * The pid of the `npm start` that uses `stateDir` now, or undefined. A pid file left by a killed run (`kill -9`)
 * names a process that is gone, or one that is not an `npm start` (the pid was reused): both count as free.
 */
export function runningSupervisor(stateDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(stateDir, lockFileName), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return undefined;
  }
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes('start.ts') ? pid : undefined;
  } catch {
    // No /proc (macOS): a live process with that pid is taken to be ours.
    return pid;
  }
}

/** Claims `stateDir` for this process; refuses when another `npm start` holds it (two would corrupt it). */
export function acquireStateLock(stateDir: string): StateLock {
  const holder = runningSupervisor(stateDir);
  if (holder !== undefined) {
    throw new Error(
      `Another npm start (pid ${holder}) uses ${stateDir}. Stop it first, or give this one its own LOCAL_STATE_DIR.`,
    );
  }
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, lockFileName);
  writeFileSync(file, `${process.pid}\n`);
  return {
    release() {
      if (runningSupervisor(stateDir) === undefined) {
        rmSync(file, { force: true });
      }
    },
  };
}
