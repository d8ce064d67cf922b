/**
 * Finds the Bicep compiler: a `bicep` on the PATH, else the NuGet package `Azure.Bicep.CommandLine.linux-x64`
 * restored once with the .NET SDK into `.cache/bicep/` (git-ignored; it survives `npm ci`). Registry modules
 * (`br/public:…`) are not used anywhere under infra/, so compiling needs no network once the CLI is cached.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const bicepVersion = '0.49.2';
const packageId = 'Azure.Bicep.CommandLine.linux-x64';
const cacheDir = resolve(import.meta.dirname, '../../.cache/bicep');
const cachedBinary = join(cacheDir, 'packages', packageId.toLowerCase(), bicepVersion, 'tools', 'bicep');

export type BicepLocation = { path: string } | { missing: string };

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Where the CLI is, restoring it into the cache when only `dotnet` is there; or why it cannot be had. */
export function locateBicep(options: { restore: boolean } = { restore: true }): BicepLocation {
  if (existsSync(cachedBinary)) return { path: cachedBinary };
  if (onPath('bicep')) return { path: 'bicep' };
  if (!onPath('dotnet')) {
    return {
      missing:
        'Neither `bicep` nor `dotnet` is installed. Install the .NET SDK (https://dot.net, 8 or later; the CLI is ' +
        `then restored from NuGet: ${packageId} ${bicepVersion}) or the Bicep CLI itself ` +
        '(https://learn.microsoft.com/azure/azure-resource-manager/bicep/install, or `az bicep install`).',
    };
  }
  if (!options.restore)
    return { missing: `Bicep ${bicepVersion} is not restored yet (run npm run lint:infra).` };
  mkdirSync(cacheDir, { recursive: true });
  // The installed SDK's own framework, so that no other targeting pack is downloaded.
  const sdkMajor = execFileSync('dotnet', ['--version'], { encoding: 'utf8' }).split('.')[0] ?? '8';
  // A PackageDownload restore fetches the package without building anything: the executable is inside it.
  writeFileSync(
    join(cacheDir, 'restore.csproj'),
    `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net${sdkMajor}.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="${packageId}" Version="[${bicepVersion}]" /></ItemGroup>
</Project>
`,
  );
  execFileSync(
    'dotnet',
    ['restore', join(cacheDir, 'restore.csproj'), '--packages', join(cacheDir, 'packages'), '--nologo'],
    { stdio: 'inherit', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } },
  );
  if (!existsSync(cachedBinary)) return { missing: `dotnet restore did not unpack ${cachedBinary}` };
  return { path: cachedBinary };
}
