import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { coreModuleStandIn, sampleAppSettings } from '../../bench/measureColdStart';

/**
 * The built entry (`dist/main.js`, run `npm run build` first; `npm test` does) registers the functions from a
 * manifest and leaves the full app (`dist/app.js`) to the first invocation. The rest of the suite invokes the
 * functions through the local host; this checks what importing the entry does, as the worker does on a cold start.
 */
const appDir = path.resolve(__dirname, '../..');
const env = { ...process.env, ...sampleAppSettings(appDir) };

function runNode(script: string): string {
  const result = spawnSync(process.execPath, ['-e', script], { cwd: appDir, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr.slice(0, 2000));
  return result.stdout;
}

function importEntry(): { registered: string[]; loadedFiles: string[] } {
  const entry = JSON.stringify(path.join(appDir, 'dist', 'main.js'));
  return JSON.parse(
    runNode(
      `${coreModuleStandIn}\nrequire(${entry});\n` +
        'process.stdout.write(JSON.stringify({ registered, loadedFiles: Object.keys(require.cache) }));',
    ),
  ) as { registered: string[]; loadedFiles: string[] };
}

function functionsOfTheFullApp(): string[] {
  const app = JSON.stringify(path.join(appDir, 'dist', 'app.js'));
  return JSON.parse(
    runNode(`process.stdout.write(JSON.stringify(require(${app}).functionsManifest().map((f) => f.name)))`),
  ) as string[];
}

describe('the cold-start entry dist/main.js', () => {
  it('registers every function the full app registers, and only those', () => {
    const appFunctions = functionsOfTheFullApp();
    expect(appFunctions).toEqual(
      expect.arrayContaining(['health', 'azurePlanTransition', 'purchaseRequests']),
    );
    expect([...importEntry().registered].sort()).toEqual([...appFunctions].sort());
  });

  it('loads neither the full app nor durable-functions nor an Azure SDK when imported', () => {
    const loaded = importEntry().loadedFiles.map((file) => path.relative(appDir, file));
    expect(loaded).toContain(path.join('dist', 'main.js'));
    expect(loaded).not.toContain(path.join('dist', 'app.js'));
    for (const heavy of ['durable-functions', path.join('dist', 'vendor'), `${path.sep}zod${path.sep}`]) {
      expect(loaded.filter((file) => file.includes(heavy))).toEqual([]);
    }
  });
});
