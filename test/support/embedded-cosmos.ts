import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';

/**
 * The embedded Cosmos server and a real @azure/cosmos client on it, for the suite this is called in: started before its
 * tests, stopped after. `db` is the store (read it inside tests and hooks, once started).
 */
export function useEmbeddedCosmos(): { readonly db: CosmosStore; readonly endpoint: string } {
  let server: EmbeddedCosmos | undefined;
  let store: CosmosStore | undefined;
  before(async () => {
    server = await startEmbeddedCosmos();
    store = await openCosmos({ endpoint: server.endpoint, database: 'ubp', timeoutMs: 5000 });
  });
  after(async () => {
    store?.client.dispose();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the embedded Cosmos server is not started yet: use it inside a test or hook');
    return value;
  };
  return {
    get db() {
      return started(store);
    },
    get endpoint() {
      return started(server).endpoint;
    },
  };
}
