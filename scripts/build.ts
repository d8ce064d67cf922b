/**
 * Builds the Functions app into `dist/main.js` (package.json `main`), the one CommonJS bundle that both the real
 * Functions host (`func start`) and the local host load. One bundle means one copy of `@azure/functions` for the
 * app and durable-functions.
 *
 * Cold start: the host imports the app on every cold start, and the Azure SDKs (Cosmos DB, Storage queues,
 * Identity: about 2 MB of JavaScript) are only needed once the first request arrives. The app imports them with
 * `import()` on first use, and the build puts each into its own file under `dist/vendor/`, so that importing
 * `dist/main.js` neither parses nor evaluates them. A static value import of one of them still works (it just
 * loads the SDK with the app).
 *
 * `--metafile` also writes `dist/meta.json` (what each input adds to the bundle; open it with esbuild's analyzer).
 */
import { writeFileSync } from 'node:fs';

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
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Provided by the Functions worker at run time (or by the local host); never a real package.
  external: ['@azure/functions-core'],
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

main().catch(() => {
  process.exitCode = 1;
});
