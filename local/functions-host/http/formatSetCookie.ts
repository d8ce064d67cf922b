import type { RpcHttpCookie } from '../contracts';

/** The core API sends `sameSite` as a string ('none' | 'lax' | 'strict' | 'explicitNone'); gRPC uses 0–3. */
type SameSite = 'unspecified' | 'lax' | 'strict' | 'none';

function toSameSite(value: unknown): SameSite {
  switch (value) {
    case 'lax':
    case 1:
      return 'lax';
    case 'strict':
    case 2:
      return 'strict';
    case 'explicitNone':
    case 3:
      return 'none';
    default:
      // RpcHttpCookie.SameSite.None means "not set" (SameSiteMode.Unspecified): no attribute at all.
      return 'unspecified';
  }
}

/** .NET `Uri.EscapeDataString`: only RFC 3986 unreserved characters stay as they are. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * One `Set-Cookie` value, as the host writes an `RpcHttpCookie`: `RpcHttpCookieConverter` builds ASP.NET
 * `CookieOptions` (path defaults to "/") and `Response.Cookies.Append` escapes the value (not the name) and
 * serialises the attributes in `SetCookieHeaderValue` order: expires, max-age, domain, path, secure, samesite,
 * httponly.
 */
export function formatSetCookie(cookie: RpcHttpCookie): string {
  let header = `${cookie.name}=${escapeDataString(cookie.value ?? '')}`;
  const expires = cookie.expires?.value;
  if (expires) {
    const ms = Number(expires.seconds) * 1000 + Math.floor(Number(expires.nanos ?? 0) / 1e6);
    header += `; expires=${new Date(ms).toUTCString()}`;
  }
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null) {
    header += `; max-age=${Math.trunc(Number(cookie.maxAge.value))}`;
  }
  if (cookie.domain?.value) {
    header += `; domain=${cookie.domain.value}`;
  }
  header += `; path=${cookie.path?.value ? cookie.path.value : '/'}`;
  if (cookie.secure?.value) {
    header += '; secure';
  }
  const sameSite = toSameSite(cookie.sameSite);
  if (sameSite !== 'unspecified') {
    header += `; samesite=${sameSite}`;
  }
  if (cookie.httpOnly?.value) {
    header += '; httponly';
  }
  return header;
}
