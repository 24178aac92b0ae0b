// Unacceptable Behaviour bot: production infrastructure (SPEC §10).
//
//   managed identity ─┬─ Cosmos DB for NoSQL (serverless by default, keys disabled, data-plane RBAC)
//                     ├─ Key Vault (RBAC) ── bot client secret ── App Service Key Vault reference
//                     └─ App Service (Linux, Node LTS) ── /api/messages ── Azure Bot (SingleTenant) + Teams channel
//   Log Analytics + Application Insights
//
// Before deploying (outside Bicep):
//   1. Create the bot's Entra app registration, single tenant ("Accounts in this organizational directory
//      only"), and a client secret. Its client id is botAppId, its tenant botTenantId, the secret botAppPassword.
//      The secret expires: rotate it in the app registration, then redeploy (or set the Key Vault secret);
//      the web app picks up the new version within a day, or at once on restart.
//   2. Microsoft Graph application permissions for the directory lookups: User.Read.All and
//      GroupMember.Read.All on that same app registration, granted by a Global / Privileged Role
//      Administrator (admin consent). They are NOT granted here: Graph permissions cannot be assigned by
//      this template without the Microsoft Graph Bicep extension. Use the portal (API permissions →
//      Add → Microsoft Graph → Application permissions → Grant admin consent) or
//        az ad app permission add --id <botAppId> --api 00000003-0000-0000-c000-000000000000 \
//          --api-permissions df021288-bdef-4463-88db-98f22de89214=Role 98830695-27a2-44f7-8c18-0c3ebc9698f6=Role
//        az ad app permission admin-consent --id <botAppId>
//      (the two ids are User.Read.All and GroupMember.Read.All application roles).
//   3. Roles come from Entra ID through Microsoft Graph (the app refuses to start with auth on otherwise):
//      create two security groups, "UB case managers" and "UB admins", and pass their object ids as
//      graphCaseManagerGroupId and graphAdminGroupId. serviceAreas lists each service area with the object
//      ids of its Head of Service and deputy (or null): they sign off decisions (SPEC §5).
//
// Deploy:
//   az group create -n rg-ubp-prod -l uksouth
//   az deployment group create -g rg-ubp-prod -f infra/main.bicep -p infra/main.parameters.json \
//     -p botAppPassword="$BOT_APP_PASSWORD"
// Then deploy the code (zip of the repository without node_modules or dist; App Service's Oryx build runs
// npm install + npm run build, i.e. tsc -p tsconfig.build.json, and the app starts from dist/), e.g.
//   az webapp deploy -g rg-ubp-prod -n <webAppName output> --src-path app.zip --type zip
// and build the Teams app package with botId = the botId output and validDomains / BOT_DOMAIN = botDomain.

targetScope = 'resourceGroup'

@description('Short lowercase prefix for resource names (letters and digits, starting with a letter), e.g. ubp.')
@minLength(2)
@maxLength(10)
param namePrefix string

@description('Azure region for everything but the (global) Azure Bot, e.g. uksouth.')
param location string = resourceGroup().location

@description('MicrosoftAppId: client id of the SingleTenant Entra app registration of the bot.')
param botAppId string

@description('Tenant id of that app registration (MicrosoftAppTenantId).')
param botTenantId string = tenant().tenantId

@description('Tenant ids whose users may use the bot (ALLOWED_TENANT_IDS). Normally just the landlord tenant.')
@minLength(1)
param allowedTenantIds array = [
  botTenantId
]

@description('Client secret of the bot app registration. Stored in Key Vault only; never in app settings.')
@secure()
@minLength(1)
param botAppPassword string

@description('Object id of the Entra security group of case managers (GRAPH_CASE_MANAGER_GROUP_ID).')
@minLength(36)
@maxLength(36)
param graphCaseManagerGroupId string

@description('Object id of the Entra security group of bot admins (GRAPH_ADMIN_GROUP_ID).')
@minLength(36)
@maxLength(36)
param graphAdminGroupId string

@description('Service areas (SERVICE_AREAS_JSON): [{ id, name, headOfService, deputy }], id lowercase letters, digits and -, headOfService and deputy Entra user object ids (deputy may be null). Checked by the app at start.')
@minLength(1)
param serviceAreas array

@description('Cosmos DB throughput: serverless (default) or autoscale (provisioned, with a maximum RU/s).')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('autoscale only: maximum RU/s, shared by all containers of the database.')
@minValue(1000)
@maxValue(1000000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Cosmos DB database name (COSMOS_DATABASE).')
@minLength(1)
@maxLength(64)
param cosmosDatabaseName string = 'ubp'

@description('Number of web app instances.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('App Service plan SKU (Basic or higher: Always On).')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'P0v3'
  'P1v3'
  'P2v3'
])
param appServiceSkuName string = 'B1'

@description('Node LTS runtime of the web app.')
@allowed([
  'NODE|20-lts'
  'NODE|22-lts'
])
param nodeRuntime string = 'NODE|22-lts'

@description('LOG_LEVEL of the app.')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@description('Days Log Analytics keeps logs (they can hold personal data).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('Tags for every resource.')
param tags object = {
  application: 'ub-teams-bot'
}

var prefix = toLower(namePrefix)
var suffix = uniqueString(subscription().id, resourceGroup().id, prefix)
var names = {
  identity: 'id-${prefix}-${suffix}'
  workspace: 'log-${prefix}-${suffix}'
  appInsights: 'appi-${prefix}-${suffix}'
  cosmos: 'cosmos-${prefix}-${suffix}'
  keyVault: 'kv-${take(prefix, 6)}-${suffix}'
  plan: 'plan-${prefix}-${suffix}'
  site: 'app-${prefix}-${suffix}'
  bot: 'bot-${prefix}-${suffix}'
}

module identity 'modules/identity.bicep' = {
  name: '${deployment().name}-identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: '${deployment().name}-monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    retentionInDays: logRetentionDays
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: '${deployment().name}-cosmos'
  params: {
    accountName: names.cosmos
    location: location
    databaseName: cosmosDatabaseName
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    dataContributorPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: '${deployment().name}-keyvault'
  params: {
    name: names.keyVault
    location: location
    botAppPassword: botAppPassword
    readerPrincipalId: identity.outputs.principalId
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

// Uses the outputs of cosmos and keyVault, so it starts after their role assignments exist.
module appService 'modules/appservice.bicep' = {
  name: '${deployment().name}-appservice'
  params: {
    planName: names.plan
    siteName: names.site
    location: location
    skuName: appServiceSkuName
    instanceCount: instanceCount
    linuxFxVersion: nodeRuntime
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    botAppId: botAppId
    botTenantId: botTenantId
    allowedTenantIds: allowedTenantIds
    graphCaseManagerGroupId: graphCaseManagerGroupId
    graphAdminGroupId: graphAdminGroupId
    serviceAreas: serviceAreas
    botCredentialUri: keyVault.outputs.botCredentialUri
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    logLevel: logLevel
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

module bot 'modules/bot.bicep' = {
  name: '${deployment().name}-bot'
  params: {
    name: names.bot
    displayName: 'Unacceptable Behaviour'
    botAppId: botAppId
    botTenantId: botTenantId
    messagingHost: appService.outputs.defaultHostName
    tags: tags
  }
}

@description('Teams manifest botId (the bot app registration client id).')
output botId string = botAppId

@description('Azure Bot resource name.')
output botResourceName string = bot.outputs.name

@description('Messaging endpoint registered with the Azure Bot.')
output botEndpoint string = bot.outputs.endpoint

@description('Host of the messaging endpoint: Teams manifest validDomains / BOT_DOMAIN.')
output botDomain string = appService.outputs.defaultHostName

@description('Web app name (for az webapp deploy).')
output webAppName string = appService.outputs.name

@description('Cosmos DB endpoint (COSMOS_ENDPOINT).')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Client id of the web app managed identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.outputs.clientId

@description('Key Vault holding the bot secret.')
output keyVaultName string = keyVault.outputs.name
