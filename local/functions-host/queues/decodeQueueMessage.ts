/** Standard base64 as .NET's `Convert.FromBase64String` accepts it (white space ignored, padding required). */
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The text the trigger sees for a raw queue message: with `messageEncoding: base64` (the default) the body is
 * base64 of UTF-8 bytes, as the extension's `QueueClient` reads it; undefined when it is not valid base64 (the
 * extension then moves the message to the poison queue without invoking the function).
 */
export function decodeQueueMessage(raw: string, encoding: 'base64' | 'none'): string | undefined {
  if (encoding === 'none') {
    return raw;
  }
  const compact = raw.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !base64Pattern.test(compact)) {
    return undefined;
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}
