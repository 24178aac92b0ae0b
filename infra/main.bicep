// Unacceptable Behaviour bot: production infrastructure (README "Deploy to Azure and Teams"; docs/architecture.md#composition-root).
//
//   user-assigned managed identity (the bot's ONLY identity, with no secret of its own)
//     ├─ Azure Bot (msaAppType UserAssignedMSI, msaAppId = its client id) + Teams channel
//     ├─ App Service (Linux, Node LTS) runs as it: /api/messages, MicrosoftAppId = AZURE_CLIENT_ID = its client id
//     ├─ Cosmos DB for NoSQL (serverless by default, keys disabled, data-plane RBAC for it)
//     ├─ Key Vault (RBAC, purge protection) holding JOBS_SECRET; it reads it (Key Vault Secrets User) for App Service
//     └─ Microsoft Graph application permissions on its service principal (granted after deployment, below)
//   Log Analytics + Application Insights
//
// One identity authenticates to the Bot Connector, Cosmos DB and Microsoft Graph, and its client id is also the
// Teams manifest's botId and webApplicationInfo.id: the principal granted Graph permissions is the one the app
// runs as. There is no app registration and no client secret to store or rotate. The app's one secret is the bearer
// token of POST /api/jobs/:name (JOBS_SECRET, for an external scheduler): the jobsSecret parameter, stored in Key Vault
// only, and given to the app as a Key Vault reference.
// A user-assigned managed identity bot is single-tenant (Teams supports it): the bot's tenant is the identity's
// tenant, i.e. the tenant of this subscription, and that must be the tenant whose users use the bot.
//
// Before deploying (outside Bicep):
//   Roles come from Entra ID through Microsoft Graph (the app refuses to start with auth on otherwise): create two
//   security groups, "UB case managers" and "UB admins", and pass their object ids as graphCaseManagerGroupId and
//   graphAdminGroupId. serviceAreas lists each service area with the object ids of its Head of Service and deputy
//   (or null): they sign off decisions (§5.2; docs/rules.md#R-signoff-who).
//   Choose the Teams app's GUID (npm run package's TEAMS_APP_ID) and pass it as teamsAppId: the bot finds the app in
//   the organisation's app catalogue by it, to install it for people who have never chatted with the bot
//   (docs/rules.md#R-outbox-install). Empty: installing is off, and cards to them fail with the case managers told.
//
// Deploy (jobsSecret: generate it once, keep it with your deployment secrets and pass the same value each time; a new
// value rotates it, and the external scheduler must then send the new one):
//   az group create -n rg-ubp-prod -l uksouth
//   JOBS_SECRET=$(openssl rand -base64 32)
//   az deployment group create -g rg-ubp-prod -n main -f infra/main.bicep -p infra/main.parameters.json -p jobsSecret="$JOBS_SECRET"
//
// After the first deployment, grant Microsoft Graph application permissions to the managed identity's service
// principal (the identityPrincipalId output), once per role: User.Read.All and GroupMember.Read.All (the directory),
// TeamsAppInstallation.ReadWriteSelfForUser.All (installing the app for people who have never chatted with the bot)
// and AppCatalog.Read.All (finding it in the catalogue; not needed if the app setting TEAMS_CATALOG_APP_ID is set to
// the app's catalogue id). A managed identity has no "API permissions" page in the portal. The Microsoft Graph Bicep
// extension could declare these (Microsoft.Graph/appRoleAssignedTo), but then every deployment would need a person
// holding AppRoleAssignment.ReadWrite.All in the tenant: tenant-wide consent stays a separate, one-off step instead.
// Needs a Privileged Role Administrator or Global Administrator (bash):
//   PRINCIPAL_ID=$(az deployment group show -g rg-ubp-prod -n main --query properties.outputs.identityPrincipalId.value -o tsv)
//   GRAPH_SP_ID=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv)
//   # User.Read.All
//   az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments" \
//     --body "{\"principalId\":\"$PRINCIPAL_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"df021288-bdef-4463-88db-98f22de89214\"}"
//   # GroupMember.Read.All
//   az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments" \
//     --body "{\"principalId\":\"$PRINCIPAL_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"98830695-27a2-44f7-8c18-0c3ebc9698f6\"}"
//   # TeamsAppInstallation.ReadWriteSelfForUser.All
//   az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments" \
//     --body "{\"principalId\":\"$PRINCIPAL_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"908de74d-f8b2-4d6b-a9ed-2a17b3b78179\"}"
//   # AppCatalog.Read.All
//   az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments" \
//     --body "{\"principalId\":\"$PRINCIPAL_ID\",\"resourceId\":\"$GRAPH_SP_ID\",\"appRoleId\":\"e12dae10-5a57-4817-b79d-dfbec5348930\"}"
// Graph accepts the installation (POST /users/{id}/teamwork/installedApps) only from the app named in the manifest's
// webApplicationInfo.id: this identity.
// Files (docs/architecture.md#files), only with filesDriveId set: the application permission Sites.Selected
// (appRoleId 883ea226-0bf2-4a8f-9f9d-92c9162a727d, granted as above), which by itself reaches no site, then a "write"
// grant on the one site whose document library takes the files, made by a SharePoint Administrator or Global
// Administrator with Sites.FullControl.All (e.g. in Graph Explorer):
//   GET  https://graph.microsoft.com/v1.0/sites/<tenant>.sharepoint.com:/sites/<site>        → the site id
//   GET  https://graph.microsoft.com/v1.0/sites/<site id>/drives                             → the library's drive id (filesDriveId)
//   POST https://graph.microsoft.com/v1.0/sites/<site id>/permissions
//        {"roles":["write"],"grantedToIdentities":[{"application":{"id":"<botId output>","displayName":"UB bot"}}]}
// Check the grants: az rest --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments"
// (a redeployment keeps them: the identity, and so its service principal, stays the same; repeating a grant only
// fails with "Permission being assigned already exists on the object").
//
// Then deploy the code (zip of the repository without node_modules or dist; App Service's Oryx build runs
// npm install + npm run build, i.e. tsc -p tsconfig.build.json, and the app starts from dist/), e.g.
//   az webapp deploy -g rg-ubp-prod -n <webAppName output> --src-path app.zip --type zip
// and build the Teams app package with BOT_ID = the botId output (the identity's client id; webApplicationInfo.id
// defaults to it), BOT_DOMAIN = the botDomain output and TEAMS_APP_ID = teamsAppId, and publish it to the
// organisation's app catalogue (Teams admin centre, Manage apps, Upload new app).

targetScope = 'resourceGroup'

@description('Short lowercase prefix for resource names (letters and digits, starting with a letter), e.g. ubp.')
@minLength(2)
@maxLength(10)
param namePrefix string

@description('Azure region for everything but the (global) Azure Bot, e.g. uksouth.')
param location string = resourceGroup().location

@description('Tenant ids whose users may use the bot (ALLOWED_TENANT_IDS): the landlord tenant, which is the tenant of this subscription (a managed identity bot is single-tenant, in its identity\'s tenant).')
@minLength(1)
param allowedTenantIds array = [
  tenant().tenantId
]

@description('Object id of the Entra security group of case managers (GRAPH_CASE_MANAGER_GROUP_ID).')
@minLength(36)
@maxLength(36)
param graphCaseManagerGroupId string

@description('Object id of the Entra security group of bot admins (GRAPH_ADMIN_GROUP_ID).')
@minLength(36)
@maxLength(36)
param graphAdminGroupId string

@description('Service areas (SERVICE_AREAS_JSON): [{ id, name, headOfService, deputy, alternates }], id lowercase letters, digits and -, headOfService, deputy and alternates Entra user object ids (deputy may be null; alternates, optional, decide in order when the others took part). Checked by the app at start.')
@minLength(1)
param serviceAreas array

@description('The Teams app\'s manifest id (TEAMS_APP_ID, a GUID): the bot finds the app in the organisation\'s catalogue by it, to install it for people who have never chatted with the bot. Empty: installing is off.')
param teamsAppId string = ''

@description('The SharePoint document library files are saved to (FILES_DRIVE_ID, its drive id b!…; docs/architecture.md#files). Needs Sites.Selected and a write grant on its site (header). Empty: files are offered in the person\'s personal chat instead.')
param filesDriveId string = ''

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

@description('JOBS_SECRET: the bearer token an external scheduler sends to POST /api/jobs/:name (at least 32 characters of letters, digits and - . _ ~ + /, e.g. openssl rand -base64 32). Stored in Key Vault only: pass it on the command line, never in main.parameters.json, and the same value at every deployment (a new one rotates it).')
@secure()
@minLength(32)
param jobsSecret string

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
  plan: 'plan-${prefix}-${suffix}'
  site: 'app-${prefix}-${suffix}'
  bot: 'bot-${prefix}-${suffix}'
  // Key Vault names are at most 24 characters: the suffix is cut short (it still ends in a letter or digit).
  keyVault: take('kv-${prefix}-${suffix}', 24)
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
    secretsUserPrincipalId: identity.outputs.principalId
    jobsSecret: jobsSecret
    workspaceId: monitoring.outputs.workspaceId
    tags: tags
  }
}

// Uses the outputs of cosmos and keyVault, so it starts after the identity's Cosmos and Key Vault role assignments
// exist (App Service resolves the Key Vault reference as the identity when the app starts).
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
    tenantId: identity.outputs.tenantId
    allowedTenantIds: allowedTenantIds
    graphCaseManagerGroupId: graphCaseManagerGroupId
    graphAdminGroupId: graphAdminGroupId
    serviceAreas: serviceAreas
    teamsAppId: teamsAppId
    filesDriveId: filesDriveId
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    jobsSecretUri: keyVault.outputs.jobsSecretUri
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
    identityClientId: identity.outputs.clientId
    identityResourceId: identity.outputs.id
    tenantId: identity.outputs.tenantId
    messagingHost: appService.outputs.defaultHostName
    tags: tags
  }
}

@description('Bot id = client id of the managed identity the bot runs as: Teams package BOT_ID (and AAD_APP_ID, webApplicationInfo.id).')
output botId string = identity.outputs.clientId

@description('Tenant of the bot (the identity\'s tenant; MicrosoftAppTenantId).')
output botTenantId string = identity.outputs.tenantId

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

@description('Key Vault holding JOBS_SECRET (secret jobs-secret).')
output keyVaultName string = keyVault.outputs.name

@description('Client id of the managed identity (AZURE_CLIENT_ID = MicrosoftAppId = botId).')
output identityClientId string = identity.outputs.clientId

@description('Object id of the managed identity\'s service principal: grant the Microsoft Graph app roles to it (header).')
output identityPrincipalId string = identity.outputs.principalId
