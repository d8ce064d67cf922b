import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { AppStartHookContext, WorkerCapabilities } from './coreTypes';
import { expandGlob } from './expandGlob';
import type { WorkerRegistry } from './WorkerRegistry';

export interface LoadedApp {
  appDir: string;
  /** The entry points, relative to `appDir`, in load order. */
  files: string[];
  capabilities: WorkerCapabilities;
}

interface PackageJson {
  main?: unknown;
  type?: unknown;
}

/** The capabilities the real worker declares before asking the programming model (`getWorkerCapabilities.ts`). */
const workerCapabilities: WorkerCapabilities = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

/** Node's native `import()`, from a CommonJS file Node loads itself (see nativeImport.cjs for why). */
const nativeImport = createRequire(__filename)('./nativeImport.cjs') as (
  specifier: string,
) => Promise<unknown>;

/**
 * Starts the app as the worker's `WorkerInitHandler` does: read `package.json` `main` (a glob), load each entry
 * point (`require`, or `import()` for `.mjs` / `"type": "module"`), run the appStart hooks, ask the programming
 * model for its capabilities (which locks `app.setup()`), then lock registrations. The core module must be
 * installed before this runs.
 */
export async function loadApp(appDir: string, registry: WorkerRegistry): Promise<LoadedApp> {
  const absoluteAppDir = path.resolve(appDir);
  const packageJsonPath = path.join(absoluteAppDir, 'package.json');
  let packageJson: PackageJson;
  try {
    packageJson = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as PackageJson;
  } catch (error) {
    throw new Error(`Cannot read the app's package.json at ${packageJsonPath}: ${(error as Error).message}`);
  }
  const main = packageJson.main;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new Error(`${packageJsonPath} has no "main": the worker loads the app's functions from it.`);
  }
  const files = expandGlob(main, absoluteAppDir);
  if (files.length === 0) {
    // Node 20+ workers block the app on this error instead of starting with zero functions.
    const hasMagic = /[*?[{]/.test(main);
    throw new Error(
      `Worker was unable to load entry point "${main}": ` +
        (hasMagic ? 'Found zero files matching the supplied pattern' : 'File does not exist') +
        ` (in ${absoluteAppDir}${main === 'dist/main.js' ? '; run `npm run build` first' : ''})`,
    );
  }

  const appRequire = createRequire(packageJsonPath);
  for (const file of files) {
    const filePath = path.join(absoluteAppDir, file);
    try {
      if (isEsModule(filePath, packageJson)) {
        await nativeImport(pathToFileURL(filePath).href);
      } else {
        appRequire(filePath);
      }
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new Error(`Worker was unable to load entry point "${file}": ${cause.message}`, { cause });
    }
  }

  const appStartContext: AppStartHookContext = {
    hookData: registry.appLevelOnlyHookData,
    appHookData: registry.appHookData,
    functionAppDirectory: absoluteAppDir,
  };
  await registry.runHooks('appStart', appStartContext);

  let capabilities: WorkerCapabilities = { ...workerCapabilities };
  const model = registry.programmingModel;
  if (model?.getCapabilities) {
    capabilities = await model.getCapabilities(capabilities);
  }
  if (capabilities.HttpUri) {
    // `app.setup({ enableHttpStream: true })`: getArguments would wait forever for a proxied request (doc gotcha 8).
    throw new Error(
      'The app enables HTTP streams (app.setup({ enableHttpStream: true })), which the local host does not support.',
    );
  }
  registry.lock();
  return { appDir: absoluteAppDir, files, capabilities };
}

function isEsModule(filePath: string, packageJson: PackageJson): boolean {
  if (filePath.endsWith('.mjs')) {
    return true;
  }
  if (filePath.endsWith('.cjs')) {
    return false;
  }
  return packageJson.type === 'module';
}
