/**
 * Matches a request path against a Functions route template (`customers/{customerId}/orders`, `x/{id?}`,
 * `files/{*rest}`), so the fallback route can tell "no such resource" from "not with that method".
 */
export function routeMatcher(route: string): (path: string) => boolean {
  const pattern = route
    .split('/')
    .map((segment) => {
      if (/^\{\*[^}]+\}$/.test(segment)) return '(?:/.*)?';
      if (/^\{[^}]+\?\}$/.test(segment)) return '(?:/[^/]+)?';
      const escaped = segment
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return `/${escaped}`;
    })
    .join('');
  const regex = new RegExp(`^${pattern}/?$`, 'i');
  return (path) => regex.test(path);
}
