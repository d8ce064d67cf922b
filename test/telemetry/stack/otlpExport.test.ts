import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { anAzurePlanBought, aRegisteredCustomer } from '../../support/customerJourney';
import { eventually } from '../../support/eventually';
import { startService, type TestService } from '../../support/service';

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the app loads its SDK bundle (dist/vendor/telemetry.js) and any OTLP
 * collector receives the traces, metrics and logs of a purchase: here a collector of our own on a free port,
 * reading OTLP/HTTP JSON.
 */
interface OtlpSpan {
  traceId: string;
  name: string;
}
const received: Record<'traces' | 'metrics' | 'logs', unknown[]> = { traces: [], metrics: [], logs: [] };
let collector: Server;
let service: TestService | undefined;

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const signal = /\/v1\/(traces|metrics|logs)$/.exec(request.url ?? '')?.[1] as
        keyof typeof received | undefined;
      if (signal) received[signal].push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  });
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
  collector?.close();
});

function holds(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

function spansOf(batches: unknown[]): OtlpSpan[] {
  return (batches as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }[]).flatMap((batch) =>
    batch.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
  );
}

function metricNamesOf(batches: unknown[]): string[] {
  return (batches as { resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[] }[]).flatMap(
    (batch) =>
      batch.resourceMetrics.flatMap((resource) =>
        resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
      ),
  );
}

describe('OTLP export', () => {
  it('sends a purchase as one connected trace, its metrics and its logs to the collector', async () => {
    const running = service ?? expect.fail('the service did not start');
    expect(Object.keys(require.cache)).toContain(
      path.resolve(__dirname, '..', '../../dist/vendor/telemetry.js'),
    );
    const customerId = await aRegisteredCustomer(running, 'exported-customer');
    await anAzurePlanBought(running, customerId);

    const connectedTrace = () => {
      const spans = spansOf(received.traces);
      const start = spans.find(
        (span) => span.name === 'POST /api/customers/{customerId}/azure-plan/purchases',
      );
      expect(start).toBeDefined();
      const trace = spans.filter((span) => span.traceId === start?.traceId).map((span) => span.name);
      expect(trace).toEqual(
        expect.arrayContaining(['activity azurePlanPurchase-placeOrder', 'POST /v1/customers/{id}/carts']),
      );
    };
    const metricsAndLogs = () => {
      expect(metricNamesOf(received.metrics)).toEqual(
        expect.arrayContaining(['purchases.started', 'purchases.completed', 'partner_center.calls']),
      );
      expect(JSON.stringify(received.logs)).toContain('recordAzurePlan purchaseId=');
    };
    // Exports are batched: wait for them, then assert once more for the message.
    await eventually(() => holds(connectedTrace), 15_000).catch(() => undefined);
    connectedTrace();
    await eventually(() => holds(metricsAndLogs), 15_000).catch(() => undefined);
    metricsAndLogs();
  });
});
