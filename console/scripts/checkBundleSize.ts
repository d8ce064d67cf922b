/**
 * Fails the console's build when the JavaScript a first visit loads is over budget: the entry script and the
 * chunks index.html preloads, gzipped (what the browser downloads). Chunks loaded later (`import()`: MSAL, the
 * screens past the first) do not count.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const initialJavaScriptBudgetBytes = 250 * 1024;

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [
  ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
].map((match) => match[1] ?? '');
let total = 0;
for (const src of new Set(scripts)) {
  const bytes = gzipSync(readFileSync(path.join(dist, src.replace(/^\//, '')))).length;
  total += bytes;
  console.log(`  ${src}  ${(bytes / 1024).toFixed(1)} KB gzip`);
}
const verdict = `initial JavaScript ${(total / 1024).toFixed(1)} KB gzip (budget ${initialJavaScriptBudgetBytes / 1024} KB)`;
if (total > initialJavaScriptBudgetBytes) {
  console.error(`Over budget: ${verdict}.`);
  process.exitCode = 1;
} else {
  console.log(verdict);
}
