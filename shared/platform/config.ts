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
export const configSchema = z.object({
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
  /**
   * NCRONTAB schedule of the reconciliation timer (the function's trigger reads it as `%RECONCILE_SCHEDULE%`); every
   * five minutes by default. Listed here so that a missing or malformed value is reported at start.
   */
  RECONCILE_SCHEDULE: nonEmpty.default('0 */5 * * * *'),
  /** Work younger than this is not reconciled yet (it may still be on its way): seconds, 10 minutes by default. */
  RECONCILE_GRACE_SECONDS: z.coerce.number().int().positive().default(600),
  /**
   * How batch lines wait for Partner Center's pace (docs/batches.md): `shared` (default), one pace for every
   * instance, kept in Cosmos DB; `perProcess`, each instance on its own, as before the shared pace (benchmarks only).
   */
  PARTNER_CENTER_PACE: z.enum(['shared', 'perProcess']).default('shared'),
  /** Tests only: injected failures, `point:count,…` (see shared/platform/faultInjection.ts). Never set in production. */
  FAULT_INJECTION: z.string().optional(),
  // Microsoft (docs/partner-center.md "Going live with Partner Center"). Production values are the defaults; locally the
  // simulators' addresses. Credentials are optional here so that the app starts without them; the gateways report
  // PartnerCenterConsentRequired (and health says so) until they are set.
  /** Partner Center REST API base, e.g. https://api.partnercenter.microsoft.com. */
  PARTNER_CENTER_ENDPOINT: z.url().default('https://api.partnercenter.microsoft.com'),
  /** Azure Resource Manager base (subscription alias API). */
  ARM_ENDPOINT: z.url().default('https://management.azure.com'),
  /** Entra ID authority host (MSAL requires https). */
  PARTNER_CENTER_AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com'),
  /** PEM of an extra CA trusted for the authority only (the local identity simulator's development CA). */
  PARTNER_CENTER_AUTHORITY_CA_FILE: z.string().optional(),
  /** The partner's Entra tenant id. */
  PARTNER_TENANT_ID: z.string().optional(),
  /** The app registration the service calls Partner Center and ARM as (a web app, with a secret). */
  PARTNER_CENTER_CLIENT_ID: z.string().optional(),
  PARTNER_CENTER_CLIENT_SECRET: z.string().optional(),
  /** Local: file holding the App+User refresh token (rotated and written back on every use). */
  PARTNER_CENTER_REFRESH_TOKEN_FILE: z.string().optional(),
  /** Azure: Key Vault holding the App+User refresh token (takes precedence over the file). */
  PARTNER_CENTER_KEY_VAULT_URL: z.string().optional(),
  PARTNER_CENTER_REFRESH_TOKEN_SECRET: nonEmpty.default('partner-center-refresh-token'),
  /** Client id of the user-assigned managed identity that reads the vault; system-assigned when empty. */
  PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID: z.string().optional(),
  /** `true`: app-only tokens for the operations Partner Center allows them on; App+User for the rest. */
  PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED: booleanSetting,
  /** The partner's billing account name, for the billing scope of new Azure subscriptions (ARM aliases). */
  ARM_BILLING_ACCOUNT_ID: z.string().optional(),
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
