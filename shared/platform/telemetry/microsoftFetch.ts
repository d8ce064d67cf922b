import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';

import { attributeNames, inSpan, microsoftCallMetrics } from './telemetry';

/**
 * `fetch` for the gateways to Microsoft, traced and measured: one CLIENT span per HTTP attempt (a child of the
 * activity or request that makes it) with the route template, the status, `MS-RequestId`, `MS-CorrelationId` and
 * `Retry-After`; and the call counter, latency histogram and throttle counter by route and status. Handed to the
 * gateways by the composition root, so the HTTP client itself stays as it is.
 */
export function instrumentedMicrosoftFetch(
  serviceOf: (url: string) => 'partnerCenter' | 'azureResourceManager',
  inner: typeof fetch = (...args) => fetch(...args),
): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const service = serviceOf(url.href);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const route = routeTemplateOf(url.pathname);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const attributes: Attributes = {
      [attributeNames.service]: service,
      'http.request.method': method,
      'http.route': route,
      'server.address': url.hostname,
    };
    const started = performance.now();
    return inSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...attributes,
          'url.full': `${url.origin}${url.pathname}`,
          [attributeNames.msRequestId]: headers.get('ms-requestid') ?? '',
          [attributeNames.msCorrelationId]: headers.get('ms-correlationid') ?? '',
        },
      },
      async (span) => {
        let status = 0;
        try {
          const response = await inner(input, init);
          status = response.status;
          span.setAttribute('http.response.status_code', status);
          const retryAfter = response.headers.get('retry-after');
          if (retryAfter !== null) span.setAttribute(attributeNames.retryAfter, retryAfter);
          const msCv = response.headers.get('ms-cv');
          if (msCv !== null) span.setAttribute('ms.cv', msCv);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
          return response;
        } finally {
          microsoftCallMetrics.record(
            { ...attributes, 'http.response.status_code': status },
            performance.now() - started,
            status === 429,
          );
        }
      },
    );
  };
}

const guidSegment = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The route template of a path, for span names and metric attributes of bounded cardinality: ids (GUIDs, and
 * segments with digits that are not API versions or literals such as `v1`) become `{id}`, e.g.
 * `/v1/customers/{id}/orders/{id}`. Partner Center's order and cart ids are base64url, hence the digit rule.
 */
export function routeTemplateOf(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => {
      if (segment === '') return segment;
      if (guidSegment.test(segment)) return '{id}';
      if (/^v\d+(\.\d+)?$/.test(segment)) return segment;
      if (segment.length >= 8 && /\d/.test(segment)) return '{id}';
      if (segment.includes(':')) return '{id}';
      return segment;
    })
    .join('/');
}
