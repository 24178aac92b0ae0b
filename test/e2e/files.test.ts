import { expect } from 'chai';
import { FileDeliveryError } from '../../src/app/files';
import type { FileDelivery, OutgoingFile } from '../../src/app/ports';
import { OfferStore, type FileOffer } from '../../src/store/offers';
import { ChatFiles, FILE_CONSENT_CARD, FILE_INFO_CARD, MAX_CHAT_FILE_BYTES } from '../../src/teams/file-consent';
import { createLogger } from '../../src/log';
import { clockFrom, PEOPLE, startHarness, type Harness, type PersonKey, type Posted } from '../support/harness';
import { proactiveTo } from '../support/proactive';
import { waitUntil } from '../support/wait';
import { UploadTarget } from '../support/upload-target';

const DESCRIPTION = 'Register of active markers, 30 November 2026';
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const register = (overrides: Partial<OutgoingFile> = {}): OutgoingFile => ({
  name: 'register-2026-11-30.csv',
  contentType: 'text/csv',
  bytes: bytesOf('reference,kind\nT004512,visits-in-pairs\n'),
  description: DESCRIPTION,
  folder: 'register',
  ...overrides,
});
const to = (who: PersonKey) => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name });
type Attachment = { contentType: string; name?: string; contentUrl?: string; content: Record<string, unknown> };
const attachmentsOf = (body: Record<string, unknown>) => (body.attachments ?? []) as Attachment[];
const textOf = (posted: Posted) => posted.replies.map((r) => String(r.body.text ?? '')).join('\n');

describe('files offered in the personal chat (docs/rules.md#R-files-one-path)', () => {
  let h: Harness;
  const upload = new UploadTarget();

  before(async () => {
    await upload.start();
    h = await startHarness({}, { now: clockFrom() });
    for (const who of ['megan', 'alex'] as const) await h.message('help', who);
  });
  after(async () => {
    await h.stop();
    await upload.stop();
  });
  beforeEach(() => {
    h.connector.clear();
    upload.puts.length = 0;
    upload.failures.length = 0;
    upload.gate = null;
  });

  const offer = async (who: PersonKey = 'megan', file = register(), now = h.bot.app.now()): Promise<string> => {
    const delivery: FileDelivery = await h.bot.app.files.deliver(to(who), file, now);
    if (delivery.where !== 'chat') throw new Error(`expected a chat offer, got ${JSON.stringify(delivery)}`);
    return delivery.offerId;
  };
  const stored = async (id: string) => (await h.bot.cosmos.containers.offers.item(id, id).read<FileOffer>()).resource ?? null;
  const uploadInfo = (url = `${upload.url}/upload/session-1`, contentUrl = `${upload.url}/personal/megan/Chat%20Files/register.csv`) => ({
    name: 'register-2026-11-30.csv',
    uploadUrl: url,
    contentUrl,
    uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C9D',
    fileType: 'csv',
  });
  const answer = (who: PersonKey, action: 'accept' | 'decline', offerId: string, info = uploadInfo()) =>
    h.post(
      h.activity('invoke', who, {
        name: 'fileConsent/invoke',
        value: { type: 'fileUpload', action, context: { offerId }, ...(action === 'accept' ? { uploadInfo: info } : {}) },
      }),
    );

  it('offers the file with a Teams file consent card in the person’s own chat, and stores the offer', async () => {
    const offerId = await offer();
    const cards = h.connector.received.filter(proactiveTo('megan'));
    expect(cards).to.have.length(1);
    expect(attachmentsOf(cards[0]!.body)).to.deep.equal([
      {
        contentType: FILE_CONSENT_CARD,
        name: 'register-2026-11-30.csv',
        content: { description: DESCRIPTION, sizeInBytes: register().bytes.byteLength, acceptContext: { offerId }, declineContext: { offerId } },
      },
    ]);
    const doc = await stored(offerId);
    expect(doc).to.include({ forId: PEOPLE.megan.aadObjectId, name: 'register-2026-11-30.csv', uploadingUntil: null });
    expect(Buffer.from(doc!.bytes, 'base64').equals(Buffer.from(register().bytes))).to.equal(true);
    expect(Date.parse(doc!.expiresAt) - h.bot.app.now().getTime()).to.be.within(23.9 * 3_600_000, 24 * 3_600_000);
  });

  it('accept: PUTs exactly the bytes with Content-Length and Content-Range, shows the file, deletes the offer; a second accept uploads nothing', async () => {
    const file = register({ bytes: bytesOf('é,𝒜\n'.repeat(100)) });
    const offerId = await offer('megan', file);
    const accepted = await answer('megan', 'accept', offerId);
    expect(accepted.status).to.equal(200);
    expect(upload.puts).to.have.length(1);
    const n = file.bytes.byteLength;
    expect(upload.puts[0]!.path).to.equal('/upload/session-1');
    expect(upload.puts[0]!.headers).to.include({ 'content-length': String(n), 'content-range': `bytes 0-${n - 1}/${n}` });
    expect(upload.puts[0]!.body.equals(Buffer.from(file.bytes))).to.equal(true);
    expect(accepted.replies).to.have.length(1);
    expect(attachmentsOf(accepted.replies[0]!.body)).to.deep.equal([
      {
        contentType: FILE_INFO_CARD,
        contentUrl: uploadInfo().contentUrl,
        name: 'register-2026-11-30.csv',
        content: { uniqueId: uploadInfo().uniqueId, fileType: 'csv' },
      },
    ]);
    expect(await stored(offerId)).to.equal(null);

    const again = await answer('megan', 'accept', offerId);
    expect(again.status).to.equal(200);
    expect(textOf(again)).to.match(/no longer open: it was sent, declined or has expired/);
    expect(upload.puts).to.have.length(1);
  });

  it('two presses of "Allow" at once upload once', async () => {
    const offerId = await offer();
    let release!: () => void;
    upload.gate = new Promise((resolve) => (release = resolve));
    const first = answer('megan', 'accept', offerId);
    await waitUntil('the first upload arrived', () => upload.puts.length === 1);
    const second = await answer('megan', 'accept', offerId);
    expect(textOf(second)).to.match(/being sent to you now/);
    release();
    expect(attachmentsOf((await first).replies[0]!.body)[0]!.contentType).to.equal(FILE_INFO_CARD);
    expect(upload.puts).to.have.length(1);
  });

  it('decline: the offer is deleted and the person told; accepting it later sends nothing', async () => {
    const offerId = await offer();
    const declined = await answer('megan', 'decline', offerId);
    expect(declined.status).to.equal(200);
    expect(textOf(declined)).to.equal('You declined the file, so it was not sent. Ask for it again if you need it.');
    expect(await stored(offerId)).to.equal(null);
    expect(textOf(await answer('megan', 'accept', offerId))).to.match(/no longer open/);
    expect(upload.puts).to.have.length(0);
  });

  it('someone else cannot accept or decline it: refused, nothing sent, the offer kept', async () => {
    const offerId = await offer('megan');
    for (const action of ['accept', 'decline'] as const) {
      const res = await answer('alex', action, offerId);
      expect(res.status).to.equal(200);
      expect(textOf(res)).to.equal('This file was offered to someone else: only they can accept or decline it.');
    }
    expect(upload.puts).to.have.length(0);
    expect(await stored(offerId)).to.include({ uploadingUntil: null });
  });

  it('an expired offer is refused: nothing sent', async () => {
    const offerId = await offer('megan', register(), new Date(h.bot.app.now().getTime() - 25 * 3_600_000));
    expect(textOf(await answer('megan', 'accept', offerId))).to.match(/has expired \(offers last 24 hours\)/);
    expect(upload.puts).to.have.length(0);
  });

  it('an upload address that is not SharePoint/OneDrive is refused: nothing sent, the offer kept', async () => {
    const offerId = await offer();
    for (const url of [
      'https://evil.example.org/upload',
      'https://calico.sharepoint.com.evil.example.org/upload',
      'https://user:pw@calico-my.sharepoint.com/upload',
      'https://calico-my.sharepoint.com:8443/upload',
      'http://calico-my.sharepoint.com/upload',
      'http://169.254.169.254/metadata/identity/oauth2/token',
    ]) {
      const res = await answer('megan', 'accept', offerId, uploadInfo(url));
      expect(textOf(res), url).to.equal('Teams gave an upload address that is not your OneDrive, so the file was not sent. Nothing changed.');
    }
    // The content URL shown to the person is held to the same rule.
    expect(textOf(await answer('megan', 'accept', offerId, uploadInfo(undefined, 'https://evil.example.org/x')))).to.match(/not your OneDrive/);
    expect(upload.puts).to.have.length(0);
    expect(await stored(offerId)).to.include({ uploadingUntil: null });
  });

  it('an upload that fails is said so and keeps the offer: "Allow" again sends it', async () => {
    const offerId = await offer();
    upload.failures.push(500);
    const failed = await answer('megan', 'accept', offerId);
    expect(failed.status).to.equal(200);
    expect(textOf(failed)).to.match(/Sending the file to your OneDrive failed, and nothing was sent\. Press "Allow" on the card again/);
    expect(await stored(offerId)).to.include({ uploadingUntil: null });
    const retried = await answer('megan', 'accept', offerId);
    expect(attachmentsOf(retried.replies[0]!.body)[0]!.contentType).to.equal(FILE_INFO_CARD);
    expect(upload.puts).to.have.length(2);
    expect(await stored(offerId)).to.equal(null);
  });

  it('a file over 1 MB is refused with words to ask an admin for the library: no card, no offer', async () => {
    const error = await offer('megan', register({ bytes: new Uint8Array(MAX_CHAT_FILE_BYTES + 1) })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FileDeliveryError);
    expect((error as Error).message).to.equal(
      'The file is 1.0 MB, more than the 1.0 MB the bot can send in a chat: ask an admin to set up the document library for larger files',
    );
    expect(h.connector.received).to.have.length(0);
  });

  it('someone with no personal chat with the bot is asked to open one first', async () => {
    const error = await offer('lynne').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FileDeliveryError);
    expect((error as Error).message).to.match(/open a personal chat with the bot first/);
    expect(h.connector.received).to.have.length(0);
  });

  it('a malformed consent answer gets 400 naming what is wrong, and changes nothing', async () => {
    const offerId = await offer();
    const res = await h.post(
      h.activity('invoke', 'megan', { name: 'fileConsent/invoke', value: { type: 'fileUpload', action: 'accept', context: { offerId } } }),
    );
    expect(res.status).to.equal(400);
    expect(JSON.stringify(res.body)).to.match(/uploadInfo is required to accept/);
    expect(upload.puts).to.have.length(0);
    expect(await stored(offerId)).to.include({ uploadingUntil: null });
  });

  it('with authentication on, a loopback upload address is refused too (only tests may use one)', async () => {
    const posted: Record<string, unknown>[] = [];
    const files = new ChatFiles({
      offers: new OfferStore(h.bot.cosmos),
      conversations: h.bot.app.conversations,
      messenger: { post: (_reference, activity) => Promise.resolve(String(posted.push(activity as Record<string, unknown>))) },
      uploadTimeoutMs: 2000,
      allowLoopbackUpload: false,
      newId: () => 'offer-auth-on',
      log: createLogger('silent'),
    });
    const now = h.bot.app.now();
    expect(await files.deliver(to('megan'), register(), now)).to.deep.equal({ where: 'chat', offerId: 'offer-auth-on' });
    expect(posted).to.have.length(1);
    const actor = { id: PEOPLE.megan.aadObjectId, name: PEOPLE.megan.name, tenantId: null };
    const value = { type: 'fileUpload', action: 'accept', context: { offerId: 'offer-auth-on' }, uploadInfo: uploadInfo() } as const;
    const replies = await files.answer(actor, value, now);
    expect(replies.map((r) => r.text)).to.deep.equal([
      'Teams gave an upload address that is not your OneDrive, so the file was not sent. Nothing changed.',
    ]);
    expect(upload.puts).to.have.length(0);
  });
});
