import { expect } from 'chai';
import type * as AdaptiveCards from 'adaptivecards';
import { TEMPLATES, renderCard, type AdaptiveCard } from '../src/cards/render';
import { confirmationCard, incidentFormCard, type FormState } from '../src/app/incident-views';
import { helpReply } from '../src/app/help';
import { checkCustomer } from '../src/app/check-customer';
import { myReports } from '../src/app/my-reports';
import { pendingForMe } from '../src/app/signoff';
import { signOffDecideCard, signOffOutcomeCard, signOffStatusCard, type SignOffPeople } from '../src/app/signoff-views';
import { decide } from '../src/domain/signoff';
import { COMMANDS } from '../src/app/commands';
import type { AppContext, Reply } from '../src/app/context';
import { INCIDENT_FIELDS, validateIncident, type IncidentFormValues } from '../src/domain/incident';
import { CATEGORIES, POLICY_VERSION } from '../src/domain/policy';
import { interimPairsVisit, type Measure } from '../src/domain/measure';
import type { Incident } from '../src/domain/records';
import type { ServiceArea } from '../src/directory/directory';

// `require('adaptivecards')` fails on Node 20 (extension-less ES modules); the UMD bundle works (LOCAL-TOOLING.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Teams renders Adaptive Cards 1.5 everywhere (SPEC §8: cards are ≤ 1.5). */
const TARGET = { major: 1, minor: 5 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Every object in a card, depth first. */
function objectsIn(value: unknown): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      out.push(v as JsonObject);
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}

const ofType = (card: AdaptiveCard, type: string) => objectsIn(card).filter((o) => o.type === type);
const texts = (card: AdaptiveCard) => ofType(card, 'TextBlock').map((t) => String(t.text));
const inputs = (card: AdaptiveCard) => objectsIn(card).filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'));

/** A card version must be major.minor and at most 1.5. */
function versionProblems(declared: unknown): string[] {
  const version = /^(\d+)\.(\d+)$/.exec(String(declared));
  if (!version) return [`version ${String(declared)} is not major.minor`];
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major > TARGET.major || (major === TARGET.major && minor > TARGET.minor))
    return [`version ${String(declared)} is above ${TARGET.major}.${TARGET.minor}`];
  return [];
}

/**
 * Everything wrong with a card as Teams would receive it: unexpanded template expressions, left-over template keys,
 * a version above 1.5, and every event the adaptivecards library logs while parsing and validating at target 1.5
 * (unknown element/action types, bad enum values, duplicate ids, empty choice sets, …).
 */
function problemsOf(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  const leftover = json.indexOf('${');
  if (leftover >= 0) problems.push(`unexpanded expression near ${json.slice(leftover, leftover + 60)}`);
  for (const o of objectsIn(card))
    for (const key of Object.keys(o)) if (key.startsWith('$') && key !== '$schema') problems.push(`template key ${key} left in the card`);
  if (card.type !== 'AdaptiveCard') problems.push(`type is ${String(card.type)}`);
  problems.push(...versionProblems(card.version));

  const context = new AC.SerializationContext(new AC.Version(TARGET.major, TARGET.minor));
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Realistic data, through the real view functions.

const NOW = new Date('2026-11-20T12:00:00Z');
const SERVICE_AREAS: ServiceArea[] = [
  { id: 'housing', name: 'Housing Management', headOfService: 'hos-housing', deputy: 'dep-housing' },
  { id: 'repairs', name: 'Repairs & Maintenance', headOfService: 'hos-repairs', deputy: null },
];

function incident(overrides: Partial<Incident>): Incident {
  return {
    type: 'incident',
    id: 'inc-1',
    reference: 'UB-7K3-M9Q',
    customerKey: 'T004512',
    submissionKey: 'sk-1',
    reporter: { id: 'user-1', name: 'Alex Wilber' },
    reportedAt: '2026-11-20T11:05:00.000Z',
    policyVersion: POLICY_VERSION,
    customerRef: 'T004512',
    customerName: 'Sam O’Neill',
    occurredAt: '2026-11-20T10:40:00.000Z',
    channel: 'home-visit',
    serviceArea: 'housing',
    category: 'aggressive',
    behaviours: ['violence-harassment', 'intimidation-threats'],
    description: 'Pushed me against the door frame and said he would "sort me out" if I came back. I left at once.',
    safetyFlags: ['violence', 'threat-of-violence'],
    actions: ['visit-ended', 'police-informed'],
    crimeReference: 'CR/12345/26',
    vulnerability: { known: 'unknown', note: null },
    ...overrides,
  };
}

/** §5.1 violence at a home visit, police informed. */
const VIOLENCE = incident({});
/** §4.3 persistence by email, continuing a complaint without new information; known vulnerability. */
const PERSISTENCE = incident({
  id: 'inc-2',
  reference: 'UB-4HX-2TW',
  customerKey: 'T009981',
  customerRef: 'T009981',
  customerName: 'Pat Jones',
  channel: 'email',
  serviceArea: 'repairs',
  category: 'persistence',
  behaviours: ['continuing-complaint', 'refusing-decision'],
  description: 'Fourteenth email this month about the closed damp complaint (ref C-2291); no new information.',
  safetyFlags: [],
  actions: [],
  crimeReference: null,
  vulnerability: { known: 'yes', note: 'Anxiety; prefers email contact.' },
});

const FILLED: IncidentFormValues = {
  customerRef: 't00 4512',
  customerName: 'Sam O’Neill',
  occurredDate: '2026-11-20',
  occurredTime: '10:40',
  channel: 'home-visit',
  serviceArea: 'housing',
  behaviours: 'violence-harassment,intimidation-threats',
  description: 'Pushed me against the door frame & said he’d "sort me out" <if> I came back.',
  safetyFlags: 'violence,threat-of-violence',
  actions: 'visit-ended,police-informed',
  crimeReference: 'CR/12345/26',
  vulnerabilityKnown: 'yes',
  vulnerabilityNote: 'Hearing impaired: speak clearly, face him.',
};

/** A submission with a problem in many fields, and the real messages validateIncident gives for it. */
const BAD: IncidentFormValues = {
  ...FILLED,
  customerRef: 'T#1',
  customerName: '',
  occurredTime: '23:59',
  channel: 'fax',
  serviceArea: 'nowhere',
  behaviours: 'refusing-decision',
  description: 'short',
  crimeReference: 'x'.repeat(41),
  vulnerabilityKnown: 'yes',
  vulnerabilityNote: '',
};
const badResult = validateIncident(BAD, 'aggressive', ['housing', 'repairs'], NOW);
if (badResult.ok) throw new Error('fixture BAD should be invalid');
const BAD_ERRORS = badResult.errors;

function formState(over: Partial<FormState>): FormState {
  return { category: 'aggressive', formId: 'form-5f2c', values: {}, errors: {}, serviceAreas: SERVICE_AREAS, today: '2026-11-20', ...over };
}

const PAIRS = interimPairsVisit(VIOLENCE, { approverId: 'hos-housing', deputyId: 'dep-housing' })!;

/** Another measure on the same customer, built from the interim one so the test does not restate every field. */
function measure(over: Partial<Measure>): Measure {
  return {
    ...PAIRS,
    id: 'UB-4HX-2TW:contact-restriction',
    kind: 'contact-restriction',
    status: 'active',
    interim: false,
    instructions: 'Contact by email only, to the single point of contact (Jo Smith). Emergencies and repairs by phone as usual.',
    reasons: 'SECRET-NARRATIVE: 14 emails a month about a closed complaint',
    incidentRefs: ['UB-4HX-2TW'],
    proposedBy: { id: 'cm-1', name: 'Case Manager' },
    proposedAt: '2026-09-01T09:00:00.000Z',
    reviewDue: '2027-03-01T09:00:00.000Z',
    signOff: null,
    ...over,
  };
}

const SIGNOFF_PEOPLE: SignOffPeople = {
  approverName: 'Jo Head',
  deputyName: 'Sam Deputy',
  serviceAreaName: 'Housing Management',
  userIds: ['29:1abc', '29:2def'],
};
const NO_NOTIFY = measure({
  status: 'pending-sign-off',
  notifyCustomer: false,
  noNotificationJustification: 'Telling the customer would put the neighbour who reported the threats at risk of retaliation.',
  signOff: {
    reasons: ['no-notification'],
    serviceArea: 'housing',
    approverId: 'hos-housing',
    deputyId: null,
    requestedAt: '2026-11-20T10:00:00.000Z',
    decision: null,
  },
});
const APPROVED = decideOrThrow(PAIRS, 'approve');
const LIFTED = decideOrThrow(PAIRS, 'reject');

function decideOrThrow(m: Measure, outcome: 'approve' | 'reject'): Measure {
  const r = decide(
    m,
    { id: 'hos-housing', name: 'Jo Head' },
    { outcome, reason: 'Spoke to both officers; risk confirmed.', vulnerabilitiesConsidered: 'No known vulnerabilities; checked Active H.' },
    NOW,
  );
  if (!r.ok) throw new Error(r.message);
  return r.measure;
}

const FILES: Record<string, { measures: Measure[]; incidentCount: number; customerName: string | null }> = {
  T004512: {
    measures: [PAIRS, measure({}), measure({ id: 'old', kind: 'warning', status: 'lapsed', reviewDue: '2026-05-01T00:00:00.000Z' })],
    incidentCount: 3,
    customerName: 'Sam O’Neill',
  },
  T009981: {
    measures: [
      measure({
        id: 'p1',
        customerKey: 'T009981',
        kind: 'warning',
        status: 'pending-sign-off',
        interim: false,
        proposedAt: '2026-11-18T15:00:00.000Z',
      }),
    ],
    incidentCount: 1,
    customerName: 'Pat Jones',
  },
};

/** Just enough of AppContext for the `check` and `my reports` handlers: an in-memory customer file and clock. */
const ctx = {
  now: () => NOW,
  incidents: {
    customerFile: async (key: string) => FILES[key] ?? { measures: [], incidentCount: 0, customerName: null },
    reportedBy: async (personId: string) => (personId === 'user-1' ? [VIOLENCE, PERSISTENCE] : []),
  },
  measures: {
    awaitingSignOffBy: async (personId: string) => (personId === 'hos-housing' ? [PAIRS, NO_NOTIFY] : []),
  },
} as unknown as AppContext;

function cardOf(reply: Reply): AdaptiveCard {
  if (!('card' in reply)) return expect.fail(`expected a card reply, got text: ${reply.text}`);
  return reply.card;
}

type Fixture = () => AdaptiveCard | Promise<AdaptiveCard>;

/** At least one realistic expansion of every template in TEMPLATES, by template name. */
const FIXTURES: Record<string, Record<string, Fixture>> = {
  help: {
    welcome: () => cardOf(helpReply('welcome')),
    help: () => cardOf(helpReply('help')),
    'unknown command': () => cardOf(helpReply('unknown', 'reprot T004512 <b>now</b> & “quickly”')),
  },
  notice: {
    // No view function uses the notice template yet: expanded directly.
    attention: () => renderCard('notice', { title: 'That form has expired', text: 'Type report to start a new one.', color: 'Attention' }),
    good: () => renderCard('notice', { title: 'Approved', text: 'Visits in pairs confirmed by Jo Head (§5.1).', color: 'Good' }),
  },
  'incident-form': {
    'blank §4.1 form': () => incidentFormCard(formState({})),
    '§4.1 form with every value and an error under each bad field': () => incidentFormCard(formState({ values: BAD, errors: BAD_ERRORS })),
    '§4.2 form with values kept after switching category': () => incidentFormCard(formState({ category: 'demands', values: FILLED })),
    '§4.3 form with one error': () =>
      incidentFormCard(
        formState({
          category: 'persistence',
          values: { ...FILLED, behaviours: '' },
          errors: { behaviours: 'Choose at least one behaviour you saw (§4.3)' },
        }),
      ),
  },
  'incident-confirmation': {
    '§5.1 violence incident': () => confirmationCard(VIOLENCE, 'Housing Management', true),
    '§4.3 persistence incident, delivered twice': () => confirmationCard(PERSISTENCE, 'Repairs & Maintenance', false),
  },
  'customer-check': {
    'markers in force (interim pairs visit + contact restriction)': () => checkCustomer(ctx, 't00 4512').then(cardOf),
    'a proposal pending sign-off': () => checkCustomer(ctx, 'T009981').then(cardOf),
    'no markers, no incidents': () => checkCustomer(ctx, 'T000001').then(cardOf),
  },
  'my-reports': {
    'two reports': () => myReports(ctx, { id: 'user-1', name: 'Alex Wilber', tenantId: 'tenant-1' }).then(cardOf),
    'no reports': () => myReports(ctx, { id: 'user-2', name: 'New Starter', tenantId: 'tenant-1' }).then(cardOf),
  },
  'signoff-request': {
    'interim pairs visit, Head of Service and deputy known': () => signOffStatusCard(PAIRS, SIGNOFF_PEOPLE),
    'no-notification contact restriction, no deputy, no Teams ids yet': () =>
      signOffStatusCard(NO_NOTIFY, { ...SIGNOFF_PEOPLE, deputyName: null, userIds: [] }),
  },
  'signoff-decide': {
    'interim pairs visit': () => signOffDecideCard(PAIRS, SIGNOFF_PEOPLE),
    'no-notification with a problem from the last click': () =>
      signOffDecideCard(NO_NOTIFY, SIGNOFF_PEOPLE, 'Give the reason for rejecting (at least a few words).'),
  },
  'signoff-outcome': {
    approved: () => signOffOutcomeCard(APPROVED),
    'rejected (interim lifted), seen by the loser of a race': () =>
      signOffOutcomeCard(LIFTED, 'Jo Head decided this first, at 26 Nov 2026, 10:05: your click changed nothing.'),
  },
  pending: {
    'two waiting': () => pendingForMe(ctx, { id: 'hos-housing', name: 'Jo Head', tenantId: 'tenant-1' }).then(cardOf),
    'nothing waiting': () => pendingForMe(ctx, { id: 'nobody', name: 'No One', tenantId: 'tenant-1' }).then(cardOf),
  },
};

// ---------------------------------------------------------------------------------------------------------------

describe('Adaptive Card templates (cards/*.json), expanded with realistic data', () => {
  it('the checker finds problems (an unknown element, a bad enum value, a duplicate id, a version above 1.5, a leftover ${…})', () => {
    const bad = {
      type: 'AdaptiveCard',
      version: '1.6',
      body: [
        { type: 'Carousel', pages: [] },
        { type: 'TextBlock', text: '${missing}', color: 'Purple' },
        { type: 'Input.Text', id: 'a' },
        { type: 'Input.ChoiceSet', id: 'a', choices: [] },
      ],
      actions: [{ type: 'Action.Teleport' }],
    } as AdaptiveCard;
    const problems = problemsOf(bad).join('\n');
    expect(problems).to.include('Unknown element type "Carousel"');
    expect(problems).to.include('Unknown action type "Action.Teleport"');
    expect(problems).to.include('"Purple"');
    expect(problems).to.include('Duplicate Id "a"');
    expect(problems).to.include('at least one choice');
    expect(problems).to.include('version 1.6 is above 1.5');
    expect(problems).to.include('unexpanded expression near ${missing}');
  });

  it('every fixture is for a template that exists', () => {
    expect(Object.keys(TEMPLATES)).to.include.members(Object.keys(FIXTURES));
  });

  for (const name of Object.keys(TEMPLATES)) {
    describe(name, () => {
      const fixtures = Object.prototype.hasOwnProperty.call(FIXTURES, name) ? FIXTURES[name]! : {};

      it('has at least one fixture in test/cards.test.ts', () => {
        expect(Object.keys(fixtures), `add a fixture for cards/${name}.json to FIXTURES`).to.have.length.greaterThan(0);
      });

      it('the template itself is an AdaptiveCard declaring version ≤ 1.5', () => {
        const template = TEMPLATES[name as keyof typeof TEMPLATES] as { type?: string; version?: string };
        expect(template.type).to.equal('AdaptiveCard');
        expect(versionProblems(template.version)).to.deep.equal([]);
      });

      for (const [variant, make] of Object.entries(fixtures)) {
        it(`${variant}: parses at Adaptive Cards 1.5 with no events or warnings and no leftover \${`, async () => {
          expect(problemsOf(await make())).to.deep.equal([]);
        });
      }
    });
  }
});

describe('card content', () => {
  describe('incident form (§4)', () => {
    it('has exactly one input per form field, named as validateIncident expects', () => {
      for (const make of Object.values(FIXTURES['incident-form']!)) {
        const ids = inputs(make() as AdaptiveCard).map((i) => i.id);
        expect(ids).to.have.members([...INCIDENT_FIELDS]);
        expect(ids).to.have.length(INCIDENT_FIELDS.length);
      }
    });

    it('keeps every value the user typed', () => {
      const card = incidentFormCard(formState({ values: BAD, errors: BAD_ERRORS }));
      for (const input of inputs(card)) expect(input.value, String(input.id)).to.equal(BAD[input.id as keyof IncidentFormValues]);
    });

    it('shows each error under its field, in Attention colour, with a summary; a blank form shows none', () => {
      const card = incidentFormCard(formState({ values: BAD, errors: BAD_ERRORS }));
      const attention = ofType(card, 'TextBlock')
        .filter((t) => t.color === 'Attention')
        .map((t) => t.text);
      const messages = Object.values(BAD_ERRORS);
      expect(messages.length).to.be.greaterThan(5);
      expect(attention).to.include.members(messages);
      expect(attention.find((t) => /Please correct the \d+ fields/.test(String(t)))).to.be.a('string');

      const blank = incidentFormCard(formState({}));
      expect(ofType(blank, 'TextBlock').filter((t) => t.color === 'Attention')).to.deep.equal([]);
      expect(inputs(blank).every((i) => i.value === '')).to.equal(true);
    });

    it('offers the behaviours of the chosen category only (§4.1/§4.2/§4.3), and switching to the other two', () => {
      for (const category of ['aggressive', 'demands', 'persistence'] as const) {
        const card = incidentFormCard(formState({ category }));
        const behaviours = inputs(card).find((i) => i.id === 'behaviours')!;
        expect((behaviours.choices as JsonObject[]).map((c) => c.value)).to.deep.equal(CATEGORIES[category].behaviours.map((b) => b.id));
        expect(texts(card)).to.include(`${CATEGORIES[category].label} (policy §${CATEGORIES[category].section})`);
        const executes = ofType(card, 'Action.Execute');
        const switches = executes.filter((a) => a.verb === 'incident.form').map((a) => a.data as JsonObject);
        expect(switches.map((d) => d.category)).to.have.members(['aggressive', 'demands', 'persistence'].filter((c) => c !== category));
        expect(switches.every((d) => d.formId === 'form-5f2c')).to.equal(true);
        expect(executes.find((a) => a.verb === 'incident.submit')!.data).to.deep.equal({ category, formId: 'form-5f2c' });
      }
    });

    it('service areas come from the directory and the date cannot be after today', () => {
      const card = incidentFormCard(formState({}));
      const area = inputs(card).find((i) => i.id === 'serviceArea')!;
      expect(area.choices).to.deep.equal(SERVICE_AREAS.map((a) => ({ title: a.name, value: a.id })));
      expect(inputs(card).find((i) => i.id === 'occurredDate')!.max).to.equal('2026-11-20');
    });
  });

  describe('incident confirmation', () => {
    it('§5.1 violence: reference, safety flags and the §5.1 guidance (refuse to see, police, pairs)', async () => {
      const card = await FIXTURES['incident-confirmation']!['§5.1 violence incident']!();
      const all = texts(card).join('\n');
      expect(all).to.include('Report received');
      expect(all).to.include('**UB-7K3-M9Q**');
      expect(all).to.include('§5.1');
      expect(all).to.match(/refuse to see/i);
      expect(all).to.match(/in pairs/i);
      const facts = Object.fromEntries(ofType(card, 'FactSet').flatMap((f) => (f.facts as JsonObject[]).map((x) => [x.title, x.value])));
      expect(facts.Safety).to.equal('Physical violence; Threat of violence');
      expect(facts.Category).to.equal('Aggressive or abusive behaviour (§4.1)');
      expect(facts.When).to.equal('20 Nov 2026, 10:40');
      expect(facts['Service area']).to.equal('Housing Management');
      expect(all, 'the narrative is not echoed on the card').not.to.include('door frame');
    });

    it('§4.3 persistence: already received, Ombudsman reminder, §6 vulnerability', async () => {
      const card = await FIXTURES['incident-confirmation']!['§4.3 persistence incident, delivered twice']!();
      const all = texts(card).join('\n');
      expect(all).to.include('already received');
      expect(all).to.include('§4.3');
      expect(all).to.include('Housing Ombudsman');
      expect(all).to.include('§6');
      expect(all).not.to.include('§5.1');
    });
  });

  describe('customer check (need-to-know: marker type and instructions only)', () => {
    it('in force: visit in pairs first, interim pending sign-off, the restriction; lapsed markers hidden', async () => {
      const card = await FIXTURES['customer-check']!['markers in force (interim pairs visit + contact restriction)']!();
      const all = texts(card);
      expect(all).to.include('Customer T004512');
      expect(all).to.include('Visit in pairs only.');
      expect(all.join('\n')).to.include('(interim, pending sign-off)');
      expect(all.join('\n')).to.include('Contact by email only');
      expect(ofType(card, 'Container').map((c) => c.style)).to.deep.equal(['attention', 'warning']);
      expect(all.join('\n')).to.include('3 incidents on record');
      expect(all.join('\n')).not.to.include('Warning that behaviour is unacceptable');
      expect(JSON.stringify(card), 'no reasons or incident narratives').not.to.include('SECRET-NARRATIVE');
    });

    it('pending: no marker in force, the proposal listed under "Awaiting Head of Service sign-off"', async () => {
      const all = texts(await FIXTURES['customer-check']!['a proposal pending sign-off']!());
      expect(all).to.include('No warning markers in force.');
      expect(all).to.include('Awaiting Head of Service sign-off');
      expect(all).to.include('Proposed 18 Nov 2026');
      expect(all.join('\n')).to.include('1 incident on record');
    });

    it('empty: says so, and to use the usual lone-working precautions', async () => {
      const card = await FIXTURES['customer-check']!['no markers, no incidents']!();
      expect(texts(card)).to.include('No warning markers in force.');
      expect(texts(card)).not.to.include('Awaiting Head of Service sign-off');
      expect(ofType(card, 'Container')).to.deep.equal([]);
      expect(texts(card).join('\n')).to.include('lone-working precautions');
    });
  });

  it('help lists every command', () => {
    const card = cardOf(helpReply('help'));
    const facts = ofType(card, 'FactSet').flatMap((f) => f.facts as JsonObject[]);
    expect(facts.map((f) => f.title)).to.deep.equal(COMMANDS.map((c) => c.usage));
  });

  it('my reports lists references, newest first as the store returns them; empty says so', async () => {
    const two = texts(await FIXTURES['my-reports']!['two reports']!());
    expect(two).to.include('**UB-7K3-M9Q** · Sam O’Neill (T004512)');
    expect(two).to.include('**UB-4HX-2TW** · Pat Jones (T009981)');
    expect(two).not.to.include('You have not reported any incidents yet.');
    expect(texts(await FIXTURES['my-reports']!['no reports']!())).to.include('You have not reported any incidents yet.');
  });

  // REPORTED BUG (src/cards/render.ts): renderCard throws "unbound expression" when user-typed text contains "${",
  // because it cannot tell data from unexpanded template expressions. A description such as "he wrote ${x}" then
  // breaks the form re-render, the confirmation and every later `my reports`. Remove `.skip` once fixed.
  it('user text containing ${ is shown verbatim, not an error', () => {
    const description = 'He wrote "${name} you will pay" on my car.';
    const card = incidentFormCard(formState({ values: { ...FILLED, description } }));
    expect(inputs(card).find((i) => i.id === 'description')!.value).to.equal(description);
    const confirmation = confirmationCard(incident({ customerName: 'Sam ${x}' }), 'Housing Management', true);
    expect(JSON.stringify(confirmation)).to.include('Sam ${x} (T004512)');
  });
});
