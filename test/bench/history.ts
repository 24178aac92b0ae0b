/**
 * Customer-history benchmark (not a test). npm run bench -- --history [--runs 50] [--warmup 5] [--sizes 10,1000,10000]
 *   [--others 100000] [--polls 50] [--budget <s>] [--bot-root <dir>] [--stock-server]   (HISTORY_VERBOSE=1: every request)
 *
 * What the reads people make cost as one customer's history grows: for each history size H, a fresh embedded Cosmos is
 * seeded directly (one customer, T004512, with H incidents, every fifth a §5.1 threat at a home visit, each with its
 * audit event and a sent outbox notice; a visits-in-pairs measure in force resting on the §5.1 ones and two other
 * measures; plus `--others` documents of 10,000 other customers, some measures awaiting the Head of Service's sign-off),
 * with every customer's summary as `buildMissingSummaries` builds it, and the compiled bot (`--bot-root`, default this
 * checkout: another checkout's build compares before and after a change) runs in its own process. `check`, `case`,
 * `my reports` and `pending` are timed one at a time; Cosmos requests and the bytes Cosmos sent back are counted by a
 * proxy between the bot and Cosmos; the size of the reply the bot sends is taken at the fake Bot Connector. The outbox
 * dispatcher is kept quiet meanwhile, and its requests (polls, scans, recovery sweeps) are left out of the commands'
 * counts. Last, the bot is restarted polling every 100 ms with nothing pending, to count an idle poll. `--budget`: stop
 * a command's runs after that many seconds (at least 3 runs), for a bot too slow for the full run.
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { noticeTo } from '../../src/app/notices';
import { reviewDateFrom } from '../../src/domain/dates';
import { PAIRS_VISIT_INSTRUCTIONS, type Measure, type MeasureKind, type MeasureStatus } from '../../src/domain/measure';
import type { CategoryId, ChannelId, ImmediateActionId, SafetyFlagId } from '../../src/domain/policy';
import { auditEvent, type AuditEvent, type Incident, type Person } from '../../src/domain/records';
import type { OutboxEntry } from '../../src/domain/outbox';
import { PACKAGE_ROOT } from '../../src/paths';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import { startEmbeddedCosmos } from '../../src/store/embedded';
import { recordOf, type Stored } from '../../src/store/documents';
import { buildMissingSummaries } from '../../src/store/summaries';
import { ConversationStore, channelKey } from '../../src/store/conversations';
import { SubscriptionStore } from '../../src/store/subscriptions';
import { FakeConnector } from '../support/connector';
import { PEOPLE, activityFor, cardText, type PersonKey } from '../support/harness';
import { startChildBot } from './child-bot';
import { summarise } from './stats';

const CUSTOMER = 'T004512';
const DATABASE = 'ubp';
const DAY = 86_400_000;
const person = (key: PersonKey): Person => ({ id: PEOPLE[key].aadObjectId, name: PEOPLE[key].name });
const REPORTER = person('alex');
const HEAD_OF_SERVICE = person('megan');
const DEPUTY = person('adele');
const POLICY_VERSION = 'UBP 2024-1 (seeded by the history benchmark)';

// ---------------------------------------------------------------------------------------------------------------------
// The embedded server, made to finish.

/** How @zeit/cosmosdb-query 0.7 starts every query: a copy of the candidates' array for each document in the container. */
const QUADRATIC_PROLOGUE = /\$c\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*\1: \1\s*\}\] : \$, \[\]\)/g;

/**
 * The embedded server's query compiler (@zeit/cosmosdb-query 0.7.2) starts every query by copying the array of the
 * container's documents once per document (`$c.reduce(($, c) => [...$, { c }], [])`), and drops `undefined` from
 * results the same way: time quadratic in the container's size (a partition query takes 0.2 s among 10,000 documents,
 * 25 s among 20,000; among 110,000 the bot's first query had not finished after 4 minutes). In this process only (the
 * server runs here), both are rewritten to their linear equivalents, which return the same; every query is still a
 * scan of the whole container, as the embedded server makes it. `--stock-server` leaves it as shipped.
 */
function linearEmbeddedQueries(): void {
  const load = createRequire(require.resolve('@vercel/cosmosdb-server'));
  const compile = (load('@zeit/cosmosdb-query') as { default: (query: string) => object }).default;
  const helpers = load('@zeit/cosmosdb-query/lib/helpers') as { stripUndefined: (value: unknown) => unknown };
  const proto = Object.getPrototypeOf(compile('SELECT * FROM c')) as object;
  const descriptor: { get?: (this: object) => unknown } | undefined = Object.getOwnPropertyDescriptor(proto, 'code');
  const original = descriptor?.get;
  if (!original) throw new Error('@zeit/cosmosdb-query has changed: no Query.prototype.code getter to rewrite');
  Object.defineProperty(proto, 'code', {
    configurable: true,
    get(this: object) {
      const js = original.call(this) as string;
      return js.replace(QUADRATIC_PROLOGUE, (_, c: string) => `$c.filter((${c}) => typeof ${c} !== "undefined").map((${c}) => ({ ${c}: ${c} }))`);
    },
  });
  if ((compile('SELECT * FROM c WHERE c.type = "incident"') as { code: string }).code.includes('[...$'))
    throw new Error('@zeit/cosmosdb-query has changed: its query prologue was not rewritten (run with --stock-server)');
  const strip = helpers.stripUndefined;
  helpers.stripUndefined = (value) =>
    Array.isArray(value) ? value.filter((v) => typeof v !== 'undefined').map((v) => helpers.stripUndefined(v)) : strip(value);
}

// ---------------------------------------------------------------------------------------------------------------------
// Seeding: documents as the bot writes them, straight into Cosmos (bulk, 100 operations a request, a few at a time).

/** A deterministic PRNG (mulberry32), so every run seeds the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incident references from a counter (the alphabet of src/domain/reference.ts), so none collide. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
function referenceNumber(n: number): string {
  let chars = '';
  for (let i = 0, x = n + 1_000_003; i < 6; i++, x = Math.floor(x / ALPHABET.length)) chars = ALPHABET[x % ALPHABET.length] + chars;
  return `UB-${chars.slice(0, 3)}-${chars.slice(3)}`;
}

interface Kind {
  category: CategoryId;
  channel: ChannelId;
  behaviours: string[];
  safetyFlags: SafetyFlagId[];
  actions: ImmediateActionId[];
  description: string;
}

/** §5.1: a threat with a weapon at a home visit (as test/support/harness.ts violentIncident). */
const THREAT: Kind = {
  category: 'aggressive',
  channel: 'home-visit',
  behaviours: ['violence-harassment', 'intimidation-threats'],
  safetyFlags: ['threat-of-violence', 'weapon'],
  actions: ['visit-ended', 'police-informed'],
  description:
    'Customer shouted, threatened to hit me with a hammer and pushed the door into my arm. I left the property and called my manager from the car; the police attended later that afternoon.',
};
const OTHER_KINDS: Kind[] = [
  {
    category: 'demands',
    channel: 'email',
    behaviours: ['excessive-correspondence'],
    safetyFlags: [],
    actions: ['warned'],
    description:
      'Forty-two emails in two days about the same repair, each copied to the chief executive and every councillor, demanding an answer within the hour.',
  },
  {
    category: 'persistence',
    channel: 'phone',
    behaviours: ['no-new-information', 'refusing-decision'],
    safetyFlags: [],
    actions: ['call-terminated'],
    description:
      'Called again about the closed complaint with no new information; refused to accept the decision and shouted until I ended the call after a warning.',
  },
  {
    category: 'aggressive',
    channel: 'office',
    behaviours: ['derogatory-remarks'],
    safetyFlags: [],
    actions: ['warned', 'refused-to-see'],
    description:
      'Made repeated derogatory remarks about a colleague at the reception desk and would not stop when asked; we declined to see them that day.',
  },
];

function incident(n: number, customerKey: string, customerName: string, reportedAt: Date, reporter: Person, kind: Kind): Incident {
  const reference = referenceNumber(n);
  return {
    customerRef: customerKey,
    customerName,
    occurredAt: new Date(reportedAt.getTime() - 3 * 3_600_000).toISOString(),
    channel: kind.channel,
    serviceArea: 'housing-management',
    category: kind.category,
    behaviours: kind.behaviours,
    description: kind.description,
    safetyFlags: kind.safetyFlags,
    actions: kind.actions,
    crimeReference: kind.actions.includes('police-informed') ? `CR/${10_000 + (n % 90_000)}/26` : null,
    vulnerability: { known: 'unknown', note: null },
    type: 'incident',
    id: reference,
    reference,
    customerKey,
    submissionKey: `bench-${n}`.padEnd(64, '0'),
    reporter,
    reportedAt: reportedAt.toISOString(),
    policyVersion: POLICY_VERSION,
  };
}

/** What the bot writes with an incident: the incident, its audit event and a notice, sent. */
function withRecords(i: Incident): [Incident, AuditEvent, OutboxEntry] {
  const at = new Date(i.reportedAt);
  const audit = auditEvent(`${i.reference}:reported`, i.customerKey, at, i.reporter, 'incident.reported', i.reference, {
    category: i.category,
    safetyFlags: i.safetyFlags,
  });
  const notice = noticeTo(
    `${i.reference}:received:${i.reporter.id}`,
    i.customerKey,
    i.reporter.id,
    { title: `Report ${i.reference} recorded`, text: `Your report about customer ${i.customerKey} is recorded as ${i.reference}.` },
    at,
  );
  const sentAt = new Date(at.getTime() + 400).toISOString();
  return [i, audit, { ...notice, status: 'sent', attempts: 1, activityId: `activity-${i.reference}`, sentAt }];
}

function measure(
  id: string,
  customerKey: string,
  kind: MeasureKind,
  status: MeasureStatus,
  proposedAt: Date,
  incidents: readonly Incident[],
  extra: Partial<Measure> = {},
): Measure {
  const decided = status !== 'pending-sign-off';
  return {
    type: 'measure',
    id,
    customerKey,
    kind,
    status,
    interim: kind === 'pairs-visit' && !decided,
    instructions: kind === 'pairs-visit' ? PAIRS_VISIT_INSTRUCTIONS : 'Customer was warned in writing that this behaviour is unacceptable.',
    reasons: `Reported incidents ${incidents
      .slice(0, 3)
      .map((i) => i.reference)
      .join(', ')} (§5.1)`,
    incidentRefs: incidents.map((i) => i.reference),
    serviceArea: 'housing-management',
    proposedBy: REPORTER,
    proposedAt: proposedAt.toISOString(),
    reviewDue: reviewDateFrom(proposedAt).toISOString(),
    restriction: null,
    adjustments: [],
    vulnerabilitiesConsidered: decided ? 'None known after checking Active H.' : null,
    notifyCustomer: true,
    noNotificationJustification: null,
    priorWarningSkipReason: null,
    signOff:
      kind === 'pairs-visit'
        ? {
            reasons: ['pairs-visit'],
            serviceArea: 'housing-management',
            approverId: HEAD_OF_SERVICE.id,
            deputyId: DEPUTY.id,
            requestedAt: proposedAt.toISOString(),
            decision: decided
              ? { outcome: 'approved', by: HEAD_OF_SERVICE, at: new Date(proposedAt.getTime() + DAY).toISOString(), reason: null }
              : null,
          }
        : null,
    notifyOnDecision: [...new Map(incidents.map((i) => [i.reporter.id, i.reporter])).values()],
    reporters: [...new Set(incidents.map((i) => i.reporter.id))],
    deciders: decided && kind === 'pairs-visit' ? [HEAD_OF_SERVICE.id] : [],
    policyVersion: POLICY_VERSION,
    ...extra,
  };
}

/** T004512: H incidents, newest an hour ago, every fifth a §5.1 threat; visits in pairs in force, a lifted warning, a contact restriction. */
function customerDocs(h: number, now: number): { docs: object[]; incidents: Incident[] } {
  const span = Math.min(730, Math.max(30, h / 5)) * DAY;
  const incidents = Array.from({ length: h }, (_, k) => {
    const reportedAt = new Date(now - 3_600_000 - ((h - 1 - k) / Math.max(1, h - 1)) * span);
    return incident(k, CUSTOMER, 'Jordan Example', reportedAt, REPORTER, k % 5 === 0 ? THREAT : OTHER_KINDS[k % OTHER_KINDS.length]!);
  });
  const threats = incidents.filter((i) => i.safetyFlags.length > 0);
  const first = new Date(incidents[0]!.reportedAt);
  const pairs = measure(`${threats[0]!.reference}:pairs-visit`, CUSTOMER, 'pairs-visit', 'active', new Date(now - 30 * DAY), threats, {
    reviewDue: new Date(now + 150 * DAY).toISOString(),
  });
  const warning = measure(`${incidents[0]!.reference}:warning`, CUSTOMER, 'warning', 'lifted', first, incidents.slice(0, 1));
  const restriction = measure(
    `${incidents.at(-1)!.reference}:contact-restriction`,
    CUSTOMER,
    'contact-restriction',
    'active',
    new Date(now - 10 * DAY),
    incidents.slice(-3),
    {
      instructions: 'Contact by email only, to the named housing officer; one call a week, Tuesdays 10:00–12:00.',
      restriction: {
        channels: ['email'],
        singlePointOfContact: 'Lynne Robbins',
        limitedTimes: 'Tuesdays 10:00–12:00',
        maxContacts: { count: 1, per: 'week' },
        declineWithoutNewEvidence: true,
        maxIssues: null,
        thirdParty: null,
      },
    },
  );
  return { docs: [...incidents.flatMap(withRecords), pairs, warning, restriction], incidents };
}

const OTHER_REPORTERS: Person[] = [
  person('lynne'),
  person('isaiah'),
  person('adele'),
  ...Array.from({ length: 20 }, (_, i) => ({ id: `00000000-0000-0000-0000-0000000${String(1000 + i)}`, name: `Staff Member ${i + 1}` })),
];
const NAMES = ['Sam Taylor', 'Alex Morgan', 'Chris Evans', 'Jamie Patel', 'Robin Hughes', 'Kim Okafor', 'Lee Walsh', 'Pat Nowak'];

/**
 * `total` documents of `customers` other customers: 3 or 4 incidents each (with their audit events and sent notices),
 * a warning for one customer in ten and, for one in fifty, visits in pairs awaiting the Head of Service (PEOPLE.megan).
 */
function otherDocs(total: number, customers: number, now: number): object[] {
  const random = prng(4512);
  const docs: object[] = [];
  const measures = Math.floor(customers / 10);
  const incidentsTotal = Math.floor((total - measures) / 3);
  let n = 1_000_000;
  for (let j = 0; j < customers && docs.length < total; j++) {
    const key = `C${String(j).padStart(6, '0')}`;
    const name = NAMES[j % NAMES.length]!;
    const count = Math.floor(incidentsTotal / customers) + (j < incidentsTotal % customers ? 1 : 0);
    const incidents = Array.from({ length: count }, () => {
      const kind = random() < 0.2 ? THREAT : OTHER_KINDS[Math.floor(random() * OTHER_KINDS.length)]!;
      const reporter = OTHER_REPORTERS[Math.floor(random() * OTHER_REPORTERS.length)]!;
      return incident(n++, key, name, new Date(now - 2 * 3_600_000 - random() * 730 * DAY), reporter, kind);
    }).sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    docs.push(...incidents.flatMap(withRecords));
    if (j % 10 === 0 && incidents.length > 0) {
      const last = incidents.at(-1)!;
      docs.push(
        j % 50 === 0
          ? measure(`${last.reference}:pairs-visit`, key, 'pairs-visit', 'pending-sign-off', new Date(last.reportedAt), [last])
          : measure(`${last.reference}:warning`, key, 'warning', 'active', new Date(last.reportedAt), [last]),
      );
    }
  }
  // Up to `total` exactly: later case views, as the audit trail records them.
  for (let k = 0; docs.length < total; k++) {
    const key = `C${String(k % customers).padStart(6, '0')}`;
    docs.push(auditEvent(`${key}:viewed:${k}`, key, new Date(now - random() * 365 * DAY), person('lynne'), 'case.viewed', key));
  }
  return docs.slice(0, total);
}

async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/** Creates the documents, 100 operations a request, `concurrency` requests at a time; throws unless every one is created. */
async function bulkCreate(container: Container, docs: readonly object[], partitionKeyOf: (doc: object) => string, concurrency = 8): Promise<void> {
  const chunks: object[][] = [];
  for (let i = 0; i < docs.length; i += 100) chunks.push(docs.slice(i, i + 100));
  await pool(chunks, concurrency, async (chunk) => {
    const operations = chunk.map((doc): OperationInput => ({
      operationType: 'Create',
      partitionKey: partitionKeyOf(doc),
      resourceBody: doc as JSONObject,
    }));
    const results = await container.items.bulk(operations, { continueOnError: true });
    const failed = results.filter((r) => r.statusCode !== 201);
    if (failed.length > 0)
      throw new Error(`seeding ${container.id}: ${failed.length} of ${chunk.length} not created (status ${failed[0]!.statusCode})`);
  });
}

const customerKeyOf = (doc: object) => (doc as { customerKey: string }).customerKey;

/**
 * The summaries `buildMissingSummaries` builds for these customers, built in a scratch database holding only their
 * incidents and measures. The embedded server answers every query by scanning its whole container, and
 * `buildMissingSummaries` queries each customer in turn: 10,000 customers among 110,000 documents would take most of an
 * hour even with linear scans. Small scratch databases give the same summaries in seconds.
 */
async function summariesOf(scratch: string, database: string, docs: readonly object[]): Promise<object[]> {
  const store = await openCosmos({ endpoint: scratch, database, timeoutMs: 600_000 });
  const records = docs.filter((d) => ['incident', 'measure'].includes((d as { type: string }).type));
  await bulkCreate(store.containers.cases, records, customerKeyOf);
  await buildMissingSummaries(store);
  const { resources } = await store.containers.cases.items.query<Stored<object>>('SELECT * FROM c WHERE c.type = "customer"').fetchAll();
  await store.database.delete();
  store.client.dispose();
  return resources.map((r) => recordOf(r));
}

/** The other customers' documents, and their summaries as `buildMissingSummaries` builds them (20 customers a scratch database). */
interface Others {
  docs: object[];
  summaries: object[];
}

async function othersWithSummaries(scratch: string, total: number, customers: number, now: number): Promise<Others> {
  const docs = otherDocs(total, customers, now);
  const byKey = new Map<string, object[]>();
  for (const doc of docs) byKey.set(customerKeyOf(doc), [...(byKey.get(customerKeyOf(doc)) ?? []), doc]);
  const keys = [...byKey.keys()];
  const groups: string[][] = [];
  for (let i = 0; i < keys.length; i += 20) groups.push(keys.slice(i, i + 20));
  const summaries: object[] = [];
  let n = 0;
  await pool(groups, 4, async (group) => {
    summaries.push(
      ...(await summariesOf(
        scratch,
        `others-${n++}`,
        group.flatMap((key) => byKey.get(key)!),
      )),
    );
  });
  return { docs, summaries };
}

/**
 * A run's store: `buildMissingSummaries` first, on the empty store (it records the migration as done, as in a bot that
 * has run it), then T004512's records with its summary (built in a scratch database), the others', and the references.
 */
async function seed(store: CosmosStore, scratch: string, h: number, others: Others, now: number): Promise<{ newest: string }> {
  await buildMissingSummaries(store);
  const own = customerDocs(h, now);
  const summary = await summariesOf(scratch, `${CUSTOMER}-${h}`, own.docs);
  await bulkCreate(store.containers.cases, [...own.docs, ...summary, ...others.docs, ...others.summaries], customerKeyOf);
  // The references `case` looks incidents up by (this customer's: the others' are never opened).
  const references = own.incidents.map((i) => ({
    id: i.reference,
    kind: 'incident',
    customerKey: i.customerKey,
    submissionKey: i.submissionKey,
    createdAt: i.reportedAt,
  }));
  await bulkCreate(store.containers.references, references, (doc) => (doc as { id: string }).id);
  return { newest: own.incidents.at(-1)!.reference };
}

// ---------------------------------------------------------------------------------------------------------------------
// Counting: a proxy between the bot and Cosmos records every request, what it was and how many bytes Cosmos sent back.

interface Call {
  /** performance.now() when the request arrived. */
  at: number;
  container: string;
  kind: string;
  status: number;
  /** Bytes of the response body. */
  bytes: number;
  ms: number;
  /** The outbox dispatcher's (its index, its scans, its recovery sweep): left out of the commands' counts. */
  dispatcher: boolean;
  /** One poll of the dispatcher: its read of the pending index (a point read or a query), or in a bot before the index, its scan of `cases`. */
  poll: boolean;
}

const truthy = (value: string | string[] | undefined) => String(value).toLowerCase() === 'true';

function classify(req: IncomingMessage): { container: string; kind: string } {
  const path = (req.url ?? '').split('?')[0]!;
  const m = /^\/dbs\/[^/]+\/colls\/([^/]+)(?:\/(docs|pkranges)(?:\/([^/]+))?)?\/?$/.exec(path);
  if (!m) return { container: '-', kind: 'metadata' };
  const [, container = '', what, item] = m;
  const method = req.method ?? '';
  if (what !== 'docs') return { container, kind: 'metadata' };
  if (item)
    return { container, kind: ({ GET: 'read', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method };
  if (method === 'GET') return { container, kind: 'read feed' };
  const h = req.headers;
  if (truthy(h['x-ms-cosmos-is-query-plan-request'])) return { container, kind: 'query plan' };
  if (truthy(h['x-ms-documentdb-isquery']) || String(h['content-type']).startsWith('application/query+json')) return { container, kind: 'query' };
  if (truthy(h['x-ms-cosmos-is-batch-request'])) return { container, kind: 'batch' };
  return { container, kind: truthy(h['x-ms-documentdb-is-upsert']) ? 'upsert' : 'create' };
}

async function startCountingProxy(upstream: string) {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { container, kind } = classify(req);
      const query = kind.startsWith('query') ? body.toString('utf8') : '';
      const outbox = query.includes('c.type = \\"outbox\\"') || query.includes('c.type = "outbox"');
      const dispatcher = container === 'pending' || outbox || query.includes('pendingEffects');
      const poll = container === 'pending' ? kind === 'read' || kind === 'query' : kind === 'query' && outbox;
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
        (upRes) => {
          let bytes = 0;
          upRes.on('data', (c: Buffer) => void (bytes += c.length));
          upRes.on('end', () => {
            calls.push({ at, container, kind, status: upRes.statusCode ?? 0, bytes, ms: performance.now() - at, dispatcher, poll });
            if (process.env.HISTORY_VERBOSE)
              console.error(
                `    ${container} ${kind} ${upRes.statusCode} ${bytes} B ${Math.round(performance.now() - at)} ms ${query.slice(0, 160)}`,
              );
          });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: async () => {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type CountingProxy = Awaited<ReturnType<typeof startCountingProxy>>;

// ---------------------------------------------------------------------------------------------------------------------
// Measuring.

/**
 * Both bots get the longest limits their configuration allows, so a slow read is measured rather than cut off at the
 * production bounds (COSMOS_TIMEOUT_MS 2.5 s, MESSAGE_DEADLINE_MS 10 s).
 */
const LIMITS = { COSMOS_TIMEOUT_MS: '29000', ACTION_DEADLINE_MS: '30000', MESSAGE_DEADLINE_MS: '60000' };
/** The dispatcher kept quiet while commands are measured: its first poll at start, then one a minute, no full scans. */
const QUIET = { OUTBOX_POLL_MS: '60000', OUTBOX_SCAN_MS: '86400000' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a message as a person; resolves when the bot has answered the POST and its reply reached the connector. */
async function say(botUrl: string, connector: FakeConnector, who: PersonKey, text: string): Promise<{ ms: number; reply: Record<string, unknown> }> {
  const activity = activityFor(connector.url, 'message', who, { text });
  const suffix = `/activities/${encodeURIComponent(activity.id as string)}`;
  const t0 = performance.now();
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await res.text();
  const answered = performance.now();
  if (res.status !== 200) throw new Error(`${text} answered ${res.status}`);
  for (;;) {
    const reply = connector.received.find((r) => r.path.endsWith(suffix));
    if (reply) return { ms: Math.max(answered, reply.at) - t0, reply: reply.body };
    if (performance.now() - t0 > 120_000) throw new Error(`no reply to “${text}” within 120 s`);
    await sleep(1);
  }
}

interface Command {
  name: string;
  who: PersonKey;
  text: string;
  /** What the reply says when the command worked. */
  expect: (text: string) => boolean;
}

interface Row {
  history: number;
  command: string;
  runs: number;
  answered: string;
  'p50 ms': number;
  'p95 ms': number;
  'Cosmos requests': number;
  'KB read': number;
  'message KB': number;
  'requests (per run)': string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function measureCommand(
  h: number,
  cmd: Command,
  botUrl: string,
  proxy: CountingProxy,
  connector: FakeConnector,
  o: { runs: number; warmup: number; budgetMs: number },
): Promise<Row> {
  const started = performance.now();
  for (let i = 0; i < o.warmup && (i === 0 || o.budgetMs === 0 || performance.now() - started < o.budgetMs / 4); i++) {
    connector.clear();
    await say(botUrl, connector, cmd.who, cmd.text);
  }
  const latencies: number[] = [];
  const kinds = new Map<string, number>();
  let requests = 0;
  let bytes = 0;
  let messageBytes = 0;
  let ok = 0;
  const measuring = performance.now();
  for (let i = 0; i < o.runs; i++) {
    connector.clear();
    const before = proxy.calls.length;
    const { ms, reply } = await say(botUrl, connector, cmd.who, cmd.text);
    const calls = proxy.calls.slice(before).filter((c) => !c.dispatcher);
    latencies.push(ms);
    requests += calls.length;
    bytes += calls.reduce((sum, c) => sum + c.bytes, 0);
    for (const c of calls) kinds.set(`${c.container} ${c.kind}`, (kinds.get(`${c.container} ${c.kind}`) ?? 0) + 1);
    messageBytes = Math.max(messageBytes, Buffer.byteLength(JSON.stringify(reply)));
    if (cmd.expect(cardText(reply))) ok++;
    // A bot too slow for the full run: stop after the budget (at least 3 runs), and say so in the runs column.
    if (o.budgetMs > 0 && i >= 2 && performance.now() - measuring > o.budgetMs) break;
  }
  const n = latencies.length;
  const s = summarise(latencies, 1);
  return {
    history: h,
    command: cmd.name,
    runs: n,
    answered: `${ok}/${n}`,
    'p50 ms': s.p50,
    'p95 ms': s.p95,
    'Cosmos requests': round1(requests / n),
    'KB read': round1(bytes / n / 1024),
    'message KB': round1(messageBytes / 1024),
    'requests (per run)': [...kinds]
      .sort((a, b) => b[1] - a[1])
      .map(([k, count]) => `${k} ${round1(count / n)}`)
      .join(', '),
  };
}

/** The dispatcher polling every 100 ms with nothing pending: requests and bytes per poll over `polls` polls. */
async function idlePoll(root: string, proxy: CountingProxy, polls: number) {
  const from = proxy.calls.length;
  const bot = await startChildBot(proxy.url, { ...LIMITS, OUTBOX_POLL_MS: '100', OUTBOX_SCAN_MS: '86400000' }, [], root);
  const pollAt = async (k: number): Promise<number> => {
    const t0 = performance.now();
    for (;;) {
      let seen = 0;
      for (let i = from; i < proxy.calls.length; i++) if (proxy.calls[i]!.poll && ++seen === k) return i;
      if (performance.now() - t0 > 600_000) throw new Error(`the dispatcher did not poll ${k} times within 10 minutes`);
      await sleep(20);
    }
  };
  // The first polls (at start: a full scan and the recovery sweep with them) are not idle ones.
  let first: number, last: number;
  try {
    first = await pollAt(4);
    last = await pollAt(4 + polls);
  } finally {
    await bot.stop();
  }
  const window = proxy.calls.slice(first, last);
  const kinds = new Map<string, number>();
  for (const c of window) kinds.set(`${c.container} ${c.kind}`, (kinds.get(`${c.container} ${c.kind}`) ?? 0) + 1);
  return {
    requests: round1(window.length / polls),
    kb: round1(window.reduce((sum, c) => sum + c.bytes, 0) / polls / 1024),
    serverMs: round1(window.reduce((sum, c) => sum + c.ms, 0) / polls),
    intervalMs: round1((proxy.calls[last]!.at - proxy.calls[first]!.at) / polls),
    what: [...kinds].map(([k, count]) => `${k} ${round1(count / polls)}`).join(', '),
  };
}

/** The secret the bench's bots run jobs with (POST /api/jobs/:name). */
const JOBS_SECRET = 'bench-only-secret-bench-only-secret-0000';
/** The channel the bench subscribes to the weekly digest. */
const DIGEST_TEAM = '19:bench-team@thread.tacv2';
const DIGEST_CHANNEL = '19:bench-channel@thread.tacv2';

/** A channel the bot can post in, subscribed to every area's digest (stored as the bot stores them). */
async function subscribeChannel(store: CosmosStore, serviceUrl: string, now: number): Promise<void> {
  const key = channelKey(DIGEST_TEAM, DIGEST_CHANNEL);
  const reference = { channelId: 'msteams', serviceUrl, bot: { id: '28:bot-id' }, conversation: { id: DIGEST_CHANNEL, conversationType: 'channel' } };
  await new ConversationStore(store).remember(key, reference, null, new Date(now));
  await new SubscriptionStore(store).save({ channelKey: key, teamId: DIGEST_TEAM, area: null, by: person('alex'), at: new Date(now).toISOString() });
}

/** One run of a job through POST /api/jobs/:name: its Cosmos requests and bytes (the lease's included), and how long it took. */
async function measureJob(h: number, job: string, botUrl: string, proxy: CountingProxy) {
  const from = proxy.calls.length;
  const t0 = performance.now();
  const res = await fetch(`${botUrl}/api/jobs/${job}`, { method: 'POST', headers: { authorization: `Bearer ${JOBS_SECRET}` } });
  const ms = performance.now() - t0;
  const body = (await res.json()) as { report?: Record<string, number> };
  if (res.status !== 200) throw new Error(`POST /api/jobs/${job} answered ${res.status}: ${JSON.stringify(body)}`);
  const window = proxy.calls.slice(from);
  const kinds = new Map<string, number>();
  for (const c of window) kinds.set(`${c.container} ${c.kind}`, (kinds.get(`${c.container} ${c.kind}`) ?? 0) + 1);
  return {
    history: h,
    job,
    ms: Math.round(ms),
    'Cosmos requests': window.length,
    'KB read': round1(window.reduce((sum, c) => sum + c.bytes, 0) / 1024),
    report: JSON.stringify(body.report ?? {}),
    requests: [...kinds].map(([k, count]) => `${k} ${count}`).join(', '),
  };
}

export async function historyBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      history: { type: 'boolean' },
      'bot-root': { type: 'string', default: PACKAGE_ROOT },
      runs: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '5' },
      sizes: { type: 'string', default: '10,1000,10000' },
      others: { type: 'string', default: '100000' },
      polls: { type: 'string', default: '50' },
      budget: { type: 'string', default: '0' },
      'stock-server': { type: 'boolean', default: false },
    },
  });
  if (!values['stock-server']) linearEmbeddedQueries();
  const root = values['bot-root'];
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const sizes = values.sizes.split(',').map(Number);
  const othersTotal = Number(values.others);
  const polls = Number(values.polls);
  const budgetMs = Number(values.budget) * 1000;
  const began = performance.now();
  const now = Date.now();

  console.error(`seeding: ${othersTotal} documents of other customers, and their summaries`);
  const scratch = await startEmbeddedCosmos();
  const others = await othersWithSummaries(scratch.endpoint, othersTotal, 10_000, now);
  console.error(`  ${others.docs.length} documents, ${others.summaries.length} summaries in ${Math.round((performance.now() - began) / 1000)} s`);

  const rows: Row[] = [];
  const jobs: Awaited<ReturnType<typeof measureJob>>[] = [];
  const idle: { h: number; poll: Awaited<ReturnType<typeof idlePoll>> }[] = [];
  for (const h of sizes) {
    const t0 = performance.now();
    const cosmos = await startEmbeddedCosmos();
    const store = await openCosmos({ endpoint: cosmos.endpoint, database: DATABASE, timeoutMs: 600_000 });
    const seeded = await seed(store, scratch.endpoint, h, others, now);
    const connector = await new FakeConnector().start();
    await subscribeChannel(store, connector.url, now);
    store.client.dispose();
    console.error(`history ${h}: seeded in ${Math.round((performance.now() - t0) / 1000)} s; newest ${seeded.newest}`);
    const proxy = await startCountingProxy(cosmos.endpoint);
    const bot = await startChildBot(proxy.url, { ...LIMITS, ...QUIET, JOBS_SECRET }, [], root);
    try {
      for (const who of ['alex', 'megan', 'adele', 'isaiah', 'lynne'] as const) await say(bot.url, connector, who, 'help');
      const commands: Command[] = [
        { name: `check ${CUSTOMER}`, who: 'alex', text: `check ${CUSTOMER}`, expect: (t) => t.includes('Visit in pairs only.') },
        {
          name: 'case <newest>',
          who: 'alex',
          text: `case ${seeded.newest}`,
          expect: (t) => t.includes(seeded.newest) && t.includes('Jordan Example'),
        },
        { name: 'my reports', who: 'alex', text: 'my reports', expect: (t) => t.includes(seeded.newest) },
        { name: 'pending', who: 'megan', text: 'pending', expect: (t) => t.includes('Visits and meetings in pairs') },
      ];
      for (const cmd of commands) {
        const t1 = performance.now();
        rows.push(await measureCommand(h, cmd, bot.url, proxy, connector, { runs, warmup, budgetMs }));
        console.error(`  ${cmd.name}: ${Math.round((performance.now() - t1) / 1000)} s`);
      }
      // The weekly digest (one channel, every area) and the hourly lapse job: their first run, which reads what it counts.
      for (const job of ['digest', 'lapses']) jobs.push(await measureJob(h, job, bot.url, proxy));
    } finally {
      await bot.stop();
    }
    const t2 = performance.now();
    idle.push({ h, poll: await idlePoll(root, proxy, polls) });
    console.error(`  idle poll: ${Math.round((performance.now() - t2) / 1000)} s`);
    await connector.stop();
    await proxy.close();
    await cosmos.close();
  }

  await scratch.close();
  const cpu = cpus();
  console.log(
    `node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}); bot: ${root}/dist/src/index.js in its own process; embedded Cosmos behind a counting proxy${
      values['stock-server'] ? ' (as shipped)' : ' (its quadratic query prologue made linear in this process: every query still scans the container)'
    }`,
  );
  console.log(
    `each history size: ${CUSTOMER} with that many incidents (+ audit events, sent notices, 3 measures) and ${others.docs.length} other documents over 10,000 customers (+ ${others.summaries.length} summaries); ` +
      `${runs} runs per command after ${warmup} warm-up, one at a time${budgetMs > 0 ? `, cut short after ${budgetMs / 1000} s per command (see runs)` : ''}; ` +
      `Cosmos requests and KB read (response bodies) are per run, the dispatcher's excluded; message KB: the largest reply activity's JSON; ` +
      `bot limits raised for both bots (${Object.entries(LIMITS)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
  );
  if (rows.some((r) => r.runs < runs))
    console.log(`runs capped: some commands ran fewer than ${runs} times (--budget ${budgetMs / 1000} s per command)`);
  console.table(rows);
  console.log('jobs (POST /api/jobs/:name, one run each, the lease included; the digest also queues its post):');
  console.table(jobs);
  for (const { h, poll } of idle)
    console.log(
      `history ${h}: idle dispatcher poll (OUTBOX_POLL_MS=100, nothing pending, ${polls} polls): ${poll.requests} Cosmos requests, ${poll.kb} KB read, ${poll.serverMs} ms at Cosmos per poll; a poll every ${poll.intervalMs} ms [${poll.what}]`,
    );
  console.error(`total ${Math.round((performance.now() - began) / 1000)} s`);
}
