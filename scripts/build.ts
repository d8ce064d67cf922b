/**
 * Builds the Functions app into `dist/`, CommonJS bundles that both the real Functions host (`func start`) and the
 * local host load:
 * - `dist/main.js` (package.json `main`): the slim entry (functions/coldStart/lazyEntry.ts). The worker imports the
 *   entry on every cold start, and importing the whole app takes ~3× a bare Node start; the slim entry loads only
 *   `@azure/functions` and the configuration, and registers every function from a manifest inlined at build time.
 * - `dist/app.js`: the full app (functions/index.ts), loaded by the first invocation. There `@azure/functions` is
 *   functions/coldStart/capturingApp.ts, whose `app.*` record each registration (for the app's code and for
 *   durable-functions alike). The build loads this bundle once to read the manifest: every function's `app` method,
 *   name and options minus the handler.
 * `@azure/functions` itself stays external in both bundles, so the slim entry, the app and durable-functions share
 * the one copy in node_modules (its `InvocationContext`, `HttpResponse` … and the worker's registrations).
 *
 * The Azure SDKs (Cosmos DB, Storage queues, Identity: about 2 MB of JavaScript) are only needed once the first
 * request arrives. The app imports them with `import()` on first use, and the build puts each into its own file
 * under `dist/vendor/`, so that loading `dist/app.js` neither parses nor evaluates them. A static value import of
 * one of them still works (it just loads the SDK with the app).
 *
 * `--metafile` also writes `dist/meta.json` (what each input adds to the full app; open it with esbuild's analyzer)
 * and `dist/meta-main.json` (the slim entry).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { build, type BuildOptions, type Plugin } from 'esbuild';

/** SDK → its file under dist/vendor/. */
const vendored: Record<string, string> = {
  '@azure/cosmos': 'cosmos',
  '@azure/storage-queue': 'storage-queue',
  '@azure/identity': 'identity',
};

const writeMetafile = process.argv.includes('--metafile');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'linked',
  // `@azure/functions-core` is provided by the Functions worker at run time (or by the local host); never a real
  // package. `@azure/functions` stays one shared copy (see above).
  external: ['@azure/functions-core', '@azure/functions'],
  // Some SDKs ship ESM that locates itself with `import.meta.url` (storage-common's CRC64 wasm loader,
  // identity's browser opener). A CommonJS bundle has no `import.meta`, so give them the bundle file's own URL.
  define: { 'import.meta.url': 'bundleFileUrl' },
  banner: { js: "var bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  metafile: true,
  logLevel: 'warning',
};

/** The app's own imports of a vendored SDK load its file instead; imports between packages are left alone. */
const loadSdksFromVendorFiles: Plugin = {
  name: 'load-sdks-from-vendor-files',
  setup(builder) {
    builder.onResolve({ filter: /^@azure\/(cosmos|storage-queue|identity)$/ }, (args) => {
      const file = vendored[args.path];
      if (!file || args.importer.includes('node_modules')) return undefined;
      return { path: `./vendor/${file}.js`, external: true };
    });
  },
};

const capturingApp = path.resolve('functions/coldStart/capturingApp.ts');

/** In the full app, `@azure/functions` is the capturing stand-in, except for the stand-in's own import of it. */
const captureRegistrations: Plugin = {
  name: 'capture-registrations',
  setup(builder) {
    builder.onResolve({ filter: /^@azure\/functions$/ }, (args) =>
      path.resolve(args.importer) === capturingApp
        ? { path: args.path, external: true }
        : { path: capturingApp },
    );
  },
};

/**
 * Loads the built full app in a fresh Node process and returns its registrations as JSON. The app parses its
 * configuration when loaded, so the process gets the settings of local.settings.sample.json; nothing else runs
 * (the capturing `app` registers nothing, so no Functions host is needed).
 */
function readFunctionsManifest(appFile: string): string {
  const sample = JSON.parse(readFileSync('local.settings.sample.json', 'utf8')) as {
    Values: Record<string, string>;
  };
  const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(appFile)}).functionsManifest()))`;
  const result = spawnSync(process.execPath, ['-e', script], {
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(sample.Values).filter(([, value]) => value !== '')),
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`Loading ${appFile} failed:\n${result.stderr}`);
  return result.stdout;
}

async function main(): Promise<void> {
  const [app, ...sdks] = await Promise.all([
    build({
      ...common,
      // The entry exports the captured handlers (for the slim entry) and the manifest (for this build).
      stdin: {
        contents: "import './functions/index';\nexport * from './functions/coldStart/capturingApp';",
        resolveDir: process.cwd(),
        sourcefile: 'app.ts',
      },
      outfile: 'dist/app.js',
      plugins: [captureRegistrations, loadSdksFromVendorFiles],
      // `import()` of a vendor file becomes a `require()` in a promise: the same module cache as the app's own
      // requires, whatever loads the app.
      supported: { 'dynamic-import': false },
    }),
    ...Object.entries(vendored).map(([sdk, file]) =>
      build({
        ...common,
        stdin: { contents: `export * from '${sdk}';`, resolveDir: process.cwd(), sourcefile: `${file}.ts` },
        outfile: `dist/vendor/${file}.js`,
      }),
    ),
  ]);
  const slimEntry = await build({
    ...common,
    entryPoints: ['functions/coldStart/lazyEntry.ts'],
    outfile: 'dist/main.js',
    define: { ...common.define, FUNCTIONS_MANIFEST: readFunctionsManifest(path.resolve('dist/app.js')) },
  });
  if (writeMetafile) {
    writeFileSync('dist/meta.json', JSON.stringify(app.metafile));
    writeFileSync('dist/meta-main.json', JSON.stringify(slimEntry.metafile));
    sdks.forEach((sdk, index) =>
      writeFileSync(`dist/vendor/meta-${index}.json`, JSON.stringify(sdk.metafile)),
    );
  }
}

main().catch((error: unknown) => {
  // esbuild has already printed its own errors.
  if (!(error instanceof Error && 'errors' in error)) console.error(error);
  process.exitCode = 1;
});
