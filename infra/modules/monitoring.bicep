// Log Analytics + Application Insights (Entra ID ingestion only: local auth off), the operators' workbook and the
// alerts. The app's OpenTelemetry metrics land in `customMetrics` under the names of shared/platform/telemetry.
param location string
param tags object
@minLength(13)
@description('uniqueString of the subscription, environment and region: 13 characters.')
param resourceToken string
param appPrincipalId string
param alertEmail string

// Monitoring Metrics Publisher: the only way to ingest telemetry once local auth is off (the host and the app's
// OpenTelemetry exporter both sign in as the app's identity).
var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, metricsPublisherRoleId)
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'azure-plan-purchases-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Azure plan purchases'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: loadTextContent('workbook.json')
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'azureplan'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

// Each alert is a query over the app's metrics: a row means "fire".
var alerts = [
  {
    name: 'purchases-failed'
    description: 'Purchases ended failed (any code) in the last 15 minutes.'
    severity: 2
    query: 'customMetrics | where name == "purchases.failed" | summarize failed = sum(valueSum) | where failed > 0'
  }
  {
    name: 'consent-required'
    description: 'Partner Center consent is gone (PartnerCenterConsentRequired): repeat the one-time consent (docs/deploy.md).'
    severity: 1
    query: 'union (customMetrics | where name == "purchases.failed" and tostring(customDimensions["code"]) == "PartnerCenterConsentRequired"), (customMetrics | where name == "partner_center.calls" and tostring(customDimensions["outcome"]) == "ConsentRequired") | summarize n = sum(valueSum) | where n > 0'
  }
  {
    name: 'partner-center-errors'
    description: 'Partner Center answered 5xx or could not be reached.'
    severity: 2
    query: 'customMetrics | where name == "partner_center.calls" | where toint(customDimensions["http.response.status_code"]) >= 500 or tostring(customDimensions["http.response.status_code"]) == "0" | summarize n = sum(valueSum) | where n > 0'
  }
  {
    name: 'purchases-past-deadline'
    description: 'Purchases still waiting past their deadline (reconciliation timer), or ended expired.'
    severity: 2
    query: 'union (customMetrics | where name == "purchases.waiting" and tostring(customDimensions["status"]) == "pastDeadline" | where valueMax > 0), (customMetrics | where name == "purchases.failed" and tostring(customDimensions["code"]) == "PurchaseExpired") | summarize n = count() | where n > 0'
  }
]

resource queryAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in alerts: {
    name: 'alert-${alert.name}-${resourceToken}'
    location: location
    tags: tags
    properties: {
      displayName: alert.name
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: 'PT15M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
    }
  }
]

output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
