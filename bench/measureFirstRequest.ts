import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { launchLocalStack } from '../scripts/local-stack/launchLocalStack';
import { sampleAppSettings } from './measureColdStart';
import { quantileOfSorted, sortedAscending } from './statistics';

export interface FirstRequestRound {
  /** Median time from the start of a fresh Node process to the first answered request, ms. */
  sinceProcessStartMs: number;
  /** Median time from starting the local host (which loads the app) to the first answered request, ms. */
  sinceHostStartMs: number;
}

const child = path.join(__dirname, 'coldStartFirstRequest.ts');

/**
 * A real cold start: `processes` fresh Node processes, one after another, each loading the built app through the
 * local host and timing its first answered request (GET /api/health, which reaches both stores and Microsoft's simulators). The stores run
 * once, in this process and Azurite's, so they are warm for every child alike.
 */
export async function measureFirstRequest(options: {
  appDir: string;
  processes: number;
}): Promise<FirstRequestRound> {
  // Health also asks Partner Center and ARM (a token, then a call): the simulators run here too, as the stores do.
  // The launcher's store steps, without its host: each child process runs its own.
  const stack = await launchLocalStack({
    storage: { services: ['queue'] },
    cosmos: {},
    simulators: {},
    // Provisioned before the first process, as `npm start` and the deploy template do: the app creates nothing.
    provision: {},
    baseSettings: sampleAppSettings(options.appDir),
  });
  try {
    const { settings } = stack;
    const env = { ...process.env, APP_DIR: options.appDir, APP_SETTINGS: JSON.stringify(settings) };
    const sinceProcessStart: number[] = [];
    const sinceHostStart: number[] = [];
    for (let index = 0; index < options.processes; index += 1) {
      // Asynchronously: the Cosmos server answering the child runs in this process.
      const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
        env,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      const figures = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as FirstRequestRound & {
        status: number;
        body?: string;
      };
      if (figures.status !== 200) {
        throw new Error(`The first request answered ${figures.status}: ${figures.body}\n${result.stderr}`);
      }
      sinceProcessStart.push(figures.sinceProcessStartMs);
      sinceHostStart.push(figures.sinceHostStartMs);
    }
    return {
      sinceProcessStartMs: quantileOfSorted(sortedAscending(sinceProcessStart), 0.5),
      sinceHostStartMs: quantileOfSorted(sortedAscending(sinceHostStart), 0.5),
    };
  } finally {
    await stack.stop();
  }
}
