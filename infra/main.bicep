// azd entry point: one resource group with everything the Azure plan purchase service runs on (docs/deploy.md).
// Plain resources only (no registry modules): it compiles without network access.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names every resource and tags the group (azd-env-name).')
param environmentName string

@minLength(1)
@description('Region of every resource (Flex Consumption and Durable Task Scheduler must be offered there).')
param location string

@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
@description('Region of the console\'s Static Web App: Static Web Apps is offered in these regions only.')
param consoleLocation string = 'westeurope'

@description('Object id of the user or pipeline principal running azd: may write the Key Vault secrets (hooks).')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@allowed(['22', '24'])
@description('Node.js version of the function app.')
param nodeVersion string = '22'

@allowed(['AzureStorage', 'DurableTaskScheduler'])
@description('Where the durable workflows keep their state: the storage account (default) or a Durable Task Scheduler. The package must carry the matching host.json (npm run package reads DURABLE_BACKEND).')
param durableBackend string = 'AzureStorage'

@description('Entra ID tenant that issues the callers\' tokens (the API app registration\'s tenant).')
param authTenantId string = tenant().tenantId

@description('Application id (client id) of the API app registration created by the preprovision hook.')
param authClientId string

@description('Partner tenant (Partner Center, ARM). Usually the same tenant.')
param partnerTenantId string = tenant().tenantId

@description('Client id of the app registration that calls Partner Center and ARM (its secret goes into Key Vault).')
param partnerCenterClientId string = ''

@description('Partner Center REST API base: the production API also serves the integration sandbox (sandbox tenants).')
param partnerCenterEndpoint string = 'https://api.partnercenter.microsoft.com'

@description('The partner\'s billing account name (ARM aliases\' billing scope).')
param armBillingAccountId string = ''

@description('E-mail that receives the alerts; none when empty.')
param alertEmail string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'modules/resources.bicep' = {
  name: 'resources'
  scope: resourceGroup
  params: {
    location: location
    consoleLocation: consoleLocation
    tags: tags
    resourceToken: resourceToken
    principalId: principalId
    principalType: principalType
    nodeVersion: nodeVersion
    durableBackend: durableBackend
    authTenantId: authTenantId
    authClientId: authClientId
    partnerTenantId: partnerTenantId
    partnerCenterClientId: partnerCenterClientId
    partnerCenterEndpoint: partnerCenterEndpoint
    armBillingAccountId: armBillingAccountId
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output SERVICE_API_URL string = resources.outputs.functionAppUrl
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output AZURE_KEY_VAULT_URL string = resources.outputs.keyVaultUrl
output DURABLE_BACKEND string = durableBackend
output SERVICE_CONSOLE_URL string = resources.outputs.consoleUrl
output AZURE_STATIC_WEB_APP_NAME string = resources.outputs.consoleName
// The console's build-time settings (console/src/env.d.ts): azd builds the console with its environment's values,
// these outputs among them. One app registration is both the API and the console's single-page app.
output VITE_API_BASE_URL string = resources.outputs.functionAppUrl
output VITE_ENTRA_AUTHORITY string = '${environment().authentication.loginEndpoint}${authTenantId}'
output VITE_ENTRA_CLIENT_ID string = authClientId
output VITE_API_SCOPE string = 'api://${authClientId}/user_impersonation'
