/**
 * Writes the service's OpenAPI document, the one `GET /api/openapi.json` serves, to a file for the linters
 * (`npm run lint:openapi`). It is built from the app's source as the app builds it: the functions register (into the
 * local host's stand-in for the worker's core API, so `@azure/functions` does not fall back to its "test mode"),
 * then the generator reads the endpoints they declared. The sample settings satisfy the configuration check; nothing
 * connects anywhere.
 *
 * Usage: tsx scripts/writeOpenApiDocument.ts <file>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { installCoreModule } from '@azure-plan-local/functions-host';

/**
 * The document names the deployment it is served from (`PUBLIC_BASE_URL`). The linters check the one a deployed app
 * serves, so they get a deployed app's address rather than the sample's localhost (which they rightly flag).
 */
const deployedBaseUrl = 'https://azure-plan-purchase.azurewebsites.net';

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) throw new Error('Usage: tsx scripts/writeOpenApiDocument.ts <file>');
  const root = path.resolve(import.meta.dirname, '..');
  const sample = JSON.parse(readFileSync(path.join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  for (const [name, value] of Object.entries(sample.Values)) process.env[name] ??= value;
  process.env.PUBLIC_BASE_URL = deployedBaseUrl;

  installCoreModule();
  await import('../functions/index');
  const { buildOpenApiDocument } = await import('../shared/platform/http/openApiDocument');
  const document = await buildOpenApiDocument(deployedBaseUrl);
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
