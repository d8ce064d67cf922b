/**
 * The OpenTelemetry SDK setup (its own bundle, dist/vendor/telemetry.js, loaded by startTelemetry.ts only when
 * telemetry is configured). Traces, metrics and logs, with the service's resource attributes.
 */
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

const serviceName = 'azure-plan-purchase-service';

/** Where telemetry goes: Application Insights (Azure Monitor's distro) or any OTLP collector. */
export type SdkTarget = 'azureMonitor' | 'otlp';

export async function startTelemetrySdk(target: SdkTarget, env: NodeJS.ProcessEnv): Promise<void> {
  if (target === 'azureMonitor') {
    const [{ useAzureMonitor }, { DefaultAzureCredential, ManagedIdentityCredential }] = await Promise.all([
      import('@azure/monitor-opentelemetry'),
      import('@azure/identity'),
    ]);
    const clientId = env.AZURE_CLIENT_ID?.trim();
    useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING,
        // Local auth is off on the Application Insights resource: ingestion signs in as the app's identity.
        credential: clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential(),
      },
      // The app traces its own requests, activities and calls to Microsoft; the Functions host reports requests.
      instrumentationOptions: {
        http: { enabled: false },
        azureSdk: { enabled: false },
        mongoDb: { enabled: false },
        mySql: { enabled: false },
        postgreSql: { enabled: false },
        redis: { enabled: false },
        redis4: { enabled: false },
      },
      enableLiveMetrics: false,
    });
    return;
  }
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  // OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT: traces, metrics and logs (the SDK reads the standard OTEL_*
  // variables: protocol, headers, export interval …).
  const exporters = {
    OTEL_SERVICE_NAME: env.OTEL_SERVICE_NAME ?? serviceName,
    OTEL_TRACES_EXPORTER: env.OTEL_TRACES_EXPORTER ?? 'otlp',
    OTEL_METRICS_EXPORTER: env.OTEL_METRICS_EXPORTER ?? 'otlp',
    OTEL_LOGS_EXPORTER: env.OTEL_LOGS_EXPORTER ?? 'otlp',
  };
  Object.assign(process.env, exporters);
  const sdk = new NodeSDK({ serviceName: exporters.OTEL_SERVICE_NAME, instrumentations: [] });
  sdk.start();
  process.once('beforeExit', () => void sdk.shutdown());
  await bridgeFunctionLogs();
}

const severity = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  information: SeverityNumber.INFO,
  warning: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  critical: SeverityNumber.FATAL,
} as const;

/**
 * The app's `context.log` lines as OpenTelemetry log records (OTLP only: in Azure the Functions host already sends
 * them to Application Insights). Emitted where they are written, so each carries its invocation's span.
 */
async function bridgeFunctionLogs(): Promise<void> {
  const { app } = await import('@azure/functions');
  const logger = logs.getLogger('azure-plan-purchase-service');
  app.hook.log((entry) => {
    if (entry.category !== 'user') return;
    logger.emit({
      severityNumber: severity[entry.level as keyof typeof severity] ?? SeverityNumber.INFO,
      severityText: entry.level,
      body: entry.message,
      attributes: {
        ...(entry.invocationContext ? { 'faas.name': entry.invocationContext.functionName } : {}),
        ...(entry.invocationContext ? { 'faas.invocation_id': entry.invocationContext.invocationId } : {}),
      },
    });
  });
}
