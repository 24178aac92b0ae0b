import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Actor } from '../app/context';
import type { Conversations, FileDelivery, Files, OutgoingFile } from '../app/ports';
import { checkOutgoingFile, FileDeliveryError } from '../app/files';
import { personKey } from '../store/conversations';
import type { OfferStore } from '../store/offers';
import type { TeamsMessenger } from './messenger';
import { toActivity } from './activities';
import { isLoopbackHttp } from '../net';

export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

/** An offer is stored in one Cosmos document (at most 2 MB), base64: 1 MB of file leaves room to spare. */
export const MAX_CHAT_FILE_BYTES = 1024 * 1024;
export const OFFER_TTL_MS = 24 * 3_600_000;

const offerId = z.object({ offerId: z.string().min(1).max(64) }, { error: 'context.offerId is required' });

/** What Teams sends when a person answers a file consent card (`fileConsent/invoke`). */
export const fileConsentValue = z.discriminatedUnion(
  'action',
  [
    z.object({
      type: z.literal('fileUpload'),
      action: z.literal('accept'),
      context: offerId,
      uploadInfo: z.object(
        {
          name: z.string().max(256),
          uploadUrl: z.url().max(4096),
          contentUrl: z.url().max(4096),
          uniqueId: z.string().max(256),
          fileType: z.string().max(32),
        },
        { error: 'uploadInfo is required to accept' },
      ),
    }),
    z.object({ type: z.literal('fileUpload'), action: z.literal('decline'), context: offerId }),
  ],
  { error: 'value.action must be accept or decline' },
);
export type FileConsentValue = z.infer<typeof fileConsentValue>;

export interface ChatFilesOptions {
  offers: OfferStore;
  conversations: Pick<Conversations, 'get'>;
  messenger: Pick<TeamsMessenger, 'post'>;
  /** The most one upload to the person's OneDrive may take. */
  uploadTimeoutMs: number;
  /** Plain http to a loopback upload URL: only with authentication off (tests, the Emulator). */
  allowLoopbackUpload: boolean;
  newId: () => string;
  log: Logger;
}

const GONE = 'This file offer is no longer open: it was sent, declined or has expired. Ask for the file again if you need it.';
const NOT_YOURS = 'This file was offered to someone else: only they can accept or decline it.';
const EXPIRED = 'This file offer has expired (offers last 24 hours), and nothing was sent. Ask for the file again.';
const UPLOADING = 'This file is being sent to you now: it will appear here in a moment.';

/**
 * Files offered in the person's personal chat with the bot (docs/architecture.md#files): the offer is stored, Teams
 * shows a file consent card, and on "Allow" the file is uploaded to the URL Teams gives (their OneDrive) and shown.
 */
export class ChatFiles implements Files {
  constructor(private readonly options: ChatFilesOptions) {}

  async deliver(to: { id: string; name: string }, file: OutgoingFile, now: Date): Promise<FileDelivery> {
    checkOutgoingFile(file, MAX_CHAT_FILE_BYTES, 'the bot can send in a chat: ask an admin to set up the document library for larger files');
    const { offers, conversations, messenger, newId } = this.options;
    const chat = await conversations.get(personKey(to.id));
    if (!chat || chat.dead)
      throw new FileDeliveryError(
        'I cannot reach you in a personal chat with the bot: open a personal chat with the bot first (say hello to it), then ask again.',
      );
    const id = newId();
    const expiresAt = new Date(now.getTime() + OFFER_TTL_MS).toISOString();
    const bytes = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    const { name, contentType, description } = file;
    await offers.create({
      id,
      forId: to.id,
      name,
      contentType,
      description,
      bytes: bytes.toString('base64'),
      sizeInBytes: bytes.length,
      createdAt: now.toISOString(),
      expiresAt,
    });
    const card = {
      contentType: FILE_CONSENT_CARD,
      name,
      content: { description, sizeInBytes: bytes.length, acceptContext: { offerId: id }, declineContext: { offerId: id } },
    };
    try {
      await messenger.post(chat.reference, { type: 'message', attachments: [card] });
    } catch (error) {
      await offers.remove(id).catch(() => undefined); // nobody can accept a card that never arrived; TTL takes it otherwise
      throw new FileDeliveryError('Teams did not take the file offer for your personal chat. Nothing was sent: try again in a few minutes.', {
        cause: error,
      });
    }
    return { where: 'chat', offerId: id };
  }

  /** The person's answer to a consent card: what to say back in their chat (the file itself, once sent). */
  async answer(actor: Actor, value: FileConsentValue, now: Date): Promise<Partial<Activity>[]> {
    const { offers, log } = this.options;
    const offer = await offers.get(value.context.offerId);
    if (!offer) return [say(GONE)];
    if (offer.value.forId.toLowerCase() !== actor.id.toLowerCase()) return [say(NOT_YOURS)];
    if (value.action === 'decline') {
      await offers.remove(offer.value.id);
      return [say('You declined the file, so it was not sent. Ask for it again if you need it.')];
    }
    if (offer.value.expiresAt <= now.toISOString()) return [say(EXPIRED)];
    if (offer.value.uploadingUntil !== null && offer.value.uploadingUntil > now.toISOString()) return [say(UPLOADING)];
    const target = this.uploadTarget(value.uploadInfo.uploadUrl, value.uploadInfo.contentUrl);
    if (!target) {
      log.warn({ offerId: offer.value.id }, 'file consent refused: the upload URL is not a SharePoint or OneDrive address');
      return [say('Teams gave an upload address that is not your OneDrive, so the file was not sent. Nothing changed.')];
    }
    // Claimed first, ETag-guarded: two presses of "Allow" upload once.
    const claimed = await offers.markUploading(offer, new Date(now.getTime() + this.options.uploadTimeoutMs * 2).toISOString());
    if (!claimed) return [say(UPLOADING)];
    const bytes = Buffer.from(claimed.value.bytes, 'base64');
    try {
      await this.upload(target, bytes);
    } catch (error) {
      log.warn({ err: error, offerId: offer.value.id }, 'file upload to OneDrive failed: the offer is kept');
      await offers.markUploading(claimed, null).catch(() => undefined); // else the claim simply runs out
      return [say('Sending the file to your OneDrive failed, and nothing was sent. Press "Allow" on the card again in a moment.')];
    }
    // Sent: a failure to remove the offer must not tell them otherwise (its claim runs out, its TTL removes it).
    await offers
      .remove(offer.value.id)
      .catch((error: unknown) => log.warn({ err: error, offerId: offer.value.id }, 'a sent file offer was not removed'));
    const { contentUrl, name, uniqueId, fileType } = value.uploadInfo;
    return [{ type: 'message', attachments: [{ contentType: FILE_INFO_CARD, contentUrl, name, content: { uniqueId, fileType } }] }];
  }

  /** The upload URL if it may be written to (https on SharePoint/OneDrive), else null: an SSRF guard on what the invoke says. */
  private uploadTarget(uploadUrl: string, contentUrl: string): URL | null {
    const upload = new URL(uploadUrl);
    return this.isFileHost(upload) && this.isFileHost(new URL(contentUrl)) ? upload : null;
  }

  private isFileHost(url: URL): boolean {
    if (url.username || url.password) return false;
    const sharePoint = url.protocol === 'https:' && url.port === '' && url.hostname.endsWith('.sharepoint.com');
    return sharePoint || (this.options.allowLoopbackUpload && isLoopbackHttp(url));
  }

  /** One PUT of the whole file, as Teams' upload session takes it; no redirect is followed (it could lead anywhere). */
  private async upload(url: URL, bytes: Buffer): Promise<void> {
    const n = bytes.length;
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Length': String(n), 'Content-Range': `bytes 0-${n - 1}/${n}` },
      body: bytes,
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.uploadTimeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`the upload URL answered HTTP ${res.status}`);
  }
}

function say(text: string): Partial<Activity> {
  return toActivity({ text });
}
