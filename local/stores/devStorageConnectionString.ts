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
