import { randomUUID } from 'node:crypto';
import { INCIDENT_FIELDS } from '../src/domain/incident';
import { PROPOSAL_FIELDS } from '../src/domain/proposal';
import { expect } from 'chai';
import fc from 'fast-check';
import { waitUntil } from './support/wait';
import { parseCommand } from '../src/app/commands';
import { TENANT, PEOPLE, activityFor, cardText, startHarness, violentIncident, type Harness, type PersonKey } from './support/harness';

/**
 * Property-based fault and fuzz suite: generated activities, card actions and chat messages against the real server
 * (restify over HTTP, embedded Cosmos, fake Bot Connector). Fixed seed, bounded runs: the same inputs every time.
 */

const SEED = 20261129;
const run = (numRuns: number) => ({ seed: SEED, numRuns });

/** 503 is a deliberate answer (busy, or the token could not be checked just now); any other 5xx is a crash. */
export function isForbidden5xx(status: number): boolean {
  return status >= 500 && status <= 599 && status !== 503;
}

/** A refusal must say what is wrong in a machine-readable way: `code` (HTTP layer) or `statusCode` (invoke errors). */
export function isExplained4xx(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as { code?: unknown; statusCode?: unknown };
  return typeof b.code === 'string' || typeof b.statusCode === 'number';
}

/** The cards a turn that threw or ran past its deadline answers with (src/app/failure.ts): a 500 in disguise. */
export function isUnfinishedTurn(text: string): boolean {
  return text.includes('Something went wrong on our side') || text.includes('This is taking longer than it should');
}

/** A 200 whose card says this action recorded something: the only answers after which new documents may exist. */
export function mayHaveStored(verb: string, status: number, text: string): boolean {
  if (status !== 200) return false;
  // The incident confirmation (a repeated submission says so too, and stores nothing more: allowed, not required).
  if (verb === 'incident.submit') return text.includes('Report received');
  // The measure notice: "<measure>: proposed, awaiting Head of Service sign-off" or "<measure>: in force".
  if (verb === 'measure.propose') return /: proposed, awaiting Head of Service sign-off(\n|$)|: in force(\n|$)/.test(text);
  // The sign-off outcome, unless it says the click changed nothing.
  if (verb === 'signoff.decide') return /^(Approved|Rejected)/m.test(text) && !text.includes('already decided') && !text.includes('changed nothing');
  // A review outcome (src/app/reviews/views.ts `reviewedNotice`).
  if (verb === 'review.decide') return /: (lifted at review|continued at review|referred to .* and continued)(\n|$)/.test(text);
  // An appeal recorded, decided or withdrawn (src/app/appeals/views.ts), unless it says the click changed nothing.
  if (verb === 'appeal.record') return text.includes('Appeal recorded: a decision is due by');
  if (['appeal.decide', 'appeal.vary', 'appeal.withdraw'].includes(verb))
    return /^Appeal (decided|withdrawn)/m.test(text) && !text.includes('nothing was changed') && !text.includes('changed nothing');
  return false;
}

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

interface Answer {
  status: number;
  text: string;
  json: unknown;
}

const VERBS = [
  'incident.form',
  'incident.submit',
  'signoff.refresh',
  'signoff.decide',
  'measure.form',
  'measure.propose',
  'review.open',
  'review.decide',
  'appeal.form',
  'appeal.record',
  'appeal.refresh',
  'appeal.decide',
  'appeal.vary-form',
  'appeal.vary',
  'appeal.withdraw',
] as const;
/** Every field any card sends: the forms' inputs and the actions' own data. */
const FIELDS = [
  ...new Set([
    ...INCIDENT_FIELDS,
    ...PROPOSAL_FIELDS,
    ...['formId', 'category', 'incidentRef', 'measureId', 'customerKey', 'outcome', 'reason', 'vulnerabilitiesConsidered'],
  ]),
];

/** Strings that have broken bots before: path and query characters, template syntax, markdown links, bidi overrides. */
const NASTY = [
  '',
  ' ',
  'a/b',
  '../../etc/passwd',
  '#frag',
  '?q=1&r=2',
  'back\\slash',
  '${x}',
  '${$root}',
  '${json($root)}',
  '${if(true, "a", "b")}',
  '[x](https://evil.example)',
  '<at>Bot</at>',
  '\u202Eevil.example',
  '\u200B',
  '\uE000', // the character src/cards/render.ts uses to shield "${"
  '\uD800', // a lone surrogate
  '__proto__',
  'constructor',
  'null',
  'UB-7K3-M9Q',
  'T004512',
];

/** fast-check 4 has no fullUnicodeString: a string of any code points is `unit: 'binary'`. */
const anyString = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(...NASTY),
    fc.array(fc.constantFrom(...NASTY), { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')),
    fc.stringMatching(/^[\w ${}/#?\\[\]()]{0,30}$/),
  );

/** Field values: strings of every kind, numbers, null, objects, and rarely a very long string (limits are 5k and 20k). */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: anyString(40) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.object({ maxDepth: 1, maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(4999, 5000, 5001, 19_999, 20_000, 20_001, 30_000), fc.constantFrom('x', 'é', '😀', '${'))
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)),
  },
);

/** Up to a few fields, by real name (and some prototype names), with generated values: laid over a base. */
const overrides = fc.dictionary(fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'toString'), fieldValue, { maxKeys: 3 });
const formId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{8,20}$/), anyString(20));

describe('fuzz: generated activities, card actions and messages over HTTP (fast-check, fixed seed)', function () {
  this.timeout(120_000);
  let h: Harness;
  const seeded = { references: [] as string[], measures: [] as { measureId: string; customerKey: string }[] };

  const post = async (body: string): Promise<Answer> => {
    const res = await fetch(`${h.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };

  const count = async (container: 'cases' | 'references', where = '') => {
    const { resources } = await h.bot.cosmos.containers[container].items.query<number>(`SELECT VALUE COUNT(1) FROM c ${where}`).fetchAll();
    return resources[0] ?? 0;
  };
  const counts = async () => ({ cases: await count('cases'), references: await count('references') });

  /** After something was stored, lets the outbox finish (sent cards, recorded message ids, fallbacks) before counting. */
  const settle = async () => {
    let last = '';
    await waitUntil(
      'the outbox settles',
      async () => {
        const pending = await count('cases', 'WHERE c.type = "outbox" AND c.status = "pending"');
        const now = JSON.stringify(await counts());
        const settled = pending === 0 && now === last;
        last = now;
        return settled;
      },
      8000,
      40,
    );
  };

  const stillAnswering = async (why: string) => {
    const activity = activityFor(h.connector.url, 'message', 'alex', { text: 'help' });
    const res = await post(JSON.stringify(activity));
    expect(res.status, `still answering help (${why})`).to.equal(200);
  };

  /** Everyone chats with the bot once, so it can reach them (and a fuzzed conversation reference is put right). */
  const greetEveryone = async () => {
    for (const who of Object.keys(PEOPLE) as PersonKey[])
      expect((await post(JSON.stringify(activityFor(h.connector.url, 'message', who, { text: 'help' })))).status).to.equal(200);
  };

  before(async () => {
    h = await startHarness({ OUTBOX_POLL_MS: '50' });
    await greetEveryone();
    // Real records for the generated data to name: §5.1 incidents, each with an interim measure awaiting Megan's sign-off.
    for (const [i, customerRef] of ['T777001', 'T777002'].entries()) {
      const res = await h.invoke('incident.submit', violentIncident(`fuzz-seed-000${i}`, { customerRef, occurredDate: isoDay(-1) }));
      const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
      seeded.references.push(reference);
      seeded.measures.push({ measureId: `${reference}:pairs-visit`, customerKey: customerRef });
    }
    await settle();
    h.connector.clear();
  });
  after(() => h?.stop());

  it('the checkers themselves flag violations (so a property can fail)', () => {
    for (const s of [500, 501, 502, 504, 599]) expect(isForbidden5xx(s), String(s)).to.equal(true);
    for (const s of [200, 400, 403, 404, 413, 503]) expect(isForbidden5xx(s), String(s)).to.equal(false);
    expect(isExplained4xx({ code: 'BadRequest', message: 'x' })).to.equal(true);
    expect(isExplained4xx({ statusCode: 400, type: 'application/vnd.microsoft.error' })).to.equal(true);
    for (const b of [null, undefined, 'Bad Request', [], { message: 'no code' }, { code: 400 }])
      expect(isExplained4xx(b), JSON.stringify(b)).to.equal(false);
    expect(isUnfinishedTurn('Nothing was saved\nSomething went wrong on our side and nothing was saved.')).to.equal(true);
    expect(isUnfinishedTurn('Report received. Thank you.')).to.equal(false);
    expect(mayHaveStored('incident.submit', 200, 'Report received. Thank you.\nUB-7K3-M9Q')).to.equal(true);
    expect(mayHaveStored('incident.form', 200, 'Report received. Thank you.')).to.equal(false);
    expect(mayHaveStored('measure.propose', 200, 'Warning that behaviour is unacceptable: in force\nReview due')).to.equal(true);
    expect(mayHaveStored('measure.propose', 200, 'Not proposed: please correct the field marked below.')).to.equal(false);
    expect(mayHaveStored('signoff.decide', 200, 'Approved\nVisits in pairs')).to.equal(true);
    expect(mayHaveStored('signoff.decide', 200, 'This was already decided: nothing was changed.\nApproved')).to.equal(false);
    expect(mayHaveStored('signoff.refresh', 200, 'Approved\nVisits in pairs')).to.equal(false);
    expect(mayHaveStored('review.decide', 200, 'Contact restrictions for customer T1: continued at review\nAlex reviewed it')).to.equal(true);
    expect(mayHaveStored('review.decide', 200, 'Contact restrictions for customer T1\nAlex lifted it: your click changed nothing.')).to.equal(false);
    expect(mayHaveStored('incident.submit', 400, 'Report received')).to.equal(false);
    // And fast-check reports a failing property rather than passing it.
    expect(() =>
      fc.assert(
        fc.property(fc.constantFrom(500, 503), (s) => !isForbidden5xx(s)),
        { seed: SEED, numRuns: 20 },
      ),
    ).to.throw(/Property failed/);
  });

  it('property 1: any activity → never a 5xx but 503; every 4xx explains itself; the server keeps answering', async () => {
    const url = () => h.connector.url;
    const account = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ id: fc.string({ minLength: 1, maxLength: 12 }), name: fc.string({ maxLength: 12 }) }, { requiredKeys: ['id'] }),
      },
      { weight: 1, arbitrary: fc.record({ id: fc.string({ maxLength: 300 }), name: fieldValue, aadObjectId: fieldValue }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    );
    const actionValue = fc.record({
      action: fc.record(
        {
          type: fc.oneof(fc.constant('Action.Execute'), fc.constant('Action.Submit'), anyString(10)),
          verb: fc.oneof(fc.constantFrom(...VERBS), anyString(20), fc.integer()),
          data: fc.oneof(overrides, fc.jsonValue({ maxDepth: 1 })),
        },
        { requiredKeys: [] },
      ),
    });
    const fields = {
      type: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('event', 'typing', 'messageReaction', 'messageUpdate', 'messageDelete', 'endOfConversation', 'trace'),
        },
        { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.constant(null)) },
      ),
      id: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }), fc.integer()),
      channelId: fc.oneof(fc.constantFrom('msteams', 'emulator', 'webchat'), fc.string({ maxLength: 70 }), fc.integer()),
      serviceUrl: fc.oneof(
        { weight: 6, arbitrary: fc.constant('') }, // '' = the fake connector's URL, filled in below
        { weight: 1, arbitrary: fc.constantFrom('not a url', 'ftp://example.com/', 'http://127.0.0.1:1/', 'javascript:alert(1)', 'http://') },
        { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)) },
      ),
      from: account,
      recipient: account,
      conversation: fc.oneof(
        fc.record(
          {
            id: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.integer()),
            conversationType: fc.oneof(fc.constantFrom('personal', 'channel', 'groupChat'), fc.string({ maxLength: 40 })),
            tenantId: fc.oneof(fc.constant(TENANT), fc.string({ maxLength: 70 })),
          },
          { requiredKeys: ['id'] },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      text: fc.oneof(
        anyString(60),
        fc.constantFrom('help', 'report', 'check T777001', 'my reports', 'pending', 'case UB-7K3-M9Q'),
        fc.integer(),
        fc.object({ maxDepth: 1 }),
      ),
      value: fc.oneof(actionValue, fc.jsonValue({ maxDepth: 2 })),
      name: fc.oneof(
        fc.constantFrom(
          'adaptiveCard/action',
          'composeExtension/query',
          'signin/verifyState',
          'task/fetch',
          'fileConsent/invoke',
          'healthCheck',
          'config/fetch',
        ),
        fc.string({ maxLength: 300 }),
        fc.integer(),
      ),
      channelData: fc.oneof(
        fc.constant({ tenant: { id: TENANT } }),
        fc.record({
          eventType: fc.constantFrom('teamRenamed', 'channelCreated', 'teamMemberAdded', 'teamDeleted', 'x'),
          tenant: fc.jsonValue({ maxDepth: 1 }),
        }),
        fc.object({ maxDepth: 2, maxKeys: 3 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      action: fc.oneof(fc.constantFrom('add', 'remove', 'add-upgrade', 'remove-upgrade'), fc.string({ maxLength: 70 }), fc.integer()),
      membersAdded: fc.oneof(fc.array(account, { maxLength: 3 }), fc.constant([{ id: '28:bot-id' }]), fc.jsonValue({ maxDepth: 1 })),
      membersRemoved: fc.oneof(fc.array(account, { maxLength: 3 }), fc.constant([{ id: '28:bot-id' }]), fc.jsonValue({ maxDepth: 1 })),
      locale: fc.oneof(fc.constant('en-GB'), fc.string({ maxLength: 10 })),
      entities: fc.oneof(fc.constant([{ type: 'mention', text: '<at>UB Bot</at>', mentioned: { id: '28:bot-id' } }]), fc.jsonValue({ maxDepth: 2 })),
    };
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    // A Teams-shaped activity from a stranger to the directory, with a few fields replaced and a few removed.
    const activity = fc
      .tuple(
        fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate'),
        fc.record(fields),
        fc.subarray(keys, { maxLength: 4 }),
        fc.subarray(keys, { maxLength: 2 }),
        fc.string({ minLength: 1, maxLength: 8 }),
      )
      .map(([type, generated, replaced, removed, who]) => {
        const a: Record<string, unknown> = activityFor(url(), type, 'stranger', {
          from: { id: `fuzz-${who}`, name: 'Fuzz' },
          conversation: { id: `a:fuzz-${who}`, conversationType: 'personal', tenantId: TENANT },
          ...(type === 'invoke'
            ? { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'incident.form', data: {} } } }
            : {}),
        });
        for (const k of replaced) a[k] = k === 'serviceUrl' && generated.serviceUrl === '' ? url() : generated[k];
        for (const k of removed) delete a[k];
        return a;
      });
    const body = fc.oneof(
      { weight: 12, arbitrary: activity.map((a) => JSON.stringify(a)) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    );

    let runs = 0;
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        h.connector.clear();
        const res = await post(sent);
        expect(isForbidden5xx(res.status), `status ${res.status}: ${res.text.slice(0, 200)}`).to.equal(false);
        if (res.status >= 400 && res.status < 500) expect(isExplained4xx(res.json), `${res.status} body: ${res.text.slice(0, 200)}`).to.equal(true);
        let parsed: unknown;
        try {
          parsed = JSON.parse(sent);
        } catch {
          parsed = undefined;
        }
        // An invoke that got through is answered with an invoke response, never an empty 200 (a swallowed crash).
        if (res.status === 200 && (parsed as { type?: unknown } | undefined)?.type === 'invoke')
          expect((res.json as { statusCode?: unknown } | null)?.statusCode, res.text.slice(0, 200)).to.be.a('number');
        if (res.status === 200 && typeof res.json === 'object' && res.json)
          expect(isUnfinishedTurn(res.text), res.text.slice(0, 300)).to.equal(false);
        if (++runs % 20 === 0) await stillAnswering(`after ${runs} generated activities`);
      }),
      run(150),
    );
    await stillAnswering('after property 1');
    await greetEveryone();
    await settle();
  });

  it('property 2: generated card actions → never a 5xx but 503, no failed turns, and refused input stores nothing', async () => {
    const people = fc.constantFrom(...(Object.keys(PEOPLE) as PersonKey[]));
    const reference = fc.constantFrom(...seeded.references);
    const measure = fc.constantFrom(...seeded.measures);
    const incident = fc.tuple(formId, reference).map(([id]) => violentIncident(id, { customerRef: 'T777003', occurredDate: isoDay(-1) }));
    const proposal = fc.tuple(formId, reference).map(([id, ref]) => ({
      incidentRef: ref,
      formId: id,
      kind: 'warning',
      reasons: 'Volume of emails is unreasonable (§4.2)',
      reviewDate: isoDay(60),
      notifyCustomer: 'yes',
      vulnerabilitiesConsidered: 'None known; letter read to them by phone as well.',
    }));
    const decision = fc
      .tuple(measure, fc.constantFrom('approve', 'reject'))
      .map(([m, outcome]) => ({ ...m, outcome, reason: 'Reviewed the account and the police log.', vulnerabilitiesConsidered: 'None known.' }));
    const action = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constant('incident.submit'), incident, overrides) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('incident.form'), incident, overrides) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('measure.propose'), proposal, overrides) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('measure.form'), proposal, overrides) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('signoff.decide'), decision, overrides) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('signoff.refresh'), measure, overrides) },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.oneof(
            fc.constantFrom(...VERBS),
            fc.constantFrom('__proto__', 'constructor', 'toString', 'INCIDENT.SUBMIT', 'incident.submit '),
            anyString(20),
          ),
          fc.constant({}),
          fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 8 }),
        ),
      },
    );

    await fc.assert(
      fc.asyncProperty(action, people, async ([verb, base, patch], who) => {
        const data: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(patch))
          Object.defineProperty(data, k, { value: v, enumerable: true, writable: true, configurable: true });
        const before = await counts();
        const activity = activityFor(h.connector.url, 'invoke', who, {
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb, data } },
        });
        const res = await post(JSON.stringify(activity));
        expect(isForbidden5xx(res.status), `status ${res.status}: ${res.text.slice(0, 200)}`).to.equal(false);
        if (res.status >= 400) expect(isExplained4xx(res.json), `${res.status} body: ${res.text.slice(0, 200)}`).to.equal(true);
        const text = res.status === 200 ? cardText((res.json as { value?: unknown } | null)?.value) : '';
        expect(isUnfinishedTurn(text), `a failed turn: ${text.slice(0, 300)}`).to.equal(false);
        if (mayHaveStored(verb, res.status, text)) {
          await settle();
        } else {
          expect(await counts(), `refused (${res.status}) but stored: ${(text || res.text).slice(0, 200)}`).to.deep.equal(before);
        }
      }),
      run(150),
    );
    await stillAnswering('after property 2');
  });

  it('property 3: generated chat messages → 200, a reply arrives, no failed turns, no template expression leaks', async () => {
    const ref = fc.constantFrom(...seeded.references);
    const arg = fc.oneof(
      anyString(30),
      ref,
      ref.map((r) => r.toLowerCase().replace(/-/g, ' ')),
      fc.constantFrom('T777001', 'T777002', 'T777003'),
    );
    const text = fc.oneof(
      { weight: 3, arbitrary: anyString(60) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom('check', 'case', 'CASE', '  check  ', 'report', 'my reports', 'pending', 'help', 'my  reports'), arg)
          .map(([c, a]) => `${c} ${a}`),
      },
      { weight: 1, arbitrary: fc.constantFrom('help', 'report', 'my reports', 'pending', 'check', 'case') },
      { weight: 1, arbitrary: fc.constantFrom(1000, 49_999, 50_000).map((n) => '${'.repeat(n / 2)) },
    );
    const people = fc.constantFrom(...(Object.keys(PEOPLE) as PersonKey[]));

    await fc.assert(
      fc.asyncProperty(text, people, async (typed, who) => {
        h.connector.clear();
        const activity = activityFor(h.connector.url, 'message', who, { text: typed, id: randomUUID() });
        const res = await post(JSON.stringify(activity));
        expect(res.status, res.text.slice(0, 200)).to.equal(200);
        const suffix = `/activities/${encodeURIComponent(activity.id as string)}`;
        const replied = () => h.connector.received.filter((r) => r.path.endsWith(suffix));
        await waitUntil('a reply arrives at the connector', () => replied().length > 0, 2000, 20);
        const replies = replied();
        for (const reply of replies) {
          const said = cardText(reply.body);
          expect(isUnfinishedTurn(said), `a failed turn: ${said.slice(0, 300)}`).to.equal(false);
          if (!typed.includes('${')) expect(said.includes('${'), `a template expression leaked: ${said.slice(0, 300)}`).to.equal(false);
        }
        // Not a command: the answer quotes what was typed, literally (never evaluated as a template).
        if (!parseCommand(typed)) expect(cardText(replies[0]!.body)).to.include(`“${typed.slice(0, 40)}”`);
      }),
      run(120),
    );
    await stillAnswering('after property 3');
  });
});
