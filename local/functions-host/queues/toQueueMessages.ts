import type { RpcTypedData } from '../contracts';

/**
 * The messages a queue output binding's value makes, as the host's queue binding turns the worker's typed data
 * into messages: a string, number or bytes is one message; JSON is one message, unless it is an array, which
 * becomes one message per element (strings as they are, anything else as its JSON); collections likewise.
 * Each message is then encoded as host.json `messageEncoding` says (base64 of the bytes by default).
 */
export function toQueueMessages(data: RpcTypedData, encoding: 'base64' | 'none'): string[] {
  return toBodies(data).map((body) =>
    encoding === 'base64' ? Buffer.from(body).toString('base64') : Buffer.from(body).toString('utf8'),
  );
}

function toBodies(data: RpcTypedData): (Uint8Array | string)[] {
  if (data.string !== undefined) {
    return [data.string];
  }
  if (data.json !== undefined) {
    const parsed: unknown = JSON.parse(data.json);
    if (Array.isArray(parsed)) {
      return parsed.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item)));
    }
    return [data.json];
  }
  const bytes = data.bytes ?? data.stream;
  if (bytes !== undefined) {
    return [bytes];
  }
  if (data.int !== undefined || data.double !== undefined) {
    return [String(data.int ?? data.double)];
  }
  if (data.collectionString) {
    return data.collectionString.string;
  }
  if (data.collectionBytes) {
    return data.collectionBytes.bytes;
  }
  if (data.collectionDouble) {
    return data.collectionDouble.double.map(String);
  }
  if (data.collectionSint64) {
    return data.collectionSint64.sint64.map(String);
  }
  return [];
}
