import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from '../support/local-server';
import { GraphLibrary, MAX_LIBRARY_FILE_BYTES } from '../../src/directory/graph-library';
import { FileDeliveryError } from '../../src/app/files';
import type { Files, OutgoingFile } from '../../src/app/ports';
import { FakeCredential, GRAPH_TOKEN } from '../support/teams-graph';

const DRIVE = 'b!Xk2mQ9r1T8wLp4Rz8Tw1Ys6Bd3Fg5Hj0KmNaEo2Iu4Uq7Vn2Xc9Lp4Rz8Tw1Ys6Bd';
const SITE = 'https://calico.sharepoint.com/sites/ub/Shared%20Documents';
const TO = { id: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' };
const NOW = new Date('2026-11-26T10:00:00Z');

interface Upload {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

/**
 * A local stand-in for Graph's small-file upload to a document library, as Graph documents it:
 * `PUT /drives/{drive-id}/root:/{path}:/content` → 201 with the new driveItem (200 when it replaced one); with
 * `@microsoft.graph.conflictBehavior=rename`, a name already taken gets " 1", " 2" … before its extension.
 */
class FakeDrive extends LocalServer {
  readonly uploads: Upload[] = [];
  readonly files = new Map<string, Buffer>();
  /** The next uploads get these statuses (Graph's error body), in order. */
  readonly failures: number[] = [];
  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const upload: Upload = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks),
    };
    this.uploads.push(upload);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const failure = this.failures.shift();
    if (failure) return answer(failure, { error: { code: `Scripted${failure}`, message: 'scripted (fake Graph)' } });
    if (upload.authorization !== `Bearer ${GRAPH_TOKEN}`) return answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'no token' } });
    const match = /^\/v1\.0\/drives\/([^/]+)\/root:\/(.+):\/content$/.exec(upload.path);
    if (upload.method !== 'PUT' || !match || match[1] !== DRIVE) return answer(404, { error: { code: 'itemNotFound', message: 'not found' } });
    let path = match[2]!;
    const replaced = this.files.has(path);
    if (replaced && upload.query['@microsoft.graph.conflictBehavior'] === 'rename') {
      const dot = path.lastIndexOf('.');
      for (let n = 1; this.files.has(path); n++) path = `${match[2]!.slice(0, dot)} ${n}${match[2]!.slice(dot)}`;
    } else if (replaced && upload.query['@microsoft.graph.conflictBehavior'] === 'fail') {
      return answer(409, { error: { code: 'nameAlreadyExists', message: 'exists' } });
    }
    this.files.set(path, upload.body);
    const renamed = path !== match[2];
    answer(replaced && !renamed ? 200 : 201, { id: `item-${this.files.size}`, name: path.split('/').pop(), webUrl: `${SITE}/${encodeURI(path)}` });
  }
}

function letter(overrides: Partial<OutgoingFile> = {}): OutgoingFile {
  // A view into a larger buffer: only its own bytes may be sent.
  const whole = Buffer.from('XXXXPK\u0003\u0004 a letter draft YYYY', 'latin1');
  return {
    name: 'warning-T004512.docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    bytes: new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 8),
    description: 'Warning letter draft',
    folder: 'letters/T004512',
    ...overrides,
  };
}

describe('GraphLibrary: files saved to the SharePoint document library (docs/rules.md#R-files-one-path)', () => {
  const drive = new FakeDrive();
  let library: Files;

  before(async () => {
    await drive.start();
    library = GraphLibrary.create({ credential: new FakeCredential(), driveId: DRIVE, baseUrl: drive.baseUrl, timeoutMs: 2000 });
  });
  after(() => drive.stop());
  beforeEach(() => {
    drive.uploads.length = 0;
    drive.files.clear();
    drive.failures.length = 0;
  });

  it('PUTs exactly the file to its folder, never overwriting, and answers the link Graph gives', async () => {
    const file = letter();
    const delivery = await library.deliver(TO, file, NOW);
    expect(delivery).to.deep.equal({ where: 'library', url: `${SITE}/letters/T004512/warning-T004512.docx` });
    const [upload] = drive.uploads;
    expect(upload!.method).to.equal('PUT');
    expect(upload!.path).to.equal(`/v1.0/drives/${DRIVE}/root:/letters/T004512/warning-T004512.docx:/content`);
    expect(upload!.query).to.deep.equal({ '@microsoft.graph.conflictBehavior': 'rename' });
    expect(upload!.contentType).to.equal(file.contentType);
    expect(upload!.authorization).to.equal(`Bearer ${GRAPH_TOKEN}`);
    expect(upload!.body.equals(Buffer.from(file.bytes)), 'the bytes of the view, not its whole buffer').to.equal(true);
  });

  it('a name already taken gets a new one: the first letter stays as it was', async () => {
    await library.deliver(TO, letter(), NOW);
    const second = await library.deliver(TO, letter({ bytes: new Uint8Array([1, 2, 3]) }), NOW);
    expect(second).to.deep.equal({ where: 'library', url: `${SITE}/letters/T004512/warning-T004512%201.docx` });
    expect(drive.files.get('letters/T004512/warning-T004512.docx')!.equals(Buffer.from(letter().bytes))).to.equal(true);
    expect([...drive.files.get('letters/T004512/warning-T004512 1.docx')!]).to.deep.equal([1, 2, 3]);
  });

  it('a file with no folder goes to the library root', async () => {
    const delivery = await library.deliver(TO, letter({ name: 'register-2026-11-30.csv', contentType: 'text/csv', folder: '' }), NOW);
    expect(delivery).to.deep.equal({ where: 'library', url: `${SITE}/register-2026-11-30.csv` });
  });

  it('403: a FileDeliveryError naming the permission an admin must grant', async () => {
    drive.failures.push(403);
    const error = await library.deliver(TO, letter(), NOW).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FileDeliveryError);
    expect((error as Error).message).to.match(/admin must grant.*write access.*Sites\.Selected.*"write".*Nothing was saved/);
  });

  it('404 (the drive is gone) and 5xx: a FileDeliveryError saying what to do; nothing saved', async () => {
    drive.failures.push(404, 503);
    for (const expected of [/not found: ask an admin to check FILES_DRIVE_ID/, /HTTP 503\)\. Nothing was saved: try again/]) {
      const error = await library.deliver(TO, letter(), NOW).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(FileDeliveryError);
      expect((error as Error).message).to.match(expected);
    }
    expect(drive.files.size).to.equal(0);
  });

  it('refuses a file over 4 MB without calling Graph', async () => {
    const error = await library.deliver(TO, letter({ bytes: new Uint8Array(MAX_LIBRARY_FILE_BYTES + 1) }), NOW).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FileDeliveryError);
    expect((error as Error).message).to.equal('The file is 4.0 MB, more than the 4.0 MB the document library takes from the bot');
    expect(drive.uploads).to.have.length(0);
  });

  it('refuses a name or folder that could leave its folder, without calling Graph', async () => {
    for (const bad of [{ name: '../x.docx' }, { name: 'a/b.docx' }, { folder: 'letters/../../other' }, { folder: '/abs' }, { name: '' }])
      await library.deliver(TO, letter(bad), NOW).then(
        () => expect.fail(`accepted ${JSON.stringify(bad)}`),
        (e: unknown) => expect((e as Error).message, JSON.stringify(bad)).to.match(/letters, digits, '.', '-' and '_'/),
      );
    expect(drive.uploads).to.have.length(0);
  });

  it('refuses a drive id that is not one', () => {
    expect(() => GraphLibrary.create({ credential: new FakeCredential(), driveId: SITE, timeoutMs: 1000 })).to.throw(/drive id/);
  });
});
