import { expect } from 'chai';
import type * as AdaptiveCards from 'adaptivecards';
import { TEMPLATES, renderCard, type AdaptiveCard } from '../src/cards/render';
import { CARD_FIELDS, type FieldSpec, type FieldsOf, type NoticeCard, type TemplateName } from '../src/cards/types';
import { Expression } from 'adaptive-expressions';
import { confirmationCard, incidentFormCard, type FormState } from '../src/app/incidents/views';
import { helpReply } from '../src/app/help';
import { checkCustomer } from '../src/app/incidents/check';
import { myReports } from '../src/app/incidents/my-reports';
import { pendingForMe } from '../src/app/signoff/pending';
import { noticeTo, undeliveredNotice } from '../src/app/notices';
import { decisionNotice, signOffDecideCard, signOffOutcomeCard, signOffStatusCard, type SignOffPeople } from '../src/app/signoff/views';
import { MAX_DECISION_TEXT, decide } from '../src/domain/signoff';
import { COMMANDS } from '../src/app/commands';
import { proposeMeasure, showProposalForm } from '../src/app/measures/propose';
import { showCase, showCaseHistory } from '../src/app/cases/show';
import type { ActionResult, Actor, AppContext, Reply } from '../src/app/context';
import { INCIDENT_FIELDS, LIMITS, validateIncident, type FieldErrors, type IncidentFormValues } from '../src/domain/incident';
import { CATEGORIES, CATEGORY_IDS, CHANNELS, IMMEDIATE_ACTIONS, SAFETY_FLAGS, type CategoryId } from '../src/domain/policy';
import {
  ADJUSTMENTS,
  CONTACT_CHANNELS,
  MEASURE_KINDS,
  MEASURE_KIND_IDS,
  interimPairsVisit,
  latestReviewDate,
  type Measure,
  type MeasureKind,
} from '../src/domain/measure';
import { PROPOSAL_FIELDS, build, checkProposal, type ProposalValues } from '../src/domain/proposal';
import { RECENT_INCIDENTS, alreadyOpen, emptySummary, summarise } from '../src/domain/summary';
import type { Incident, Person } from '../src/domain/records';
import { formatUk, ukDate } from '../src/domain/time';
import { outboxEntry } from '../src/domain/outbox';
import type { Directory, DirectoryPerson, ServiceArea } from '../src/app/ports';
import { memoryPorts, withMethods, type MemoryApp } from './support/memory-ports';
import { LIBRARY_URL_MAX, SENT_LETTERS_KEPT, type LetterSummary } from '../src/domain/letter-record';
import { LETTERS_SHOWN, OVERDUE_COUNTED, lettersCard } from '../src/app/letters/views';
import { getLetter, listLetters } from '../src/app/letters/actions';
import { TEST_POLICY_VERSION, sampleIncident, samplePersistenceIncident } from './support/fixtures';
import { unfinishedActionCard } from '../src/app/failure';
import { reviewsDue } from '../src/app/reviews/list';
import { decideReview, openReview } from '../src/app/reviews/decide';
import { reviewCard, reviewedCard } from '../src/app/reviews/views';
import { MAX_REFERRAL, review, type ReviewFacts, type ReviewInput } from '../src/domain/review';
import { violentIncident } from './support/harness';
import { realisticAppealCards, withOpenAppeals, worstAppealCards, worstVariationForm } from './support/appeal-cards';
import { digestFigures, type DigestFigures, type WeekPair } from '../src/domain/digest';
import { digestMessage, readDigestRows } from '../src/app/digest/build';
import { chatUrlOf, digestCard } from '../src/app/digest/views';

/** A typed form as card data, with user text that must come back literally on "Try again". */
const sampleSubmission = violentIncident('form-7d1e-0009', { customerName: '[Approve now](https://evil.example)' });

// `require('adaptivecards')` fails on Node 20 (extension-less ES modules); the UMD bundle works (LOCAL-TOOLING.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Teams renders Adaptive Cards 1.5 everywhere (docs/rules.md#R-text-cards). */
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
/** TextBlocks and TextRuns: every object with its own text and colour, weight, size. */
const textElements = (card: AdaptiveCard) => objectsIn(card).filter((o) => o.type === 'TextBlock' || o.type === 'TextRun');

/**
 * What a TextBlock or RichTextBlock says, written as the TextBlock Markdown it stands for: a bold run among plain runs
 * as **…** (a block that is bold throughout says so by its weight, as a TextBlock would).
 */
function textOf(element: JsonObject): string {
  if (element.type === 'TextBlock') return String(element.text);
  const runs = (element.inlines as JsonObject[]).map((r) => ({ text: String(r.text), bold: r.weight === 'Bolder' }));
  const mixed = runs.some((r) => r.bold) && runs.some((r) => !r.bold);
  return runs.map((r) => (mixed && r.bold ? `**${r.text}**` : r.text)).join('');
}

/** Every TextBlock and RichTextBlock, in card order, as textOf writes it. */
const texts = (card: AdaptiveCard) =>
  objectsIn(card)
    .filter((o) => o.type === 'TextBlock' || o.type === 'RichTextBlock')
    .map(textOf);

/** The fact rows (a two-column ColumnSet: title, then value), as [title, value] pairs in card order. */
function factsOf(card: AdaptiveCard): { title: string; value: string }[] {
  return ofType(card, 'ColumnSet')
    .map((row) => (row.columns as JsonObject[]).map((c) => c.items as JsonObject[]))
    .filter(
      (cells) => cells.length === 2 && cells.every((items) => items.length === 1 && ['TextBlock', 'RichTextBlock'].includes(String(items[0]!.type))),
    )
    .map((cells) => ({ title: textOf(cells[0]![0]!), value: textOf(cells[1]![0]!) }));
}
const inputs = (card: AdaptiveCard) => objectsIn(card).filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'));

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

/** Every string in a card with its JSON path (`body[2].columns[1].items[0].inlines[0].text`) and the object holding it. */
function stringsIn(
  value: unknown,
  path = '',
  holder: JsonObject | null = null,
  key = '',
): { path: string; text: string; holder: JsonObject | null; key: string }[] {
  if (typeof value === 'string') return [{ path, text: value, holder, key }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${path}[${i}]`, holder, key));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, path ? `${path}.${k}` : k, value as JsonObject, k));
  return [];
}

/** Every object in a card with its JSON path (`body[2].columns[1]`), depth first. */
function objectsWithPaths(value: unknown, path = ''): { path: string; o: JsonObject }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectsWithPaths(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return [{ path, o: value as JsonObject }, ...Object.entries(value).flatMap(([k, v]) => objectsWithPaths(v, path ? `${path}.${k}` : k))];
}

/**
 * Where a template binds data into text Teams reads as Markdown: a `${…}` in a TextBlock's text, or in a fact's value
 * or title (a FactSet's facts, or an element typed "Fact"). Each as "path: text".
 */
function markdownBindings(template: unknown): string[] {
  const found: string[] = [];
  const check = (path: string, text: Json | undefined) => {
    if (typeof text === 'string' && text.includes('${')) found.push(`${path}: ${text}`);
  };
  for (const { path, o } of objectsWithPaths(template)) {
    if (o.type === 'TextBlock') check(`${path}.text`, o.text);
    const facts = o.type === 'FactSet' && Array.isArray(o.facts) ? (o.facts as JsonObject[]).map((f, i) => ({ f, at: `${path}.facts[${i}]` })) : [];
    if (o.type === 'Fact') facts.push({ f: o, at: path });
    for (const { f, at } of facts) {
      check(`${at}.value`, f.value);
      check(`${at}.title`, f.title);
    }
  }
  return found;
}

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
 * Teams refuses a message over about 28 KB; a card well under that leaves room for the rest of the activity. Counted
 * twice: in UTF-8 bytes, and in UTF-16 code units (Teams counts the message payload in UTF-16).
 */
const MAX_CARD_BYTES = 20 * 1024;

/**
 * Everything wrong with a card as Teams would receive it: unexpanded template expressions, left-over template keys,
 * a version above 1.5, a size over MAX_CARD_BYTES (as JSON, in UTF-8 bytes or in UTF-16 code units), and every event
 * the adaptivecards library logs while parsing and validating at target 1.5 (unknown element/action types, bad enum
 * values, duplicate ids, empty choice sets, …).
 * `typed`: text people typed into the card's data, which may itself contain "${" (not counted as unexpanded).
 */
function problemsOf(card: AdaptiveCard, typed: readonly string[] = []): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  const withoutTyped = JSON.stringify(mapStrings(card, (t) => typed.reduce((rest, x) => rest.replaceAll(x, ''), t)));
  const leftover = withoutTyped.indexOf('${');
  if (leftover >= 0) problems.push(`unexpanded expression near ${withoutTyped.slice(leftover, leftover + 60)}`);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_CARD_BYTES) problems.push(`${bytes} bytes, over ${MAX_CARD_BYTES}`);
  if (json.length > MAX_CARD_BYTES) problems.push(`${json.length} UTF-16 code units, over ${MAX_CARD_BYTES}`);
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
  { id: 'housing', name: 'Housing Management', headOfService: 'hos-housing', deputy: 'dep-housing', alternates: [] },
  { id: 'repairs', name: 'Repairs & Maintenance', headOfService: 'hos-repairs', deputy: null, alternates: [] },
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
const BAD_ERRORS = badResult.error;

function formState(over: Partial<FormState>): FormState {
  return { category: 'aggressive', formId: 'form-5f2c', values: {}, errors: {}, serviceAreas: SERVICE_AREAS, today: '2026-11-20', ...over };
}

/** The nth incident of a made-up history, like `base`: a reference of its own (UB-222-222, UB-222-223, …), reported n hours before NOW. */
function nthIncident(base: Incident, n: number, over: Partial<Incident> = {}): Incident {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ'; // src/domain/reference.ts
  let code = '';
  for (let x = n, i = 0; i < 6; i++, x = Math.floor(x / alphabet.length)) code = alphabet[x % alphabet.length]! + code;
  const reportedAt = new Date(NOW.getTime() - n * 3_600_000).toISOString();
  return {
    ...base,
    id: `inc-n${n}`,
    submissionKey: `sk-n${n}`,
    reference: `UB-${code.slice(0, 3)}-${code.slice(3)}`,
    reportedAt,
    occurredAt: reportedAt,
    ...over,
  };
}

/** Who reported the incidents below (so `my reports` for Alex Wilber, user-1, lists two). */
const COLLEAGUE: Person = { id: 'user-3', name: 'Megan Bowen' };

/** T004512's earlier incidents: the case card lists them under "Other incidents for this customer". */
const EARLIER = [
  nthIncident(VIOLENCE, 30, {
    reporter: COLLEAGUE,
    category: 'demands',
    channel: 'email',
    behaviours: ['excessive-correspondence'],
    description: 'Nine emails in a morning demanding a named officer call back within the hour.',
    safetyFlags: [],
    actions: [],
    crimeReference: null,
  }),
  nthIncident(VIOLENCE, 50, {
    reporter: COLLEAGUE,
    channel: 'phone',
    behaviours: ['derogatory-remarks'],
    safetyFlags: [],
    actions: ['warned', 'call-terminated'],
    crimeReference: null,
  }),
];
/** A §4.3 customer with 12 incidents, newest first: more than the case card lists, and more than a page of history. */
const PERSISTENT = Array.from({ length: 12 }, (_, i) =>
  nthIncident(PERSISTENCE, 100 + 24 * i, { customerKey: 'T007001', customerRef: 'T007001', customerName: 'Lee Marsh', reporter: COLLEAGUE }),
);

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

/** T004512's contact restriction, in force, and a warning that lapsed (the case card counts it as ended). */
const RESTRICTION = measure({
  id: `${EARLIER[0]!.reference}:contact-restriction`,
  incidentRefs: [EARLIER[0]!.reference],
  // As its instructions say (a letter states what stays open, §6).
  restriction: {
    channels: ['email'],
    singlePointOfContact: 'Jo Smith',
    limitedTimes: null,
    maxContacts: null,
    declineWithoutNewEvidence: false,
    maxIssues: null,
    thirdParty: null,
  },
});
const LAPSED_WARNING = measure({ id: `${EARLIER[1]!.reference}:warning`, kind: 'warning', status: 'lapsed', reviewDue: '2026-05-01T00:00:00.000Z' });

const SIGNOFF_PEOPLE: SignOffPeople = {
  approverName: 'Jo Head',
  deputyName: 'Sam Deputy',
  serviceAreaName: 'Housing Management',
  userIds: ['29:1abc', '29:2def'],
};
/** T009981's contact restriction, proposed without telling the customer: awaiting Head of Service sign-off. */
const NO_NOTIFY = measure({
  customerKey: 'T009981',
  status: 'pending-sign-off',
  proposedAt: '2026-11-18T15:00:00.000Z',
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

function decideOrThrow(
  m: Measure,
  outcome: 'approve' | 'reject',
  by: Person = { id: 'hos-housing', name: 'Jo Head' },
  texts = { reason: 'Spoke to both officers; risk confirmed.', vulnerabilitiesConsidered: 'No known vulnerabilities; checked Active H.' },
): Measure {
  const r = decide(m, by, { outcome, ...texts }, NOW);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** §4.1 verbal abuse on the phone, a customer with nothing on file yet (the case card's "None yet."). */
const NEW_CUSTOMER = sampleIncident({
  id: 'inc-3',
  reference: 'UB-9PQ-R2S',
  customerKey: 'T000777',
  customerRef: 'T000777',
  customerName: 'Chris Doe',
  reporter: COLLEAGUE,
  channel: 'phone',
  behaviours: ['derogatory-remarks'],
  description: 'Swore at me repeatedly and called me useless; I warned him, then ended the call.',
  safetyFlags: [],
  actions: ['warned', 'call-terminated'],
  crimeReference: null,
});

/** What is on file: T004512 (3 incidents, 3 measures), T009981 (1 and 1), T000777 (1, none) and T007001 (12, none). */
const RECORDS = {
  incidents: [VIOLENCE, ...EARLIER, PERSISTENCE, NEW_CUSTOMER, ...PERSISTENT],
  measures: [PAIRS, RESTRICTION, LAPSED_WARNING, NO_NOTIFY],
};

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
const DIRECTORY: Directory = {
  person: async (id: string) => PEOPLE.find((p) => p.id === id) ?? null,
  isCaseManager: async (id: string) => id === 'cm-1',
  isAdmin: async () => false,
  isDataProtection: async () => false,
  admins: async () => [],
  caseManagers: async () => PEOPLE.filter((p) => p.id === 'cm-1'),
  serviceAreas: async () => SERVICE_AREAS,
};

/**
 * In-memory ports (test/support/memory-ports.ts) holding these records, each customer's summary as the store keeps it
 * (`summarise` over everything written for them), with this directory, a clock at NOW and form ids numbered from 1.
 */
function world(directory: Directory, records: { incidents: readonly Incident[]; measures: readonly Measure[] }): MemoryApp {
  const app = memoryPorts(NOW, directory);
  for (const key of new Set([...records.incidents, ...records.measures].map((r) => r.customerKey))) {
    const theirs = <T extends { customerKey: string }>(list: readonly T[]) => list.filter((r) => r.customerKey === key);
    const summary = summarise(emptySummary(key), { incidents: theirs(records.incidents), created: theirs(records.measures) });
    app.customers.summaries.put({ ...summary, id: key });
  }
  for (const i of records.incidents) app.customers.incidents.set(i.reference, i);
  for (const m of records.measures) app.measures.put(m);
  let ids = 0;
  return { ...app, ctx: { ...app.ctx, newId: () => `form-${String(++ids).padStart(4, '0')}-5f2c` } };
}

/** The records on file, read by the fixtures below (and every case view audited there, for the content tests). */
const MAIN = world(DIRECTORY, RECORDS);
const ctx = MAIN.ctx;
/** The same records afresh, for a fixture that writes: each run starts from them, and no other fixture sees its writes. */
const fresh = () => world(DIRECTORY, RECORDS).ctx;

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
const badProposal = checkProposal(BAD_RESTRICTION, { incidents: [PERSISTENCE], priorWarning: false, now: NOW, policyVersion: TEST_POLICY_VERSION });
if (badProposal.ok) throw new Error('fixture BAD_RESTRICTION should be refused');
const BAD_PROPOSAL_ERRORS = badProposal.error;

/** Visits in pairs proposed for an incident through proposeMeasure: the customer told, §6 considered, review in six months. */
const proposePairs = (on: AppContext, incidentRef: string, formId: string, values: ProposalValues) =>
  proposeMeasure(on, CASE_MANAGER, {
    incidentRef,
    formId,
    kind: 'pairs-visit',
    reviewDate: '2027-05-20',
    vulnerabilitiesConsidered: 'No vulnerabilities recorded in Active H or known to the officer.',
    notifyCustomer: 'yes',
    ...values,
  }).then(actionCard);
/** The same for UB-7K3-M9Q while its interim visits in pairs (PAIRS) await sign-off: one measure of each kind at a time. */
const proposePairsAgain = (on: AppContext) =>
  proposePairs(on, 'UB-7K3-M9Q', 'form-7d1e-0004', { reasons: 'Pushed an officer and threatened to "sort him out" on 20 Nov (UB-7K3-M9Q).' });

function actionCard(result: ActionResult): AdaptiveCard {
  if (!('card' in result)) return expect.fail(`expected a card, got error ${JSON.stringify(result.error)}`);
  return result.card;
}

function cardOf(reply: Reply): AdaptiveCard {
  if (!('card' in reply)) return expect.fail(`expected a card reply, got text: ${reply.text}`);
  return reply.card;
}

type Fixture = () => AdaptiveCard | Promise<AdaptiveCard>;
type FixturesOf = { [N in TemplateName]: Record<string, Fixture> };

// ---------------------------------------------------------------------------------------------------------------
// Worst-case data: every message stays under 20 KB whatever the data. The longest texts the validators allow, in the
// characters that cost the most, and the most items the code puts on a card, all through the real view functions.

/** Text as long as the validators count (`length` UTF-16 code units), in characters that cost the most once sent. */
type Typed = (length: number) => string;
const TYPED: Record<string, Typed> = {
  // 2 UTF-8 bytes for each unit counted (𝒜 is 2 units and 4 bytes); an odd length ends in é.
  'é and 𝒜': (n) => '𝒜'.repeat(Math.floor(n / 2)) + 'é'.repeat(n % 2),
  // JSON escapes both: 2 bytes, and 2 UTF-16 units, for each unit counted.
  'quotes and backslashes': (n) => '"\\'.repeat(Math.floor(n / 2)) + '"'.repeat(n % 2),
};

/** A display name (Entra ID allows 256 characters), and an id as long as src/teams/activities.ts accepts (Teams user ids). */
const NAME_MAX = 256;
const ID_MAX = 256;
/** Service areas are configuration with no limit in the code: assume 10, with 100-character names and 40-character ids. */
const AREAS = 10;
const AREA_NAME_MAX = 100;
/** The longest form id formIdSchema accepts, and the longest message text src/teams/activities.ts accepts (`help` echoes it). */
const FORM_ID = 'f'.repeat(64);
const MESSAGE_MAX = 50_000;
/** Card data "Try again" carries, at most (src/app/failure.ts; worstRetry checks the card agrees). */
const MAX_RETRY_DATA_BYTES = 12_000;
/** The worst customer's history: incidents (their visits in pairs rest on all of them), and measures that ended. */
const HISTORY = 10_000;
const ENDED_MEASURES = 20;
/** Measures awaiting one Head of Service: more than `pending` lists. */
const AWAITING = 25;
/** The measures a sign-off card can be about at its largest: visits in pairs (interim, two reasons) and a contact restriction. */
const SIGNED_OFF = ['pairs-visit', 'contact-restriction'] as const;

/** The nth customer reference of the longest kind (20 characters). */
const customerRefNo = (n: number) => `W${String(n).padStart(19, '0')}`;
const WORST_REF = customerRefNo(0);
const areaId = (n: number) => `area-${String(n).padStart(35, '0')}`;
const REPORTER = 'reporter-worst';
const HOS = 'hos-worst';
const worstPerson = (typed: Typed, id: string): Person => ({ id, name: typed(NAME_MAX) });
const actorOf = (p: Person): Actor => ({ ...p, tenantId: 'tenant-1' });
const ticked = (options: readonly { id: string }[]) => options.map((o) => o.id).join(',');

/** Each input's maxLength in a form template: what Teams lets people type (the validators' limits, checked below). */
function maxLengths(template: unknown): Record<string, number> {
  return Object.fromEntries(objectsIn(template).flatMap((o) => (typeof o.maxLength === 'number' ? [[String(o.id), o.maxLength]] : [])));
}
const PROPOSAL_MAX = maxLengths(TEMPLATES['measure-form']);

function worstAreas(typed: Typed): ServiceArea[] {
  return Array.from({ length: AREAS }, (_, i) => ({
    id: areaId(i),
    name: typed(AREA_NAME_MAX),
    headOfService: HOS,
    deputy: 'dep-worst',
    alternates: [],
  }));
}

/** An incident form with every text at its longest and every box ticked: the most validateIncident accepts. */
function worstIncidentValues(typed: Typed, category: CategoryId): IncidentFormValues {
  return {
    customerRef: WORST_REF,
    customerName: typed(LIMITS.customerName),
    occurredDate: '2026-11-19',
    occurredTime: '10:40',
    channel: CHANNELS.reduce((a, b) => (b.label.length > a.label.length ? b : a)).id,
    serviceArea: areaId(0),
    behaviours: ticked(CATEGORIES[category].behaviours),
    description: typed(LIMITS.description),
    safetyFlags: ticked(SAFETY_FLAGS),
    actions: ticked(IMMEDIATE_ACTIONS),
    crimeReference: typed(LIMITS.crimeReference),
    vulnerabilityKnown: 'yes',
    vulnerabilityNote: typed(LIMITS.vulnerabilityNote),
  };
}

/**
 * The worst form refused: every text at its longest, every box ticked, and every other field wrong (a reference that
 * is not one, no real date or time, choices that are not on the list), with the messages validateIncident gives.
 */
function refusedIncident(typed: Typed, category: CategoryId): { values: IncidentFormValues; errors: FieldErrors } {
  const longest = worstIncidentValues(typed, category);
  const values: IncidentFormValues = {
    ...longest,
    customerRef: `#${WORST_REF.slice(1)}`,
    occurredDate: '2026-1-1',
    occurredTime: '99:99',
    channel: 'x',
    serviceArea: 'x',
    behaviours: `${longest.behaviours},x`,
    safetyFlags: `${longest.safetyFlags},x`,
    actions: `${longest.actions},x`,
    vulnerabilityKnown: 'x',
  };
  const result = validateIncident(values, category, [areaId(0)], NOW);
  return { values, errors: result.ok ? expect.fail('the refused form is accepted') : result.error };
}

/** The worst form as validateIncident records it, reported by someone with the longest name. */
function worstIncident(typed: Typed, category: CategoryId, n: number, reportedAt: string): Incident {
  const report = validateIncident(worstIncidentValues(typed, category), category, [areaId(0)], NOW);
  if (!report.ok) throw new Error(`the worst-case ${category} report is refused: ${JSON.stringify(report.error)}`);
  return nthIncident(VIOLENCE, n, { ...report.value, customerKey: report.value.customerRef, reporter: worstPerson(typed, REPORTER), reportedAt });
}

/**
 * A proposal with every text at its longest, every adjustment and channel ticked and both limits set; the customer
 * not told (except of a warning, which must be). `refused`: the same, refused on four fields at once (a review date
 * too far ahead, every channel ruled out by an adjustment, each limit missing half).
 */
function worstProposal(typed: Typed, kind: MeasureKind, refused = false): ProposalValues {
  return {
    ...Object.fromEntries(Object.entries(PROPOSAL_MAX).map(([field, max]) => [field, typed(max)])),
    kind,
    reviewDate: refused ? '2099-12-31' : ukDate(latestReviewDate(NOW)),
    adjustments: ticked(refused ? ADJUSTMENTS : ADJUSTMENTS.filter((a) => a.id !== 'difficulty-phone')),
    notifyCustomer: kind === 'warning' ? 'yes' : 'no',
    channels: ticked(CONTACT_CHANNELS),
    maxContactsCount: '999',
    maxContactsPer: refused ? '' : 'month',
    declineWithoutNewEvidence: 'true',
    maxIssuesCount: refused ? '' : '999',
    maxIssuesPer: 'quarter',
  };
}

/** The worst proposal of a kind as checkProposal and build make it, proposed by someone with the longest name. */
function worstMeasure(typed: Typed, kind: MeasureKind, incident: Incident, area: ServiceArea): Measure {
  const checked = checkProposal(worstProposal(typed, kind), {
    incidents: [incident],
    priorWarning: false,
    now: NOW,
    policyVersion: TEST_POLICY_VERSION,
  });
  if (!checked.ok) throw new Error(`the worst-case ${kind} proposal is refused: ${JSON.stringify(checked.error)}`);
  return build(checked.value, `${incident.reference}:${kind}:${'0'.repeat(10)}`, area.id, worstPerson(typed, 'proposer-worst'), [incident.reporter], {
    approverId: area.headOfService,
    deputyId: area.deputy,
  });
}

/** A decision with the longest texts, by a Head of Service with the longest name. */
const worstDecision = (typed: Typed, m: Measure, outcome: 'approve' | 'reject') =>
  decideOrThrow(m, outcome, worstPerson(typed, HOS), { reason: typed(MAX_DECISION_TEXT), vulnerabilitiesConsidered: typed(MAX_DECISION_TEXT) });

interface WorstWorld {
  ctx: AppContext;
  areas: ServiceArea[];
  /** One incident of each category, older than the newest RECENT_INCIDENTS (so the case card lists that many others). */
  viewed: Record<CategoryId, Incident>;
  /** Awaiting sign-off, resting on all HISTORY incidents: visits in pairs (interim, for two reasons), a contact restriction. */
  awaiting: Record<(typeof SIGNED_OFF)[number], Measure>;
  people: SignOffPeople;
}

/**
 * The worst customer (WORST_REF): HISTORY incidents, one open measure of each kind, every text at its longest, and
 * ENDED_MEASURES that ended; AWAITING measures for one Head of Service; every name and service area at its longest.
 */
function buildWorstWorld(typed: Typed): WorstWorld {
  const areas = worstAreas(typed);
  const reporter = worstPerson(typed, REPORTER);
  const past = sampleIncident({
    customerKey: WORST_REF,
    customerRef: WORST_REF,
    customerName: typed(LIMITS.customerName),
    serviceArea: areaId(0),
    reporter,
  });
  const history = Array.from({ length: HISTORY }, (_, i) => nthIncident(past, i + 1));
  const viewed = Object.fromEntries(
    CATEGORY_IDS.map((c, i) => [c, worstIncident(typed, c, HISTORY + 1 + i, `2026-11-19T11:0${5 + i}:00.000Z`)]),
  ) as Record<CategoryId, Incident>;
  const onHistory = (m: Measure): Measure => ({ ...m, incidentRefs: history.map((i) => i.reference) });
  const proposed = MEASURE_KIND_IDS.map((kind) => onHistory(worstMeasure(typed, kind, viewed.aggressive, areas[0]!)));
  // Visits in pairs stay interim as a further §5.1 incident leaves them (withFurtherIncident); the others are approved.
  const open = proposed.map((m) => (m.kind === 'pairs-visit' ? { ...m, interim: true } : m.signOff ? worstDecision(typed, m, 'approve') : m));
  const pairs = open.find((m) => m.kind === 'pairs-visit')!;
  const statuses = ['rejected', 'lifted', 'lapsed'] as const;
  const ended = Array.from({ length: ENDED_MEASURES }, (_, i) => ({
    ...proposed[i % proposed.length]!,
    id: `${viewed.aggressive.reference}:ended:${i}`,
    status: statuses[i % statuses.length]!,
    incidentRefs: [viewed.aggressive.reference],
    proposedAt: new Date(NOW.getTime() - (i + 1) * 86_400_000).toISOString(),
  }));
  const elsewhere = Array.from({ length: AWAITING - 1 }, (_, i) => ({
    ...pairs,
    id: `${pairs.id}:${i}`,
    customerKey: customerRefNo(i + 1),
    incidentRefs: [viewed.aggressive.reference],
    proposedAt: new Date(NOW.getTime() - (400 + i) * 86_400_000).toISOString(),
  }));
  const directory: Directory = {
    person: async (id: string) => worstPerson(typed, id),
    isCaseManager: async (id: string) => id === CASE_MANAGER.id,
    isAdmin: async () => false,
    isDataProtection: async () => false,
    admins: async () => [],
    caseManagers: async () => [worstPerson(typed, CASE_MANAGER.id)],
    serviceAreas: async () => areas,
  };
  const { ctx } = world(directory, { incidents: [...history, ...Object.values(viewed)], measures: [...open, ...ended, ...elsewhere] });
  return {
    ctx,
    areas,
    viewed,
    awaiting: { 'pairs-visit': pairs, 'contact-restriction': proposed.find((m) => m.kind === 'contact-restriction')! },
    people: {
      approverName: typed(NAME_MAX),
      deputyName: typed(NAME_MAX),
      serviceAreaName: areas[0]!.name,
      userIds: ['a', 'b'].map((c) => `29:${c.repeat(ID_MAX - 3)}`),
    },
  };
}
const worstWorlds = new Map<Typed, WorstWorld>();
const worstWorld = (typed: Typed): WorstWorld => worstWorlds.get(typed) ?? worstWorlds.set(typed, buildWorstWorld(typed)).get(typed)!;

/** "Try again" with the most data it carries: a report whose description fills MAX_RETRY_DATA_BYTES of JSON exactly. */
function worstRetry(typed: Typed): AdaptiveCard {
  const data = (n: number) => ({ formId: FORM_ID, ...worstIncidentValues(typed, 'aggressive'), description: typed(n) });
  let [fits, over] = [0, MAX_RETRY_DATA_BYTES];
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (Buffer.byteLength(JSON.stringify(data(mid)), 'utf8') <= MAX_RETRY_DATA_BYTES) fits = mid;
    else over = mid;
  }
  const card = (n: number) => unfinishedActionCard({ why: 'timeout', wrote: true }, 'incident.submit', data(n));
  const carries = (c: AdaptiveCard) => ofType(c, 'Action.Execute').length === 1;
  if (!carries(card(fits)) || carries(card(over))) throw new Error(`"Try again" no longer carries at most ${MAX_RETRY_DATA_BYTES} bytes`);
  return card(fits);
}

/**
 * The worst-case review (§8): a contact restriction kept from the customer, signed off, escalated at review with the
 * longest texts and signed off again, so its review card quotes a last review; and the refusal of a second review whose
 * next date is too far ahead.
 */
function worstReviewed(typed: Typed, restriction: Measure): { measure: Measure; refusal: string } {
  const reviewer = worstPerson(typed, CASE_MANAGER.id);
  const input: ReviewInput = {
    outcome: 'escalate',
    reasons: typed(MAX_DECISION_TEXT),
    nextReview: ukDate(latestReviewDate(NOW)),
    referredTo: typed(MAX_REFERRAL),
  };
  const facts: ReviewFacts = { round: 0, now: NOW, policyVersion: TEST_POLICY_VERSION, deciders: { approverId: HOS, deputyId: null }, clash: null };
  const renewed = review(worstDecision(typed, restriction, 'approve'), reviewer, input, facts);
  if (!renewed.ok) throw new Error(renewed.error.message);
  const measure = worstDecision(typed, renewed.value, 'approve');
  const again = review(measure, reviewer, { ...input, nextReview: '2099-12-31' }, { ...facts, round: 1 });
  return { measure, refusal: again.ok ? expect.fail('a review date beyond six months is refused') : again.error.message };
}

/** Every template's worst cases for one kind of typed text. */
function worstCases(typed: Typed): FixturesOf {
  const w = () => worstWorld(typed);
  const perCategory = (make: (c: CategoryId) => AdaptiveCard | Promise<AdaptiveCard>) =>
    Object.fromEntries(CATEGORY_IDS.map((c) => [`${CATEGORIES[c].label} (§${CATEGORIES[c].section})`, () => make(c)]));
  const perMeasure = (make: (m: Measure) => AdaptiveCard) =>
    Object.fromEntries(SIGNED_OFF.map((kind) => [MEASURE_KINDS[kind].label, () => make(w().awaiting[kind])]));
  const historyPage = (list: 'incidents' | 'measures') => () =>
    showCaseHistory(w().ctx, CASE_MANAGER, { reference: w().viewed.aggressive.reference, list }).then(actionCard);
  return {
    help: { 'a command not understood': () => cardOf(helpReply('unknown', 'personal', typed(MESSAGE_MAX))) },
    notice: {
      'a rejection, to the reporter': () => {
        const entry = noticeTo('n', WORST_REF, REPORTER, decisionNotice(worstDecision(typed, w().awaiting['pairs-visit'], 'reject')), NOW);
        return entry.action.kind === 'send' ? (entry.action.card as AdaptiveCard) : expect.fail('a notice is sent as rendered');
      },
      'a review outcome, escalated': () => reviewedCard(worstReviewed(typed, w().awaiting['contact-restriction']).measure),
    },
    'incident-form': perCategory((category) =>
      incidentFormCard({ category, formId: FORM_ID, ...refusedIncident(typed, category), serviceAreas: worstAreas(typed), today: '2026-11-20' }),
    ),
    'incident-confirmation': perCategory((c) => confirmationCard(w().viewed[c], w().areas[0]!.name, false)),
    'customer-check': { 'one open measure of each kind': () => checkCustomer(w().ctx, WORST_REF).then(cardOf) },
    'my-reports': { [`the newest of ${HISTORY}`]: () => myReports(w().ctx, actorOf(worstPerson(typed, REPORTER))).then(cardOf) },
    'signoff-request': perMeasure((m) => signOffStatusCard(m, w().people)),
    decision: {
      ...perMeasure((m) => {
        const refused = decide(m, worstPerson(typed, HOS), { outcome: 'reject', reason: '', vulnerabilitiesConsidered: '' }, NOW);
        const incidents = Object.values(w().viewed);
        return signOffDecideCard(m, w().people, incidents, refused.ok ? expect.fail('a rejection needs a reason') : refused.error.message);
      }),
      'review of a measure escalated at its last review, refused on the next review date': () => {
        const { measure, refusal } = worstReviewed(typed, w().awaiting['contact-restriction']);
        return reviewCard(measure, Object.values(w().viewed), w().people.userIds, NOW, refusal);
      },
      ...worstAppealCards(typed, w, (id) => worstPerson(typed, id), NOW).decision,
    },
    'signoff-outcome': Object.fromEntries(
      (['approve', 'reject'] as const).flatMap((outcome) =>
        Object.entries(
          perMeasure((m) => {
            const d = worstDecision(typed, m, outcome);
            return signOffOutcomeCard(d, `${d.signOff!.decision!.by.name} decided this first, at ${formatUk(NOW)}: your click changed nothing.`);
          }),
        ).map(([kind, make]) => [`${kind}, ${outcome}`, make]),
      ),
    ),
    pending: {
      [`${AWAITING} awaiting`]: () => pendingForMe(w().ctx, actorOf(worstPerson(typed, HOS))).then(cardOf),
      [`${AWAITING} awaiting and ${AWAITING} appeals, all overdue`]: () =>
        pendingForMe(
          withOpenAppeals(w().ctx, w().awaiting['contact-restriction'], AWAITING, (id) => worstPerson(typed, id), NOW),
          actorOf(worstPerson(typed, HOS)),
        ).then(cardOf),
    },
    case: {
      ...perCategory((c) => showCase(w().ctx, CASE_MANAGER, w().viewed[c].reference).then(cardOf)),
      'with letters, more than it lists, all overdue': () =>
        showCase(withLetters(w().ctx, worstLetters(typed)), CASE_MANAGER, w().viewed.aggressive.reference).then(cardOf),
      'with appeals open, all overdue': () =>
        showCase(
          withOpenAppeals(w().ctx, w().awaiting['contact-restriction'], 2 * MEASURE_KIND_IDS.length, (id) => worstPerson(typed, id), NOW),
          CASE_MANAGER,
          w().viewed.aggressive.reference,
        ).then(cardOf),
    },
    'case-history': { 'a page of incidents': historyPage('incidents'), 'a page of measures': historyPage('measures') },
    'measure-form': {
      'refused on four fields': () =>
        proposeMeasure(w().ctx, CASE_MANAGER, {
          incidentRef: w().viewed.aggressive.reference,
          formId: FORM_ID,
          ...worstProposal(typed, 'contact-restriction', true),
        }).then(actionCard),
      'new terms on appeal, refused on four fields': () =>
        worstVariationForm(
          typed,
          w().awaiting['contact-restriction'],
          w().viewed.aggressive,
          worstProposal(typed, 'contact-restriction', true),
          (id) => worstPerson(typed, id),
          NOW,
        ),
    },
    retry: { 'the most data "Try again" carries': () => worstRetry(typed) },
    'appeal-form': worstAppealCards(typed, w, (id) => worstPerson(typed, id), NOW)['appeal-form'],
    'appeal-request': worstAppealCards(typed, w, (id) => worstPerson(typed, id), NOW)['appeal-request'],
    reviews: {
      'more lapsed than it lists, every id and name at its longest': () => {
        const lapsed = Array.from({ length: 120 }, (_, i) => ({
          ...w().awaiting['pairs-visit'],
          id: `${'R'.repeat(150)}:${String(i).padStart(4, '0')}`,
          customerKey: customerRefNo(i + 1),
          kind: 'referral' as const,
          status: 'active' as const,
          interim: false,
          reviewDue: '2026-11-18T10:00:00.000Z',
        }));
        return reviewsDue(world(DIRECTORY, { incidents: [], measures: lapsed }).ctx, CASE_MANAGER).then(cardOf);
      },
      'as many overdue letters as it counts, every id at its longest': () => {
        const ctx = world(DIRECTORY, { incidents: [], measures: [] }).ctx;
        const overdue = Array.from({ length: OVERDUE_COUNTED }, (_, i) => ({
          id: `${'L'.repeat(150)}:${String(i).padStart(4, '0')}`,
          customerKey: customerRefNo(i + 1),
          kind: 'review-escalated' as const,
          serviceArea: 'housing',
          incidentRef: 'UB-7K3-M9Q',
          createdAt: '2026-10-01T09:00:00.000Z',
          sendBy: '2026-10-15',
          status: 'draft' as const,
        }));
        const letters = withMethods(ctx.letters, { unsentDueBefore: async (_day, limit) => ({ items: overdue.slice(0, limit), next: null }) });
        return reviewsDue({ ...ctx, letters }, CASE_MANAGER).then(cardOf);
      },
    },
    letters: {
      'more drafts than it lists, all overdue, copied to a third party, every adjustment; the newest sent': () =>
        listLetters(withLetters(w().ctx, worstLetters(typed)), CASE_MANAGER, { reference: w().viewed.aggressive.reference }).then(actionCard),
      'where the letter went: a link at its longest': () =>
        lettersCard(
          { reference: w().viewed.aggressive.reference, customerRef: typed(20) },
          { ...emptySummary('T004512'), letters: worstLetters(typed) },
          NOW,
          `Review outcome letter (escalated): It is in the document library: https://calico.sharepoint.com/${typed(1000)}`,
        ),
    },
    digest: {
      [`${DIGEST_AREAS} service areas, every count near a billion, lists incomplete`]: () => worstDigest(typed, null),
      'one service area, its name at the longest': () => worstDigest(typed, areaId(0)),
    },
  };
}

/** The most letters a summary keeps that the case card shows: drafts beyond what it lists, overdue, every note at its longest. */
function worstLetters(typed: Typed): LetterSummary[] {
  const letter = (i: number, sent: boolean): LetterSummary => ({
    id: `${'L'.repeat(150)}:${String(i).padStart(4, '0')}`,
    kind: 'review-escalated',
    createdAt: '2026-10-01T09:00:00.000Z',
    sendBy: '2026-10-15',
    status: sent ? 'sent' : 'draft',
    sent: sent ? { on: '2026-10-02', how: 'other', by: worstPerson(typed, CASE_MANAGER.id), at: '2026-10-02T09:00:00.000Z' } : null,
    adviseOtherFormat: true,
    adjustments: ADJUSTMENTS.map((a) => a.label),
    copyTo: { name: typed(200), as: 'third party' },
    // The longest address the library link keeps, and a saver's name at its worst.
    libraryCopy: {
      url: `https://calico.sharepoint.com/${'x'.repeat(LIBRARY_URL_MAX - 30)}`,
      at: '2026-10-01T10:00:00.000Z',
      by: worstPerson(typed, CASE_MANAGER.id),
    },
  });
  return [
    ...Array.from({ length: LETTERS_SHOWN + 4 }, (_, i) => letter(i, false)),
    ...Array.from({ length: SENT_LETTERS_KEPT }, (_, i) => letter(100 + i, true)),
  ];
}

/** The same ports, the customer's summary holding these letters. */
function withLetters(ctx: AppContext, letters: LetterSummary[]): AppContext {
  const read = async (key: string) => {
    const r = await ctx.customers.read(key, key);
    return r && { ...r, value: { ...r.value, letters } };
  };
  return { ...ctx, customers: withMethods(ctx.customers, { read, summary: async (key) => ({ ...(await ctx.customers.summary(key)), letters }) }) };
}

/** Service areas a digest may count: far more than the card lists one by one (src/app/digest/views.ts AREA_ROWS). */
const DIGEST_AREAS = 200;
/** The bot's app id (a GUID), for the digest's link to its personal chat. */
const BOT_APP_ID = '9a4d1e6b-2c7f-4b83-a5d0-1e3f8c6b4a29';

/** The biggest digest: every figure as long as a count gets, every area with incidents, the note that lists stopped. */
function worstDigest(typed: Typed, area: string | null): AdaptiveCard {
  const areas = Array.from({ length: DIGEST_AREAS }, (_, i) => ({
    id: areaId(i),
    name: typed(AREA_NAME_MAX),
    headOfService: HOS,
    deputy: null,
    alternates: [],
  }));
  const huge = 987_654_321;
  const pair: WeekPair = { reporting: huge, previous: huge };
  const base = digestFigures({ incidents: [], measures: [], appeals: [], failedNotices: [], overdueLetters: [], incomplete: true }, NOW, area);
  const figures: DigestFigures = {
    ...base,
    incidents: {
      total: pair,
      byCategory: { aggressive: pair, demands: pair, persistence: pair },
      byArea: area === null ? Object.fromEntries(areas.map((a) => [a.id, pair])) : {},
    },
    signOff: { waiting: huge, overAWeek: huge, overTwoWeeks: huge, oldestDays: huge },
    appeals: { dueThisWeek: huge, overdue: huge },
    reviews: { dueSoon: huge, overdue: huge },
    inForce: Object.fromEntries(MEASURE_KIND_IDS.map((k) => [k, huge])) as DigestFigures['inForce'],
    undelivered: huge,
    lettersNotSent: huge,
  };
  return digestCard(figures, areas, NOW, chatUrlOf(BOT_APP_ID)).card;
}

// ---------------------------------------------------------------------------------------------------------------
// The fixtures: at least one realistic expansion of every template in TEMPLATES, and its worst cases.

const REALISTIC: FixturesOf = {
  help: {
    welcome: () => cardOf(helpReply('welcome', 'personal')),
    'welcome in a team (offers the digest)': () => cardOf(helpReply('welcome', 'team')),
    help: () => cardOf(helpReply('help', 'personal')),
    'in a channel': () => cardOf(helpReply('help', 'team')),
    'in a group chat': () => cardOf(helpReply('help', 'group')),
    'unknown command': () => cardOf(helpReply('unknown', 'personal', 'reprot T004512 <b>now</b> & “quickly”')),
  },
  notice: {
    // The first two expanded directly; the third through proposeMeasure.
    attention: () => renderCard('notice', { title: 'That form has expired', text: 'Type report to start a new one.', color: 'Attention' }),
    good: () => renderCard('notice', { title: 'Approved', text: 'Visits in pairs confirmed by Jo Head (§5.1).', color: 'Good' }),
    'visits in pairs proposed through proposeMeasure, awaiting sign-off': () =>
      proposePairs(fresh(), 'UB-9PQ-R2S', 'form-7d1e-0003', {
        reasons: 'Swore at an officer and said he would "be waiting" for her at the next visit (UB-9PQ-R2S).',
        priorWarningSkipReason: 'He named the officer and the day of her next visit: no time to warn him first.',
      }),
    'a review outcome through decideReview: escalated and continued': () =>
      decideReview(fresh(), CASE_MANAGER, {
        measureId: RESTRICTION.id,
        customerKey: 'T004512',
        round: 0,
        outcome: 'escalate',
        referredTo: 'Community Safety team',
        escalateNextReview: '2027-03-01',
        escalateReasons: 'Fourteen more emails since September, two of them threatening (§8: the behaviour persisted).',
      }).then(actionCard),
  },
  letters: {
    'none yet': () => listLetters(fresh(), CASE_MANAGER, { reference: EARLIER[0]!.reference }).then(actionCard),
    'a review letter drafted, then fetched: where it went': async () => {
      const ctx = fresh();
      await decideReview(ctx, CASE_MANAGER, {
        measureId: RESTRICTION.id,
        customerKey: 'T004512',
        round: 0,
        outcome: 'continue',
        continueNextReview: '2027-03-01',
        continueReasons: 'Two more emails since September; fewer than before.',
      });
      return actionCard(await getLetter(ctx, CASE_MANAGER, { reference: EARLIER[0]!.reference, letterId: `${RESTRICTION.id}:review:1:letter` }));
    },
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
  decision: {
    'sign-off of an interim pairs visit, with the incident relied on': () => signOffDecideCard(PAIRS, SIGNOFF_PEOPLE, [VIOLENCE]),
    'sign-off of a no-notification restriction, with a problem from the last click': () =>
      signOffDecideCard(NO_NOTIFY, SIGNOFF_PEOPLE, [PERSISTENCE, VIOLENCE], 'Give the reason for rejecting (at least a few words).'),
    ...realisticAppealCards(fresh, CASE_MANAGER, HEAD_OF_HOUSING, 'T004512', RESTRICTION.id).decision,
    'review of a contact restriction, through openReview': () =>
      openReview(ctx, CASE_MANAGER, { measureId: RESTRICTION.id, customerKey: 'T004512' }).then(actionCard),
    'review of a warning that lapsed unreviewed, through openReview': () =>
      openReview(ctx, CASE_MANAGER, { measureId: LAPSED_WARNING.id, customerKey: 'T004512' }).then(actionCard),
  },
  'signoff-outcome': {
    approved: () => signOffOutcomeCard(APPROVED),
    'rejected (interim lifted), seen by the loser of a race': () =>
      signOffOutcomeCard(LIFTED, 'Jo Head decided this first, at 26 Nov 2026, 10:05: your click changed nothing.'),
  },
  case: {
    'case manager: §5.1 case with measures and other incidents, Propose button': () => showCase(ctx, CASE_MANAGER, 'ub-7k3-m9q').then(cardOf),
    'Head of Service of the area: same case, no Propose button': () => showCase(ctx, HEAD_OF_HOUSING, 'UB-7K3-M9Q').then(cardOf),
    'case manager: no measures yet': () => showCase(ctx, CASE_MANAGER, 'UB-9PQ-R2S').then(cardOf),
    'case manager: §4.3 case, known vulnerability': () => showCase(ctx, CASE_MANAGER, 'UB-4HX-2TW').then(cardOf),
    'case manager: more incidents than the card lists': () => showCase(ctx, CASE_MANAGER, PERSISTENT[0]!.reference).then(cardOf),
  },
  'case-history': {
    'incidents: a full page, and more': () =>
      showCaseHistory(ctx, CASE_MANAGER, { reference: PERSISTENT[0]!.reference, list: 'incidents' }).then(actionCard),
    'measures: all of them on one page': () => showCaseHistory(ctx, CASE_MANAGER, { reference: 'UB-7K3-M9Q', list: 'measures' }).then(actionCard),
    'incidents: nothing older': () =>
      showCaseHistory(ctx, CASE_MANAGER, { reference: PERSISTENT[0]!.reference, list: 'incidents', before: PERSISTENT.at(-1)!.reportedAt }).then(
        actionCard,
      ),
  },
  'measure-form': {
    'fresh, for a §5.1 incident (visits in pairs suggested)': () =>
      showProposalForm(ctx, CASE_MANAGER, { incidentRef: 'UB-7K3-M9Q' }).then(actionCard),
    'fresh, known vulnerability (§6 note)': () =>
      showProposalForm(ctx, CASE_MANAGER, { incidentRef: 'UB-4HX-2TW', formId: 'form-7d1e-0001' }).then(actionCard),
    'contact restriction refused by proposeMeasure: errors under several fields, values kept': () =>
      proposeMeasure(ctx, CASE_MANAGER, { incidentRef: 'UB-4HX-2TW', formId: 'form-7d1e-0002', ...BAD_RESTRICTION }).then(actionCard),
    'visits in pairs again while the interim ones await sign-off: refused on kind': () => proposePairsAgain(fresh()),
    ...realisticAppealCards(fresh, CASE_MANAGER, HEAD_OF_HOUSING, 'T004512', RESTRICTION.id)['measure-form'],
  },
  'appeal-form': realisticAppealCards(fresh, CASE_MANAGER, HEAD_OF_HOUSING, 'T004512', RESTRICTION.id)['appeal-form'],
  'appeal-request': realisticAppealCards(fresh, CASE_MANAGER, HEAD_OF_HOUSING, 'T004512', RESTRICTION.id)['appeal-request'],
  retry: {
    'a submission that timed out after writing: the same data goes back on "Try again"': () =>
      unfinishedActionCard({ why: 'timeout', wrote: true }, 'incident.submit', { formId: 'form-7d1e-0009', ...sampleSubmission }),
    'a decision that failed before writing': () =>
      unfinishedActionCard({ why: 'failed', wrote: false }, 'signoff.decide', {
        measureId: 'UB-7K3-M9Q:pairs-visit',
        customerKey: 'T004512',
        outcome: 'approve',
      }),
    'data too large to carry, no button': () =>
      unfinishedActionCard({ why: 'failed', wrote: true }, 'incident.submit', { description: 'x'.repeat(20_000) }),
  },
  pending: {
    'two waiting': () => pendingForMe(ctx, { id: 'hos-housing', name: 'Jo Head', tenantId: 'tenant-1' }).then(cardOf),
    'nothing waiting': () => pendingForMe(ctx, { id: 'nobody', name: 'No One', tenantId: 'tenant-1' }).then(cardOf),
  },
  reviews: {
    'nothing due': () => reviewsDue(ctx, CASE_MANAGER).then(cardOf),
    'one due, one lapsed unreviewed': () =>
      reviewsDue(
        world(DIRECTORY, {
          incidents: [],
          measures: [
            { ...RESTRICTION, reviewDue: '2026-12-02T09:00:00.000Z' },
            { ...APPROVED, reviewDue: '2026-11-18T10:00:00.000Z' },
          ],
        }).ctx,
        CASE_MANAGER,
      ).then(cardOf),
  },
  digest: {
    'every service area, with the link to the bot’s chat': async () =>
      (await digestMessage({ ...ctx, botAppId: BOT_APP_ID }, await readDigestRows(ctx, NOW), NOW, null)).card,
    'one service area, locally (no app id: no link)': async () => (await digestMessage(ctx, await readDigestRows(ctx, NOW), NOW, 'housing')).card,
  },
};

/** Every template's fixtures: the realistic ones, then its worst cases for each kind of typed text. */
const WORST_CASES = Object.entries(TYPED).map(([text, typed]) => ({ text, cases: worstCases(typed) }));
const FIXTURES: Record<string, Record<string, Fixture>> = Object.fromEntries(
  (Object.keys(TEMPLATES) as TemplateName[]).map((name) => [
    name,
    {
      ...REALISTIC[name],
      ...Object.fromEntries(
        WORST_CASES.flatMap(({ text, cases }) =>
          Object.entries(cases[name]).map(([variant, make]) => [`worst case, text in ${text}: ${variant}`, make]),
        ),
      ),
    },
  ]),
);

// ---------------------------------------------------------------------------------------------------------------

describe('Adaptive Card templates (cards/*.json), expanded with realistic and worst-case data', () => {
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

  it('the checker allows "${" only in what people typed, and finds a card over 20 KB in UTF-8 bytes or in UTF-16 code units', () => {
    const card = (text: string) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text, wrap: true }] }) as AdaptiveCard;
    const sizeProblems = (text: string) => problemsOf(card(text)).filter((p) => /, over 20480$/.test(p));
    expect(problemsOf(card('He wrote ${x}'), ['${x}'])).to.deep.equal([]);
    expect(problemsOf(card('He wrote ${x} ${y}'), ['${x}']).join('\n')).to.include('unexpanded expression near ${y}');
    expect(sizeProblems('x'.repeat(MAX_CARD_BYTES - 100))).to.deep.equal([]);
    // é: 2 bytes in UTF-8, 1 unit in UTF-16; a quote: 2 of each, as JSON escapes it.
    expect(sizeProblems('é'.repeat(MAX_CARD_BYTES / 2)).join('\n')).to.match(/^\d+ bytes, over 20480$/);
    expect(sizeProblems('"'.repeat(MAX_CARD_BYTES / 2)).join('\n')).to.match(/^\d+ bytes, over 20480\n\d+ UTF-16 code units, over 20480$/);
  });

  // Teams reads a TextBlock's text and a fact's title and value as Markdown: data bound there could plant a link
  // ("[Approve now](https://evil.example)" as a customer name) or images. Bind data in RichTextBlock TextRuns instead.
  it('no template binds data where Teams reads Markdown: no ${…} in any TextBlock text or fact', () => {
    const found = Object.entries(TEMPLATES).flatMap(([name, template]) => markdownBindings(template).map((b) => `cards/${name}.json ${b}`));
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  it('the Markdown-binding scan finds a binding in a TextBlock, a FactSet fact and a Fact, at any depth', () => {
    const bad = {
      body: [
        { type: 'TextBlock', text: 'Static **bold** is fine' },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${fine}' }] },
        { type: 'Container', items: [{ type: 'TextBlock', text: 'Hello ${name}' }] },
        {
          type: 'FactSet',
          facts: [
            { title: 'Customer', value: '${customer}' },
            { $data: '${more}', title: '${t}', value: 'x' },
          ],
        },
        { type: 'Fact', title: 'Who', value: '**${who}**' },
      ],
    };
    expect(markdownBindings(bad)).to.deep.equal([
      'body[2].items[0].text: Hello ${name}',
      'body[3].facts[0].value: ${customer}',
      'body[3].facts[1].title: ${t}',
      'body[4].value: **${who}**',
    ]);
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
        it(`${variant}: parses at Adaptive Cards 1.5 with no events or warnings, no leftover \${, and is under 20 KB`, async () => {
          expect(problemsOf(await make())).to.deep.equal([]);
        });
      }
    });
  }
});

describe('every message under 20 KB whatever the data: the worst cases are the most the validators allow', () => {
  const typed = Object.values(TYPED)[0]!;

  it('every template has a worst case for each kind of typed text (checked with the fixtures above)', () => {
    for (const name of Object.keys(TEMPLATES))
      for (const text of Object.keys(TYPED))
        expect(
          Object.keys(FIXTURES[name]!).filter((v) => v.startsWith(`worst case, text in ${text}:`)),
          `${name}, ${text}`,
        ).to.have.length.greaterThan(0);
  });

  it('each proposal input is as long as checkProposal accepts: its maxLength, the length the worst cases use', () => {
    const facts = { incidents: [PERSISTENCE], priorWarning: false, now: NOW, policyVersion: TEST_POLICY_VERSION };
    const errorAt = (field: string, length: number) => {
      const result = checkProposal({ [field]: typed(length) }, facts);
      return result.ok ? undefined : result.error[field as keyof ProposalValues];
    };
    expect(Object.keys(PROPOSAL_MAX)).to.have.length.greaterThan(5);
    for (const [field, max] of Object.entries(PROPOSAL_MAX)) {
      expect(errorAt(field, max), `${field} at ${max}`).to.equal(undefined);
      expect(errorAt(field, max + 1), `${field} at ${max + 1}`).to.be.a('string');
    }
  });

  it('the incident and decision inputs are as long as their validators accept (LIMITS, MAX_DECISION_TEXT)', () => {
    const { customerName, description, crimeReference, vulnerabilityNote } = LIMITS;
    expect(maxLengths(TEMPLATES['incident-form'])).to.deep.include({ customerName, description, crimeReference, vulnerabilityNote });
    expect(maxLengths(signOffDecideCard(PAIRS, SIGNOFF_PEOPLE, [VIOLENCE]))).to.deep.equal({
      vulnerabilitiesConsidered: MAX_DECISION_TEXT,
      reason: MAX_DECISION_TEXT,
    });
  });
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
      const attention = textElements(card)
        .filter((t) => t.color === 'Attention')
        .map((t) => t.text);
      const messages = Object.values(BAD_ERRORS);
      expect(messages.length).to.be.greaterThan(5);
      expect(attention).to.include.members(messages);
      expect(attention.find((t) => /Please correct the \d+ fields/.test(String(t)))).to.be.a('string');

      const blank = incidentFormCard(formState({}));
      expect(textElements(blank).filter((t) => t.color === 'Attention')).to.deep.equal([]);
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
      const facts = Object.fromEntries(factsOf(card).map((f) => [f.title, f.value]));
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
      const styles = ofType(card, 'Container').map((c) => [textOf((c.items as JsonObject[])[0]!), c.style]);
      expect(styles).to.have.deep.members([
        ['Visits and meetings in pairs (interim, pending sign-off)', 'attention'],
        ['Contact restrictions', 'warning'],
      ]);
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

  /** How the case card and its history list one of T007001's incidents: reference, when, category, area; no narrative. */
  const persistentLine = (i: Incident) => `**${i.reference}** · ${formatUk(i.occurredAt)} · Unreasonable persistence · Repairs & Maintenance`;

  describe('case card (need-to-know, R-roles-case-view; every view audited, R-roles-case-view-audited)', () => {
    const proposeButtons = (card: AdaptiveCard) => ofType(card, 'Action.Execute').filter((a) => a.verb === 'measure.form');

    it('a case manager sees the full case with a Propose button for this incident, and the view is audited', async () => {
      const before = MAIN.audit.events.length;
      const card = await FIXTURES.case!['case manager: §5.1 case with measures and other incidents, Propose button']!();
      expect(proposeButtons(card).map((a) => a.data)).to.deep.equal([{ incidentRef: 'UB-7K3-M9Q' }]);
      const all = texts(card).join('\n');
      expect(all).to.include('Case UB-7K3-M9Q');
      expect(all).to.include('door frame');
      expect(all).to.include('**Visits and meetings in pairs** · awaiting Head of Service sign-off (interim), review 20 May 2027');
      const views = MAIN.audit.events.slice(before);
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
      const before = MAIN.audit.events.length;
      for (const actor of [STAFF, { id: 'hos-repairs', name: 'Robin Repairs', tenantId: 'tenant-1' }]) {
        const reply = await showCase(ctx, actor, 'UB-7K3-M9Q');
        expect(reply).to.have.keys('text');
        expect(JSON.stringify(reply)).not.to.include('door frame');
      }
      expect(MAIN.audit.events.length).to.equal(before);
    });

    const incidentLines = (card: AdaptiveCard) => texts(card).filter((t) => t.startsWith('**UB-'));
    const historyButtons = (card: AdaptiveCard) =>
      ofType(card, 'Action.Execute')
        .filter((a) => a.verb === 'case.history')
        .map((a) => ({ title: a.title, data: a.data }));

    it('lists the open measures and the other incidents (no narratives), says what is not shown, and offers all the measures', async () => {
      const card = await FIXTURES.case!['case manager: §5.1 case with measures and other incidents, Propose button']!();
      expect(texts(card)).to.include.members([
        '**Contact restrictions** · in force, review 1 Mar 2027',
        '**Warning that behaviour is unacceptable** · lapsed on 1 May 2026, not reviewed',
        'Other incidents for this customer',
      ]);
      expect(incidentLines(card)).to.deep.equal([
        `**${EARLIER[0]!.reference}** · ${formatUk(EARLIER[0]!.occurredAt)} · Unreasonable demands · Housing Management`,
        `**${EARLIER[1]!.reference}** · ${formatUk(EARLIER[1]!.occurredAt)} · Aggressive or abusive behaviour · Housing Management`,
      ]);
      expect(JSON.stringify(card)).not.to.include(EARLIER[0]!.description);
      expect(historyButtons(card)).to.deep.equal([{ title: 'All measures', data: { reference: 'UB-7K3-M9Q', list: 'measures' } }]);
    });

    it(`lists at most the ${RECENT_INCIDENTS} newest incidents of a customer, counts the older ones, and offers them`, async () => {
      const card = await FIXTURES.case!['case manager: more incidents than the card lists']!();
      const others = PERSISTENT.slice(1, RECENT_INCIDENTS);
      expect(incidentLines(card)).to.deep.equal(others.map(persistentLine));
      expect(texts(card)).to.include(`${PERSISTENT.length - others.length - 1} older incidents not shown.`);
      expect(historyButtons(card)).to.deep.equal([{ title: 'Older incidents', data: { reference: PERSISTENT[0]!.reference, list: 'incidents' } }]);
    });
  });

  describe('case history (a page at a time, newest first; every view audited)', () => {
    const buttons = (card: AdaptiveCard) => ofType(card, 'Action.Execute').map((a) => ({ title: a.title, verb: a.verb, data: a.data }));
    const back = (reference: string) => ({ title: 'Back to the case', verb: 'case.show', data: { reference } });

    it('incidents: a page of ten, no narratives, then Older (from the last one shown) and Back', async () => {
      const before = MAIN.audit.events.length;
      const card = await FIXTURES['case-history']!['incidents: a full page, and more']!();
      const page = PERSISTENT.slice(0, 10);
      expect(texts(card)[0]).to.equal('Incidents for customer T007001, newest first');
      expect(texts(card).filter((t) => t.startsWith('**UB-'))).to.deep.equal(page.map(persistentLine));
      expect(JSON.stringify(card)).not.to.include(PERSISTENCE.description);
      expect(buttons(card)).to.deep.equal([
        { title: 'Older', verb: 'case.history', data: { reference: PERSISTENT[0]!.reference, list: 'incidents', before: page.at(-1)!.reportedAt } },
        back(PERSISTENT[0]!.reference),
      ]);
      expect(MAIN.audit.events.slice(before).map((e) => e.action)).to.deep.equal(['case.history-viewed']);
    });

    it('measures: each kind with its status, review and proposer, never the reasons', async () => {
      const card = await FIXTURES['case-history']!['measures: all of them on one page']!();
      const line = (m: Measure, status: string) =>
        `**${MEASURE_KINDS[m.kind].label}** · ${status}, review ${formatUk(m.reviewDue, false)}; proposed ${formatUk(m.proposedAt, false)} by ${m.proposedBy.name}`;
      expect(texts(card)[0]).to.equal('Measures for customer T004512, newest first');
      expect(texts(card).slice(2)).to.have.members([
        line(PAIRS, 'awaiting Head of Service sign-off (interim)'),
        line(RESTRICTION, 'in force'),
        `**${MEASURE_KINDS[LAPSED_WARNING.kind].label}** · lapsed on 1 May 2026, not reviewed; proposed 1 Sept 2026 by Case Manager`,
      ]);
      expect(JSON.stringify(card)).not.to.include('SECRET-NARRATIVE');
      expect(buttons(card)).to.deep.equal([back('UB-7K3-M9Q')]);
    });

    it('past the oldest: says nothing older is recorded, with only the way back', async () => {
      const card = await FIXTURES['case-history']!['incidents: nothing older']!();
      expect(texts(card)).to.include('Nothing older is recorded.');
      expect(buttons(card)).to.deep.equal([back(PERSISTENT[0]!.reference)]);
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
      expect(textElements(card).filter((t) => t.color === 'Attention')).to.deep.equal([]);
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
      const attention = textElements(card)
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

    it('a kind already open for the customer: the form again, why under the kind, the values kept, nothing written', async () => {
      const app = world(DIRECTORY, RECORDS);
      const card = await proposePairsAgain(app.ctx);
      const why = alreadyOpen(await ctx.customers.summary('T004512'), 'pairs-visit', NOW);
      expect(why).to.be.a('string').and.include('Visits and meetings in pairs is already awaiting Head of Service sign-off');
      expect(
        textElements(card)
          .filter((t) => t.color === 'Attention')
          .map((t) => t.text),
      ).to.include.members([why, 'Not proposed: please correct the field marked below.']);
      const value = (id: string) => inputs(card).find((i) => i.id === id)!.value;
      expect([value('kind'), value('reasons')]).to.deep.equal([
        'pairs-visit',
        'Pushed an officer and threatened to "sort him out" on 20 Nov (UB-7K3-M9Q).',
      ]);
      expect(app.measures.values()).to.have.length(RECORDS.measures.length);
      expect(app.customers.effects).to.deep.equal([]);
    });
  });

  it('help lists every command that works in personal chat, with the report button', () => {
    const card = cardOf(helpReply('help', 'personal'));
    const facts = factsOf(card);
    expect(facts.map((f) => f.title)).to.deep.equal(COMMANDS.filter((c) => c.scope !== 'team').map((c) => c.usage));
    expect(card.actions).to.have.length(1);
  });

  it('help in a channel lists only what is safe and works there (the digest), and has no report button (need-to-know, R-roles-personal-chat)', () => {
    const card = cardOf(helpReply('help', 'team'));
    const facts = factsOf(card);
    expect(facts.map((f) => f.title)).to.deep.equal(COMMANDS.filter((c) => c.scope !== 'personal').map((c) => c.usage));
    expect(card.actions ?? []).to.have.length(0);
  });

  it('my reports lists references, newest first as the store returns them; empty says so', async () => {
    const two = texts(await FIXTURES['my-reports']!['two reports']!());
    expect(two.filter((t) => t.startsWith('**UB-'))).to.have.length(2);
    expect(two).to.include('**UB-7K3-M9Q** · Sam O’Neill (T004512)');
    expect(two).to.include('**UB-4HX-2TW** · Pat Jones (T009981)');
    expect(two).not.to.include('You have not reported any incidents yet.');
    expect(texts(await FIXTURES['my-reports']!['no reports']!())).to.include('You have not reported any incidents yet.');
  });

  it('user text containing ${ is shown verbatim, not an error', () => {
    const description = 'He wrote "${name} you will pay" on my car.';
    const card = incidentFormCard(formState({ values: { ...FILLED, description } }));
    expect(inputs(card).find((i) => i.id === 'description')!.value).to.equal(description);
    const confirmation = confirmationCard(sampleIncident({ customerName: 'Sam ${x}' }), 'Housing Management', true);
    expect(JSON.stringify(confirmation)).to.include('Sam ${x} (T004512)');
  });

  it('user text containing ${ and the shielding character itself comes back exactly as typed', () => {
    for (const typed of ['hello ${x} \uE000', '\uE000\uE001 ${', '\uE000\uE002', '${\uE000${']) {
      const card = renderCard('notice', { title: typed, text: `(${typed})`, color: 'Default' });
      expect(texts(card)).to.include(typed);
      expect(texts(card)).to.include(`(${typed})`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// User text is never Markdown. Anything typed into the bot (a customer name, an account of what happened, reasons, a
// person's display name) is shown only as TextRun text, or kept in an input: never in a TextBlock or a fact, where Teams
// would turn "[Approve now](https://evil.example)" into a link on the Head of Service's card.

const HOSTILE = {
  customerName: '[Approve now](https://evil.example)',
  description: '**bold** <at>x</at> ![img](https://x/y.png)',
  vulnerabilityNote: '![v](https://evil.example/v.png) _hidden_ ${vulnerability}',
  crimeReference: '[CR1](https://evil.example/cr)',
  reporter: '[Alex](https://evil.example/reporter)',
  reasons: 'Reasons ${x} [Approve](https://evil.example/reasons)',
  instructions: 'Staff: # heading `code` [call](https://evil.example/i) ${y}',
  justification: '<b>html</b> [justified](https://evil.example/j) ${z}',
  considered: '> quote ~~struck~~ [ok](https://evil.example/c)',
  rejectReason: '1. [reject](https://evil.example/r) *now*',
  proposer: '**Casey** <at>Casey</at>',
  decider: '[Jo Head](https://evil.example/decider)',
  approver: '[Head](https://evil.example/hos)',
  deputy: '![deputy](https://evil.example/d.png)',
  recipient: '[Lynne](https://evil.example/n)',
  typed: '[help](https://evil.example/h) ${q}',
} as const;
const ALL_HOSTILE = Object.values(HOSTILE);

const HOSTILE_INCIDENT = sampleIncident({
  customerName: HOSTILE.customerName,
  description: HOSTILE.description,
  vulnerability: { known: 'yes', note: HOSTILE.vulnerabilityNote },
  crimeReference: HOSTILE.crimeReference,
  reporter: { id: 'user-1', name: HOSTILE.reporter },
});
const HOSTILE_MEASURE = measure({
  status: 'pending-sign-off',
  reasons: HOSTILE.reasons,
  instructions: HOSTILE.instructions,
  notifyCustomer: false,
  noNotificationJustification: HOSTILE.justification,
  vulnerabilitiesConsidered: HOSTILE.considered,
  proposedBy: { id: 'cm-1', name: HOSTILE.proposer },
  signOff: {
    reasons: ['no-notification'],
    serviceArea: 'housing',
    approverId: 'hos-housing',
    deputyId: 'dep-housing',
    requestedAt: '2026-11-20T10:00:00.000Z',
    decision: null,
  },
});
const HOSTILE_REJECTED = decideOrThrow(
  HOSTILE_MEASURE,
  'reject',
  { id: 'hos-housing', name: HOSTILE.decider },
  { reason: HOSTILE.rejectReason, vulnerabilitiesConsidered: HOSTILE.considered },
);
const HOSTILE_PEOPLE: SignOffPeople = { ...SIGNOFF_PEOPLE, approverName: HOSTILE.approver, deputyName: HOSTILE.deputy };
/** A referral in force for the same customer, with the hostile instructions (what `check` shows). */
const HOSTILE_REFERRAL = measure({ id: `${HOSTILE_INCIDENT.reference}:referral`, kind: 'referral', instructions: HOSTILE.instructions });

/** The hostile incident and measures on file, afresh for each card (a proposal writes). */
const hostileCtx = () => world(DIRECTORY, { incidents: [HOSTILE_INCIDENT], measures: [HOSTILE_MEASURE, HOSTILE_REFERRAL] }).ctx;

/** Each card that shows what people typed, with the hostile strings it must show (as TextRuns) or keep (in inputs). */
const HOSTILE_CARDS: { name: string; make: Fixture; shown: string[]; kept?: string[] }[] = [
  {
    name: 'incident form, values kept after an error',
    make: () =>
      incidentFormCard(
        formState({
          values: { ...FILLED, customerName: HOSTILE.customerName, description: HOSTILE.description, vulnerabilityNote: HOSTILE.vulnerabilityNote },
          errors: { customerRef: 'Use the housing system reference: 2–20 letters, digits, - or /' },
        }),
      ),
    shown: [],
    kept: [HOSTILE.customerName, HOSTILE.description, HOSTILE.vulnerabilityNote],
  },
  {
    name: 'incident confirmation',
    make: () => confirmationCard(HOSTILE_INCIDENT, 'Housing Management', true),
    shown: [HOSTILE.customerName, HOSTILE.reporter],
  },
  {
    name: 'case',
    make: () => showCase(hostileCtx(), CASE_MANAGER, HOSTILE_INCIDENT.reference).then(cardOf),
    shown: [HOSTILE.customerName, HOSTILE.description, HOSTILE.vulnerabilityNote, HOSTILE.crimeReference, HOSTILE.reporter],
  },
  {
    name: 'measure form, known vulnerability',
    make: () => showProposalForm(hostileCtx(), CASE_MANAGER, { incidentRef: HOSTILE_INCIDENT.reference, formId: 'form-h0st-0001' }).then(actionCard),
    shown: [HOSTILE.vulnerabilityNote],
  },
  {
    name: 'measure form, refused with the values kept',
    make: () =>
      proposeMeasure(hostileCtx(), CASE_MANAGER, {
        incidentRef: HOSTILE_INCIDENT.reference,
        formId: 'form-h0st-0002',
        ...BAD_RESTRICTION,
        reasons: HOSTILE.reasons,
        instructions: HOSTILE.instructions,
      }).then(actionCard),
    shown: [HOSTILE.vulnerabilityNote],
    kept: [HOSTILE.reasons, HOSTILE.instructions],
  },
  {
    name: 'measure proposed (notice)',
    make: () =>
      proposeMeasure(hostileCtx(), CASE_MANAGER, {
        incidentRef: HOSTILE_INCIDENT.reference,
        formId: 'form-h0st-0003',
        kind: 'warning',
        reasons: HOSTILE.reasons,
        instructions: HOSTILE.instructions,
        reviewDate: '2027-05-20',
        vulnerabilitiesConsidered: HOSTILE.considered,
        notifyCustomer: 'yes',
        priorWarningSkipReason: '',
      }).then(actionCard),
    shown: [HOSTILE.instructions],
  },
  {
    name: 'customer check',
    make: () => checkCustomer(hostileCtx(), 'T004512').then(cardOf),
    shown: [HOSTILE.instructions],
  },
  {
    name: 'my reports',
    make: () => myReports(hostileCtx(), STAFF).then(cardOf),
    shown: [HOSTILE.customerName],
  },
  {
    name: 'sign-off request (status)',
    make: () => signOffStatusCard(HOSTILE_MEASURE, HOSTILE_PEOPLE),
    shown: [HOSTILE.proposer, HOSTILE.approver, HOSTILE.deputy],
  },
  {
    name: 'sign-off decision',
    make: () => signOffDecideCard(HOSTILE_MEASURE, HOSTILE_PEOPLE, [HOSTILE_INCIDENT]),
    shown: [HOSTILE.proposer, HOSTILE.reasons, HOSTILE.instructions, HOSTILE.justification, HOSTILE.considered],
  },
  {
    name: 'sign-off outcome',
    make: () => signOffOutcomeCard(HOSTILE_REJECTED, `${HOSTILE.decider} decided this first.`),
    shown: [HOSTILE.decider, HOSTILE.rejectReason, HOSTILE.considered],
  },
  {
    name: 'decision notice to the reporter and proposer',
    make: () => renderCard('notice', { ...decisionNotice(HOSTILE_REJECTED), color: 'Default' }),
    shown: [HOSTILE.decider, HOSTILE.rejectReason],
  },
  {
    name: 'pending',
    make: () => pendingForMe(hostileCtx(), HEAD_OF_HOUSING).then(cardOf),
    shown: [HOSTILE.proposer],
  },
  {
    name: 'undelivered notice',
    make: () =>
      undeliveredNotice(
        outboxEntry('e-1', 'T004512', { kind: 'person', personId: 'user-1' }, { kind: 'send', card: {}, summary: HOSTILE.customerName }, NOW),
        HOSTILE.recipient,
        'the chat was deleted',
      ).card as AdaptiveCard,
    shown: [HOSTILE.customerName, HOSTILE.recipient],
  },
  {
    name: 'help, for a command not understood',
    make: () => cardOf(helpReply('unknown', 'personal', HOSTILE.typed)),
    shown: [HOSTILE.typed],
  },
];

describe('user text on cards is never Markdown (shown only as TextRun text, or kept in an input)', () => {
  for (const { name, make, shown, kept = [] } of HOSTILE_CARDS) {
    it(`${name}: shows ${shown.length} and keeps ${kept.length} hostile strings verbatim, only where Markdown is not read`, async () => {
      const card = await make();
      const strings = stringsIn(card);
      const inRun = (h: string) => strings.some((s) => s.holder?.type === 'TextRun' && s.key === 'text' && s.text.includes(h));
      const inInput = (h: string) => strings.some((s) => String(s.holder?.type).startsWith('Input.') && s.key === 'value' && s.text === h);
      for (const h of shown) expect(inRun(h), `${h} shown as a TextRun`).to.equal(true);
      for (const h of kept) expect(inInput(h), `${h} kept as an input value`).to.equal(true);

      const misplaced = strings
        .filter((s) => ALL_HOSTILE.some((h) => s.text.includes(h)))
        .filter((s) => !(s.holder?.type === 'TextRun' && s.key === 'text') && !(String(s.holder?.type).startsWith('Input.') && s.key === 'value'))
        .map((s) => `${s.path} (${String(s.holder?.type)}): ${s.text}`);
      expect(misplaced, 'hostile text outside TextRun.text and input values').to.deep.equal([]);
      // The same, from the other side: nothing typed in any TextBlock or fact.
      const markdown = [
        ...ofType(card, 'TextBlock').map((t) => String(t.text)),
        ...ofType(card, 'FactSet').flatMap((f) => (f.facts as JsonObject[]).map((x) => String(x.value))),
      ];
      expect(markdown.filter((t) => ALL_HOSTILE.some((h) => t.includes(h)))).to.deep.equal([]);

      expect(problemsOf(card, ALL_HOSTILE)).to.deep.equal([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Each template against its type (src/cards/types.ts), through CARD_FIELDS, the same types as runtime values. The
// bindings are read with the expression parser adaptivecards-templating itself uses (adaptive-expressions).

/** Where an expression is evaluated: the description of the data there, and its path from the root (`measures[]`). */
interface Scope {
  spec: FieldSpec;
  path: string;
}

const isList = (spec: FieldSpec): spec is readonly [FieldSpec] => Array.isArray(spec);
const isRecord = (spec: FieldSpec): spec is { readonly [key: string]: FieldSpec } => typeof spec === 'object' && !Array.isArray(spec);
const child = (path: string, name: string) => (path ? `${path}.${name}` : name);

/**
 * The data paths an expression refers to, from `Expression.parse(…).references()`. The string is parsed as the
 * templating library parses it, as one interpolated string (`…${a}…${b}…`), so each `${…}` in it is one expression,
 * and a `}` inside an expression's own string literal does not end it.
 */
const referencesIn = (text: string): string[] => (text.includes('${') ? Expression.parse(`\`${text}\``).references() : []);

/**
 * What a reference means in a scope: `$root.x` from the root, `$data.x` or `x` from the current `$data` (the item of
 * a `$data` list, or the root); `$index` and array indexes (`a[0].b`, which comes as `a[0].b` or `a.b`) are ignored,
 * so a property after a list is one of its items'. Null: not in the type.
 */
function resolve(ref: string, scope: Scope, root: FieldSpec): Scope | 'ignored' | null {
  const [head, ...rest] = ref.replace(/\[[^\]]*\]/g, '').split('.');
  if (head === '$index') return 'ignored';
  let at = head === '$root' ? { spec: root, path: '' } : scope;
  for (const name of head === '$root' || head === '$data' ? rest : [head!, ...rest]) {
    if (at.spec === 'any') break; // bound whole: anything below it is the sender's business
    if (isList(at.spec)) at = { spec: at.spec[0], path: `${at.path}[]` };
    if (!isRecord(at.spec) || !Object.hasOwn(at.spec, name)) return null;
    at = { spec: at.spec[name]!, path: child(at.path, name) };
  }
  return at;
}

/** Every field of a description, as paths: `values.customerRef`, `measures[].label`, `userIds[]` (a list of scalars). */
function fieldsOf(spec: FieldSpec, path = ''): string[] {
  if (isList(spec)) return isRecord(spec[0]) || isList(spec[0]) ? fieldsOf(spec[0], `${path}[]`) : [`${path}[]`];
  if (isRecord(spec)) return Object.entries(spec).flatMap(([name, s]) => fieldsOf(s, child(path, name)));
  return [path];
}

/**
 * A template's bindings against the description of its data: `unknown`, each binding (JSON path: reference) that is
 * not a field of the type; `unused`, each field of the type that nothing in the template binds. Inside an element
 * with `$data`, the element's expressions (its `$when` too) refer to the item; `$data` itself to the enclosing scope.
 */
function checkBindings(template: unknown, fields: FieldSpec): { unknown: string[]; unused: string[] } {
  const unknown: string[] = [];
  const used = new Set<string>();
  const bind = (text: string, scope: Scope, where: string) => {
    const refs = referencesIn(text);
    const found: Scope[] = [];
    for (const ref of refs) {
      const at = resolve(ref, scope, fields);
      if (at === 'ignored') continue;
      if (!at) {
        unknown.push(`${where}: ${ref}${scope.path ? ` (in ${scope.path})` : ''}`);
        continue;
      }
      used.add(at.path);
      // A list of scalars bound whole (Teams ids) uses its items.
      if (isList(at.spec) && !isRecord(at.spec[0]) && !isList(at.spec[0])) used.add(`${at.path}[]`);
      found.push(at);
    }
    return { refs, found };
  };
  const visit = (node: unknown, scope: Scope, where: string): void => {
    if (typeof node === 'string') bind(node, scope, where);
    else if (Array.isArray(node)) node.forEach((v, i) => visit(v, scope, `${where}[${i}]`));
    else if (node && typeof node === 'object') {
      let inner = scope;
      if ('$data' in node) {
        const data = node.$data;
        const { refs, found } = typeof data === 'string' ? bind(data, scope, child(where, '$data')) : { refs: [], found: [] };
        const [list] = found;
        if (refs.length !== 1) unknown.push(`${child(where, '$data')}: ${JSON.stringify(data)} does not bind one field of the card data`);
        inner = !list ? { spec: 'any', path: child(where, '$data') } : isList(list.spec) ? { spec: list.spec[0], path: `${list.path}[]` } : list;
      }
      for (const [key, value] of Object.entries(node)) if (key !== '$data') visit(value, inner, child(where, key));
    }
  };
  visit(template, { spec: fields, path: '' }, '');
  return { unknown, unused: fieldsOf(fields).filter((f) => !used.has(f)) };
}

describe('template bindings match their types', () => {
  it('CARD_FIELDS describes every template, and only those', () => {
    expect(Object.keys(CARD_FIELDS).sort()).to.deep.equal(Object.keys(TEMPLATES).sort());
  });

  for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
    it(`${name}: binds only fields of its type, and every one of them`, () => {
      const { unknown, unused } = checkBindings(TEMPLATES[name], CARD_FIELDS[name]);
      expect(unknown, 'bound by the template, not in the type').to.deep.equal([]);
      expect(unused, 'in the type, never bound by the template').to.deep.equal([]);
    });
  }

  describe('the check, on hand-written templates', () => {
    it('fails on a misspelt binding (${titel}) and on fields of the type the template does not bind', () => {
      const template = {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${titel}', color: '${color}' }] }],
      };
      expect(checkBindings(template, CARD_FIELDS.notice)).to.deep.equal({
        unknown: ['body[0].inlines[0].text: titel'],
        unused: ['title', 'text'],
      });
    });

    it('reads $when, $data, $root, $index, functions, nested paths and several ${} in one string', () => {
      const fields: FieldSpec = {
        name: 'string',
        total: 'number',
        open: 'boolean',
        payload: 'any',
        ids: ['string'],
        area: { label: 'string' },
        items: [{ label: 'string', tags: [{ text: 'string' }] }],
      };
      const template = {
        type: 'AdaptiveCard',
        refresh: { userIds: '${ids}' },
        body: [
          { type: 'TextBlock', text: 'Hello ${name} (${area.label}): ${if(total > 1, "many", "one")}', $when: '${open && count(items) > 0}' },
          {
            $data: '${items}',
            $when: "${label != ''}",
            type: 'Container',
            items: [
              { type: 'TextBlock', text: '${$index}. ${$data.label} for ${$root.name}, of ${count($root.items)}' },
              { $data: '${tags}', type: 'TextBlock', text: '${json(\'{"a": "}"}\').a}${text}' },
            ],
          },
        ],
        actions: [{ type: 'Action.Execute', data: '${payload}', title: '${payload.anything.below}' }],
      };
      expect(checkBindings(template, fields)).to.deep.equal({ unknown: [], unused: [] });
    });

    it('inside $data, checks against the item type: a root field there is not found, and an item field never bound is unused', () => {
      const fields: FieldSpec = { name: 'string', items: [{ label: 'string', note: 'string' }] };
      const template = { type: 'AdaptiveCard', body: [{ $data: '${items}', type: 'TextBlock', text: '${label}: ${name}' }] };
      expect(checkBindings(template, fields)).to.deep.equal({
        unknown: ['body[0].text: name (in items[])'],
        unused: ['name', 'items[].note'],
      });
    });

    it('a binding into a list without $data, or a $data that binds nothing, is not a field', () => {
      const fields: FieldSpec = { items: [{ label: 'string' }] };
      const template = {
        body: [
          { type: 'TextBlock', text: '${items.labl}' },
          { $data: 'items', type: 'TextBlock', text: '${label}' },
        ],
      };
      expect(checkBindings(template, fields)).to.deep.equal({
        unknown: ['body[0].text: items.labl', 'body[1].$data: "items" does not bind one field of the card data'],
        unused: ['items[].label'],
      });
    });
  });

  // Compile-time half, checked by `npm run typecheck` (never called): each line must fail to compile.
  function doesNotCompile() {
    // @ts-expect-error: a renamed field (titel) is not in NoticeCard
    renderCard('notice', { titel: 'Approved', text: 'Visits in pairs confirmed.', color: 'Good' });
    // @ts-expect-error: a colour outside TextColor
    renderCard('notice', { title: 'Approved', text: 'Visits in pairs confirmed.', color: 'Green' });
    // @ts-expect-error: a description missing a field of its type
    const missing: FieldsOf<NoticeCard> = { title: 'string', text: 'string' };
    // @ts-expect-error: a description with a field its type does not have
    const extra: FieldsOf<NoticeCard> = { title: 'string', text: 'string', color: 'string', body: 'string' };
    return [missing, extra];
  }

  it('a renamed field does not compile, nor a description that is not exactly its type (see doesNotCompile)', () => {
    expect(doesNotCompile).to.be.a('function');
  });
});
