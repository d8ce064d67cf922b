import path from 'node:path';

import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { routeTemplateOf } from '../../../shared/platform/telemetry/microsoftFetch';
import { attributeNames, metricNames } from '../../../shared/platform/telemetry/telemetry';
import { anAzurePlanBought, aRegisteredCustomer } from '../../support/customerJourney';
import { aContact, salesAgent } from '../../support/fixtures';
import { startService, type TestService } from '../../support/service';

/**
 * One purchase through the whole stack (local host, stores, simulators) with an in-memory OpenTelemetry SDK
 * registered in this process, where the app runs: the spans form one trace from the HTTP start through every
 * activity to each Partner Center and ARM call, and the metrics count it. The app's own SDK loader stays idle
 * (neither APPLICATIONINSIGHTS_CONNECTION_STRING nor OTEL_EXPORTER_OTLP_ENDPOINT is set).
 */
const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const meterProvider = new MeterProvider({ readers: [reader] });
let service: TestService;

beforeAll(async () => {
  // W3C trace context propagation and the AsyncLocalStorage context manager, as the real SDKs register them.
  tracerProvider.register();
  metrics.setGlobalMeterProvider(meterProvider);
  delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

async function collectedMetrics(): Promise<MetricData[]> {
  await reader.forceFlush();
  const exported = metricExporter.getMetrics();
  return exported.at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
}

function pointsOf(all: MetricData[], name: string): DataPoint<unknown>[] {
  return all.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
}

describe('a purchase, traced and measured', () => {
  let purchaseTrace: ReadableSpan[] = [];
  let startSpan: ReadableSpan | undefined;

  it('is one trace: the HTTP start, every activity, each call to Partner Center and ARM', async () => {
    const customerId = await aRegisteredCustomer(service, 'traced-customer');
    await anAzurePlanBought(service, customerId);

    const finished = spans.getFinishedSpans();
    startSpan = finished.find(
      (span) => span.name === 'POST /api/customers/{customerId}/azure-plan/purchases',
    );
    expect(startSpan, finished.map((span) => span.name).join('\n')).toBeDefined();
    const traceId = startSpan?.spanContext().traceId;
    purchaseTrace = finished.filter((span) => span.spanContext().traceId === traceId);

    expect(startSpan?.attributes['http.route']).toBe('/api/customers/{customerId}/azure-plan/purchases');
    expect(startSpan?.attributes['http.response.status_code']).toBe(202);
    const correlationId = startSpan?.attributes[attributeNames.correlationId];
    expect(correlationId).toEqual(expect.any(String));

    // Every activity of the workflow joined the start's trace, with the correlation id.
    const activities = purchaseTrace.filter((span) => span.name.startsWith('activity '));
    expect(activities.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        'activity azurePlanPurchase-confirmMca',
        'activity azurePlanPurchase-createCart',
        'activity azurePlanPurchase-checkout',
        'activity azurePlanPurchase-placeOrder',
      ]),
    );
    for (const activity of activities) {
      expect(activity.attributes[attributeNames.correlationId], activity.name).toBe(correlationId);
    }
    const activityNamesOutsideTrace = finished
      .filter((span) => span.name.startsWith('activity azurePlanPurchase-'))
      .filter((span) => span.spanContext().traceId !== traceId);
    expect(activityNamesOutsideTrace.map((span) => span.name)).toEqual([]);

    // Each call to Microsoft is a CLIENT span under an activity (or the start), with Partner Center's headers.
    const calls = purchaseTrace.filter((span) => span.attributes[attributeNames.service] !== undefined);
    expect(calls.map((span) => span.name)).toEqual(
      expect.arrayContaining(['POST /v1/customers/{id}/carts', 'GET /v1/customers/{id}/orders/{id}']),
    );
    const spanIds = new Set(purchaseTrace.map((span) => span.spanContext().spanId));
    for (const call of calls) {
      expect(call.attributes['http.route'], call.name).toEqual(expect.stringMatching(/^\//));
      expect(call.attributes['http.response.status_code'], call.name).toEqual(expect.any(Number));
      expect(call.attributes[attributeNames.msRequestId], call.name).toMatch(/^[0-9a-f-]{36}$/);
      expect(call.attributes[attributeNames.msCorrelationId], call.name).toBe(correlationId);
      expect(
        spanIds.has(call.parentSpanContext?.spanId ?? ''),
        `${call.name} has its parent in the trace`,
      ).toBe(true);
    }
    // The activities hang under the start (directly: the orchestrator's replays are not spans).
    for (const activity of activities) {
      expect(activity.parentSpanContext?.spanId).toBe(startSpan?.spanContext().spanId);
    }
  });

  it('counts it: started, completed, the time between, and the calls to Partner Center by route and status', async () => {
    const all = await collectedMetrics();
    expect(pointsOf(all, metricNames.purchasesStarted).map((point) => point.value)).toEqual([1]);
    expect(pointsOf(all, metricNames.purchasesCompleted).map((point) => point.value)).toEqual([1]);
    const duration = pointsOf(all, metricNames.purchaseDuration)[0]?.value as { count: number; sum: number };
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeGreaterThanOrEqual(0);
    const calls = pointsOf(all, metricNames.microsoftCalls);
    expect(calls.map((point) => point.attributes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: 'partnerCenter',
          'http.route': '/v1/customers/{id}/carts',
          'http.response.status_code': 201,
        }),
      ]),
    );
    expect(pointsOf(all, metricNames.microsoftDuration).length).toBeGreaterThan(0);
    expect(pointsOf(all, metricNames.purchasesFailed)).toEqual([]);
  });

  it('counts the purchases waiting, by status, when the reconciliation timer runs', async () => {
    const customerId = await aRegisteredCustomer(service, 'waiting-customer');
    const started = await service.call('POST', `/api/customers/${customerId}/azure-plan/purchases`, {
      as: salesAgent,
      body: { mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 30 } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await service.host.waitForIdle();
    expect(pointsOf(await collectedMetrics(), metricNames.purchasesWaiting)).toEqual([]);

    await service.host.advance(5 * 60_000);
    await service.host.waitForIdle();

    const waiting = pointsOf(await collectedMetrics(), metricNames.purchasesWaiting);
    expect(waiting).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attributes: { status: 'awaitingCustomerSignature' }, value: 1 }),
        expect.objectContaining({ attributes: { status: 'pastDeadline' }, value: 0 }),
      ]),
    );
  });

  // Last: the revoked consent stays revoked for the rest of this service.
  it('counts a failed purchase by its code', async () => {
    const customerId = await aRegisteredCustomer(service, 'refused-customer');
    service.identity.revokeConsent();
    service.identity.expireAccessTokens();
    const started = await service.call('POST', `/api/customers/${customerId}/azure-plan/purchases`, {
      as: salesAgent,
      body: { mca: { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-02T00:00:00Z' } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await service.host.waitForIdle();

    const failed = pointsOf(await collectedMetrics(), metricNames.purchasesFailed);
    expect(failed).toEqual([
      expect.objectContaining({ attributes: { code: 'PartnerCenterConsentRequired' }, value: 1 }),
    ]);
  });

  it('loads no telemetry SDK when neither Application Insights nor an OTLP endpoint is configured', () => {
    const vendorTelemetry = path.resolve(__dirname, '..', '../../dist/vendor/telemetry.js');
    expect(Object.keys(require.cache)).not.toContain(vendorTelemetry);
    expect(
      Object.keys(require.cache).filter((file) => file.includes('@azure/monitor-opentelemetry')),
    ).toEqual([]);
  });

  it('names routes by template, so ids do not multiply the metric series', () => {
    expect(routeTemplateOf('/v1/customers/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f/orders/Ab3_-x9ZqP1')).toBe(
      '/v1/customers/{id}/orders/{id}',
    );
    expect(
      routeTemplateOf('/v1/customers/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f/carts/4c7e1f2a9b/checkout'),
    ).toBe('/v1/customers/{id}/carts/{id}/checkout');
    expect(routeTemplateOf('/providers/Microsoft.Subscription/aliases/purchase:12345678')).toBe(
      '/providers/Microsoft.Subscription/aliases/{id}',
    );
  });
});
