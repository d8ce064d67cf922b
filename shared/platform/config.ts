import { z } from 'zod';

const nonEmpty = z.string().trim().min(1);

const booleanSetting = z
  .string()
  .optional()
  .transform((value) => value?.trim().toLowerCase() === 'true');

/**
 * Every setting the app reads, parsed once from `process.env`. `local.settings.sample.json` lists them with local
 * defaults; in Azure they are app settings.
 */
const configSchema = z.object({
  /** Storage for queues (notifications, purchase requests) and the durable task hub. */
  AzureWebJobsStorage: z.string().optional(),
  /** Identity-based alternative to the connection string, e.g. https://acct.queue.core.windows.net. */
  AzureWebJobsStorage__queueServiceUri: z.url().optional(),
  COSMOS_ENDPOINT: z.url(),
  /** Account key; when empty the app signs in with DefaultAzureCredential (managed identity in Azure). */
  COSMOS_KEY: z.string().optional(),
  COSMOS_DATABASE: nonEmpty.default('azure-plan'),
  AUTH_ISSUER: nonEmpty,
  AUTH_AUDIENCE: nonEmpty,
  /** https://… for a real identity provider; `file:<path>` for the local development key set. */
  AUTH_JWKS_URI: nonEmpty,
  /** Set by App Service when its authentication module validated the caller (x-ms-client-principal). */
  WEBSITE_AUTH_ENABLED: booleanSetting,
  /** Derives invitation tokens (HMAC); only hashes of tokens are stored. */
  INVITATION_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Origin used in invitation links sent to customers. */
  PUBLIC_BASE_URL: z.url().default('http://localhost:7071'),
  /** Optional replacement for the shipped Azure plan market list (same JSON shape as data/azure-plan-markets.json). */
  AZURE_PLAN_MARKETS_FILE: z.string().optional(),
  /** Tests only: injected failures, `point:count,…` (see shared/platform/faultInjection.ts). Never set in production. */
  FAULT_INJECTION: z.string().optional(),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws one error that lists every missing or bad key, so start-up fails fast. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = configSchema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `- ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  // Checked apart from the schema so that it is reported together with every other problem.
  if (!env.AzureWebJobsStorage?.trim() && !env.AzureWebJobsStorage__queueServiceUri?.trim()) {
    problems.unshift('- AzureWebJobsStorage: required (or AzureWebJobsStorage__queueServiceUri)');
  }
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
