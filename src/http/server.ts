import restify, { type Next, type Request, type Response } from 'restify';
import type { Logger } from 'pino';
import { BodyError, readJsonBody } from './body';

/** Handles one parsed request body; the server has already bounded and decoded it. */
export type Handler = (body: unknown, req: Request, res: Response) => Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  messages: Handler;
  ready: () => Promise<boolean>;
  log: Logger;
  maxBodyBytes: number;
  /** `POST /api/jobs/:name` (src/http/jobs.ts); absent when no JOBS_SECRET is set, and then the route does not exist. */
  jobs?: (req: Request, res: Response) => Promise<void>;
}

export interface HttpServer {
  url: string;
  port: number;
  /** Stops accepting connections and waits for requests in flight (graceful shutdown). */
  close(): Promise<void>;
}

/** /readyz answers from a recent probe: on a public port, a flood of probes must not become a flood of Cosmos requests. */
const READY_CACHE_MS = 5000;

export async function startHttpServer(o: HttpServerOptions): Promise<HttpServer> {
  const server = restify.createServer({ name: 'ub-bot' });
  let inFlight = 0;
  let drained: (() => void) | null = null;
  server.pre((req, res, next) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    });
    next();
  });
  // No restify body parser: its gzip handling could end the process and its limit counted compressed bytes.
  server.post('/api/messages', async (req: Request, res: Response) => {
    try {
      await o.messages(await readJsonBody(req, o.maxBodyBytes), req, res);
    } catch (error) {
      if (error instanceof BodyError) {
        // Nothing more of a refused body is wanted: close the connection rather than read the rest.
        res.header('connection', 'close');
        res.send(error.status, { code: error.code, message: error.message });
        return;
      }
      o.log.error({ err: error }, 'message handling failed');
      if (!res.headersSent) res.send(500, { code: 'InternalError', message: 'The bot could not process this activity' });
    }
  });
  if (o.jobs) server.post('/api/jobs/:name', o.jobs);
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  let probe: { at: number; ok: Promise<boolean> } | null = null;
  server.get('/readyz', async (_req: Request, res: Response) => {
    if (!probe || Date.now() - probe.at > READY_CACHE_MS) probe = { at: Date.now(), ok: o.ready() };
    const ok = await probe.ok;
    res.send(ok ? 200 : 503, { status: ok ? 'ready' : 'cosmos unreachable' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  // One shutdown however many times close() is called (e.g. SIGTERM then SIGINT): every caller gets the same promise.
  let closing: Promise<void> | null = null;
  const shutdown = async () => {
    // restify types close() as returning any: a block body returns nothing.
    const closed = new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    server.server.closeIdleConnections();
    await closed;
  };
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () => (closing ??= shutdown()),
  };
}
