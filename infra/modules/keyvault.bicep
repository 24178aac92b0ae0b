// Key Vault holding the app's one secret: JOBS_SECRET, the bearer token an external scheduler (e.g. Azure Logic Apps)
// sends to POST /api/jobs/:name to run a job now (docs/architecture.md#jobs). The secret is never an app setting in
// plain text and never in a parameters file: App Service reads it through a Key Vault reference
// (modules/appservice.bicep, keyVaultReferenceIdentity = the web app's user-assigned identity).
//   - RBAC authorization, no access policies: the web app identity gets Key Vault Secrets User on this vault only.
//   - Soft delete and purge protection: a deleted secret, or the vault, can be recovered for 90 days and cannot be
//     purged meanwhile. So the vault's name stays taken for 90 days after the resource group is deleted: redeploy to
//     another resource group (the name derives from it), or recover the vault (az keyvault recover).
//   - Audit events (every read of the secret) go to Log Analytics.

@description('Key Vault name: 3-24 letters, digits and hyphens, starting with a letter, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Principal (object) id granted Key Vault Secrets User on the vault: the web app identity.')
param secretsUserPrincipalId string

@description('JOBS_SECRET: the bearer token of POST /api/jobs/:name, stored as the secret jobs-secret.')
@secure()
@minLength(32)
param jobsSecret string

@description('Log Analytics workspace for the vault\'s audit events.')
param workspaceId string

@description('Tags for every resource.')
param tags object = {}

// Key Vault Secrets User (built-in): reads secret contents, nothing else.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // App Service resolves Key Vault references over the vault's public endpoint (the web app has no VNet).
    publicNetworkAccess: 'Enabled'
  }
}

resource jobsSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'jobs-secret'
  properties: {
    value: jobsSecret
    contentType: 'Bearer token of POST /api/jobs/:name (JOBS_SECRET)'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, secretsUserPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: secretsUserPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource vaultLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

output name string = vault.name

@description('URI of the secret without a version: App Service reads the latest version (a rotation shows within 24 hours, or at a restart).')
output jobsSecretUri string = jobsSecretValue.properties.secretUri
