/**
 * `npm run package`: builds exactly what azd deploys into `.package/` (azure.yaml `dist`), and nothing else:
 *
 * - `dist/` as `npm run build` writes it (the app `main.js`, the SDKs under `vendor/`, their source maps), without
 *   the build's analysis files;
 * - `host.json` for the chosen durable backend: `DURABLE_BACKEND=DurableTaskScheduler` (azd passes its environment
 *   values to the package step) adds the scheduler's storage provider and task hub to the repository's host.json;
 *   anything else (`AzureStorage`, unset) ships host.json as it is;
 * - `package.json` without scripts and dev dependencies, and the production dependencies the built app still loads
 *   at run time (`runtimeDependencies`, with what they depend on), copied from the installed node_modules: no
 *   network, the same versions the tests ran.
 *
 * No local state, settings or sources. `.funcignore` admits the same files from the repository root (a test checks).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '..');
export const defaultPackageDir = join(repositoryRoot, '.package');

export type DurableBackend = 'AzureStorage' | 'DurableTaskScheduler';

/** Files of dist/ that are not the app: esbuild's metafiles and the OpenAPI document lint:openapi writes. */
export function isBuildArtifact(pathInDist: string): boolean {
  return /(^|\/)meta(-\d+)?\.json$/.test(pathInDist) || pathInDist === 'openapi.json';
}

/** host.json for a durable backend (the app settings it names are set by infra/modules/functionApp.bicep). */
export function hostJsonFor(backend: DurableBackend): Record<string, unknown> {
  const host = JSON.parse(readFileSync(join(repositoryRoot, 'host.json'), 'utf8')) as {
    extensions: { durableTask: Record<string, unknown> };
  };
  if (backend === 'DurableTaskScheduler') {
    host.extensions.durableTask = {
      ...host.extensions.durableTask,
      hubName: '%TASKHUB_NAME%',
      storageProvider: {
        type: 'azureManaged',
        connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
      },
    };
  }
  return host;
}

function durableBackend(): DurableBackend {
  const value = process.env.DURABLE_BACKEND?.trim() || 'AzureStorage';
  if (value !== 'AzureStorage' && value !== 'DurableTaskScheduler') {
    throw new Error(`DURABLE_BACKEND must be AzureStorage or DurableTaskScheduler, not ${value}`);
  }
  return value;
}

/**
 * The packages the built app still loads from node_modules: the build bundles every other dependency into dist/
 * (scripts/build.ts), so shipping the whole production tree would add ~150 MB the host never reads. Kept in step
 * with build.ts's `external` (a test checks that the packaged app loads and runs a purchase on its own).
 */
export const runtimeDependencies = ['@azure/functions'] as const;

/** The folder of `name` as Node resolves it from `fromDir` (the nearest node_modules up the tree). */
function packageFolder(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir)) throw new Error(`${name} is not installed (from ${fromDir}): run npm ci`);
  }
}

/** The runtime dependencies and everything they depend on, as installed (paths relative to the repository). */
function runtimeDependencyFolders(): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string): void => {
    const folder = packageFolder(name, fromDir);
    if (found.has(folder)) return;
    found.add(folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder);
  };
  for (const name of runtimeDependencies) visit(name, repositoryRoot);
  return [...found].map((folder) => relative(repositoryRoot, folder)).sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

export function buildPackage(options: { build?: boolean; outDir?: string } = {}): string {
  const packageDir = options.outDir ?? defaultPackageDir;
  if (options.build !== false) {
    execFileSync(
      process.execPath,
      [join(repositoryRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts'],
      {
        cwd: repositoryRoot,
        stdio: 'inherit',
      },
    );
  }
  rmSync(packageDir, { recursive: true, force: true });
  mkdirSync(packageDir);

  const dist = join(repositoryRoot, 'dist');
  if (!existsSync(join(dist, 'main.js'))) throw new Error('dist/main.js is missing: npm run build failed?');
  for (const file of filesUnder(dist).filter((path) => !isBuildArtifact(path.split(sep).join('/')))) {
    mkdirSync(dirname(join(packageDir, 'dist', file)), { recursive: true });
    cpSync(join(dist, file), join(packageDir, 'dist', file));
  }

  writeFileSync(join(packageDir, 'host.json'), `${JSON.stringify(hostJsonFor(durableBackend()), null, 2)}\n`);

  const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const { name, version, private: isPrivate, description, main, engines } = manifest;
  const declared = manifest.dependencies as Record<string, string>;
  const dependencies = Object.fromEntries(
    runtimeDependencies.map((dependency) => [dependency, declared[dependency]]),
  );
  writeFileSync(
    join(packageDir, 'package.json'),
    `${JSON.stringify({ name, version, private: isPrivate, description, main, engines, dependencies }, null, 2)}\n`,
  );

  for (const folder of runtimeDependencyFolders()) {
    // Nested node_modules are copied with their parent's folder only when they are dependencies (visited above).
    cpSync(join(repositoryRoot, folder), join(packageDir, folder), {
      recursive: true,
      filter: (source) => !relative(join(repositoryRoot, folder), source).split(sep).includes('node_modules'),
    });
  }
  return packageDir;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = buildPackage({ build: !process.argv.includes('--no-build') });
  console.log(`package: ${relative(process.cwd(), dir) || dir} (${durableBackend()} durable backend)`);
}
