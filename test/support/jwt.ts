import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/** The issuer of tokens the Bot Connector sends to bots (botbuilder's ToBotFromChannelTokenIssuer). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

/** An RSA signing key, with its public half as the JWK an OpenID keys document publishes. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: { kty: string; use: string; kid: string; n: string; e: string; endorsements: string[] };
}

export function newSigningKey(kid: string = randomUUID()): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, jwk: { kty: 'RSA', use: 'sig', kid, n: String(n), e: String(e), endorsements: ['msteams'] } };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWT signed with `key` (header fields can be overridden, e.g. a `kid` the key does not have). */
export function signJwt(payload: Record<string, unknown>, key: SigningKey, header: Record<string, unknown> = {}): string {
  const signingInput = `${base64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${base64url(payload)}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

/** The claims of a Bot Connector → bot token (what botbuilder's channel validation checks), valid for an hour. */
export function channelClaims(appId: string, serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...overrides };
}

/** What one metadata URL does: answer, fail with 500, or accept the connection and never answer. */
export type MetadataMode = 'ok' | 'error' | 'keysError' | 'hang';

/**
 * A local stand-in for login.botframework.com: an OpenID configuration and its keys document per scenario. botbuilder
 * caches metadata per URL for the life of the process, so every scenario gets its own URL (`/<scenario>/...`).
 */
export class OpenIdServer {
  private server!: Server;
  private readonly modes = new Map<string, MetadataMode>();
  private base = '';
  /** Requests received, by path (to tell that a refused token never needed the keys, or did). */
  readonly requests: string[] = [];

  constructor(readonly keys: SigningKey[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A new scenario: its own metadata URL, in the given mode (change it later with `setMode`). */
  scenario(mode: MetadataMode = 'ok'): { name: string; metadataUrl: string } {
    const name = `s-${this.modes.size + 1}-${randomUUID().slice(0, 8)}`;
    this.modes.set(name, mode);
    return { name, metadataUrl: `${this.base}/${name}/.well-known/openidconfiguration` };
  }

  setMode(name: string, mode: MetadataMode): void {
    if (!this.modes.has(name)) throw new Error(`no scenario ${name}`);
    this.modes.set(name, mode);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    this.requests.push(path);
    const [, name = '', ...rest] = path.split('/');
    const mode = this.modes.get(name);
    const resource = rest.join('/');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!mode) return json(404, { error: 'no such scenario' });
    if (mode === 'hang') return; // accepted, never answered (stop() closes it)
    if (resource === '.well-known/openidconfiguration') {
      if (mode === 'error') return json(500, { error: 'metadata unavailable' });
      return json(200, { issuer: CHANNEL_ISSUER, jwks_uri: `${this.base}/${name}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (resource === 'keys') {
      if (mode === 'error' || mode === 'keysError') return json(500, { error: 'keys unavailable' });
      return json(200, { keys: this.keys.map((k) => k.jwk) });
    }
    json(404, { error: 'not found' });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
