import type { TokenCredential } from '@azure/identity';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { FileDelivery, Files, OutgoingFile } from '../app/ports';
import { checkOutgoingFile, FileDeliveryError } from '../app/files';
import { GRAPH_BASE_URL, graphClient } from './graph-directory';

/** Graph's simple upload takes files up to 4 MB; larger ones need an upload session, which nothing here needs. */
export const MAX_LIBRARY_FILE_BYTES = 4 * 1024 * 1024;

/** A SharePoint document library's drive id: `b!` and base64url (Graph `GET /sites/{site-id}/drives`). */
export const DRIVE_ID = /^b![A-Za-z0-9_-]{20,200}$/;

export interface GraphLibraryOptions {
  client: Client;
  driveId: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

const NO_PERMISSION =
  "The bot may not save files in the document library: an admin must grant its identity write access to the library's SharePoint site " +
  '(Microsoft Graph Sites.Selected, with a "write" permission on that site). Nothing was saved.';

/**
 * Saves files to one SharePoint document library through Microsoft Graph (docs/architecture.md#files). A name already
 * taken gets a new one (`conflictBehavior=rename`): a letter is never overwritten.
 */
export class GraphLibrary implements Files {
  private readonly client: Client;
  private readonly driveId: string;
  private readonly timeoutMs: number;

  constructor(options: GraphLibraryOptions) {
    if (!DRIVE_ID.test(options.driveId))
      throw new Error(`GraphLibrary: driveId must be a document library's drive id (b!…), got ${JSON.stringify(options.driveId)}`);
    this.client = options.client;
    this.driveId = options.driveId;
    this.timeoutMs = options.timeoutMs;
  }

  static create(options: Omit<GraphLibraryOptions, 'client'> & { credential: TokenCredential; baseUrl?: string }): GraphLibrary {
    return new GraphLibrary({ ...options, client: graphClient(options.credential, options.baseUrl ?? GRAPH_BASE_URL) });
  }

  async deliver(_to: { id: string; name: string }, file: OutgoingFile): Promise<FileDelivery> {
    checkOutgoingFile(file, MAX_LIBRARY_FILE_BYTES, 'the document library takes from the bot');
    const where = [...file.folder.split('/').filter(Boolean), file.name].map(encodeURIComponent).join('/');
    const path = `/drives/${encodeURIComponent(this.driveId)}/root:/${where}:/content`;
    // A Buffer, not the Uint8Array: the client sends a typed array's whole underlying buffer, not its view.
    const body = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    let item: { webUrl?: unknown };
    try {
      item = (await this.client
        .api(path)
        .query({ '@microsoft.graph.conflictBehavior': 'rename' })
        .header('Content-Type', file.contentType)
        .option('signal', AbortSignal.timeout(this.timeoutMs))
        .put(body)) as { webUrl?: unknown };
    } catch (error) {
      throw libraryFailure(error);
    }
    if (typeof item?.webUrl !== 'string' || !item.webUrl.startsWith('https://'))
      throw new FileDeliveryError('The document library saved the file but gave no link to it: look for it in the library, or ask an admin.');
    return { where: 'library', url: item.webUrl };
  }
}

function libraryFailure(error: unknown): FileDeliveryError {
  const status = error instanceof GraphError ? error.statusCode : 0;
  const why =
    status === 401 || status === 403
      ? NO_PERMISSION
      : status === 404
        ? 'The document library the bot is set up to use was not found: ask an admin to check FILES_DRIVE_ID. Nothing was saved.'
        : status === 507
          ? 'The document library is full: ask an admin to make room. Nothing was saved.'
          : `The document library did not take the file (${status > 0 ? `HTTP ${status}` : 'no answer in time'}). Nothing was saved: try again in a few minutes.`;
  return new FileDeliveryError(why, { cause: error });
}
