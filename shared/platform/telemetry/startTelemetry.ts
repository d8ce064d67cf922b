/**
 * Loads the OpenTelemetry SDK when there is somewhere to send telemetry, and only then (cold start): with
 * APPLICATIONINSIGHTS_CONNECTION_STRING, Azure Monitor's distro (Entra ID credential: local auth is off); with
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTLP/HTTP to any collector. With neither, nothing is imported: the app's spans and
 * metrics stay no-ops of the API. The SDK bundle is dist/vendor/telemetry.js (scripts/build.ts).
 */
import { type SdkTarget } from './telemetrySdk';

export type TelemetryTarget = SdkTarget | 'none';

export function telemetryTarget(env: NodeJS.ProcessEnv = process.env): TelemetryTarget {
  if (env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim()) return 'azureMonitor';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) return 'otlp';
  return 'none';
}

let started: Promise<TelemetryTarget> | undefined;

export function startTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<TelemetryTarget> {
  started ??= (async () => {
    const target = telemetryTarget(env);
    if (target === 'none') return target;
    const { startTelemetrySdk } = await import('./telemetrySdk');
    await startTelemetrySdk(target, env);
    return target;
  })().catch((error: unknown) => {
    // Telemetry must never stop the service: report and run without it.
    console.error(`telemetry: not started: ${error instanceof Error ? error.message : String(error)}`);
    return 'none' as const;
  });
  return started;
}
