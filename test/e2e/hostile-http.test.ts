import { expect } from 'chai';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { expectNothingStoredAndStillAnswering, startHarness, type Harness } from '../support/harness';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One POST /api/messages over node:http, with full control of the headers and the bytes sent: `body` is sent as is
 * (Content-Length set unless `headers` says otherwise), `chunks` are sent with chunked transfer encoding.
 */
function send(url: string, o: { headers?: OutgoingHttpHeaders; body?: Buffer | string; chunks?: Buffer[] }): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...o.headers };
    if (o.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length'))
      headers['content-length'] = Buffer.byteLength(o.body);
    const req = request(`${url}/api/messages`, { method: 'POST', headers });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may close the connection right after a refusal it gave before reading the body: once the answer
    // has arrived, a write error on the rest of the body is expected and not the test's concern.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (o.chunks) {
      const next = (i: number): void => {
        if (answered || req.destroyed) return;
        if (i === o.chunks!.length) return void req.end();
        req.write(o.chunks![i]!, () => next(i + 1));
      };
      next(0);
    } else req.end(o.body);
  });
}

const json = (a: Answer) => JSON.parse(a.text) as { code?: string; message?: string };

/** The problems a 400 names, one per field ("from Invalid input…", "text Invalid input…"). */
function problems(a: Answer): string[] {
  const message = json(a).message ?? '';
  expect(message).to.match(/^Not a Bot Framework activity: /);
  return message.replace(/^Not a Bot Framework activity: /, '').split('; ');
}

/**
 * Raw bytes over a socket, then the client half-closes: for requests node:http will not send (a Content-Length that
 * lies, two of them). The status line of the answer, or null when the server closed the connection without one.
 */
function rawHttp(url: string, head: string, body: string): Promise<{ status: number | null; raw: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.end(`POST /api/messages HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${head}\r\n${body}`),
    );
    let raw = '';
    socket.on('data', (c: Buffer) => (raw += c.toString('latin1')));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(raw);
      resolve({ status: status ? Number(status[1]) : null, raw });
    });
  });
}

/** Hostile HTTP: refused with a specific 4xx before any work, nothing stored, and the server keeps answering. */
describe('hostile HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  expectNothingStoredAndStillAnswering(() => h);

  const activityJson = (extra: object = {}) => JSON.stringify(h.activity('message', 'alex', { text: 'help', ...extra }));
  const JSON_TYPE = { 'content-type': 'application/json' };

  describe('Content-Encoding: only identity, refused before the body is read', () => {
    const refused = async (encoding: string, body: Buffer | string) => {
      const res = await send(h.bot.url, { headers: { ...JSON_TYPE, 'content-encoding': encoding }, body });
      expect(res.status, encoding).to.equal(415);
      expect(json(res).code, encoding).to.equal('UnsupportedEncoding');
      expect(h.connector.received, 'no reply sent').to.have.length(0);
    };

    it('gzip with a body that is not gzip → 415 (this ended the process)', async () => {
      await refused('gzip', '{"type":"message"}');
    });

    it('deflate, br, x-gzip, "gzip, identity", an unknown encoding, GZIP in capitals → 415', async () => {
      const body = activityJson();
      for (const encoding of ['deflate', 'br', 'x-gzip', 'gzip, identity', 'identity, gzip', 'compress', 'x-unknown-encoding', 'GZIP', ' Gzip '])
        await refused(encoding, body);
    });

    it('a truncated gzip of an activity → 415', async () => {
      const gz = gzipSync(Buffer.from(activityJson()));
      await refused('gzip', gz.subarray(0, Math.floor(gz.length / 2)));
    });

    it('a gzip of random bytes → 415', async () => {
      await refused('gzip', gzipSync(randomBytes(64 * 1024)));
    });

    it('a gzip bomb (50 MB of zeros, tens of KB on the wire) → 415, and memory does not jump', async () => {
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
      expect(bomb.length, 'small on the wire').to.be.below(256 * 1024);
      const rss0 = process.memoryUsage().rss;
      await refused('gzip', bomb);
      await refused('deflate', bomb);
      // The bot runs in this process: a generous margin, far below the 50 MB per inflated body (× 2).
      expect(process.memoryUsage().rss - rss0, 'RSS growth (bytes)').to.be.below(100 * 1024 * 1024);
    });

    it('identity, explicit or empty, is accepted', async () => {
      for (const encoding of ['identity', 'Identity', '']) {
        const res = await send(h.bot.url, { headers: { ...JSON_TYPE, 'content-encoding': encoding }, body: activityJson() });
        expect(res.status, JSON.stringify(encoding)).to.equal(200);
      }
      h.connector.clear();
    });
  });

  describe('Content-Type: application/json only', () => {
    const refused = async (headers: OutgoingHttpHeaders, body: string) => {
      const res = await send(h.bot.url, { headers, body });
      expect(res.status, JSON.stringify(headers)).to.equal(415);
      expect(json(res).code).to.equal('UnsupportedMediaType');
      expect(h.connector.received, 'no reply sent').to.have.length(0);
    };

    it('a form-encoded body → 415 (was a TypeError and a 500)', async () => {
      await refused({ 'content-type': 'application/x-www-form-urlencoded' }, 'type=message&text=help');
    });

    it('text/plain, multipart, and JSON-looking types that are not application/json → 415', async () => {
      for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-patch+json', 'text/json'])
        await refused({ 'content-type': type }, activityJson());
    });

    it('no Content-Type → 415', async () => {
      await refused({}, activityJson());
    });

    it('application/json with parameters, in any case → accepted', async () => {
      for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8']) {
        const res = await send(h.bot.url, { headers: { 'content-type': type }, body: activityJson() });
        expect(res.status, type).to.equal(200);
      }
      h.connector.clear();
    });
  });

  describe('body length', () => {
    it('a chunked body (no Content-Length) over 256 KB → 413', async () => {
      const body = Buffer.from(activityJson({ text: 'x'.repeat(300 * 1024) }));
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += 16 * 1024) chunks.push(body.subarray(i, i + 16 * 1024));
      const res = await send(h.bot.url, { headers: JSON_TYPE, chunks });
      expect(res.status).to.equal(413);
      expect(json(res).code).to.equal('TooLarge');
    });

    it('a chunked body under the limit is read', async () => {
      const body = Buffer.from(activityJson());
      const res = await send(h.bot.url, { headers: JSON_TYPE, chunks: [body.subarray(0, 10), body.subarray(10)] });
      expect(res.status).to.equal(200);
      h.connector.clear();
    });

    it('a Content-Length over the limit → 413 before the body is read', async () => {
      const res = await send(h.bot.url, { headers: { ...JSON_TYPE, 'content-length': 10 * 1024 * 1024 }, body: '{}' });
      expect(res.status).to.equal(413);
    });

    it('a Content-Length that claims more than is sent, then the client ends → 400 or the connection closes', async () => {
      const sent = '{"type":"message","text":"help"}';
      const res = await rawHttp(h.bot.url, 'Content-Type: application/json\r\nContent-Length: 5000\r\n', sent);
      if (res.status !== null) expect(res.status, res.raw).to.equal(400);
    });

    it('an empty body → 400', async () => {
      const res = await send(h.bot.url, { headers: JSON_TYPE, body: '' });
      expect(res.status).to.equal(400);
      expect(json(res).code).to.equal('BadJson');
    });
  });

  describe('malformed activities → 400 naming the field', () => {
    const refused = async (field: string, activity: Record<string, unknown>) => {
      const res = await send(h.bot.url, { headers: JSON_TYPE, body: JSON.stringify(activity) });
      expect(res.status, field).to.equal(400);
      expect(json(res).code).to.equal('BadRequest');
      const named = problems(res);
      expect(
        named.some((p) => p.startsWith(`${field} `)),
        `${field} named in ${JSON.stringify(named)}`,
      ).to.equal(true);
      expect(h.connector.received, 'no reply sent').to.have.length(0);
    };
    const without = (key: string) => {
      const a = h.activity('message', 'alex', { text: 'help' });
      delete a[key];
      return a;
    };
    const withField = (extra: object) => h.activity('message', 'alex', { text: 'help', ...extra });

    it('no from', () => refused('from', without('from')));
    it('a missing part is named as missing, in words', async () => {
      const res = await send(h.bot.url, { headers: JSON_TYPE, body: JSON.stringify({ type: 'message' }) });
      expect(problems(res)).to.include.members([
        'from is required: an object with an id',
        'conversation is required: an object with an id',
        'serviceUrl is required: an http(s) URL',
      ]);
    });
    it('from is a string', () => refused('from', withField({ from: 'x' })));
    it('from without an id', () => refused('from.id', withField({ from: { name: 'Nobody' } })));
    it('text is a number', () => refused('text', withField({ text: 42 })));
    it('no conversation', () => refused('conversation', without('conversation')));
    it('serviceUrl is not an http(s) URL', async () => {
      for (const serviceUrl of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url', 42]) await refused('serviceUrl', withField({ serviceUrl }));
    });
    it('membersAdded is not an array', () =>
      refused('membersAdded', h.activity('conversationUpdate', 'alex', { membersAdded: { id: '28:bot-id' } })));
    it('type is a number', () => refused('type', withField({ type: 42 })));
    it('channelData is not an object', () => refused('channelData', withField({ channelData: 'tenant' })));
    it('several problems at once are all named', async () => {
      const res = await send(h.bot.url, { headers: JSON_TYPE, body: JSON.stringify(withField({ text: 42, from: null, type: [] })) });
      expect(res.status).to.equal(400);
      const named = problems(res).map((p) => p.split(' ')[0]);
      expect(named).to.include.members(['type', 'from', 'text']);
    });
  });

  describe('odd headers', () => {
    it('a huge Authorization header within the header limit → no 5xx (ignored locally)', async () => {
      const res = await send(h.bot.url, { headers: { ...JSON_TYPE, authorization: `Bearer ${'a'.repeat(12_000)}` }, body: activityJson() });
      expect(res.status).to.equal(200);
      h.connector.clear();
    });

    it('headers over the limit → 431 from Node, no 5xx', async () => {
      const res = await send(h.bot.url, { headers: { ...JSON_TYPE, authorization: `Bearer ${'a'.repeat(20_000)}` }, body: activityJson() });
      expect(res.status).to.equal(431);
    });

    it('Accept: text/html → the activity is handled and answered in JSON, refusals too, no 5xx', async () => {
      const message = await send(h.bot.url, { headers: { ...JSON_TYPE, accept: 'text/html' }, body: activityJson() });
      expect(message.status).to.equal(200);
      const invoke = JSON.stringify(
        h.activity('invoke', 'alex', {
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'incident.form', data: { category: 'aggressive' } } },
        }),
      );
      const res = await send(h.bot.url, { headers: { ...JSON_TYPE, accept: 'text/html' }, body: invoke });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect((JSON.parse(res.text) as { value: { type: string } }).value.type).to.equal('AdaptiveCard');
      const refusal = await send(h.bot.url, { headers: { 'content-type': 'text/plain', accept: 'text/html' }, body: 'x' });
      expect(refusal.status).to.equal(415);
      h.connector.clear();
    });

    it('duplicate Content-Type headers → no 5xx', async () => {
      for (const types of [
        ['application/json', 'text/plain'],
        ['text/plain', 'application/json'],
        ['application/json', 'application/json'],
      ]) {
        const res = await send(h.bot.url, { headers: { 'content-type': types }, body: activityJson() });
        expect(res.status, types.join(' + ')).to.be.oneOf([200, 415]);
      }
      h.connector.clear();
    });

    it('two different Content-Lengths → 400 from Node, no 5xx', async () => {
      const res = await rawHttp(h.bot.url, 'Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 20\r\n', '{}');
      expect(res.status, res.raw).to.equal(400);
    });
  });
});
