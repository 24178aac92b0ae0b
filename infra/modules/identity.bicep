// The user-assigned managed identity the web app runs as. It is granted:
//   - Cosmos DB Built-in Data Contributor on the account (modules/cosmos.bicep), used by the app through
//     AZURE_CLIENT_ID + COSMOS_USE_MANAGED_IDENTITY=true (src/store/cosmos.ts: ManagedIdentityCredential);
//   - Key Vault Secrets User on the bot secret (modules/keyvault.bicep), used by App Service to resolve the
//     MicrosoftAppPassword Key Vault reference (keyVaultReferenceIdentity).

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

@description('Resource id (for identity blocks and keyVaultReferenceIdentity).')
output id string = identity.id

output name string = identity.name

@description('Object (principal) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client (application) id, for AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId
