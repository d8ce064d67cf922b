/**
 * The template's sources and its committed compiled form. The hash of the sources is written beside the compiled
 * template by `npm run build:infra`, so a test can tell (without Bicep) that the compiled template is not stale.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const infraDir = resolve(import.meta.dirname, '../../infra');
export const compiledTemplatePath = join(infraDir, 'compiled', 'main.json');
export const sourcesHashPath = join(infraDir, 'compiled', 'sources.sha256');

/** Every file main.bicep compiles from: the .bicep files, bicepconfig.json and the files they load (workbook). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory())
        return entry.name === 'compiled' || entry.name === 'hooks' ? [] : sourceFiles(path);
      return /\.(bicep|json)$/.test(entry.name) && entry.name !== 'main.parameters.json' ? [path] : [];
    })
    .sort();
}

export function infraSourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(infraDir)) {
    // Line endings normalised: a Windows checkout hashes the same.
    hash.update(`${relative(infraDir, file)}\n${readFileSync(file, 'utf8').replace(/\r\n/g, '\n')}\n`);
  }
  return hash.digest('hex');
}
