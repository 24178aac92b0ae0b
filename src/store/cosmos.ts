import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { ManagedIdentityCredential } from '@azure/identity';
import { CONTAINERS, type ContainerName } from './containers';
import { EMULATOR_KEY } from './embedded';

export type Containers = Record<ContainerName, Container>;

export interface CosmosOptions {
  endpoint: string;
  database: string;
  /** Account key; absent means Entra ID through the web app's user-assigned managed identity. */
  key?: string | undefined;
  managedIdentityClientId?: string | undefined;
}

export interface CosmosStore {
  client: CosmosClient;
  database: Database;
  containers: Containers;
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
    connectionPolicy: { enableEndpointDiscovery: !local },
  });
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const entries = await Promise.all(
    Object.entries(CONTAINERS).map(async ([name, def]) => {
      const { container } = await database.containers.createIfNotExists({ id: def.id, partitionKey: { paths: [def.partitionKey] } });
      return [name, container] as const;
    }),
  );
  return { client, database, containers: Object.fromEntries(entries) as Containers };
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
