/**
 * A setting given on the command line (the environment) wins over the settings file (`local.settings.json`, or the
 * committed `local.settings.sample.json`), also where the file names the same thing another way: the file's
 * endpoints on this machine carry the default ports, so a port given on the command line moves them.
 *
 * - `COSMOS_PORT` given, `COSMOS_ENDPOINT` from the file on this machine: the file's endpoint is dropped, so the
 *   embedded Cosmos DB server starts on that port and the app is pointed at it (docs/local-host.md: "`COSMOS_PORT` moves it").
 *   A `COSMOS_ENDPOINT` given on the command line is kept as given.
 * - `PORT` given, `PUBLIC_BASE_URL` from the file on this machine: the invitation links name the host's real port.
 *
 * `env` is changed in place (it is `process.env` after `applyLocalSettings`); `fromFile` the names that call copied
 * from the file. Returns what was changed, for the start-up banner.
 */
export function letCommandLinePortsWin(
  env: NodeJS.ProcessEnv,
  fromFile: readonly string[],
  hostPort: number,
): string[] {
  const changed: string[] = [];
  const fileSaid = (name: string): string | undefined =>
    fromFile.includes(name) && isLoopbackUrl(env[name]) ? env[name] : undefined;
  const cosmosPort = env.COSMOS_PORT?.trim();
  if (cosmosPort && fileSaid('COSMOS_ENDPOINT') !== undefined) {
    delete env.COSMOS_ENDPOINT;
    changed.push(`COSMOS_ENDPOINT (the settings file's) follows COSMOS_PORT=${cosmosPort}`);
  }
  const publicBaseUrl = fileSaid('PUBLIC_BASE_URL');
  if (env.PORT?.trim() && publicBaseUrl !== undefined && hostPort > 0) {
    const url = new URL(publicBaseUrl);
    url.port = String(hostPort);
    env.PUBLIC_BASE_URL = url.toString().replace(/\/$/, '');
    changed.push(`PUBLIC_BASE_URL (the settings file's) follows PORT: ${env.PUBLIC_BASE_URL}`);
  }
  return changed;
}

function isLoopbackUrl(value: string | undefined): value is string {
  if (!value?.trim()) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(value).hostname);
  } catch {
    return false;
  }
}
