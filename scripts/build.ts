/**
 * Builds the Functions app into `dist/`, CommonJS bundles that both the real Functions host (`func start`) and the
 * local host load: `dist/main.js` (package.json `main`) is the whole app (functions/index.ts), which registers every
 * function when the worker imports it. `@azure/functions` stays external, so the app and durable-functions share
 * the one copy in node_modules (its `InvocationContext`, `HttpResponse` … and the worker's registrations).
 *
 * The Azure SDKs (Cosmos DB, Storage queues, Identity: about 2 MB of JavaScript) are only needed once the first
 * request arrives. The app imports them with `import()` on first use, and the build puts each into its own file
 * under `dist/vendor/`, so that loading `dist/main.js` neither parses nor evaluates them. A static value import of
 * one of them still works (it just loads the SDK with the app).
 *
 * There is no lazy entry any more: measured on a real cold process (bench row `coldStart.firstRequest…`), loading
 * the whole app at import costs a few hundred milliseconds once per instance, which users do not see next to the
 * platform's own cold start, and a manifest frozen at build time would hide settings-dependent registration.
 *
 * `--metafile` also writes `dist/meta.json` (what each input adds to the app; open it with esbuild's analyzer).
 */
import { writeFileSync } from 'node:fs';

import { build, type BuildOptions, type Plugin } from 'esbuild';

/** SDK → its file under dist/vendor/. */
const vendored: Record<string, string> = {
  '@azure/cosmos': 'cosmos',
  '@azure/storage-queue': 'storage-queue',
  '@azure/identity': 'identity',
  // The OpenTelemetry SDK setup (Azure Monitor's distro, the OTLP exporters): loaded only when telemetry is
  // configured (shared/platform/telemetry/startTelemetry.ts), so an app without it never reads the file.
  './shared/platform/telemetry/telemetrySdk': 'telemetry',
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
    builder.onResolve({ filter: /^@azure\/(cosmos|storage-queue|identity)$|\/telemetrySdk$/ }, (args) => {
      const file = args.path.endsWith('/telemetrySdk') ? 'telemetry' : vendored[args.path];
      if (!file || args.importer.includes('node_modules')) return undefined;
      return { path: `./vendor/${file}.js`, external: true };
    });
  },
};

async function main(): Promise<void> {
  const [app, ...sdks] = await Promise.all([
    build({
      ...common,
      entryPoints: ['functions/index.ts'],
      outfile: 'dist/main.js',
      plugins: [loadSdksFromVendorFiles],
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
  if (writeMetafile) {
    writeFileSync('dist/meta.json', JSON.stringify(app.metafile));
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
