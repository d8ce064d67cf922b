import { devStorageConnectionString } from '@azure-plan-local/stores';

/**
 * The storage connection string behind a binding's `connection` setting, as the host resolves it: the setting
 * itself, then `AzureWebJobs<name>`; `AzureWebJobsStorage` when the binding names none. `UseDevelopmentStorage=true`
 * becomes the emulator's standard endpoints (queue on 10001). Undefined when nothing is configured.
 */
export function resolveQueueConnection(
  settingName: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name =
    typeof settingName === 'string' && settingName.trim() !== '' ? settingName.trim() : 'AzureWebJobsStorage';
  const value = env[name] ?? env[`AzureWebJobs${name}`];
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  if (/^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(value)) {
    return devStorageConnectionString({ blob: 10000, queue: 10001, table: 10002 });
  }
  return value;
}
