import type { RegisteredFunction } from '../contracts';
import { RouteTemplate } from './RouteTemplate';

export interface HttpRoute {
  functionName: string;
  fn: RegisteredFunction;
  /** The full template, route prefix included, e.g. `api/items/{id:int}`. */
  template: RouteTemplate;
  /** Upper-case methods; undefined means any method (a trigger without `methods`). */
  methods: readonly string[] | undefined;
}

export interface HttpRouteMatch {
  route: HttpRoute;
  params: Record<string, string>;
}

/**
 * The HTTP triggers' routes in matching order: ASP.NET's inbound precedence (literal segments before constrained
 * parameters before plain parameters before catch-alls, segment by segment), then the template text, as the
 * host's route tree does. The method is part of the match: a route whose methods exclude the request's is skipped,
 * so a method mismatch ends in 404 like on the real host, not 405.
 */
export class HttpRouteTable {
  readonly routes: readonly HttpRoute[];

  private constructor(routes: HttpRoute[]) {
    this.routes = routes;
  }

  /** `routePrefix` as in host.json `extensions.http.routePrefix` ('' for none). */
  static fromFunctions(functions: Iterable<RegisteredFunction>, routePrefix: string): HttpRouteTable {
    const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
    const routes: HttpRoute[] = [];
    for (const fn of functions) {
      if (fn.trigger.type.toLowerCase() !== 'httptrigger') {
        continue;
      }
      const route =
        typeof fn.trigger.route === 'string' && fn.trigger.route.trim() !== '' ? fn.trigger.route : fn.name;
      const relative = route.replace(/^\/+/, '');
      const full = prefix === '' ? relative : `${prefix}/${relative}`;
      let template: RouteTemplate;
      try {
        template = RouteTemplate.parse(full);
      } catch (error) {
        throw new Error(`Function "${fn.name}": ${(error as Error).message}`, { cause: error });
      }
      const methods = Array.isArray(fn.trigger.methods)
        ? fn.trigger.methods.map((method) => String(method).toUpperCase())
        : undefined;
      routes.push({ functionName: fn.name, fn, template, methods });
    }
    routes.sort(
      (a, b) =>
        compare(a.template.precedence, b.template.precedence) ||
        compare(a.template.template.toLowerCase(), b.template.template.toLowerCase()),
    );
    return new HttpRouteTable(routes);
  }

  /** `pathname` is the raw (still percent-encoded) path of the request URL. */
  match(method: string, pathname: string): HttpRouteMatch | undefined {
    const segments = toPathSegments(pathname);
    const upperMethod = method.toUpperCase();
    for (const route of this.routes) {
      if (route.methods && !route.methods.includes(upperMethod)) {
        continue;
      }
      const params = route.template.match(segments);
      if (params) {
        return { route, params };
      }
    }
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits and decodes the path like ASP.NET: a trailing slash is ignored, and an encoded slash (%2F) stays encoded
 * inside its segment rather than becoming a separator.
 */
function toPathSegments(pathname: string): string[] {
  const trimmed = pathname.replace(/^\/+/, '').replace(/\/$/, '');
  if (trimmed === '') {
    return [];
  }
  return trimmed.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment.replace(/%2f/gi, '%252F'));
    } catch {
      return segment;
    }
  });
}
