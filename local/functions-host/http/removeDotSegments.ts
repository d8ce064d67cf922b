/**
 * The request path as Kestrel hands it to the Functions host: percent-decoded (except `%2F`), then with `.` and
 * `..` segments removed (RFC 3986 §5.2.4). Kestrel removes them AFTER decoding, so `%2e%2e` is a `..` segment too;
 * dotnet/aspnetcore `src/Servers/Kestrel/Core/src/Internal/Http/PathDecoder.cs` (`DecodePath`: `UrlDecoder.
 * DecodeInPlace`, then `PathNormalizer.RemoveDotSegments`). A `..` never climbs above the root.
 *
 * The result is still percent-encoded (the route table decodes segments itself), so only whole dot segments go:
 * a segment such as `a%2e%2e` or `..%2F` is data, never a step up. Routing, the URL the function sees, and the
 * app's own error pages then all agree on one path; nothing downstream can read the traversal differently.
 */
export function removeDotSegments(rawPath: string): string {
  if (!/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath)) {
    return rawPath;
  }
  const segments = rawPath.split('/').slice(1);
  const output: string[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') {
      if (decoded === '..') output.pop();
      // `/a/b/..` is `/a/`: a dot segment at the end leaves the trailing slash.
      if (last) output.push('');
      return;
    }
    output.push(segment);
  });
  return `/${output.join('/')}`;
}
