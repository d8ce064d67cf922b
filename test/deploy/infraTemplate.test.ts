import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { compiledTemplatePath, infraSourcesHash, sourcesHashPath } from '../../scripts/infra/infraSources';
import { provisionedQueues } from '../../scripts/local-stack/provisionStores';
import { configSchema } from '../../shared/platform/config';
import { containerDefinitions } from '../../shared/platform/cosmos/cosmosClient';
import { queueNames } from '../../shared/platform/queues/queues';

/**
 * The compiled ARM template (infra/compiled/main.json: `npm run build:infra` writes it, `npm run lint:infra`
 * checks that it is what the Bicep compiles to) checked against the code it deploys. Reading the committed
 * compilation keeps this test free of the Bicep CLI and the network.
 */
interface ArmResource {
  type: string;
  name: string;
  properties?: Record<string, unknown> & { template?: ArmTemplate };
}
interface ArmTemplate {
  variables?: Record<string, unknown>;
  resources: ArmResource[];
}

const template = JSON.parse(readFileSync(compiledTemplatePath, 'utf8')) as ArmTemplate;

/** The nested template of each module (Microsoft.Resources/deployments), by the module's deployment name. */
function modules(root: ArmTemplate): Map<string, ArmTemplate> {
  const found = new Map<string, ArmTemplate>();
  const visit = (current: ArmTemplate) => {
    for (const resource of current.resources) {
      if (resource.type === 'Microsoft.Resources/deployments' && resource.properties?.template) {
        found.set(resource.name, resource.properties.template);
        visit(resource.properties.template);
      }
    }
  };
  visit(root);
  return found;
}

const byModule = modules(template);
function moduleTemplate(name: string): ArmTemplate {
  const found = byModule.get(name);
  if (!found) throw new Error(`no module ${name} in the compiled template`);
  return found;
}
function variable<T>(module: string, name: string): T {
  const value = moduleTemplate(module).variables?.[name];
  if (value === undefined) throw new Error(`no variable ${name} in module ${module}`);
  return value as T;
}

const appSettings = variable<{ name: string; value: string }[]>('functionApp', 'baseSettings');
const settingNames = appSettings.map((setting) => setting.name);
const schedulerSettings = variable<string>('functionApp', 'schedulerSettings');

/** Settings of the schema deliberately not set in Azure, and why. */
const unsetInAzure: Record<string, string> = {
  AzureWebJobsStorage: 'identity-based: AzureWebJobsStorage__* service URIs, no connection string',
  COSMOS_KEY: 'local auth is off: the managed identity signs in',
  WEBSITE_AUTH_ENABLED: 'set by the platform when App Service Authentication is on',
  AZURE_PLAN_MARKETS_FILE: 'the shipped market list is bundled',
  FAULT_INJECTION: 'tests only',
  PARTNER_CENTER_AUTHORITY_CA_FILE: 'local identity simulator only',
  PARTNER_CENTER_REFRESH_TOKEN_FILE: 'local only: in Azure the refresh token is a Key Vault secret',
  PARTNER_CENTER_PACE:
    "the default, `shared`, is Azure's: one pace for every instance (`perProcess` exists for the batch benchmark)",
};
/** Settings that are not the app's configuration but the host's, the platform's or the SDKs'. */
const hostSettings = [
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__tableServiceUri',
  'AZURE_CLIENT_ID',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
];

describe('the compiled template', () => {
  it('is compiled from the current sources (else: npm run build:infra)', () => {
    expect(readFileSync(sourcesHashPath, 'utf8').trim()).toBe(infraSourcesHash());
  });

  it('sets every setting the configuration requires, and each one it knows is either set or unset for a reason', () => {
    const schemaKeys = Object.keys(configSchema.shape);
    const required = schemaKeys.filter(
      (key) => !configSchema.shape[key as keyof typeof configSchema.shape].safeParse(undefined).success,
    );
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((key) => !settingNames.includes(key))).toEqual([]);
    // AzureWebJobsStorage or its identity-based queue URI (loadConfig requires one of them).
    expect(settingNames).toContain('AzureWebJobsStorage__queueServiceUri');
    expect(schemaKeys.filter((key) => !settingNames.includes(key) && !(key in unsetInAzure))).toEqual([]);
    for (const key of Object.keys(unsetInAzure)) expect(settingNames).not.toContain(key);
    // Nothing set that neither the app nor the host reads (a misspelt key would be silently ignored).
    expect(settingNames.filter((key) => !schemaKeys.includes(key) && !hostSettings.includes(key))).toEqual(
      [],
    );
  });

  it('sets no secret as a plain value: secrets are Key Vault references resolved with the identity', () => {
    const reference = variable<string>('functionApp', 'keyVaultReference');
    expect(reference).toMatch(/^\[format\('@Microsoft\.KeyVault\(VaultName=\{0\};SecretName='/);
    for (const secret of ['INVITATION_TOKEN_SECRET', 'PARTNER_CENTER_CLIENT_SECRET']) {
      const value = appSettings.find((setting) => setting.name === secret)?.value ?? '';
      expect(value, secret).toMatch(/^\[format\('\{0\}[a-z-]+\)', variables\('keyVaultReference'\)\)\]$/);
    }
    // No connection string or key anywhere in the settings.
    for (const setting of appSettings) {
      expect(setting.value, setting.name).not.toMatch(/AccountKey=|SharedAccessSignature=|listKeys/i);
    }
    const site = moduleTemplate('functionApp').resources.find((r) => r.type === 'Microsoft.Web/sites');
    expect(site?.properties?.keyVaultReferenceIdentity).toBe("[parameters('identityId')]");
    // No parameter anywhere that carries a secret value.
    const mainParameters = Object.keys((template as { parameters?: object }).parameters ?? {});
    expect(mainParameters.filter((name) => /secret|password|key$/i.test(name))).toEqual([]);
  });

  it('stores with no keys: storage shared keys, Cosmos DB and Application Insights local auth are off', () => {
    const find = (module: string, type: string) =>
      moduleTemplate(module).resources.find((resource) => resource.type === type)?.properties ?? {};
    expect(find('storage', 'Microsoft.Storage/storageAccounts').allowSharedKeyAccess).toBe(false);
    expect(find('cosmos', 'Microsoft.DocumentDB/databaseAccounts').disableLocalAuth).toBe(true);
    expect(find('monitoring', 'Microsoft.Insights/components').DisableLocalAuth).toBe(true);
    expect(find('keyVault', 'Microsoft.KeyVault/vaults').enableRbacAuthorization).toBe(true);
  });

  it('assigns the identity exactly the roles its calls need, none more', () => {
    /** Built-in role ids granted to the app's identity, by module, with the call that needs each. */
    const needed: Record<string, Record<string, string>> = {
      storage: {
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b':
          'Storage Blob Data Owner: host leases, task hub blobs, the package',
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor: app queues, task hub queues',
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3':
          'Storage Table Data Contributor: task hub history and instances',
      },
      cosmos: {
        '00000000-0000-0000-0000-000000000002': 'Cosmos DB Built-in Data Contributor: every repository',
      },
      keyVault: {
        'b86a8fe4-44ce-4948-aee5-eccb2c155cd7':
          'Key Vault Secrets Officer: Key Vault references, and the rotated refresh token written back',
      },
      monitoring: {
        '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher: telemetry, local auth off',
      },
      durableTaskScheduler: {
        '0ad04412-c4d5-4796-b79c-f76d14c8f402': 'Durable Task Data Contributor: the scheduler backend',
      },
    };
    const granted: Record<string, string[]> = {};
    for (const [name, nested] of byModule) {
      for (const resource of nested.resources) {
        const isRbac = resource.type === 'Microsoft.Authorization/roleAssignments';
        const isCosmos = resource.type === 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments';
        if (!isRbac && !isCosmos) continue;
        if (resource.properties?.principalId !== "[parameters('appPrincipalId')]") continue;
        const definition = String(resource.properties.roleDefinitionId);
        const variableName = /variables\('(\w+)'\)/.exec(definition)?.[1];
        expect(variableName, definition).toBeDefined();
        const value = nested.variables?.[variableName ?? ''];
        const ids = typeof value === 'string' ? [value] : Object.values(value as Record<string, string>);
        (granted[name] ??= []).push(...ids);
      }
    }
    expect(Object.fromEntries(Object.entries(granted).map(([k, v]) => [k, v.sort()]))).toEqual(
      Object.fromEntries(Object.entries(needed).map(([k, v]) => [k, Object.keys(v).sort()])),
    );
    // Every module gets the one user-assigned identity's principal.
    const calls =
      template.resources.find((r) => r.name === 'resources')?.properties?.template?.resources ?? [];
    for (const module of calls.filter((r) => r.type === 'Microsoft.Resources/deployments')) {
      const parameters = (module.properties as { parameters: Record<string, { value: string }> }).parameters;
      if (parameters.appPrincipalId) {
        expect(parameters.appPrincipalId.value).toMatch(
          /Microsoft\.ManagedIdentity\/userAssignedIdentities.*principalId/,
        );
      }
    }
  });

  it("creates the code's Cosmos DB database and containers with the same partition keys and TTLs", () => {
    const containers = variable<{ id: string; partitionKey: string; defaultTtl?: number }[]>(
      'cosmos',
      'containers',
    );
    const fromTemplate = containers.map(({ id, partitionKey, defaultTtl }) => ({
      id,
      partitionKey: { paths: [partitionKey] },
      ...(defaultTtl === undefined ? {} : { defaultTtl }),
    }));
    expect(fromTemplate).toEqual(Object.values(containerDefinitions));
    expect(variable('cosmos', 'databaseName')).toBe(configSchema.shape.COSMOS_DATABASE.parse(undefined));
  });

  it("creates the app's queues, the poison queue included, as the local launcher does", () => {
    expect(variable<string[]>('storage', 'appQueues').sort()).toEqual([...provisionedQueues].sort());
    expect(provisionedQueues).toEqual(expect.arrayContaining(Object.values(queueNames)));
  });

  it("deploys the console to a Static Web App whose origin, and only it, the API's CORS allows", () => {
    const consoleModule = moduleTemplate('console');
    const staticSites = consoleModule.resources.filter((r) => r.type === 'Microsoft.Web/staticSites');
    expect(staticSites).toHaveLength(1);
    const staticSite = staticSites[0] as ArmResource & { tags?: string; sku?: { name: string } };
    // azd deploys the service `console` (azure.yaml) to the resource with this tag.
    expect(staticSite.tags).toContain("createObject('azd-service-name', 'console')");
    expect(staticSite.sku?.name).toBe('Free');
    expect(staticSite.properties?.provider).toBe('Custom');
    const consoleOutputs = (consoleModule as { outputs?: Record<string, { value: string }> }).outputs ?? {};
    expect(consoleOutputs.url?.value).toMatch(
      /^\[format\('https:\/\/\{0\}', reference\(resourceId\('Microsoft\.Web\/staticSites'/,
    );
    expect(consoleOutputs.url?.value).toMatch(/\)\.defaultHostname\)\]$/);

    const site = moduleTemplate('functionApp').resources.find((r) => r.type === 'Microsoft.Web/sites');
    const siteConfig = site?.properties?.siteConfig as { cors?: { allowedOrigins: string } };
    expect(siteConfig.cors?.allowedOrigins).toBe("[parameters('allowedOrigins')]");
    const calls =
      template.resources.find((r) => r.name === 'resources')?.properties?.template?.resources ?? [];
    const functionAppCall = calls.find((r) => r.name === 'functionApp')?.properties as {
      parameters: Record<string, { value: unknown }>;
    };
    // Exactly one origin: the console's URL, from the console module's output.
    const origins = functionAppCall.parameters.allowedOrigins?.value as string[];
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatch(
      /^\[reference\(resourceId\('Microsoft\.Resources\/deployments', 'console'\).*\.outputs\.url\.value\]$/,
    );
  });

  it("gives azd the console's build-time settings as outputs (console/src/env.d.ts)", () => {
    const outputs = (template as { outputs?: Record<string, { value: string }> }).outputs ?? {};
    const envDeclaration = readFileSync(resolve(import.meta.dirname, '../../console/src/env.d.ts'), 'utf8');
    const read = [...envDeclaration.matchAll(/readonly (VITE_\w+)/g)].map((match) => match[1]);
    expect(read.sort()).toEqual(
      ['VITE_API_BASE_URL', 'VITE_API_SCOPE', 'VITE_ENTRA_AUTHORITY', 'VITE_ENTRA_CLIENT_ID'].sort(),
    );
    for (const name of read) expect(outputs, String(name)).toHaveProperty(String(name));
    expect(outputs.VITE_API_BASE_URL?.value).toMatch(/outputs\.functionAppUrl\.value\]$/);
    expect(outputs.VITE_ENTRA_AUTHORITY?.value).toBe(
      "[format('{0}{1}', environment().authentication.loginEndpoint, parameters('authTenantId'))]",
    );
    expect(outputs.VITE_ENTRA_CLIENT_ID?.value).toBe("[parameters('authClientId')]");
    expect(outputs.VITE_API_SCOPE?.value).toBe(
      "[format('api://{0}/user_impersonation', parameters('authClientId'))]",
    );
    expect(outputs.SERVICE_CONSOLE_URL?.value).toMatch(/outputs\.consoleUrl\.value\]$/);
  });

  it('gives the Durable Task Scheduler backend the settings its host.json names', () => {
    expect(schedulerSettings).toContain("'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'");
    expect(schedulerSettings).toContain("'TASKHUB_NAME'");
    expect(schedulerSettings).toContain('Authentication=ManagedIdentity');
  });
});
