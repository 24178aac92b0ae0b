// The user-assigned managed identity the bot runs as: the ONE identity of the app, with no secret anywhere.
//   - Bot Connector: the Azure Bot is a UserAssignedMSI registration of this identity (modules/bot.bicep,
//     msaAppId = clientId, msaAppMSIResourceId = id), and the web app has MicrosoftAppType=UserAssignedMSI,
//     MicrosoftAppId = clientId (modules/appservice.bicep). Its client id is also the Teams manifest's botId and
//     webApplicationInfo.id (npm run package: BOT_ID = the botId output; AAD_APP_ID defaults to BOT_ID).
//   - Cosmos DB Built-in Data Contributor on the account (modules/cosmos.bicep), used by the app through
//     AZURE_CLIENT_ID (= clientId) + COSMOS_USE_MANAGED_IDENTITY=true (src/store/cosmos.ts: ManagedIdentityCredential).
//   - Microsoft Graph application permissions (User.Read.All, GroupMember.Read.All) on its service principal
//     (principalId), granted outside Bicep with the az rest commands in the header of main.bicep; the app calls
//     Graph through ManagedIdentityCredential with AZURE_CLIENT_ID (src/index.ts).
// A managed identity lives in the subscription's tenant: the bot is single-tenant, in that tenant (tenantId).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id (for the web app identity block and the Azure Bot msaAppMSIResourceId).')
output id string = identity.id

output name string = identity.name

@description('Object id of its service principal: Cosmos role assignment and Microsoft Graph app role assignments.')
output principalId string = identity.properties.principalId

@description('Client (application) id: MicrosoftAppId, AZURE_CLIENT_ID, Azure Bot msaAppId, Teams botId and webApplicationInfo.id.')
output clientId string = identity.properties.clientId

@description('Tenant of the identity: the bot is single-tenant in it (msaAppTenantId, MicrosoftAppTenantId).')
output tenantId string = identity.properties.tenantId
