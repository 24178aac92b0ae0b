import type { Measure } from '../../src/domain/measure';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { start, type Running, type StartOptions } from '../../src/index';
import { createLogger } from '../../src/log';
import { FakeConnector, type Recorded } from './connector';

export const TENANT = '00000000-0000-0000-0000-0000000000001';

/** Sample directory people (src/directory/local-directory.json). */
export const PEOPLE = {
  alex: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
  megan: { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' },
  adele: { id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-0000000000022' },
  isaiah: { id: 'user-id-3', name: 'Isaiah Langer', aadObjectId: '00000000-0000-0000-0000-0000000000023' },
  lynne: { id: 'user-id-5', name: 'Lynne Robbins', aadObjectId: '00000000-0000-0000-0000-0000000000025' },
  stranger: { id: 'user-id-9', name: 'Sam Frontline', aadObjectId: '00000000-0000-0000-0000-0000000000099' },
} as const;
export type PersonKey = keyof typeof PEOPLE;

export interface Harness {
  bot: Running;
  connector: FakeConnector;
  post(activity: object, headers?: Record<string, string>): Promise<Posted>;
  activity(type: string, who: PersonKey, extra?: object): Record<string, unknown>;
  message(text: string, who?: PersonKey): Promise<Posted>;
  invoke(verb: string, data: object, who?: PersonKey): Promise<Posted & { body: InvokeBody }>;
  stop(): Promise<void>;
}

/** The HTTP answer, and the replies the bot sent to the connector for this activity (proactive messages excluded). */
export interface Posted {
  status: number;
  body: unknown;
  replies: Recorded[];
}

export interface InvokeBody {
  statusCode: number;
  type: string;
  value: Record<string, unknown> & { code?: string; message?: string };
}

/** Starts the real bot (restify + embedded Cosmos + real @azure/cosmos client) and a fake Bot Connector on loopback. */
export async function startHarness(env: Record<string, string> = {}, options: StartOptions = {}): Promise<Harness> {
  const connector = await new FakeConnector().start();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env });
  const bot = await start(config, { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...options });

  const post = async (activity: object, headers: Record<string, string> = {}): Promise<Posted> => {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    const id = (activity as { id?: string }).id;
    const replies = connector.received.filter((r) => id !== undefined && r.path.endsWith(`/activities/${encodeURIComponent(id)}`));
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, replies };
  };

  const activity = (type: string, who: PersonKey, extra: object = {}) => activityFor(connector.url, type, who, extra);

  return {
    bot,
    connector,
    post,
    activity,
    message: (text, who = 'alex') => post(activity('message', who, { text })),
    invoke: async (verb, data, who = 'alex') => {
      const res = await post(activity('invoke', who, { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
      return res as Posted & { body: InvokeBody };
    },
    stop: async () => {
      await bot.close();
      await connector.stop();
    },
  };
}

/**
 * A harness where everyone has chatted with the bot once (so it can reach them proactively), the outbox polled often,
 * and the clock running from FIXED_NOW: what the end-to-end decision suites start from.
 */
export async function startWithEveryone(): Promise<Harness> {
  const h = await startHarness({ OUTBOX_POLL_MS: '50' }, { now: clockFrom() });
  for (const who of Object.keys(PEOPLE) as PersonKey[]) await h.message('help', who);
  return h;
}

/** The measures stored for one customer (read straight from Cosmos). */
export async function measuresOf(h: Harness, customerKey: string): Promise<Measure[]> {
  const { resources } = await h.bot.cosmos.containers.cases.items
    .query<Measure>({ query: 'SELECT * FROM c WHERE c.type = "measure" AND c.customerKey = @k', parameters: [{ name: '@k', value: customerKey }] })
    .fetchAll();
  return resources;
}

/** A Teams activity from one of the sample people, in their personal chat with the bot. */
export function activityFor(serviceUrl: string, type: string, who: PersonKey, extra: object = {}): Record<string, unknown> {
  const person = PEOPLE[who];
  return {
    type,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: person.id, name: person.name, aadObjectId: person.aadObjectId },
    recipient: { id: '28:bot-id', name: 'UB Bot' },
    conversation: { id: `a:personal-${person.id}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...extra,
  };
}

/** The Adaptive Card attached to a recorded connector call. */
export function cardOf(body: Record<string, unknown>): Record<string, unknown> {
  const attachments = body.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined;
  const card = attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) throw new Error(`no adaptive card in ${JSON.stringify(body).slice(0, 200)}`);
  return card.content;
}

/** Every string in a card, joined: for "does the card say X" assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** A valid §5.1 incident form, as Adaptive Card inputs send it. */
export function violentIncident(formId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    formId,
    category: 'aggressive',
    customerRef: 'T004512',
    customerName: 'Jordan Example',
    occurredDate: '2026-11-25',
    occurredTime: '14:30',
    channel: 'home-visit',
    serviceArea: 'housing-management',
    behaviours: 'violence-harassment,intimidation-threats',
    description: 'Customer shouted, threatened to hit me with a hammer and pushed the door into my arm.',
    safetyFlags: 'threat-of-violence,weapon',
    actions: 'visit-ended,police-informed',
    crimeReference: 'CR/12345/26',
    vulnerabilityKnown: 'unknown',
    vulnerabilityNote: '',
    ...overrides,
  };
}

export const FIXED_NOW = new Date('2026-11-26T10:00:00Z');

/** A clock that starts at FIXED_NOW and runs at real speed (the outbox schedules retries by it). */
export function clockFrom(start: Date = FIXED_NOW): () => Date {
  const t0 = Date.now();
  return () => new Date(start.getTime() + (Date.now() - t0));
}

/**
 * Mocha hooks for a suite of refusals: before each test, counts the documents in `cases`; after it, the count is the
 * same (nothing stored) and the bot still answers `help` with its card.
 */
export function expectNothingStoredAndStillAnswering(harness: () => Harness): void {
  const stored = async () => {
    const { resources } = await harness().bot.cosmos.containers.cases.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
    return resources[0];
  };
  let before: number | undefined;
  beforeEach(async () => {
    harness().connector.clear();
    before = await stored();
  });
  afterEach(async () => {
    expect(await stored(), 'nothing stored').to.equal(before);
    const res = await harness().message('help');
    expect(res.status, 'still answering').to.equal(200);
    expect(cardOf(res.replies[0]!.body).type).to.equal('AdaptiveCard');
  });
}
