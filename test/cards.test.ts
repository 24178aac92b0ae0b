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
import { proposeMeasure, showCase, showProposalForm } from '../src/app/case';
import type { ActionResult, Actor, AppContext, Reply } from '../src/app/context';
import { INCIDENT_FIELDS, validateIncident, type IncidentFormValues } from '../src/domain/incident';
import { CATEGORIES } from '../src/domain/policy';
import { interimPairsVisit, type Measure } from '../src/domain/measure';
import { PROPOSAL_FIELDS, checkProposal, type ProposalValues } from '../src/domain/proposal';
import type { AuditEvent } from '../src/domain/records';
import type { DirectoryPerson, ServiceArea } from '../src/directory/directory';
import { sampleIncident, samplePersistenceIncident } from './support/fixtures';

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

/** §5.1 violence at a home visit, police informed. */
const VIOLENCE = sampleIncident();
/** §4.3 persistence by email, continuing a complaint without new information; known vulnerability. */
const PERSISTENCE = samplePersistenceIncident({ vulnerability: { known: 'yes', note: 'Anxiety; prefers email contact.' } });

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

/** §4.1 verbal abuse on the phone, a customer with nothing on file yet (the case card's "None yet."). */
const NEW_CUSTOMER = sampleIncident({
  id: 'inc-3',
  reference: 'UB-9PQ-R2S',
  customerKey: 'T000777',
  customerRef: 'T000777',
  customerName: 'Chris Doe',
  channel: 'phone',
  behaviours: ['derogatory-remarks'],
  description: 'Swore at me repeatedly and called me useless; I warned him, then ended the call.',
  safetyFlags: [],
  actions: ['warned', 'call-terminated'],
  crimeReference: null,
});
const INCIDENTS = [VIOLENCE, PERSISTENCE, NEW_CUSTOMER];

const CASE_MANAGER: Actor = { id: 'cm-1', name: 'Casey Manager', tenantId: 'tenant-1' };
const HEAD_OF_HOUSING: Actor = { id: 'hos-housing', name: 'Jo Head', tenantId: 'tenant-1' };
const STAFF: Actor = { id: 'user-1', name: 'Alex Wilber', tenantId: 'tenant-1' };
const PEOPLE: DirectoryPerson[] = [
  { id: 'cm-1', name: 'Casey Manager' },
  { id: 'hos-housing', name: 'Jo Head' },
  { id: 'dep-housing', name: 'Sam Deputy' },
  { id: 'hos-repairs', name: 'Robin Repairs' },
  { id: 'user-1', name: 'Alex Wilber' },
];

/** What the handlers wrote, for the content tests. */
const written = { audit: [] as AuditEvent[], measures: [] as Measure[] };
let ids = 0;

/** Just enough of AppContext for the handlers below: an in-memory store, directory and clock. */
const ctx = {
  now: () => NOW,
  newId: () => `form-${String(++ids).padStart(4, '0')}-5f2c`,
  notify: () => {},
  incidents: {
    customerFile: async (key: string) => FILES[key] ?? { measures: [], incidentCount: 0, customerName: null },
    reportedBy: async (personId: string) => (personId === 'user-1' ? [VIOLENCE, PERSISTENCE] : []),
    findByReference: async (reference: string) => INCIDENTS.find((i) => i.reference === reference) ?? null,
  },
  measures: {
    awaitingSignOffBy: async (personId: string) => (personId === 'hos-housing' ? [PAIRS, NO_NOTIFY] : []),
    create: async (m: Measure, audit: AuditEvent) => {
      written.measures.push(m);
      written.audit.push(audit);
    },
  },
  audit: { append: async (e: AuditEvent) => void written.audit.push(e) },
  conversations: { userIdOf: async (personId: string) => (personId === 'hos-housing' ? '29:1abc' : null) },
  directory: {
    person: async (id: string) => PEOPLE.find((p) => p.id === id) ?? null,
    isCaseManager: async (id: string) => id === 'cm-1',
    isAdmin: async () => false,
    caseManagers: async () => PEOPLE.filter((p) => p.id === 'cm-1'),
    serviceAreas: async () => SERVICE_AREAS,
  },
} as unknown as AppContext;

/** A §5.3 contact restriction with a problem in several fields: no channel left, §6 not considered, a 0 limit, no justification. */
const BAD_RESTRICTION: ProposalValues = {
  kind: 'contact-restriction',
  reasons: 'Fourteen emails this month about the closed damp complaint (UB-4HX-2TW).',
  instructions: '',
  reviewDate: '2027-05-20',
  vulnerabilitiesConsidered: '',
  adjustments: 'difficulty-writing',
  notifyCustomer: 'no',
  noNotificationJustification: 'Would upset him.',
  priorWarningSkipReason: '',
  channels: '',
  singlePointOfContact: 'Jo Smith',
  limitedTimes: 'Tuesdays 10:00–12:00',
  maxContactsCount: '0',
  maxContactsPer: 'week',
  declineWithoutNewEvidence: 'true',
  maxIssuesCount: '',
  maxIssuesPer: '',
  thirdParty: '',
};
const badProposal = checkProposal(BAD_RESTRICTION, { incidents: [PERSISTENCE], priorWarning: false, now: NOW });
if (badProposal.ok) throw new Error('fixture BAD_RESTRICTION should be refused');
const BAD_PROPOSAL_ERRORS = badProposal.errors;

function actionCard(result: ActionResult): AdaptiveCard {
  if (!('card' in result)) return expect.fail(`expected a card, got error ${JSON.stringify(result.error)}`);
  return result.card;
}

function cardOf(reply: Reply): AdaptiveCard {
  if (!('card' in reply)) return expect.fail(`expected a card reply, got text: ${reply.text}`);
  return reply.card;
}

type Fixture = () => AdaptiveCard | Promise<AdaptiveCard>;

/** At least one realistic expansion of every template in TEMPLATES, by template name. */
const FIXTURES: Record<string, Record<string, Fixture>> = {
  help: {
    welcome: () => cardOf(helpReply('welcome', true)),
    help: () => cardOf(helpReply('help', true)),
    'in a channel': () => cardOf(helpReply('help', false)),
    'unknown command': () => cardOf(helpReply('unknown', true, 'reprot T004512 <b>now</b> & “quickly”')),
  },
  notice: {
    // The first two expanded directly; the third through proposeMeasure.
    attention: () => renderCard('notice', { title: 'That form has expired', text: 'Type report to start a new one.', color: 'Attention' }),
    good: () => renderCard('notice', { title: 'Approved', text: 'Visits in pairs confirmed by Jo Head (§5.1).', color: 'Good' }),
    'visits in pairs proposed through proposeMeasure, awaiting sign-off': () =>
      proposeMeasure(ctx, CASE_MANAGER, {
        incidentRef: 'UB-7K3-M9Q',
        formId: 'form-7d1e-0003',
        kind: 'pairs-visit',
        reasons: 'Pushed an officer and threatened to "sort him out" on 20 Nov (UB-7K3-M9Q).',
        reviewDate: '2027-05-20',
        vulnerabilitiesConsidered: 'No vulnerabilities recorded in Active H or known to the officer.',
        notifyCustomer: 'yes',
      }).then(actionCard),
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
  case: {
    'case manager: §5.1 case with measures, Propose button': () => showCase(ctx, CASE_MANAGER, 'ub-7k3-m9q').then(cardOf),
    'Head of Service of the area: same case, no Propose button': () => showCase(ctx, HEAD_OF_HOUSING, 'UB-7K3-M9Q').then(cardOf),
    'case manager: no measures yet': () => showCase(ctx, CASE_MANAGER, 'UB-9PQ-R2S').then(cardOf),
    'case manager: §4.3 case, known vulnerability': () => showCase(ctx, CASE_MANAGER, 'UB-4HX-2TW').then(cardOf),
  },
  'measure-form': {
    'fresh, for a §5.1 incident (visits in pairs suggested)': () =>
      showProposalForm(ctx, CASE_MANAGER, { incidentRef: 'UB-7K3-M9Q' }).then(actionCard),
    'fresh, known vulnerability (§6 note)': () =>
      showProposalForm(ctx, CASE_MANAGER, { incidentRef: 'UB-4HX-2TW', formId: 'form-7d1e-0001' }).then(actionCard),
    'contact restriction refused by proposeMeasure: errors under several fields, values kept': () =>
      proposeMeasure(ctx, CASE_MANAGER, { incidentRef: 'UB-4HX-2TW', formId: 'form-7d1e-0002', ...BAD_RESTRICTION }).then(actionCard),
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
      expect(all).to.include('recorded once, under the same reference');
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

  describe('case card (SPEC §2 need-to-know; every view audited, SPEC §6)', () => {
    const proposeButtons = (card: AdaptiveCard) => ofType(card, 'Action.Execute').filter((a) => a.verb === 'measure.form');

    it('a case manager sees the full case with a Propose button for this incident, and the view is audited', async () => {
      const before = written.audit.length;
      const card = await FIXTURES.case!['case manager: §5.1 case with measures, Propose button']!();
      expect(proposeButtons(card).map((a) => a.data)).to.deep.equal([{ incidentRef: 'UB-7K3-M9Q' }]);
      const all = texts(card).join('\n');
      expect(all).to.include('Case UB-7K3-M9Q');
      expect(all).to.include('door frame');
      expect(all).to.include('**Visits and meetings in pairs** · awaiting Head of Service sign-off (interim), review 20 May 2027');
      const views = written.audit.slice(before);
      expect(views).to.have.length(1);
      expect(views[0]).to.deep.include({
        customerKey: 'T004512',
        at: NOW.toISOString(),
        actor: { id: 'cm-1', name: 'Casey Manager' },
        action: 'case.viewed',
        subject: 'UB-7K3-M9Q',
      });
      expect(views[0]!.id).to.match(/^UB-7K3-M9Q:viewed:[0-9a-f]{16}$/);
    });

    it('the Head of Service of that area sees the case but has no Propose button', async () => {
      const card = await FIXTURES.case!['Head of Service of the area: same case, no Propose button']!();
      expect(texts(card)).to.include('Case UB-7K3-M9Q');
      expect(proposeButtons(card)).to.deep.equal([]);
    });

    it('a customer with no measures yet says so', async () => {
      expect(texts(await FIXTURES.case!['case manager: no measures yet']!())).to.include('None yet.');
    });

    it('other staff, and the Head of Service of another area, get no details and leave no view in the audit trail', async () => {
      const before = written.audit.length;
      for (const actor of [STAFF, { id: 'hos-repairs', name: 'Robin Repairs', tenantId: 'tenant-1' }]) {
        const reply = await showCase(ctx, actor, 'UB-7K3-M9Q');
        expect(reply).to.have.keys('text');
        expect(JSON.stringify(reply)).not.to.include('door frame');
      }
      expect(written.audit.length).to.equal(before);
    });
  });

  describe('measure form (§5, §6)', () => {
    it('has exactly one input per proposal field, named as checkProposal expects', async () => {
      for (const make of Object.values(FIXTURES['measure-form']!)) {
        const ids = inputs(await make()).map((i) => i.id);
        expect(ids).to.have.members([...PROPOSAL_FIELDS]);
        expect(ids).to.have.length(PROPOSAL_FIELDS.length);
      }
    });

    it('fresh for a §5.1 incident: visits in pairs suggested, review at most six months ahead (§8), customer told', async () => {
      const card = await FIXTURES['measure-form']!['fresh, for a §5.1 incident (visits in pairs suggested)']!();
      const value = (id: string) => inputs(card).find((i) => i.id === id)!;
      expect(value('kind').value).to.equal('pairs-visit');
      expect(value('reviewDate')).to.deep.include({ value: '2027-05-20', min: '2026-11-20', max: '2027-05-20' });
      expect(value('notifyCustomer').value).to.equal('yes');
      expect(ofType(card, 'TextBlock').filter((t) => t.color === 'Attention')).to.deep.equal([]);
      expect(ofType(card, 'Action.Execute').find((a) => a.verb === 'measure.propose')!.data).to.deep.include({ incidentRef: 'UB-7K3-M9Q' });
    });

    it('a known vulnerability is pointed out, with third-party contact offered (§6)', async () => {
      const all = texts(await FIXTURES['measure-form']!['fresh, known vulnerability (§6 note)']!()).join('\n');
      expect(all).to.include('Anxiety; prefers email contact.');
      expect(all).to.include('third party');
    });

    it('refused: each error under its field in Attention colour, with a summary counting them', async () => {
      const card = await FIXTURES['measure-form']!['contact restriction refused by proposeMeasure: errors under several fields, values kept']!();
      const messages = Object.values(BAD_PROPOSAL_ERRORS);
      expect(Object.keys(BAD_PROPOSAL_ERRORS)).to.include.members([
        'channels',
        'vulnerabilitiesConsidered',
        'maxContactsCount',
        'noNotificationJustification',
      ]);
      const attention = ofType(card, 'TextBlock')
        .filter((t) => t.color === 'Attention')
        .map((t) => t.text);
      expect(attention).to.include.members(messages);
      expect(attention).to.include(`Not proposed: please correct the ${messages.length} fields marked below.`);
      expect(ofType(card, 'Action.Execute').find((a) => a.verb === 'measure.propose')!.data).to.deep.equal({
        incidentRef: 'UB-4HX-2TW',
        formId: 'form-7d1e-0002',
      });
    });

    // Input.Number needs a number: the Teams (JS) renderer silently drops a string `value` (no parse warning).
    it('refused: every value typed survives the renderer (Adaptive Cards 1.5 parse)', async () => {
      const card = await FIXTURES['measure-form']!['contact restriction refused by proposeMeasure: errors under several fields, values kept']!();
      const parsed = new AC.AdaptiveCard();
      parsed.parse(card, new AC.SerializationContext(new AC.Version(TARGET.major, TARGET.minor)));
      const shown = inputs(parsed.toJSON() as AdaptiveCard);
      expect(shown).to.have.length(PROPOSAL_FIELDS.length);
      for (const input of shown)
        expect(String(input.value ?? ''), String(input.id)).to.equal(BAD_RESTRICTION[input.id as keyof ProposalValues] ?? '');
    });
  });

  it('help lists every command, with the report button, in personal chat', () => {
    const card = cardOf(helpReply('help', true));
    const facts = ofType(card, 'FactSet').flatMap((f) => f.facts as JsonObject[]);
    expect(facts.map((f) => f.title)).to.deep.equal(COMMANDS.map((c) => c.usage));
    expect(card.actions).to.have.length(1);
  });

  it('help in a channel lists only what is safe there and has no report button (need-to-know, SPEC §2)', () => {
    const card = cardOf(helpReply('help', false));
    const facts = ofType(card, 'FactSet').flatMap((f) => f.facts as JsonObject[]);
    expect(facts.map((f) => f.title)).to.deep.equal(COMMANDS.filter((c) => !c.personalOnly).map((c) => c.usage));
    expect(card.actions ?? []).to.have.length(0);
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
    const confirmation = confirmationCard(sampleIncident({ customerName: 'Sam ${x}' }), 'Housing Management', true);
    expect(JSON.stringify(confirmation)).to.include('Sam ${x} (T004512)');
  });
});
