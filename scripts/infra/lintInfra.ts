/**
 * `npm run lint:infra`: `bicep lint` and `bicep build` on every .bicep file under infra/ (infra/bicepconfig.json
 * makes the recommended rules errors; any warning fails too), and checks that the committed compiled template
 * (infra/compiled/main.json, which the template test reads without needing Bicep) is what main.bicep compiles to.
 * `npm run build:infra` (this script with `--write`) rewrites it.
 *
 * Without `bicep` and without `dotnet` it says so and how to get them, and exits 0, unless REQUIRE_BICEP=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { locateBicep } from './bicep';
import { compiledTemplatePath, infraDir, infraSourcesHash, sourcesHashPath } from './infraSources';

const write = process.argv.includes('--write');
const required = process.env.REQUIRE_BICEP === '1';

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(path);
    return entry.name.endsWith('.bicep') ? [path] : [];
  });
}

function run(bicep: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(bicep, args, { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`.trim();
  // Bicep exits 0 on warnings: a warning is a failure here.
  return { ok: result.status === 0 && !/\b(Warning|Error)\b/.test(output), output };
}

function main(): number {
  const located = locateBicep();
  if ('missing' in located) {
    console.error(`lint:infra: ${located.missing}`);
    if (required) return 1;
    console.error('lint:infra: skipped (set REQUIRE_BICEP=1 to make this a failure, as CI does).');
    return 0;
  }
  const bicep = located.path;
  let failures = 0;
  const out = mkdtempSync(join(tmpdir(), 'bicep-'));
  try {
    for (const file of bicepFiles(infraDir)) {
      const name = relative(process.cwd(), file);
      for (const [verb, args] of [
        ['lint', ['lint', file]],
        ['build', ['build', file, '--outdir', out]],
      ] as const) {
        const { ok, output } = run(bicep, [...args]);
        if (!ok) {
          failures += 1;
          console.error(`✗ bicep ${verb} ${name}\n${output}`);
        }
      }
    }
    const compiled = readFileSync(join(out, 'main.json'), 'utf8');
    if (write) {
      writeFileSync(compiledTemplatePath, compiled);
      writeFileSync(sourcesHashPath, `${infraSourcesHash()}\n`);
      console.log(`wrote ${relative(process.cwd(), compiledTemplatePath)}`);
    } else if (readFileSync(compiledTemplatePath, 'utf8') !== compiled) {
      failures += 1;
      console.error(
        `✗ ${relative(process.cwd(), compiledTemplatePath)} is not what infra/main.bicep compiles to: run npm run build:infra`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (failures === 0) console.log(`lint:infra: every file under infra/ builds and lints clean (${bicep})`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
