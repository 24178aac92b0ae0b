import type { Container } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import type { Versioned } from '../app/ports';
import type { CosmosStore } from './cosmos';
import { pointRead, versioned, type Bounded } from './documents';
import { isNotFound, isPreconditionFailed } from './errors';

/** A file offered in someone's personal chat, kept until they accept or decline it, or it expires (docs/architecture.md#files). */
export interface FileOffer {
  id: string;
  type: 'file-offer';
  /** The Entra id of the person it is for: only they may accept or decline it. */
  forId: string;
  name: string;
  contentType: string;
  description: string;
  /** The file, base64. */
  bytes: string;
  sizeInBytes: number;
  createdAt: string;
  expiresAt: string;
  /** While an accepted upload is under way: a second accept is told so, not uploaded twice. */
  uploadingUntil: string | null;
  /** Seconds Cosmos keeps it: a day past its expiry, so an expired offer is still answered "expired", then goes. */
  ttl: number;
}

const KEEP_AFTER_EXPIRY_S = 86_400;

/** The `offers` container (partition key /id). Writes are ETag-guarded where two accepts could race. */
export class OfferStore {
  private readonly container: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.container = db.containers.offers;
    this.bounded = db.bounded;
  }

  async create(offer: Omit<FileOffer, 'type' | 'ttl' | 'uploadingUntil'>): Promise<void> {
    beforeWrite();
    const ttl = Math.ceil((Date.parse(offer.expiresAt) - Date.parse(offer.createdAt)) / 1000) + KEEP_AFTER_EXPIRY_S;
    await this.container.items.create<FileOffer>({ ...offer, type: 'file-offer', uploadingUntil: null, ttl }, this.bounded());
  }

  async get(id: string): Promise<Versioned<FileOffer> | null> {
    const doc = await pointRead<FileOffer>(this.container, id, id, this.bounded);
    return doc?.type === 'file-offer' ? versioned(doc) : null;
  }

  /** Marks the offer as being uploaded (or no longer), if nobody changed it since it was read; false if someone did. */
  async markUploading(current: Versioned<FileOffer>, until: string | null): Promise<Versioned<FileOffer> | null> {
    beforeWrite();
    const next: FileOffer = { ...current.value, uploadingUntil: until };
    try {
      const { resource } = await this.container
        .item(next.id, next.id)
        .replace<FileOffer>(next, { accessCondition: { type: 'IfMatch', condition: current.version.etag }, ...this.bounded() });
      return resource ? versioned(resource) : null;
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) return null;
      throw error;
    }
  }

  /** Removes the offer (gone already is fine). */
  async remove(id: string): Promise<void> {
    beforeWrite();
    try {
      await this.container.item(id, id).delete(this.bounded());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
