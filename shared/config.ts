// `zod/mini`, not classic `zod`: the slim entry (dist/main.js) parses the configuration when the worker imports it
// on every cold start, and classic zod alone costs ~70 ms to import. Same checks and messages; imported as a
// namespace (not `{ z }`) so that the bundler keeps only what the schema uses.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.trim(), z.minLength(1));

const booleanSetting = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) => value?.trim().toLowerCase() === 'true'),
);

/**
 * Every setting the app reads, parsed once from `process.env`. `local.settings.sample.json` lists them with local
 * defaults; in Azure they are app settings.
 */
const configSchema = z.object({
  /** Storage for queues (notifications, purchase requests) and the durable task hub. */
  AzureWebJobsStorage: z.optional(z.string()),
  /** Identity-based alternative to the connection string, e.g. https://acct.queue.core.windows.net. */
  AzureWebJobsStorage__queueServiceUri: z.optional(z.url()),
  COSMOS_ENDPOINT: z.url(),
  /** Account key; when empty the app signs in with DefaultAzureCredential (managed identity in Azure). */
  COSMOS_KEY: z.optional(z.string()),
  COSMOS_DATABASE: z._default(nonEmpty, 'azure-plan'),
  AUTH_ISSUER: nonEmpty,
  AUTH_AUDIENCE: nonEmpty,
  /** https://… for a real identity provider; `file:<path>` for the local development key set. */
  AUTH_JWKS_URI: nonEmpty,
  /** Set by App Service when its authentication module validated the caller (x-ms-client-principal). */
  WEBSITE_AUTH_ENABLED: booleanSetting,
  /** Derives invitation tokens (HMAC); only hashes of tokens are stored. */
  INVITATION_TOKEN_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  /** Origin used in invitation links sent to customers. */
  PUBLIC_BASE_URL: z._default(z.url(), 'http://localhost:7071'),
  /** Optional replacement for the shipped Azure plan market list (same JSON shape as data/azure-plan-markets.json). */
  AZURE_PLAN_MARKETS_FILE: z.optional(z.string()),
  /** Tests only: injected failures, `point:count,…` (see shared/faultInjection.ts). Never set in production. */
  FAULT_INJECTION: z.optional(z.string()),
  // Microsoft (README "Going live with Partner Center"). Production values are the defaults; locally the
  // simulators' addresses. Credentials are optional here so that the app starts without them; the gateways report
  // PartnerCenterConsentRequired (and health says so) until they are set.
  /** Partner Center REST API base, e.g. https://api.partnercenter.microsoft.com. */
  PARTNER_CENTER_ENDPOINT: z._default(z.url(), 'https://api.partnercenter.microsoft.com'),
  /** Azure Resource Manager base (subscription alias API). */
  ARM_ENDPOINT: z._default(z.url(), 'https://management.azure.com'),
  /** Entra ID authority host (MSAL requires https). */
  PARTNER_CENTER_AUTHORITY_HOST: z._default(z.url(), 'https://login.microsoftonline.com'),
  /** PEM of an extra CA trusted for the authority only (the local identity simulator's development CA). */
  PARTNER_CENTER_AUTHORITY_CA_FILE: z.optional(z.string()),
  /** The partner's Entra tenant id. */
  PARTNER_TENANT_ID: z.optional(z.string()),
  /** The app registration the service calls Partner Center and ARM as (a web app, with a secret). */
  PARTNER_CENTER_CLIENT_ID: z.optional(z.string()),
  PARTNER_CENTER_CLIENT_SECRET: z.optional(z.string()),
  /** Local: file holding the App+User refresh token (rotated and written back on every use). */
  PARTNER_CENTER_REFRESH_TOKEN_FILE: z.optional(z.string()),
  /** Azure: Key Vault holding the App+User refresh token (takes precedence over the file). */
  PARTNER_CENTER_KEY_VAULT_URL: z.optional(z.string()),
  PARTNER_CENTER_REFRESH_TOKEN_SECRET: z._default(nonEmpty, 'partner-center-refresh-token'),
  /** Client id of the user-assigned managed identity that reads the vault; system-assigned when empty. */
  PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID: z.optional(z.string()),
  /** `true`: app-only tokens for the operations Partner Center allows them on; App+User for the rest. */
  PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED: booleanSetting,
  /** The partner's billing account name, for the billing scope of new Azure subscriptions (ARM aliases). */
  ARM_BILLING_ACCOUNT_ID: z.optional(z.string()),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws one error that lists every missing or bad key, so start-up fails fast. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // zod/mini ships no default messages: the English ones, as classic zod reports them.
  const result = configSchema.safeParse(env, { error: en().localeError });
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
