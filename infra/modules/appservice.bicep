// Linux App Service plan + Node web app running the bot (src/index.ts → dist/src/index.js).
// App settings: every variable the production config needs (src/config.ts, CONFIG_VARIABLES) plus a few
// platform settings; test/infra.test.ts feeds these names to loadConfig. PORT is set by App Service itself.
// The app runs as ONE user-assigned managed identity, with no secret: it is the bot's identity towards the Bot
// Connector (MicrosoftAppType=UserAssignedMSI, MicrosoftAppId = its client id), and the identity that calls
// Cosmos DB and Microsoft Graph (AZURE_CLIENT_ID = the same client id). The one secret, JOBS_SECRET, is a Key Vault
// reference App Service resolves as that identity (keyVaultReferenceIdentity; modules/keyvault.bicep).

@description('App Service plan name.')
param planName string

@description('Web app name (globally unique: <name>.azurewebsites.net).')
param siteName string

@description('Azure region.')
param location string

@description('Plan SKU. Basic or higher (Always On).')
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
param skuName string = 'B1'

@description('Number of instances. Scheduled jobs run once per schedule whatever the count (a lease in Cosmos).')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Node LTS runtime.')
@allowed([
  'NODE|20-lts'
  'NODE|22-lts'
])
param linuxFxVersion string = 'NODE|22-lts'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity: MicrosoftAppId (the bot) and AZURE_CLIENT_ID (Cosmos DB, Microsoft Graph).')
param identityClientId string

@description('Tenant of that identity (MicrosoftAppTenantId): a managed identity bot is single-tenant.')
param tenantId string

@description('Tenant ids whose users may use the bot (ALLOWED_TENANT_IDS).')
@minLength(1)
param allowedTenantIds array

@description('Object id of the Entra group of case managers (GRAPH_CASE_MANAGER_GROUP_ID).')
param graphCaseManagerGroupId string

@description('Object id of the Entra group of bot admins (GRAPH_ADMIN_GROUP_ID).')
param graphAdminGroupId string

@description('Service areas [{ id, name, headOfService, deputy, alternates }] with Entra object ids (SERVICE_AREAS_JSON).')
@minLength(1)
param serviceAreas array

@description('The Teams app\'s manifest id (TEAMS_APP_ID): installing the app for people who have never chatted with the bot. Empty: off.')
param teamsAppId string = ''

@description('The SharePoint document library files are saved to (FILES_DRIVE_ID). Empty: files are offered in the personal chat.')
param filesDriveId string = ''

@description('Cosmos DB account endpoint (COSMOS_ENDPOINT).')
param cosmosEndpoint string

@description('Cosmos DB database name (COSMOS_DATABASE).')
param cosmosDatabaseName string

@description('URI of the Key Vault secret holding JOBS_SECRET (without a version: the latest is read).')
param jobsSecretUri string

@description('pino log level (LOG_LEVEL).')
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

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Log Analytics workspace for console and HTTP logs.')
param workspaceId string

@description('Tags for every resource.')
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: siteName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    // Key Vault references are resolved as the user-assigned identity (the default would be a system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      // Runs the compiled app only: no tsc and no devDependencies at start. The build runs once at deployment
      // (SCM_DO_BUILD_DURING_DEPLOYMENT below), not at every start, so this is not `npm start` (which also builds).
      appCommandLine: 'node --disable-warning=DEP0111 dist/src/index.js'
      alwaysOn: true
      // Liveness only; /readyz also checks Cosmos.
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        {
          // The bot authenticates to the Bot Connector as the managed identity: no MicrosoftAppPassword.
          name: 'MicrosoftAppId'
          value: identityClientId
        }
        {
          name: 'MicrosoftAppType'
          value: 'UserAssignedMSI'
        }
        {
          name: 'MicrosoftAppTenantId'
          value: tenantId
        }
        {
          name: 'ALLOWED_TENANT_IDS'
          value: join(allowedTenantIds, ',')
        }
        {
          // Roles from Entra ID through Microsoft Graph (application permissions of the managed identity).
          name: 'GRAPH_CASE_MANAGER_GROUP_ID'
          value: graphCaseManagerGroupId
        }
        {
          name: 'GRAPH_ADMIN_GROUP_ID'
          value: graphAdminGroupId
        }
        {
          // string() of an array is its JSON text.
          name: 'SERVICE_AREAS_JSON'
          value: string(serviceAreas)
        }
        {
          name: 'TEAMS_APP_ID'
          value: teamsAppId
        }
        {
          name: 'FILES_DRIVE_ID'
          value: filesDriveId
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
        }
        {
          name: 'COSMOS_USE_MANAGED_IDENTITY'
          value: 'true'
        }
        {
          // The same identity as MicrosoftAppId: Cosmos DB and Microsoft Graph (ManagedIdentityCredential).
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          name: 'HOST'
          value: '0.0.0.0'
        }
        {
          // The bearer token of POST /api/jobs/:name, read from Key Vault by App Service: never in plain text here.
          name: 'JOBS_SECRET'
          value: '@Microsoft.KeyVault(SecretUri=${jobsSecretUri})'
        }
        {
          name: 'LOG_LEVEL'
          value: logLevel
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          // Application Insights auto-instrumentation for Node on Linux (the app bundles no SDK).
          name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
          value: '~3'
        }
        {
          // On zip deployment Oryx runs npm install (with devDependencies: typescript) and then `npm run build`
          // (tsc -p tsconfig.build.json → dist/src/index.js + dist/cards/*.json), which appCommandLine runs.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'true'
        }
      ]
    }
  }
}

// No FTP or basic-auth (publish profile) deployments: deploy with Entra ID (az login / OIDC).
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource siteLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name

@description('e.g. app-ubp-xyz.azurewebsites.net: the bot endpoint host and the manifest validDomains / BOT_DOMAIN.')
output defaultHostName string = site.properties.defaultHostName
