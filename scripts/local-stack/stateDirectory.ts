import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder where `npm start` keeps all local state (`.local-state/` in the repository, or `LOCAL_STATE_DIR`);
 * undefined with `LOCAL_STATE=memory`.
 */
export function resolveStateDirectory(repositoryRoot: string, env = process.env): string | undefined {
  if (env.LOCAL_STATE?.trim().toLowerCase() === 'memory') {
    return undefined;
  }
  const configured = env.LOCAL_STATE_DIR?.trim();
  return path.resolve(configured ? configured : path.join(repositoryRoot, '.local-state'));
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
