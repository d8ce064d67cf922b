// The Flex Consumption (FC1, Linux) function app. Its settings are every key the app's configuration requires
// (shared/platform/config.ts; the template test checks them against the schema); secrets are Key Vault references
// resolved with the app's identity, never values.
param name string
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param identityId string
param identityClientId string
param nodeVersion string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param cosmosEndpoint string
param cosmosDatabaseName string
param keyVaultUrl string
param durableTaskSchedulerEndpoint string
param taskHubName string
param authTenantId string
param authClientId string
param partnerTenantId string
param partnerCenterClientId string
param partnerCenterEndpoint string
param armBillingAccountId string
@description('Origins whose browser calls the API may read (the console\'s): bearer tokens, no cookies.')
param allowedOrigins array

var storageSuffix = environment().suffixes.storage
var authority = environment().authentication.loginEndpoint
var keyVaultReference = '@Microsoft.KeyVault(VaultName=${split(split(keyVaultUrl, '//')[1], '.')[0]};SecretName='

var baseSettings = [
  // The Functions host and the Durable extension (Azure Storage backend) over the identity: no connection string.
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: 'https://${storageAccountName}.blob.${storageSuffix}' }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: 'https://${storageAccountName}.queue.${storageSuffix}' }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: 'https://${storageAccountName}.table.${storageSuffix}' }
  // DefaultAzureCredential in the app's own clients (Cosmos DB, queues, Key Vault) picks the user-assigned identity.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  // Local auth is off: the host's own telemetry signs in as the identity too.
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
  { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
  { name: 'COSMOS_DATABASE', value: cosmosDatabaseName }
  { name: 'AUTH_ISSUER', value: '${authority}${authTenantId}/v2.0' }
  { name: 'AUTH_AUDIENCE', value: authClientId }
  { name: 'AUTH_JWKS_URI', value: '${authority}${authTenantId}/discovery/v2.0/keys' }
  { name: 'INVITATION_TOKEN_SECRET', value: '${keyVaultReference}invitation-token-secret)' }
  { name: 'PUBLIC_BASE_URL', value: 'https://${name}.azurewebsites.net' }
  { name: 'RECONCILE_SCHEDULE', value: '0 */5 * * * *' }
  { name: 'RECONCILE_GRACE_SECONDS', value: '600' }
  { name: 'PARTNER_CENTER_ENDPOINT', value: partnerCenterEndpoint }
  { name: 'ARM_ENDPOINT', value: environment().resourceManager }
  { name: 'PARTNER_CENTER_AUTHORITY_HOST', value: authority }
  { name: 'PARTNER_TENANT_ID', value: partnerTenantId }
  { name: 'PARTNER_CENTER_CLIENT_ID', value: partnerCenterClientId }
  { name: 'PARTNER_CENTER_CLIENT_SECRET', value: '${keyVaultReference}partner-center-client-secret)' }
  { name: 'PARTNER_CENTER_KEY_VAULT_URL', value: keyVaultUrl }
  { name: 'PARTNER_CENTER_REFRESH_TOKEN_SECRET', value: 'partner-center-refresh-token' }
  { name: 'PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID', value: identityClientId }
  { name: 'PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED', value: 'true' }
  { name: 'ARM_BILLING_ACCOUNT_ID', value: armBillingAccountId }
]

// Read by host.durableTaskScheduler.json (the package's host.json when DURABLE_BACKEND=DurableTaskScheduler).
var schedulerSettings = empty(durableTaskSchedulerEndpoint)
  ? []
  : [
      {
        name: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
        value: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
      }
      { name: 'TASKHUB_NAME', value: taskHubName }
    ]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // The console (another origin on the Free plan of Static Web Apps) sends the Authorization header: the
      // platform answers the preflight for exactly these origins. No credentials: tokens are headers, not cookies.
      cors: { allowedOrigins: allowedOrigins, supportCredentials: false }
      appSettings: concat(baseSettings, schedulerSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: 'https://${storageAccountName}.blob.${storageSuffix}/${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: nodeVersion }
    }
  }
}

// Deployments sign in with Entra ID (azd, the pipeline): no publishing passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
