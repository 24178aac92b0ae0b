import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import type { Request, Response } from 'restify';
import type { Logger } from 'pino';
import { withinDeadline } from '../deadline';

/** What runs a job on request (the scheduler: src/jobs/scheduler.ts). */
export interface JobRunner {
  readonly names: readonly string[];
  runNow(
    name: string,
  ): Promise<{ outcome: 'unknown' } | { outcome: 'held' } | { outcome: 'started'; slot: Date; done: Promise<Record<string, number>> }>;
}

export interface JobsEndpointOptions {
  /** JOBS_SECRET: the bearer token an external scheduler sends. */
  secret: string;
  runner: JobRunner;
  /** JOBS_WAIT_MS: how long a request waits for its run before answering 202 (the run carries on). */
  waitMs: number;
  log: Logger;
}

const CHALLENGE = 'Bearer realm="jobs"';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The token of `Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1); null for anything else. */
function bearerToken(header: string | undefined): string | null {
  const m = /^bearer +(\S+) *$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/** Every Authorization header as sent: Node keeps only the first of several, which would hide a second one. */
function authorizationHeaders(req: IncomingMessage): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    if (req.rawHeaders[i]!.toLowerCase() === 'authorization') values.push(req.rawHeaders[i + 1]!);
  return values;
}

/**
 * `POST /api/jobs/:name` (docs/architecture.md#jobs): runs a job now, for an external scheduler. The token is checked
 * before anything else about the request is looked at, in constant time (SHA-256 digests of equal length compared
 * with timingSafeEqual, whatever the token's length). The run takes the job's lease like a scheduled one, so it never
 * runs beside one (409). The answer waits at most `waitMs`: 200 with the report, or 202 while the run carries on.
 */
export function jobsEndpoint(o: JobsEndpointOptions): (req: Request, res: Response) => Promise<void> {
  const expected = digest(o.secret);
  const refuse = (res: Response, status: number, code: string, message: string) => {
    // Nothing of the request is wanted: close the connection rather than read whatever body follows.
    res.header('connection', 'close');
    res.send(status, { code, message });
  };
  return async (req, res) => {
    const headers = authorizationHeaders(req);
    const token = headers.length === 1 ? bearerToken(headers[0]) : null;
    // Digest first, compare always: the time taken says nothing about how much of a wrong token was right.
    const match = timingSafeEqual(digest(token ?? ''), expected) && token !== null;
    if (headers.length > 1) return refuse(res, 400, 'BadRequest', 'Send one Authorization header');
    if (!match) {
      const error = token !== null ? ', error="invalid_token"' : headers.length > 0 ? ', error="invalid_request"' : '';
      res.header('www-authenticate', CHALLENGE + error);
      return refuse(
        res,
        401,
        'Unauthorized',
        token !== null ? 'The bearer token is not the jobs secret' : 'Send Authorization: Bearer <JOBS_SECRET>',
      );
    }
    try {
      await getRawBody(req, { limit: 0, length: req.headers['content-length'] });
    } catch {
      return refuse(res, 413, 'BodyNotAccepted', 'POST /api/jobs/:name takes no body');
    }
    const param: unknown = (req.params as Record<string, unknown> | undefined)?.name;
    const name = typeof param === 'string' ? param : '';
    let started: Awaited<ReturnType<JobRunner['runNow']>>;
    try {
      started = await o.runner.runNow(name);
    } catch (error) {
      o.log.error({ err: error }, 'job lease could not be read or taken for POST /api/jobs');
      res.header('retry-after', '30');
      return void res.send(503, { code: 'Unavailable', message: 'The job could not be started (storage unavailable): try again later' });
    }
    if (started.outcome === 'unknown') return void res.send(404, { code: 'UnknownJob', message: `No such job. Jobs: ${o.runner.names.join(', ')}` });
    if (started.outcome === 'held')
      return void res.send(409, { code: 'JobRunning', message: `${name} is running now: ask again when it has finished` });
    const slot = started.slot.toISOString();
    o.log.info({ job: name, slot }, 'job asked for through POST /api/jobs');
    try {
      const done = await withinDeadline(started.done, o.waitMs);
      if (done === 'late') return void res.send(202, { job: name, slot, status: 'running', message: `${name} is still running; it carries on` });
      res.send(200, { job: name, slot, report: done.value });
    } catch {
      // The run logged its own failure (without its message, which may quote what a person typed).
      res.send(500, { code: 'JobFailed', message: `${name} failed: see the bot's log` });
    }
  };
}
