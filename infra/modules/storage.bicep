// The storage account: the deployment package (blob), the Functions host's and the Durable extension's state
// (blob, queue, table: the task hub when the backend is Azure Storage) and the app's own queues. No shared keys:
// everything signs in with Entra ID.
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param appPrincipalId string

// Queue names are part of the contract (shared/platform/queues/queues.ts `queueNames`), with the poison queue the
// host moves failed purchase requests to: created here, not by the app (scripts/local-stack/provisionStores.ts
// `provisionedQueues` is the same list locally; the template test compares).
var appQueues = ['notifications', 'purchase-requests', 'purchase-requests-poison']
var deploymentContainerName = 'app-package'

// Built-in roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  // The host's own leases and keys, the durable task hub's blobs, and the Flex deployment package.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // The app's queues (send, trigger) and the durable task hub's control and work-item queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // The durable task hub's history and instances tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in appQueues: {
    parent: queueService
    name: queue
  }
]

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roles): {
    scope: account
    name: guid(account.id, appPrincipalId, role.value)
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

output name string = account.name
output deploymentContainerName string = deploymentContainer.name
