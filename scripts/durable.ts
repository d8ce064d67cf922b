/**
 * Looks into the local host's durable journal (what `npm start` keeps in `.local-state/durable/`), read-only: safe
 * while the host runs. The same answers come from the management HTTP API when the host is up.
 *
 *   npm run durable -- list [--status Running,Pending] [--dir <folder>] [--hub <task hub>]
 *   npm run durable -- show <instanceId>      the status (input, custom status, output), inbox and armed timers
 *   npm run durable -- history <instanceId>   the raw DTFx history of the current execution, one event per line
 */
import path from 'node:path';

import { runDurableCli } from '@azure-plan-local/functions-host';

import { resolveStateDirectory, stateEnvironment, stateFolders } from './local-stack/stateDirectory';

try {
  // The folder npm start would use here (LOCAL_STATE_DIR, or .local-state/).
  const folders = stateFolders(stateEnvironment(resolveStateDirectory(path.join(__dirname, '..'))));
  if (!folders) throw new Error('LOCAL_STATE=memory: durable state is in the memory of the running host.');
  console.log(runDurableCli(process.argv.slice(2), folders.durable));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
