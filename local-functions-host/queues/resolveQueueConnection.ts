/** The published key of the storage emulator's account `devstoreaccount1` (not a secret). */
export const devStoreAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** An explicit connection string for the emulator account on the given endpoints. */
export function devStorageConnectionString(ports: { blob?: number; queue?: number; table?: number }): string {
  const parts = [
    'DefaultEndpointsProtocol=http',
    'AccountName=devstoreaccount1',
    `AccountKey=${devStoreAccountKey}`,
  ];
  if (ports.blob !== undefined) {
    parts.push(`BlobEndpoint=http://127.0.0.1:${ports.blob}/devstoreaccount1`);
  }
  if (ports.queue !== undefined) {
    parts.push(`QueueEndpoint=http://127.0.0.1:${ports.queue}/devstoreaccount1`);
  }
  if (ports.table !== undefined) {
    parts.push(`TableEndpoint=http://127.0.0.1:${ports.table}/devstoreaccount1`);
  }
  return `${parts.join(';')};`;
}

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
