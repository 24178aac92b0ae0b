import restify, { type Request, type Response } from 'restify';
import type { Logger } from 'pino';

export type Handler = (req: Request, res: Response) => Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  messages: Handler;
  ready: () => Promise<boolean>;
  log: Logger;
}

export interface HttpServer {
  url: string;
  port: number;
  /** Stops accepting connections and waits for requests in flight (graceful shutdown). */
  close(): Promise<void>;
}

/** A Teams activity is at most a few tens of KB; anything far larger is refused before parsing. */
const MAX_BODY_BYTES = 256 * 1024;

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
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    try {
      await o.messages(req, res);
    } catch (error) {
      o.log.error({ err: error }, 'message handling failed');
      if (!res.headersSent) res.send(500, { code: 'InternalError', message: 'The bot could not process this activity' });
    }
  });
  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    const ok = await o.ready();
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
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
