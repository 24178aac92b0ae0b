import { expect } from 'chai';
import { useEmbeddedCosmos } from '../support/embedded-cosmos';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import type { Container } from '@azure/cosmos';
import { EMULATOR_KEY } from '../../src/store/embedded';
import { RetentionStore } from '../../src/store/retention';
import { DigestStore } from '../../src/store/digest';
import { runRetention } from '../../src/app/retention/job';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import { emptySummary, summarise } from '../../src/domain/summary';
import { addMonths } from '../../src/domain/dates';
import { auditEvent, type Incident } from '../../src/domain/records';
import { outboxEntry } from '../../src/domain/outbox';
import type { Appeal } from '../../src/domain/appeal';
import { JOB_NAMES } from '../../src/app/jobs';
import { sampleIncident } from '../support/fixtures';
import { startCosmosProxy, type CosmosProxy } from '../support/cosmos-proxy';
import { startHarness } from '../support/harness';

/** Each customer's free text carries `<key>`, so a trace of one is told from a neighbour's whose key begins the same. */
const mark = (key: string) => `<${key}>`;
const NAME = (key: string) => `Quentin Zebedee-Marlowe ${mark(key)}`;
const NARRATIVE = (key: string) => `Shouted through the letterbox ${mark(key)} about the neighbour at number 14.`;
const HOUR = 3_600_000;

interface Seeded {
  key: string;
  incident: Incident;
  measure: Measure;
}

/**
 * One customer's case as decisions leave it, written straight to Cosmos: a §5.1 incident reported at `at`, its
 * visits-in-pairs measure (lifted a week later unless `status` says otherwise, or escalated at review), an appeal
 * decided, audit events and a sent notice, the summary, and the reference claimed.
 */
async function seed(db: CosmosStore, key: string, at: Date, opts: { status?: Measure['status']; escalated?: boolean } = {}): Promise<Seeded> {
  const reference = `UB-${key}-RET`;
  const incident = sampleIncident({
    id: reference,
    reference,
    customerKey: key,
    customerRef: key,
    customerName: NAME(key),
    description: NARRATIVE(key),
    crimeReference: `CR/${mark(key)}`,
    vulnerability: { known: 'yes', note: `Hearing loss ${mark(key)}: face them when speaking.` },
    reportedAt: at.toISOString(),
    occurredAt: new Date(at.getTime() - HOUR).toISOString(),
  });
  const proposed = interimPairsVisit(incident, { approverId: 'hos-1', deputyId: null })!;
  const later = new Date(at.getTime() + 7 * 24 * HOUR).toISOString();
  const review = { id: `${proposed.id}:review:1`, by: { id: 'cm-1', name: 'Case Manager' }, at: later, due: proposed.reviewDue };
  const measure: Measure = {
    ...proposed,
    status: opts.status ?? 'lifted',
    interim: false,
    reviews: opts.escalated
      ? [
          {
            ...review,
            outcome: 'escalated',
            reasons: 'Referred for an injunction.',
            nextReview: later,
            referredTo: 'Legal services',
            policyVersion: 'v',
          },
        ]
      : [],
  };
  const appeal: Appeal = {
    type: 'appeal',
    id: `${measure.id}:appeal:1`,
    customerKey: key,
    measureId: measure.id,
    measureKind: measure.kind,
    status: 'upheld',
    appellant: { kind: 'customer', name: null },
    channel: 'letter',
    receivedOn: later.slice(0, 10),
    dueOn: later.slice(0, 10),
    grounds: `My son was unwell ${mark(key)} that week.`,
    recordedBy: { id: 'cm-1', name: 'Case Manager' },
    recordedAt: later,
    approverId: 'hos-1',
    deputyId: null,
    decision: { outcome: 'upheld', by: { id: 'hos-1', name: 'Head' }, at: later, reasons: 'Upheld.', variedTo: null, policyVersion: 'v' },
    withdrawn: null,
    policyVersion: 'v',
  };
  const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: `${NAME(key)}: ${NARRATIVE(key)}` }] };
  const sent = outboxEntry(`${reference}:notice`, key, { kind: 'person', personId: 'cm-1' }, { kind: 'send', card, summary: NAME(key) }, at);
  const notice = { ...sent, status: 'sent' };
  const summary = summarise(emptySummary(key), { incidents: [incident], created: [measure], appeals: [appeal] });
  const docs = [
    { ...summary, id: 'customer' },
    incident,
    measure,
    appeal,
    auditEvent(`${reference}:reported`, key, at, incident.reporter, 'incident.reported', reference, { customerName: NAME(key) }),
    auditEvent(`${reference}:viewed`, key, at, incident.reporter, 'case.viewed', reference),
    notice,
  ];
  for (const doc of docs) await db.containers.cases.items.create(doc);
  await db.containers.references.items.create({
    id: reference,
    kind: 'incident',
    customerKey: key,
    submissionKey: 'sk',
    createdAt: at.toISOString(),
  });
  return { key, incident, measure };
}

type Doc = Record<string, unknown> & { id: string; customerKey?: string; type?: string };
const everything = async (c: Container): Promise<Doc[]> =>
  (await c.items.query<Doc>('SELECT * FROM c').fetchAll()).resources.map(
    (d) => Object.fromEntries(Object.entries(d).filter(([k]) => !k.startsWith('_'))) as Doc,
  );
const partition = async (db: CosmosStore, key: string) => (await everything(db.containers.cases)).filter((d) => d.customerKey === key);

/** The anonymous partition holding the copy of the incident reported at `at` (found by what stays: its date). */
async function anonOf(db: CosmosStore, at: Date): Promise<Doc[]> {
  const all = await everything(db.containers.cases);
  const copies = all.filter((d) => d.type === 'incident' && d.reportedAt === at.toISOString() && String(d.customerKey).startsWith('anon:'));
  expect(copies, `one copy of the incident reported at ${at.toISOString()}`).to.have.length(1);
  return all.filter((d) => d.customerKey === copies[0]!.customerKey);
}

/** Nothing anywhere names the customer or quotes them: their reference, name, narrative, notes, grounds, incident reference. */
async function expectNoTraceOf(db: CosmosStore, s: Seeded): Promise<void> {
  const text = JSON.stringify([...(await everything(db.containers.cases)), ...(await everything(db.containers.references))]);
  // The key quoted: another customer's reference may begin with this one.
  for (const trace of [JSON.stringify(s.key), mark(s.key), s.incident.reference]) expect(text, trace).not.to.include(trace);
}

const MONTHS = 72;
const logs: string[] = [];
const ctxAt = (now: Date) => ({ log: { warn: (_f: object, m: string) => void logs.push(m) }, newId: () => crypto.randomUUID(), now: () => now });

describe('retention: closed cases anonymised after the retention period (embedded Cosmos)', function () {
  this.timeout(240_000);
  const cosmos = useEmbeddedCosmos();

  it('is a scheduled job the bot runs, also through POST /api/jobs/retention', async () => {
    expect(JOB_NAMES).to.include('retention');
    const secret = 'retention-test-secret-of-at-least-32-chars';
    const h = await startHarness({ JOBS_SECRET: secret });
    try {
      const res = await fetch(`${h.bot.url}/api/jobs/retention`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { job: string; report: Record<string, number> };
      expect(body.job).to.equal('retention');
      expect(body.report).to.include({ considered: 0, anonymised: 0, failed: 0 });
    } finally {
      await h.stop();
    }
  });

  it('anonymises exactly the closed cases whose period has passed; the statistics stay; a second run changes nothing', async () => {
    const long = new Date('2019-03-04T10:00:00Z');
    const now = addMonths(long, MONTHS + 1);
    const expired = await seed(cosmos.db, 'T700001', long);
    // A summary written before summaries listed appeals has no such list: nothing is open there.
    const older = await seed(cosmos.db, 'T700005', new Date(long.getTime() + 60_000));
    await cosmos.db.containers.cases.item('customer', older.key).patch([{ op: 'remove', path: '/appeals' }]);
    const similar = await seed(cosmos.db, 'T7000011', long, { status: 'active' }); // in force: its prefix-sharing neighbour stays
    const pending = await seed(cosmos.db, 'T700002', long, { status: 'pending-sign-off' });
    const held = await seed(cosmos.db, 'T700003', long, { escalated: true });
    // Reported before the cutoff, but its measure was lifted a week later, after it: not yet.
    const recent = await seed(cosmos.db, 'T700004', new Date(addMonths(now, -MONTHS).getTime() - 24 * HOUR));
    const before = Object.fromEntries(
      await Promise.all([similar, pending, held, recent].map(async (s) => [s.key, await partition(cosmos.db, s.key)])),
    );

    const digestRows = async () =>
      (await new DigestStore(cosmos.db).incidentsReported(long.toISOString(), new Date(long.getTime() + HOUR).toISOString(), 100, null)).items;
    const countedBefore = await digestRows();
    const records = new RetentionStore(cosmos.db);
    const report = await runRetention(ctxAt(now), now, { records, months: MONTHS });
    expect(report).to.include({ resumed: 0, considered: 4, anonymised: 2, kept: 1, notYet: 1, changed: 0, failed: 0 });
    // Each: incident, measure, appeal, 2 audits kept; those 5, the summary, the notice and the reference deleted.
    expect(report).to.include({ copied: 10, deleted: 16 });

    expect(await partition(cosmos.db, expired.key)).to.deep.equal([]);
    expect(await partition(cosmos.db, older.key)).to.deep.equal([]);
    await expectNoTraceOf(cosmos.db, older);
    for (const s of [similar, pending, held, recent]) expect(await partition(cosmos.db, s.key), s.key).to.deep.equal(before[s.key]);
    await expectNoTraceOf(cosmos.db, expired);

    const copy = await anonOf(cosmos.db, long);
    const byType = (t: string) => copy.filter((d) => d.type === t);
    expect(byType('incident')[0]).to.include({ category: 'aggressive', serviceArea: 'housing', reportedAt: long.toISOString(), anonymised: true });
    expect(byType('measure')[0]).to.include({ kind: 'pairs-visit', status: 'lifted' });
    expect(byType('appeal')[0]).to.include({ status: 'upheld', measureId: byType('measure')[0]!.id });
    expect(
      byType('audit')
        .map((a) => a.action)
        .sort(),
    ).to.deep.equal(['case.viewed', 'incident.reported', 'retention.applied']);
    expect(copy.filter((d) => d.action === 'retention.applied')[0]!.details).to.deep.equal({
      closedOn: new Date(long.getTime() + 7 * 24 * HOUR).toISOString(),
      months: MONTHS,
      kept: 5,
      deleted: 8,
    });

    // The weekly digest still counts the two incidents, by category and area, beside the three reported with them that stay.
    expect(await digestRows()).to.deep.equal(countedBefore);
    expect(countedBefore).to.have.length(5);

    const snapshot = await everything(cosmos.db.containers.cases);
    const again = await runRetention(ctxAt(now), now, { records, months: MONTHS });
    expect(again).to.include({ anonymised: 0, failed: 0, copied: 0, deleted: 0 });
    expect(await everything(cosmos.db.containers.cases)).to.have.deep.members(snapshot);
  });

  it('stops, changing nothing, when a decision is made about the customer while the case moves', async () => {
    const at = new Date('2019-05-06T10:00:00Z');
    const now = addMonths(at, MONTHS + 1);
    const s = await seed(cosmos.db, 'T700010', at);
    const records = new RetentionStore(cosmos.db);
    const found = await records.caseOf(s.key);
    // A decision since the case was read changes the summary (its ETag).
    await cosmos.db.containers.cases.item('customer', s.key).patch([{ op: 'set', path: '/incidentCount', value: 2 }]);
    const outcome = await records.move(found, { anonKey: 'anon:changed-test', salt: 'salt', closedOn: at.toISOString(), months: MONTHS }, now);
    expect(outcome).to.deep.equal({ done: false, why: 'changed' });
    expect(await partition(cosmos.db, 'anon:changed-test')).to.deep.equal([]);
    expect((await partition(cosmos.db, s.key)).map((d) => d.type).sort()).to.deep.equal([
      'appeal',
      'audit',
      'audit',
      'customer',
      'incident',
      'measure',
      'outbox',
    ]);
    expect((await cosmos.db.containers.references.item(s.incident.reference, s.incident.reference).read()).resource).to.not.equal(undefined);
  });

  describe('a failure at every Cosmos request of a move', () => {
    let proxy: CosmosProxy;
    let viaProxy: CosmosStore;
    before(async () => {
      proxy = await startCosmosProxy(cosmos.endpoint);
      viaProxy = await openCosmos({ endpoint: proxy.url, database: 'ubp', key: EMULATOR_KEY, timeoutMs: 1000 });
    });
    after(async () => {
      viaProxy.client.dispose();
      await proxy.close();
    });

    it('is completed by the next run: every statistic kept once, nothing identifiable left', async () => {
      const records = new RetentionStore(viaProxy);
      // Every earlier case that ever will is moved first, so a clean run's requests are those of its own case.
      const farOn = new Date('2100-01-01T00:00:00Z');
      await runRetention(ctxAt(farOn), farOn, { records, months: MONTHS });
      const runOn = async (n: number, failAfter: number | null) => {
        const at = new Date(Date.UTC(2019, 6, 1, 10, n));
        const now = addMonths(at, MONTHS + 1);
        const s = await seed(cosmos.db, `T71${String(n).padStart(4, '0')}`, at);
        proxy.heal();
        const start = proxy.forwarded();
        if (failAfter !== null) {
          proxy.failAfter(failAfter);
          await runRetention(ctxAt(now), now, { records, months: MONTHS }).catch(() => undefined);
          proxy.heal();
        }
        const report = await runRetention(ctxAt(now), now, { records, months: MONTHS });
        return { s, at, report, requests: proxy.forwarded() - start };
      };
      const clean = await runOn(0, null);
      expect(clean.report).to.include({ anonymised: 1, failed: 0 });
      let resumed = 0;
      for (let k = 0; k <= clean.requests; k++) {
        const { s, at, report } = await runOn(k + 1, k);
        resumed += report.resumed!;
        const why = `failing from request ${k} of ${clean.requests}`;
        expect(await partition(cosmos.db, s.key), why).to.deep.equal([]);
        const copy = await anonOf(cosmos.db, at);
        expect(copy.map((d) => d.type).sort(), why).to.deep.equal(['appeal', 'audit', 'audit', 'audit', 'incident', 'measure']);
        expect(
          copy.filter((d) => d.action === 'retention.applied'),
          why,
        ).to.have.length(1);
        await expectNoTraceOf(cosmos.db, s);
      }
      // Most failures fall after the move began: the next run carried those on (the others began afresh).
      expect(resumed).to.be.greaterThan(clean.requests / 2);
    });
  });
});
