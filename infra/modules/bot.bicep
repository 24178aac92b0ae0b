// Azure Bot registration (global) for a SingleTenant Entra app registration, with the Microsoft Teams channel.

@description('Azure Bot resource name (globally unique, 4-42 characters).')
@minLength(4)
@maxLength(42)
param name string

@description('Display name shown in the Azure portal.')
param displayName string

@description('MicrosoftAppId: client id of the SingleTenant Entra app registration.')
param botAppId string

@description('Tenant id of that app registration.')
param botTenantId string

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
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
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
