import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';

import { AppError } from '../shared/domain/errors';
import { correlationIdOf, endpointRegistry, type HttpMethod } from '../shared/platform/http/endpoint';
import { toProblem } from '../shared/platform/http/problem';
import { routeMatcher } from '../shared/platform/http/routeMatcher';

const allMethods: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

let routes: { method: string; matches: (path: string) => boolean }[] | undefined;

/** Methods that some endpoint serves at this path (below `/api`). */
function methodsAt(path: string): string[] {
  routes ??= endpointRegistry.map((definition) => ({
    method: definition.method,
    matches: routeMatcher(definition.route),
  }));
  return [...new Set(routes.filter((route) => route.matches(path)).map((route) => route.method))].sort();
}

/**
 * The route of last resort: every path under `/api` that no endpoint serves. Functions routing prefers any
 * literal or parameter segment over a catch-all, so this only answers what nothing else does — as a problem
 * document with a correlation id, like every other error of the contract, instead of the host's bare 404.
 */
export function answerUnmatchedRequest(request: HttpRequest): HttpResponseInit {
  const correlationId = correlationIdOf(request);
  const pathname = new URL(request.url).pathname;
  const below = pathname.replace(/^\/api(?=\/|$)/i, '') || '/';
  const allowed = methodsAt(below);
  const error =
    allowed.length > 0
      ? new AppError(
          'MethodNotAllowed',
          `${request.method} is not supported here; use ${allowed.join(', ')}.`,
        )
      : new AppError('NotFound', `Nothing is served at ${pathname}.`);
  const { response } = toProblem(error, { instance: pathname, correlationId });
  if (allowed.length > 0) response.headers = { ...response.headers, allow: allowed.join(', ') };
  return response;
}

export function registerUnmatchedRoute(): void {
  app.http('unmatchedRoute', {
    route: '{*path}',
    methods: allMethods,
    authLevel: 'anonymous',
    handler: (request) => Promise.resolve(answerUnmatchedRequest(request)),
  });
}
