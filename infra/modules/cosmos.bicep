// Cosmos DB for NoSQL: one account, one database, the app's containers, and data-plane RBAC for the
// web app's managed identity. Account keys are disabled: the app authenticates with Entra ID only.
//
// The app (src/store/cosmos.ts) calls createIfNotExists for the database and every container at start-up.
// With Entra ID that is a metadata READ when they exist; creating them needs control-plane rights the
// identity does not have. So every container the app uses MUST be declared here
// (test/infra.test.ts keeps this list in step with src/store/containers.ts).

@description('Cosmos DB account name: lowercase letters, digits and hyphens, 3-44 characters, globally unique.')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region.')
param location string

@description('SQL database name (the app reads it from COSMOS_DATABASE).')
@minLength(1)
@maxLength(64)
param databaseName string

@description('serverless (pay per request; the default) or autoscale (provisioned, shared by all containers at database level). An existing account cannot be switched by redeploying.')
@allowed([
  'serverless'
  'autoscale'
])
param throughputMode string = 'serverless'

@description('autoscale only: maximum RU/s shared by the database (scales between 10% and 100% of it).')
@minValue(1000)
@maxValue(1000000)
param autoscaleMaxThroughput int = 1000

@description('Principal (object) id granted Cosmos DB Built-in Data Contributor on the account.')
param dataContributorPrincipalId string

@description('Tags for every resource.')
param tags object = {}

var serverless = throughputMode == 'serverless'

var serverlessCapabilities = [
  {
    name: 'EnableServerless'
  }
]

var autoscaleOptions = {
  autoscaleSettings: {
    maxThroughput: autoscaleMaxThroughput
  }
}

// Cosmos DB Built-in Data Contributor (data plane: read/write items, run queries, read metadata).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// Every container of src/store/containers.ts, with the SAME id and partition key path.
// compositeIndexes serve the app's queries that filter and sort (src/store/*.ts; the test derives the
// indexes those queries need and checks they are here).
var containers = [
  {
    id: 'cases'
    partitionKeyPath: '/customerKey'
    compositeIndexes: [
      // IncidentStore.reportedBy (cross-partition):
      //   WHERE c.type = "incident" AND c.reporter.id = @id ORDER BY c.reportedAt DESC
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/reporter/id'
          order: 'ascending'
        }
        {
          path: '/reportedAt'
          order: 'descending'
        }
      ]
      // DigestStore.incidentsReported, the weekly digest (cross-partition; the range filter is on the sort property):
      //   WHERE c.type = "incident" AND c.reportedAt >= @from AND c.reportedAt < @to ORDER BY c.reportedAt
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/reportedAt'
          order: 'ascending'
        }
      ]
      // MeasureStore.awaitingSignOffBy (cross-partition; the OR on signOff.* is a residual filter), and
      // MeasureStore.awaitingSignOff (the sign-off reminders, without it):
      //   WHERE c.type = "measure" AND c.status = "pending-sign-off" AND (...) ORDER BY c.proposedAt
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/proposedAt'
          order: 'ascending'
        }
      ]
      // AppealStore.awaitingDecisionBy (cross-partition; the OR on approverId/deputyId is a residual filter), and
      // AppealStore.openDueBy (the appeal reminders; the range filter is on the sort property), and
      // DigestStore.openAppeals (the weekly digest, without either):
      //   WHERE c.type = "appeal" AND c.status = "open" AND (...) ORDER BY c.dueOn
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/dueOn'
          order: 'ascending'
        }
      ]
      // LetterStore.unsentDueBefore (overdue letters: `reviews`, the digest, the reminders):
      //   WHERE c.type = "letter" AND c.status = "draft" AND c.sendBy < @day ORDER BY c.sendBy
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/sendBy'
          order: 'ascending'
        }
      ]
      // MeasureStore.dueForReview, the `reviews` list (cross-partition; the OR on status is a residual filter, the range
      // filter is on the sort property):
      //   WHERE c.type = "measure" AND (...) AND c.reviewDue >= @from AND c.reviewDue < @to ORDER BY c.reviewDue
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/reviewDue'
          order: 'ascending'
        }
      ]
      // MeasureStore.activeByReviewDate, the review reminders and the lapse job (cross-partition; the range filter is
      // on the sort property), and DigestStore.measures (the weekly digest, any one status, from a date):
      //   WHERE c.type = "measure" AND c.status = "active" AND c.reviewDue >= @from AND c.reviewDue < @to ORDER BY c.reviewDue
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/reviewDue'
          order: 'ascending'
        }
      ]
      // OutboxStore.scan, the outbox's slow full scan (cross-partition; the range filter is on the sort property):
      //   WHERE c.type = "outbox" AND c.status = "pending" AND c.nextAttemptAt <= @now ORDER BY c.nextAttemptAt
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/nextAttemptAt'
          order: 'ascending'
        }
      ]
      // DigestStore.failedNotices, the weekly digest (cross-partition; the range filter is on the sort property):
      //   WHERE c.type = "outbox" AND c.status = "failed" AND c.createdAt >= @from AND c.createdAt < @to ORDER BY c.createdAt
      [
        {
          path: '/type'
          order: 'ascending'
        }
        {
          path: '/status'
          order: 'ascending'
        }
        {
          path: '/createdAt'
          order: 'ascending'
        }
      ]
    ]
  }
  {
    id: 'references'
    partitionKeyPath: '/id'
    compositeIndexes: []
  }
  {
    id: 'conversations'
    partitionKeyPath: '/id'
    compositeIndexes: []
  }
  {
    id: 'leases'
    partitionKeyPath: '/id'
    compositeIndexes: []
  }
  {
    // The outbox's pending index (OutboxStore.dueIndex: WHERE c.due <= @now ORDER BY c.due, one partition): a range
    // index serves it.
    id: 'pending'
    partitionKeyPath: '/queue'
    compositeIndexes: []
  }
  // Files offered in a personal chat until accepted (docs/architecture.md#files). defaultTtl -1: each offer carries
  // its own ttl, so one nobody accepted is deleted a day after it expires.
  {
    id: 'offers'
    partitionKeyPath: '/id'
    compositeIndexes: []
    defaultTtl: -1
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: serverless ? serverlessCapabilities : []
    // No account keys in production: Entra ID (managed identity) only.
    disableLocalAuth: true
    // Databases, containers and indexing policies change through this template only, never from the data plane.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
    enableFreeTier: false
    backupPolicy: {
      type: 'Periodic'
      periodicModeProperties: {
        backupIntervalInMinutes: 240
        backupRetentionIntervalInHours: 8
        backupStorageRedundancy: 'Geo'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    // Serverless accounts take no throughput settings; autoscale is shared by all containers.
    options: serverless ? {} : autoscaleOptions
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for c in containers: {
  parent: database
  name: c.id
  properties: {
    resource: {
      id: c.id
      partitionKey: {
        paths: [
          c.partitionKeyPath
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
        compositeIndexes: c.compositeIndexes
      }
      // Only where a container asks for it (offers); the others keep no time to live.
      defaultTtl: c.?defaultTtl
    }
  }
}]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, dataContributorPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: dataContributorPrincipalId
    // Account scope: the SDK also reads account metadata (regions) before touching the database.
    scope: account.id
  }
}

output accountName string = account.name

@description('For COSMOS_ENDPOINT, e.g. https://<account>.documents.azure.com:443/')
output endpoint string = account.properties.documentEndpoint

@description('For COSMOS_DATABASE.')
output databaseName string = database.name
