import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

import ignore from 'ignore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildPackage, hostJsonFor, repositoryRoot, runtimeDependencies } from '../../../scripts/package';
import { runSmoke } from '../../../scripts/smoke';
import { anAzurePlanBought, aRegisteredCustomer } from '../../support/customerJourney';
import { sampleSettings } from '../../support/devToken';
import { startService, type TestService } from '../../support/service';

/**
 * `npm run package` builds what azd deploys (.package/, azure.yaml `dist`): the test builds the same package into a
 * folder of its own from the dist/ that `npm test` built, checks what is (and is not) in it, and runs the local
 * host on that folder alone — its own package.json, host.json and node_modules — through a whole purchase.
 */
const packageDir = mkdtempSync(join(tmpdir(), 'azure-plan-package-'));
let service: TestService | undefined;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

function pick(values: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((key) => (values[key] === undefined ? [] : [[key, values[key]]])));
}

beforeAll(() => {
  buildPackage({ build: false, outDir: packageDir });
});

afterAll(async () => {
  await service?.stop();
  rmSync(packageDir, { recursive: true, force: true });
});

describe('the deploy package', () => {
  it('holds the built app, host.json and package.json, and nothing of the sources, tests or local state', () => {
    const files = filesUnder(packageDir).filter((file) => !file.startsWith('node_modules/'));
    expect(files).toContain('dist/main.js');
    expect(files).toContain('host.json');
    expect(files).toContain('package.json');
    expect(files.filter((file) => file.startsWith('dist/vendor/') && file.endsWith('.js')).sort()).toEqual([
      'dist/vendor/cosmos.js',
      'dist/vendor/identity.js',
      'dist/vendor/storage-queue.js',
      'dist/vendor/telemetry.js',
    ]);
    // Only dist/, host.json and package.json: no .ts, settings, state, scripts, local host, meta files.
    expect(files.filter((file) => !/^(dist\/|host\.json$|package\.json$)/.test(file))).toEqual([]);
    expect(files.filter((file) => /\.ts$|meta(-\d+)?\.json$|openapi\.json$/.test(file))).toEqual([]);
    expect(JSON.parse(readFileSync(join(packageDir, 'host.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(repositoryRoot, 'host.json'), 'utf8')),
    );
  });

  it('has no dev dependencies: package.json declares the runtime ones and node_modules holds only their tree', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    expect(Object.keys(manifest.dependencies as object)).toEqual([...runtimeDependencies]);
    expect(manifest.main).toBe('dist/main.js');
    const installed = readdirSync(join(packageDir, 'node_modules'));
    for (const devOnly of ['vitest', 'azurite', 'esbuild', 'typescript', '@vercel', 'tsx']) {
      expect(installed).not.toContain(devOnly);
    }
  });

  it('is what .funcignore admits from the repository root', () => {
    const rules = ignore().add(readFileSync(join(repositoryRoot, '.funcignore'), 'utf8'));
    const packaged = filesUnder(packageDir).filter((file) => !file.startsWith('node_modules/'));
    expect(packaged.filter((file) => rules.ignores(file))).toEqual([]);
    // From the repository (outside node_modules), .funcignore admits exactly the packaged files.
    const admitted = [
      'host.json',
      'package.json',
      ...filesUnder(join(repositoryRoot, 'dist')).map((f) => `dist/${f}`),
    ]
      .concat(
        readdirSync(repositoryRoot).filter(
          (entry) => !['node_modules', 'dist', 'host.json', 'package.json', '.git'].includes(entry),
        ),
      )
      .filter((file) => !rules.ignores(file));
    expect(admitted.sort()).toEqual(packaged.sort());
  });

  it('the Durable Task Scheduler backend gets a host.json naming the scheduler and its task hub', () => {
    const host = hostJsonFor('DurableTaskScheduler') as {
      extensions: { durableTask: { hubName: string; storageProvider: Record<string, string> } };
    };
    expect(host.extensions.durableTask.storageProvider).toEqual({
      type: 'azureManaged',
      connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
    });
    expect(host.extensions.durableTask.hubName).toBe('%TASKHUB_NAME%');
    expect(hostJsonFor('AzureStorage')).toEqual(
      JSON.parse(readFileSync(join(repositoryRoot, 'host.json'), 'utf8')),
    );
  });

  it('runs on its own: the local host on the package folder completes a purchase', async () => {
    expect(existsSync(join(packageDir, 'local.settings.json'))).toBe(false);
    // The package has no local.settings.json: its settings come from the environment, as app settings do in Azure.
    service = await startService({
      appDir: packageDir,
      env: {
        // What the repository's local.settings.json would add; the stores and simulators set their own addresses.
        ...pick(sampleSettings, [
          'COSMOS_KEY',
          'COSMOS_DATABASE',
          'AUTH_ISSUER',
          'AUTH_AUDIENCE',
          'INVITATION_TOKEN_SECRET',
          'PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED',
          'ARM_BILLING_ACCOUNT_ID',
        ]),
        AUTH_JWKS_URI: `file:${join(repositoryRoot, 'scripts/local-auth/dev-jwks.json')}`,
      },
    });
    const customerId = await aRegisteredCustomer(service, 'packaged-customer');
    const subscriptionId = await anAzurePlanBought(service, customerId);
    expect(subscriptionId).not.toBe('');
  });

  it('npm run smoke passes against it: every health check, the OpenAPI document, an authenticated read', async () => {
    const running = service ?? expect.fail('the package did not start');
    const token = await running.token(['SalesAgent']);
    // Asynchronous: the service runs in this process.
    const result = await promisify(execFile)(
      process.execPath,
      [join(repositoryRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/smoke.ts', '--base-url', running.url],
      { cwd: repositoryRoot, encoding: 'utf8', env: { ...process.env, SMOKE_TOKEN: token }, timeout: 60_000 },
    ).catch((error: { stdout?: string; stderr?: string }) => expect.fail(`${error.stdout}${error.stderr}`));
    expect(result.stdout).toContain('✓ health');
    expect(result.stdout).toContain('✓ authenticated read');
  });

  it('the smoke fails with the reason: a token the service refuses, a service that does not answer', async () => {
    const running = service ?? expect.fail('the package did not start');
    const refused = await runSmoke({ baseUrl: running.url, token: 'not-a-token' });
    expect(refused.ok).toBe(false);
    expect(refused.failures).toEqual([expect.stringMatching(/authenticated read .* answered 401/)]);

    const closed = await runSmoke({ baseUrl: 'http://127.0.0.1:9', token: 'x' });
    expect(closed.ok).toBe(false);
    expect(closed.failures[0]).toMatch(/^health did not answer/);
    expect(closed.failures).toContainEqual(expect.stringMatching(/^openapi\.json did not answer/));
  });
});
