// The partner's console (console/, a static single-page app) on Azure Static Web Apps, Free plan (docs/console.md,
// "In Azure", says why not a storage static website). azd deploys console/dist to it (azure.yaml, service console).
// The Free plan links no backend: the console calls the Functions app's URL, whose CORS allows this origin only.
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string

resource staticSite 'Microsoft.Web/staticSites@2024-04-01' = {
  name: 'stapp-${resourceToken}'
  location: location
  tags: union(tags, { 'azd-service-name': 'console' })
  sku: { name: 'Free', tier: 'Free' }
  properties: {
    // Deployed by azd (a deployment token), not by a GitHub or Azure DevOps workflow Azure would generate.
    provider: 'Custom'
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = staticSite.name
output url string = 'https://${staticSite.properties.defaultHostname}'
