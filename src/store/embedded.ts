import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer } from '@vercel/cosmosdb-server';

/** The Cosmos DB emulator's published, well-known key; the embedded server checks no key at all. */
export const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nPuIhtrl73tsxhZ8NpzgTjXFwHGrV0mEB97AlmFQ==';

export interface EmbeddedCosmos {
  endpoint: string;
  /** HTTP requests the server has answered: the benchmark's independent count of Cosmos round trips. */
  requests(): number;
  close(): Promise<void>;
}

/** Starts the Cosmos-compatible server in-process on loopback over plain HTTP (its bundled TLS certificate expired). */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const server: Server = createHttpServer({ keepAlive: true });
  let requests = 0;
  server.on('request', () => void requests++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
