import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';

/** Why a body was refused, as the HTTP answer to give. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON request body, bounded. The Bot Connector sends plain JSON, so only the identity encoding is accepted:
 * a compressed body is refused before a byte of it is read (inflating one is how a 255 KB request becomes 250 MB, and
 * a body that is not the gzip it claims used to end the process). The limit counts the bytes parsed.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '')
    throw new BodyError(415, 'UnsupportedEncoding', 'Send the activity as plain JSON: Content-Encoding is not accepted');
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new BodyError(415, 'UnsupportedMediaType', 'Send the activity as application/json');
  let text: string;
  try {
    text = await getRawBody(req, { limit: maxBytes, length: req.headers['content-length'], encoding: 'utf-8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new BodyError(413, 'TooLarge', `The body is larger than ${Math.round(maxBytes / 1024)} KB`);
    throw new BodyError(400, 'BadBody', 'The body could not be read (aborted, or not the length it claimed)');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'BadJson', 'The body is not valid JSON');
  }
}
