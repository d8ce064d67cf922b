/**
 * Builds the Functions app into one CommonJS bundle at `dist/main.js` (package.json `main`), which both the
 * real Functions host (`func start`) and the local host load. One bundle means one copy of `@azure/functions`
 * for the app and durable-functions, and a fast cold start.
 *
 * `--metafile` also writes `dist/meta.json` (what each input adds to the bundle; open it with esbuild's analyzer).
 */
import { writeFileSync } from 'node:fs';

import { build } from 'esbuild';

const writeMetafile = process.argv.includes('--metafile');

async function main(): Promise<void> {
  const result = await build({
    entryPoints: ['functions/index.ts'],
    outfile: 'dist/main.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    // Provided by the Functions worker at run time (or by the local host); never a real package.
    external: ['@azure/functions-core'],
    // Some SDKs ship ESM that locates itself with `import.meta.url` (storage-common's CRC64 wasm loader,
    // identity's browser opener). A CommonJS bundle has no `import.meta`, so give them the bundle's own URL.
    define: { 'import.meta.url': 'bundleFileUrl' },
    banner: { js: "var bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    metafile: writeMetafile,
    logLevel: 'warning',
  });
  if (writeMetafile) writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
}

main().catch(() => {
  process.exitCode = 1;
});
