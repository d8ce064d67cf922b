// Durable Task Scheduler (the managed durable backend), chosen with durableBackend=DurableTaskScheduler. The
// Consumption SKU costs nothing at rest (billed per action). The package then carries host.durableTaskScheduler.json
// as its host.json (npm run package with DURABLE_BACKEND=DurableTaskScheduler).
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param appPrincipalId string

var taskHubName = 'AzurePlanPurchases'
// Durable Task Data Contributor: run orchestrations and activities on the scheduler's task hubs.
var durableTaskDataContributorRoleId = '0ad04412-c4d5-4796-b79c-f76d14c8f402'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: 'dts-${resourceToken}'
  location: location
  tags: tags
  properties: {
    ipAllowlist: ['0.0.0.0/0']
    sku: { name: 'Consumption' }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: scheduler
  name: guid(scheduler.id, appPrincipalId, durableTaskDataContributorRoleId)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      durableTaskDataContributorRoleId
    )
  }
}

output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
