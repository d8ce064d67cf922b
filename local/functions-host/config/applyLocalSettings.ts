import fs from 'node:fs';
import path from 'node:path';

export interface LocalSettingsResult {
  /** The file read, or undefined when the app has neither local.settings.json nor local.settings.sample.json. */
  file: string | undefined;
  /** Names copied into the environment (those not already set). */
  applied: string[];
  /** `Host.LocalHttpPort`, which `func start` uses as its default port. */
  localHttpPort: number | undefined;
}

/**
 * Copies `Values` of `local.settings.json` (or, when absent, the committed `local.settings.sample.json`) into
 * `env`, as `func start` does, without overriding anything already set: a real environment variable wins.
 */
export function applyLocalSettings(
  appDir: string,
  env: NodeJS.ProcessEnv = process.env,
): LocalSettingsResult {
  const candidates = ['local.settings.json', 'local.settings.sample.json'].map((name) =>
    path.join(appDir, name),
  );
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (!file) {
    return { file: undefined, applied: [], localHttpPort: undefined };
  }
  let parsed: { Values?: unknown; Host?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { Values?: unknown; Host?: unknown };
  } catch (error) {
    throw new Error(`Cannot parse ${file}: ${(error as Error).message}`, { cause: error });
  }
  const applied: string[] = [];
  const values = typeof parsed.Values === 'object' && parsed.Values !== null ? parsed.Values : {};
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined || value === null || value === undefined) {
      continue;
    }
    env[name] = typeof value === 'string' ? value : JSON.stringify(value);
    applied.push(name);
  }
  const host = (typeof parsed.Host === 'object' && parsed.Host !== null ? parsed.Host : {}) as Record<
    string,
    unknown
  >;
  const port = Number(host.LocalHttpPort);
  return { file, applied, localHttpPort: Number.isInteger(port) && port > 0 ? port : undefined };
}
