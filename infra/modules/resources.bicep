// Everything in the resource group. Each module creates its resources and grants the app's identity exactly the
// data-plane role its calls need (test/infra/template.test.ts lists them and why).
param location string
@description('Region of the Static Web App (offered in fewer regions than the rest).')
param consoleLocation string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param principalId string
param principalType string
param nodeVersion string
param durableBackend string
param authTenantId string
param authClientId string
param partnerTenantId string
param partnerCenterClientId string
param partnerCenterEndpoint string
param armBillingAccountId string
param alertEmail string

var functionAppName = 'func-${resourceToken}'

// The one identity the app runs as: the Functions host (storage, Key Vault references, Application Insights) and the
// SDK clients the app builds itself (AZURE_CLIENT_ID) use it.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: identity.properties.principalId
    alertEmail: alertEmail
  }
}

module storage 'storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: identity.properties.principalId
  }
}

module cosmos 'cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: identity.properties.principalId
  }
}

module keyVault 'keyVault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: identity.properties.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module scheduler 'durableTaskScheduler.bicep' = if (durableBackend == 'DurableTaskScheduler') {
  name: 'durableTaskScheduler'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: identity.properties.principalId
  }
}

module console 'console.bicep' = {
  name: 'console'
  params: {
    location: consoleLocation
    tags: tags
    resourceToken: resourceToken
  }
}

module functionApp 'functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: functionAppName
    location: location
    tags: tags
    resourceToken: resourceToken
    identityId: identity.id
    identityClientId: identity.properties.clientId
    nodeVersion: nodeVersion
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    keyVaultUrl: keyVault.outputs.url
    durableTaskSchedulerEndpoint: durableBackend == 'DurableTaskScheduler' ? scheduler!.outputs.endpoint : ''
    taskHubName: durableBackend == 'DurableTaskScheduler' ? scheduler!.outputs.taskHubName : ''
    authTenantId: authTenantId
    authClientId: authClientId
    partnerTenantId: partnerTenantId
    partnerCenterClientId: partnerCenterClientId
    partnerCenterEndpoint: partnerCenterEndpoint
    armBillingAccountId: armBillingAccountId
    allowedOrigins: [console.outputs.url]
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = functionApp.outputs.url
output keyVaultName string = keyVault.outputs.name
output keyVaultUrl string = keyVault.outputs.url
output consoleName string = console.outputs.name
output consoleUrl string = console.outputs.url
