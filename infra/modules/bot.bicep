// Azure Bot registration (global) of the user-assigned managed identity the web app runs as (msaAppType
// UserAssignedMSI: no app registration, no client secret), with the Microsoft Teams channel.
// A UserAssignedMSI bot is single-tenant: its tenant is the identity's tenant. Teams supports such bots.

@description('Azure Bot resource name (globally unique, 4-42 characters).')
@minLength(4)
@maxLength(42)
param name string

@description('Display name shown in the Azure portal.')
param displayName string

@description('Client id of the user-assigned managed identity the bot runs as (msaAppId = MicrosoftAppId).')
param identityClientId string

@description('Resource id of that identity (msaAppMSIResourceId).')
param identityResourceId string

@description('Tenant of that identity (msaAppTenantId).')
param tenantId string

@description('Host name of the web app serving /api/messages (e.g. app-ubp-xyz.azurewebsites.net).')
param messagingHost string

@description('F0 is enough: Teams is a standard channel (no message charges).')
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'

@description('Tags for every resource.')
param tags object = {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: 'https://${messagingHost}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: tenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

output name string = bot.name

output endpoint string = bot.properties.endpoint
