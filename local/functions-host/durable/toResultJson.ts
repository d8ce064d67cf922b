import type { RpcTypedData } from '../contracts';

/**
 * The `Result` of a TaskCompleted event from an activity's return value, as the extension records it: a returned
 * string becomes a JSON string, `json` is kept as is, numbers become their text, bytes become a base64 JSON string
 * (Newtonsoft's `byte[]`), and nothing becomes `"null"` (JS parses `Result` with `JSON.parse`, and `undefined`
 * would throw during replay).
 */
export function toResultJson(value: RpcTypedData | undefined): string {
  if (!value) return 'null';
  if (typeof value.string === 'string') return JSON.stringify(value.string);
  if (typeof value.json === 'string') return value.json;
  if (typeof value.int === 'number') return String(value.int);
  if (typeof value.double === 'number') return String(value.double);
  const bytes = value.bytes ?? value.stream;
  if (bytes) return JSON.stringify(Buffer.from(bytes).toString('base64'));
  if (value.collectionString) return JSON.stringify(value.collectionString.string);
  if (value.collectionDouble) return JSON.stringify(value.collectionDouble.double);
  if (value.collectionSint64) return JSON.stringify(value.collectionSint64.sint64);
  return 'null';
}
