/**
 * Builds the Functions app into one CommonJS bundle at `dist/main.js` (package.json `main`), which both the
 * real Functions host (`func start`) and the local host load. One bundle means one copy of `@azure/functions`
 * for the app and durable-functions, and a fast cold start.
 */
import { build } from 'esbuild';

void build({
  entryPoints: ['functions/index.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Provided by the Functions worker at run time (or by the local host); never a real package.
  external: ['@azure/functions-core'],
  logLevel: 'warning',
}).catch(() => {
  process.exitCode = 1;
});
