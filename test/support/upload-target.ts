import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';
import { expect } from 'chai';
import { FILE_CONSENT_CARD } from '../../src/teams/file-consent';
import { waitFor, proactiveTo } from './proactive';
import { waitUntil } from './wait';
import type { Harness, PersonKey } from './harness';

/** A local stand-in for the upload URL Teams gives on "Allow" (an upload session in the person's OneDrive). */
export class UploadTarget extends LocalServer {
  readonly puts: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
  /** The next uploads get these statuses. */
  readonly failures: number[] = [];
  /** While set, uploads are held until it resolves. */
  gate: Promise<void> | null = null;

  /** Where uploads go, without the trailing slash. */
  get url(): string {
    return this.baseUrl.slice(0, -1);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.puts.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    await this.gate;
    const status = this.failures.shift() ?? 201;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 201 ? { id: 'item-1', name: 'file' } : { error: { code: 'generalException' } }));
  }
}

/**
 * Waits for the file offer the bot sent this person, accepts it as Teams does on "Allow" (uploading to `target`), and
 * returns the file's name as offered and the bytes that arrived.
 */
export async function acceptOfferedFile(
  h: Harness,
  who: PersonKey,
  target: UploadTarget,
  fileType: string,
): Promise<{ name: string; bytes: Buffer }> {
  const [offer] = await waitFor(h, 'the file offer', (r) => proactiveTo(who)(r) && JSON.stringify(r.body).includes(FILE_CONSENT_CARD));
  const card = (offer!.body.attachments as { contentType: string; name: string; content: { acceptContext: unknown } }[])[0]!;
  expect(card.contentType).to.equal(FILE_CONSENT_CARD);
  const before = target.puts.length;
  const url = `${target.url}/upload`;
  const accepted = await h.post(
    h.activity('invoke', who, {
      name: 'fileConsent/invoke',
      value: {
        type: 'fileUpload',
        action: 'accept',
        context: card.content.acceptContext,
        uploadInfo: { name: card.name, uploadUrl: url, contentUrl: url, uniqueId: 'u1', fileType },
      },
    }),
  );
  expect(accepted.status).to.equal(200);
  await waitUntil('the upload', () => target.puts.length > before, 10_000, 20);
  return { name: card.name, bytes: target.puts[before]!.body };
}
