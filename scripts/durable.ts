/**
 * Looks into the local host's durable journal (what `npm start` keeps in `.local-state/durable/`), read-only: safe
 * while the host runs. The same answers come from the management HTTP API when the host is up.
 *
 *   npm run durable -- list [--status Running,Pending] [--dir <folder>] [--hub <task hub>]
 *   npm run durable -- show <instanceId>      the status (input, custom status, output), inbox and armed timers
 *   npm run durable -- history <instanceId>   the raw DTFx history of the current execution, one event per line
 */
import path from 'node:path';

import { runDurableCli } from '../local-functions-host/durable/durableCli';

try {
  console.log(runDurableCli(process.argv.slice(2), path.join(__dirname, '..', '.local-state', 'durable')));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
