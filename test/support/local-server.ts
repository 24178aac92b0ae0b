import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for a remote HTTP service (Graph, an upload URL) on loopback: `baseUrl` ends with `/`. */
export abstract class LocalServer {
  private server: Server | null = null;
  baseUrl = '';

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;

  async start(): Promise<this> {
    // A fault in the stand-in itself answers 500 with its message, rather than leaving the caller waiting.
    const server = createServer(
      (req, res) =>
        void Promise.resolve()
          .then(() => this.handle(req, res))
          .catch((e: unknown) => {
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`StandInFault: ${String(e)}`);
          }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
