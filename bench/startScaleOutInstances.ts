import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { type LocalHostDurable } from '@azure-plan-local/functions-host';

export interface ScaleOutInstances {
  /** Instances started besides the first (the bench service's own host). */
  count: number;
  stop(): Promise<void>;
}

/**
 * Starts `count` more instances of the app (bench/scaleOutInstance.ts), each in its own process with the same
 * settings, sharing the first host's task hub; resolves once every one polls its queues.
 */
export async function startScaleOutInstances(options: {
  appDir: string;
  count: number;
  settings: Record<string, string>;
  taskHub: LocalHostDurable;
}): Promise<ScaleOutInstances> {
  const tsx = path.join(options.appDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    // One at a time: a crowd of processes loading the app at once only slows every one of them.
    for (let index = 0; index < options.count; index += 1) {
      const child = spawn(
        process.execPath,
        [tsx, path.join(options.appDir, 'bench', 'scaleOutInstance.ts')],
        {
          cwd: options.appDir,
          env: {
            ...process.env,
            ...options.settings,
            SCALE_OUT_APP_DIR: options.appDir,
            SCALE_OUT_TASK_HUB: JSON.stringify(options.taskHub),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('ready')) resolve();
        });
        child.once('exit', (code) =>
          reject(new Error(`instance ${index + 2} exited with ${code} before it was ready`)),
        );
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { count: options.count, stop };
}
