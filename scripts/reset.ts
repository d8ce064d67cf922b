/**
 * `npm run reset`: wipes everything `npm start` keeps between runs (`.local-state/`, or `LOCAL_STATE_DIR`):
 * Azurite's queues, tables and blobs, the Cosmos DB documents, durable instances, timer schedule status.
 * Refuses while an `npm start` uses the folder.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import { resolveStateDirectory, runningSupervisor } from './local-stack/stateDirectory';

const stateDir = resolveStateDirectory(path.resolve(__dirname, '..'));
if (!stateDir) {
  console.log('LOCAL_STATE=memory: there is no local state on disk to reset.');
} else if (!existsSync(stateDir)) {
  console.log(`Nothing to reset: ${stateDir} does not exist.`);
} else {
  const holder = runningSupervisor(stateDir);
  if (holder !== undefined) {
    console.error(`npm start (pid ${holder}) is running on ${stateDir}: stop it (Ctrl-C) before a reset.`);
    process.exitCode = 1;
  } else {
    rmSync(stateDir, { recursive: true, force: true });
    console.log(`Removed ${stateDir}: the next npm start begins empty.`);
  }
}
