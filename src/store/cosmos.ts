import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { ManagedIdentityCredential } from '@azure/identity';
import { CONTAINERS, type ContainerName } from './containers';
import { EMULATOR_KEY } from './embedded';

export type Containers = Record<ContainerName, Container>;

export interface CosmosOptions {
  endpoint: string;
  database: string;
  /** The most one operation may take, its retries included (COSMOS_TIMEOUT_MS). */
  timeoutMs: number;
  /** Account key; absent means Entra ID through the web app's user-assigned managed identity. */
  key?: string | undefined;
  managedIdentityClientId?: string | undefined;
}

export interface CosmosStore {
  client: CosmosClient;
  database: Database;
  containers: Containers;
  /**
   * Options for one operation: aborted, retries and all, once its budget is spent. Without it the client waits 60 s
   * for a silent server and retries reads 10 times on timeouts.
   */
  bounded: () => { abortSignal: AbortSignal };
}

/** Opens the database through @azure/cosmos (the same code path for Azure and the embedded server), creating what is missing. */
export async function openCosmos(options: CosmosOptions): Promise<CosmosStore> {
  const local = options.endpoint.startsWith('http://');
  const client = new CosmosClient({
    endpoint: options.endpoint,
    ...(options.key !== undefined || local
      ? { key: options.key ?? EMULATOR_KEY }
      : { aadCredentials: new ManagedIdentityCredential(options.managedIdentityClientId ? { clientId: options.managedIdentityClientId } : {}) }),
    // The embedded server advertises an https:// endpoint it does not serve; never follow it.
    connectionPolicy: {
      enableEndpointDiscovery: !local,
      requestTimeout: options.timeoutMs,
      // Throttling (429) is retried inside the same budget, never past it.
      retryOptions: { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: Math.ceil(options.timeoutMs / 1000) },
    },
  });
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const entries = await Promise.all(
    Object.entries(CONTAINERS).map(async ([name, def]) => {
      const ttl = 'defaultTtl' in def ? { defaultTtl: def.defaultTtl } : {};
      const { container } = await database.containers.createIfNotExists({ id: def.id, partitionKey: { paths: [def.partitionKey] }, ...ttl });
      return [name, container] as const;
    }),
  );
  return {
    client,
    database,
    containers: Object.fromEntries(entries) as Containers,
    bounded: () => ({ abortSignal: AbortSignal.timeout(options.timeoutMs) }),
  };
}

/** True when Cosmos answers a cheap read: the readiness probe. */
export async function cosmosReachable(store: CosmosStore, timeoutMs = 2000): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await store.database.read({ abortSignal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
