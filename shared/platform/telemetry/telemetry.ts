import {
  type Attributes,
  context,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * The app's telemetry, written against the OpenTelemetry API only: without a registered SDK (no
 * APPLICATIONINSIGHTS_CONNECTION_STRING, no OTEL_EXPORTER_OTLP_ENDPOINT) every call here is a no-op. The SDK is
 * loaded by startTelemetry.ts when configured; tests register an in-memory one.
 *
 * One purchase is one trace: the HTTP start's span is carried through the durable boundary as a W3C `traceparent`
 * in the orchestration input and in every activity input (durable replay has no ambient context), so each activity
 * and each call to Partner Center or ARM is a child of the request that started the purchase.
 */
export const instrumentationName = 'azure-plan-purchase-service';

/** Metric names (the workbook and the alerts in infra/modules/monitoring.bicep query them). */
export const metricNames = {
  purchasesStarted: 'purchases.started',
  purchasesCompleted: 'purchases.completed',
  purchasesFailed: 'purchases.failed',
  purchasesWaiting: 'purchases.waiting',
  purchaseDuration: 'purchases.duration',
  microsoftCalls: 'partner_center.calls',
  microsoftThrottles: 'partner_center.throttles',
  microsoftDuration: 'partner_center.duration',
} as const;

export const attributeNames = {
  correlationId: 'app.correlation_id',
  purchaseId: 'app.purchase_id',
  code: 'code',
  status: 'status',
  service: 'service',
  msRequestId: 'ms.request_id',
  msCorrelationId: 'ms.correlation_id',
  retryAfter: 'http.response.header.retry-after',
} as const;

export function tracer() {
  return trace.getTracer(instrumentationName);
}

/** Instruments are looked up per use: a meter taken before the SDK registered would stay a no-op. */
function meter() {
  return metrics.getMeter(instrumentationName);
}

export const purchaseMetrics = {
  started(attributes: Attributes = {}): void {
    meter()
      .createCounter(metricNames.purchasesStarted, { description: 'Purchases started' })
      .add(1, attributes);
  },
  completed(durationSeconds: number | undefined): void {
    meter().createCounter(metricNames.purchasesCompleted, { description: 'Purchases completed' }).add(1);
    if (durationSeconds !== undefined && durationSeconds >= 0) {
      meter()
        .createHistogram(metricNames.purchaseDuration, { description: 'From start to completed', unit: 's' })
        .record(durationSeconds);
    }
  },
  failed(code: string): void {
    meter()
      .createCounter(metricNames.purchasesFailed, { description: 'Purchases ended failed, by code' })
      .add(1, { [attributeNames.code]: code });
  },
  /** Purchases waiting, by status, as the reconciliation timer counted them (a gauge: the last count holds). */
  waiting(countsByStatus: Record<string, number>): void {
    const gauge = meter().createGauge(metricNames.purchasesWaiting, {
      description: 'Purchases waiting, by status',
    });
    for (const [status, count] of Object.entries(countsByStatus))
      gauge.record(count, { [attributeNames.status]: status });
  },
};

export const microsoftCallMetrics = {
  record(attributes: Attributes, durationMs: number, throttled: boolean): void {
    meter()
      .createCounter(metricNames.microsoftCalls, {
        description: 'Calls to Partner Center and ARM, by route and status',
      })
      .add(1, attributes);
    meter()
      .createHistogram(metricNames.microsoftDuration, {
        description: 'Latency of calls to Partner Center and ARM',
        unit: 'ms',
      })
      .record(durationMs, attributes);
    if (throttled) {
      meter()
        .createCounter(metricNames.microsoftThrottles, {
          description: 'Throttled answers (429) from Partner Center and ARM',
        })
        .add(1, attributes);
    }
  },
};

/** Seconds from one ISO time to another; undefined when the start is unknown (a purchase started before telemetry). */
export function secondsBetween(from: string | undefined, to: string): number | undefined {
  if (!from) return undefined;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** The active span's W3C traceparent, to carry across the durable boundary; undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span (child of `traceparent` when given, else of the active context), ending it with the
 * outcome: an exception marks it failed and is rethrown.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; traceparent?: string | undefined },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.traceparent
    ? propagation.extract(context.active(), { traceparent: options.traceparent })
    : context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
