import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Moved to ./wait; re-exported so existing imports keep working. */
export { waitUntil } from './wait';

/** How an injected fault looks to the client: a Cosmos 503, or the connection cut mid-request. */
export type Fault = 503 | 'reset';

/** A request as Cosmos saw it: which container, and whether it was a query (everything else is a point operation or batch). */
export interface Seen {
  method: string;
  container: string | null;
  path: string;
  query: boolean;
}

const seenOf = (req: IncomingMessage): Seen => ({
  method: req.method ?? '',
  container: /\/colls\/([^/]+)/.exec(req.url ?? '')?.[1] ?? null,
  path: req.url ?? '',
  query: req.headers['x-ms-documentdb-isquery'] === 'true' || req.headers['content-type'] === 'application/query+json',
});

const isBatchRequest = (req: IncomingMessage) =>
  req.method === 'POST' && /^\/dbs\/[^/]+\/colls\/cases\/docs\/?$/.test(req.url ?? '') && req.headers['x-ms-cosmos-is-batch-request'] === 'true';

/**
 * A loopback proxy in front of a Cosmos server, for faults at Cosmos's HTTP layer: it can hold every transactional
 * batch on the cases container for `batchDelayMs`, stop answering altogether (a Cosmos that accepts connections but
 * never replies), fail the next requests, or let k requests through and then fail every one (a process that died
 * after its k-th request, as far as Cosmos can tell).
 */
export async function startCosmosProxy(upstream: string, batchDelayMs = 0) {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  let batchArrived: () => void = () => undefined;
  const firstBatch = new Promise<void>((resolve) => (batchArrived = resolve));
  let delayed = 0;
  let forwarded = 0;
  let seen: Seen[] = [];
  let held: (() => void)[] | null = null;
  let failNext: { count: number; fault: Fault } | null = null;
  let failAfter: { allowed: number; fault: Fault; count: number } | null = null;

  const fail = (res: import('node:http').ServerResponse, fault: Fault) => {
    if (fault === 'reset') return void res.socket?.destroy();
    res.writeHead(503, { 'content-type': 'application/json', 'x-ms-request-charge': '0' });
    res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'injected by the test proxy' }));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        forwarded++;
        seen.push(seenOf(req));
        const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
        const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      if (held) return void held.push(forward);
      if (failNext && failNext.count > 0) {
        failNext.count--;
        return fail(res, failNext.fault);
      }
      if (failAfter) {
        if (failAfter.allowed > 0) failAfter.allowed--;
        else if (failAfter.count > 0) {
          failAfter.count--;
          return fail(res, failAfter.fault);
        }
      }
      if (!isBatchRequest(req) || batchDelayMs === 0) return forward();
      delayed++;
      batchArrived();
      setTimeout(forward, batchDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstBatch,
    delayed: () => delayed,
    /** Requests passed to Cosmos so far. */
    forwarded: () => forwarded,
    /** The requests passed to Cosmos since the last call (and forgets them). */
    takeSeen: (): Seen[] => {
      const out = seen;
      seen = [];
      return out;
    },
    /** Requests held unanswered right now. */
    heldCount: () => held?.length ?? 0,
    /** From now on, requests get no answer (until release()). */
    hang: () => void (held ??= []),
    /** Answers again, the held requests first. */
    release: () => {
      const waiting = held ?? [];
      held = null;
      waiting.forEach((forward) => forward());
    },
    /** The next `count` requests fail with `fault`; later ones pass. */
    failNext: (count: number, fault: Fault = 503) => void (failNext = { count, fault }),
    /** `allowed` more requests pass, then `count` requests (default: every one until heal()) fail with `fault`. */
    failAfter: (allowed: number, fault: Fault = 503, count = Infinity) => void (failAfter = { allowed, fault, count }),
    /** No more injected failures. */
    heal: () => {
      failNext = null;
      failAfter = null;
    },
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type CosmosProxy = Awaited<ReturnType<typeof startCosmosProxy>>;
