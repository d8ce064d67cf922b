// Cosmos DB, serverless (pay per request: nothing at rest but storage), Entra ID only (local auth off). The app
// cannot create containers under Entra ID auth, so every container is created here, with the code's partition keys
// and TTLs (shared/platform/cosmos/cosmosClient.ts `containerDefinitions`; the template test compares them).
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param appPrincipalId string

var databaseName = 'azure-plan'
var containers = [
  { id: 'customers', partitionKey: '/customerId' }
  { id: 'invitations', partitionKey: '/id' }
  { id: 'idempotency', partitionKey: '/id', defaultTtl: 604800 } // 7 days
  { id: 'batches', partitionKey: '/batchId' }
]
// Cosmos DB Built-in Data Contributor: read and write items (a data-plane role, not Azure RBAC).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: 'cosmos-${resourceToken}'
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [{ name: 'EnableServerless' }]
    locations: [{ locationName: location, failoverPriority: 0 }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: { resource: { id: databaseName } }
}

// No defaultTtl: the property is left out (no expiry), as the code leaves it out.
resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: union(
        { id: container.id, partitionKey: { paths: [container.partitionKey], kind: 'Hash' } },
        container.?defaultTtl == null ? {} : { defaultTtl: container.?defaultTtl }
      )
    }
  }
]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, dataContributorRoleId)
  properties: {
    principalId: appPrincipalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
