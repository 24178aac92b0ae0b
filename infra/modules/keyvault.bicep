// Key Vault (RBAC authorisation, no access policies) holding the bot's client secret. The web app reads it
// through an App Service Key Vault reference resolved with its user-assigned identity; the identity is
// Key Vault Secrets User on that one secret only.

@description('Key Vault name: 3-24 characters, letters, digits and hyphens, starting with a letter, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Name of the secret holding the bot app registration client secret.')
param credentialName string = 'bot-app-password'

@description('The bot app registration client secret (MicrosoftAppPassword).')
@secure()
@minLength(1)
param botAppPassword string

@description('Principal (object) id allowed to read the secret (the web app identity).')
param readerPrincipalId string

@description('Log Analytics workspace for the vault audit log.')
param workspaceId string

@description('Tags for every resource.')
param tags object = {}

// Built-in role: Key Vault Secrets User (read secret contents).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // App Service resolves Key Vault references over the public endpoint unless the app is VNet-integrated.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource botPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: credentialName
  properties: {
    value: botAppPassword
    contentType: 'Bot Framework client secret of the Entra app registration (MicrosoftAppPassword)'
  }
}

resource secretReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(botPassword.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  scope: botPassword
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource auditLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

output name string = vault.name

@description('Versionless secret URI: App Service picks up a rotated secret within a day (or on restart).')
output botCredentialUri string = botPassword.properties.secretUri
