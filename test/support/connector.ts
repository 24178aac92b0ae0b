import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** performance.now() when it arrived. */
  at: number;
}

/** A scripted answer: an HTTP status, or 'hang' (the call is accepted and never answered). */
type Scripted = { status: number | 'hang'; headers?: Record<string, string> };

/**
 * A local HTTP server standing in for the Bot Connector (the activity's serviceUrl): records every call the bot makes
 * and answers like the connector (an activity id), or with scripted failures for the next calls to a path prefix.
 */
export class FakeConnector {
  readonly received: Recorded[] = [];
  private readonly scripts: { prefix: string; responses: Scripted[] }[] = [];
  private server!: Server;
  url = '';
  private nextId = 1;
  /** Every call that arrived, answered or not, by path: how many HTTP calls the bot really made. */
  readonly calls: string[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next calls whose path starts with `prefix` get these statuses, in order; later calls succeed. */
  script(prefix: string, ...responses: Scripted[]): void {
    this.scripts.push({ prefix, responses });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const script = this.scripts.find((s) => path.startsWith(s.prefix) && s.responses.length > 0);
    this.calls.push(path);
    const scripted = script?.responses.shift();
    if (scripted?.status === 'hang') return;
    if (scripted) {
      res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      res.end(JSON.stringify({ error: { code: 'Scripted', message: `scripted ${scripted.status}` } }));
      return;
    }
    this.received.push({ method: req.method ?? '', path, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, at: performance.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `activity-${this.nextId++}` }));
  }

  clear(): void {
    this.received.length = 0;
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
