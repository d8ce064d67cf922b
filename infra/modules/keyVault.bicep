// Key Vault (RBAC) for the Partner Center client secret, the App+User refresh token (the app writes each rotated
// token back as a new version) and the invitation token secret. The secrets are not created here (a redeploy would
// overwrite the rotated refresh token): the postprovision hook and the one-time consent set them (docs/deploy.md).
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param appPrincipalId string
param deployerPrincipalId string
param deployerPrincipalType string

// Key Vault Secrets Officer: read (Key Vault references, the refresh token) and write (the rotated refresh token).
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${resourceToken}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appPrincipalId, secretsOfficerRoleId)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

// The one running azd writes the secrets (postprovision hook).
resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: vault
  name: guid(vault.id, deployerPrincipalId, secretsOfficerRoleId)
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

output name string = vault.name
output url string = vault.properties.vaultUri
