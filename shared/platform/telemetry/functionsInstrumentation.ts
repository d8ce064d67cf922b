import { app, type HttpRequest, type HttpResponse, type HttpResponseInit } from '@azure/functions';
import { SpanStatusCode } from '@opentelemetry/api';

import { attributeNames, inSpan, SpanKind } from './telemetry';

/** What an activity input may carry for its trace (the purchase's activities carry `telemetry.traceparent`). */
interface TracedInput {
  correlationId?: unknown;
  purchaseId?: unknown;
  telemetry?: { traceparent?: unknown };
}

function headerOf(response: HttpResponse | HttpResponseInit | undefined, name: string): string | undefined {
  const headers = response?.headers;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Traces every HTTP invocation (a SERVER span named by its route template, continuing the caller's `traceparent`)
 * and every activity (a span continuing the trace its input carries), through the programming model's
 * preInvocation hook: the endpoints and activities themselves are unchanged. Orchestrator invocations are not
 * traced: they replay, and would repeat their spans.
 */
export function instrumentInvocations(): void {
  app.hook.preInvocation((pre) => {
    const trigger = pre.invocationContext.options.trigger;
    const handler = pre.functionHandler as (...args: unknown[]) => Promise<unknown>;
    if (trigger.type === 'httpTrigger') {
      const route = `/api/${typeof trigger.route === 'string' ? trigger.route : pre.invocationContext.functionName}`;
      pre.functionHandler = (request: HttpRequest, ...rest: unknown[]) =>
        inSpan(
          `${request.method} ${route}`,
          {
            kind: SpanKind.SERVER,
            traceparent: request.headers.get('traceparent') ?? undefined,
            attributes: { 'http.request.method': request.method, 'http.route': route },
          },
          async (span) => {
            const response = (await handler(request, ...rest)) as HttpResponse | HttpResponseInit | undefined;
            const status = response?.status ?? 200;
            span.setAttribute('http.response.status_code', status);
            const correlationId = headerOf(response, 'x-correlation-id');
            if (correlationId) span.setAttribute(attributeNames.correlationId, correlationId);
            if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
            return response;
          },
        );
    } else if (trigger.type === 'activityTrigger') {
      pre.functionHandler = (input: unknown, ...rest: unknown[]) => {
        const traced = (input ?? {}) as TracedInput;
        const traceparent = traced.telemetry?.traceparent;
        return inSpan(
          `activity ${pre.invocationContext.functionName}`,
          {
            kind: SpanKind.INTERNAL,
            traceparent: typeof traceparent === 'string' ? traceparent : undefined,
            attributes: {
              ...(typeof traced.correlationId === 'string'
                ? { [attributeNames.correlationId]: traced.correlationId }
                : {}),
              ...(typeof traced.purchaseId === 'string'
                ? { [attributeNames.purchaseId]: traced.purchaseId }
                : {}),
            },
          },
          () => handler(input, ...rest),
        );
      };
    }
  });
}
