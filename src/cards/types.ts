/**
 * The data each template in cards/ binds, one type per template, so `renderCard` rejects a renamed, missing or extra
 * field at compile time. The templates stay JSON (they open in the Adaptive Cards Designer); test/cards.test.ts checks
 * each one against CARD_FIELDS below, the same types written as runtime values: every `${…}` a template binds is a
 * field of its type, and every field of the type is bound somewhere in the template.
 */
import { INCIDENT_FIELDS, type IncidentField } from '../domain/incident';
import { PROPOSAL_FIELDS, type ProposalField } from '../domain/proposal';
import { APPEAL_FIELDS, type AppealField } from '../domain/appeal';

/** Text colours the cards use (TextRun `color`). */
export type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention';
/** Adaptive Cards container styles (Container `style`). */
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

/** One choice of an Input.ChoiceSet bound with `$data`: `title` is the label, `value` the id. */
export interface Choice {
  id: string;
  label: string;
}

export interface NoticeCard {
  title: string;
  text: string;
  color: TextColor;
}

export interface HelpCard {
  title: string;
  intro: string;
  commands: readonly { usage: string; description: string }[];
  /** Personal chat: shows the "Report an incident" button. */
  personal: boolean;
  footnote: string;
}

export interface RetryCard {
  title: string;
  text: string;
  canRetry: boolean;
  verb: string;
  /** The Action.Execute data sent again, bound whole. */
  data: Record<string, unknown>;
}

export interface IncidentFormCard {
  formId: string;
  /** Latest date allowed, yyyy-mm-dd. */
  today: string;
  category: { id: string; label: string; section: string; behaviours: readonly Choice[] };
  otherCategories: readonly { id: string; label: string }[];
  values: Record<IncidentField, string>;
  /** '' for a field with no error. */
  errors: Record<IncidentField, string>;
  problemSummary: string;
  channels: readonly Choice[];
  serviceAreas: readonly { id: string; name: string }[];
  safetyFlags: readonly Choice[];
  immediateActions: readonly Choice[];
  vulnerabilityOptions: readonly Choice[];
}

/** What a card says about an incident, the same wherever it is shown. */
export interface IncidentFacts {
  reference: string;
  customer: string;
  occurredAt: string;
  channel: string;
  serviceArea: string;
  category: string;
  behaviours: string;
  safety: string;
}

export interface IncidentConfirmationCard extends IncidentFacts {
  heading: string;
  repeatNote: string;
  reporter: string;
  reportedAt: string;
  guidance: readonly { section: string; text: string }[];
}

export interface CustomerCheckCard {
  customerRef: string;
  headline: string;
  headlineColor: TextColor;
  inForce: readonly { title: string; instructions: string; status: string; style: ContainerStyle }[];
  pending: readonly { title: string; status: string }[];
  footnote: string;
}

export interface MyReportsCard {
  emptyText: string;
  reports: readonly { reference: string; customer: string; category: string; occurredAt: string }[];
}

/** What the sign-off request and decision cards share: the measure, and the refresh for the approver and deputy. */
interface SignOffCommon {
  measureId: string;
  customerKey: string;
  /** Teams ids of who gets the refreshed (decision) card. */
  userIds: readonly string[];
  measureLabel: string;
  serviceArea: string;
  why: string;
  proposed: string;
  incidents: string;
}

export interface SignOffRequestCard extends SignOffCommon {
  status: string;
  waitingFor: string;
}

/** One input of a decision step: a required text, or a required date (`min`/`max` as YYYY-MM-DD). */
export interface StepInput {
  id: string;
  kind: 'text' | 'date';
  label: string;
  errorMessage: string;
  value: string;
  maxLength: number;
  min: string;
  max: string;
}

/** One way to decide: a button that opens its own step (Action.ShowCard), with its own required input and confirm button. */
export interface DecisionStep {
  title: string;
  explain: string;
  inputs: readonly StepInput[];
  confirm: string;
  style: 'positive' | 'destructive' | 'default';
  verb: string;
  data: Record<string, unknown>;
}

/**
 * What a decider sees (sign-off, appeal, review; only in their refreshed view in personal chat): the facts needed to
 * decide, the newest incidents relied on in full, and one step per outcome.
 */
export interface DecisionCard {
  refreshVerb: string;
  refreshData: Record<string, unknown>;
  userIds: readonly string[];
  subject: string;
  problem: string;
  facts: readonly { label: string; value: string }[];
  incidents: readonly { heading: string; facts: string; account: string }[];
  moreIncidents: string;
  sections: readonly { title: string; text: string }[];
  steps: readonly DecisionStep[];
  caseReference: string;
}

export interface SignOffOutcomeCard {
  note: string;
  headline: string;
  color: TextColor;
  measureLabel: string;
  customerKey: string;
  decidedBy: string;
  decidedAt: string;
  reason: string;
  considered: string;
  reviewDue: string;
}

export interface PendingCard {
  items: readonly { measureId: string; customerKey: string; measureLabel: string; age: string }[];
  /** Appeals awaiting this person's decision (§7), soonest due first; `dueColor` marks the overdue; `appealsMore`, any not listed. */
  appeals: readonly { appealId: string; customerKey: string; label: string; due: string; dueColor: TextColor }[];
  appealsMore: string;
}

/** `reviews` (§8): measures due for review soon or lapsed unreviewed, soonest first, each with its Review button. */
export interface ReviewsCard {
  items: readonly { measureId: string; customerKey: string; measureLabel: string; due: string; color: TextColor }[];
  /** How many more are due than the card lists; '' when none. */
  more: string;
  /** Letters not recorded as sent in time (docs/rules.md#R-letter-overdue): how many, and the oldest, each opening its case. */
  lettersOverdue: string;
  letters: readonly { reference: string; text: string }[];
}

export interface CaseCard extends IncidentFacts {
  actions: string;
  vulnerability: string;
  reporter: string;
  description: string;
  /** The customer's open measures; `measuresMore` says how many ended ones are not shown. */
  measures: readonly { label: string; status: string }[];
  measuresMore: string;
  earlierMeasures: boolean;
  /** The customer's newest other incidents, as lists show them (no narratives); `incidentsMore` counts the rest. */
  otherIncidents: readonly { reference: string; text: string }[];
  incidentsMore: string;
  olderIncidents: boolean;
  canPropose: boolean;
  /** The customer's open appeals (§7), overdue ones marked, each opened by its id; and whether one can be recorded. */
  customerKey: string;
  appeals: readonly { appealId: string; text: string; color: TextColor }[];
  canAppeal: boolean;
  /** Letters to the customer in one line, '' when none (case managers only: src/app/letters/views.ts); the letters card has them. */
  letters: string;
  lettersColor: TextColor;
}

/** A customer's letters (docs/rules.md#R-letter-fetch, #R-letter-sent): each with its status, Get and Record as sent. */
export interface LettersCard {
  /** The incident reference the case is open at (Back to the case). */
  reference: string;
  title: string;
  /** What the last action did, e.g. where a letter went (empty: nothing to say). */
  notice: string;
  letters: readonly {
    letterId: string;
    title: string;
    status: string;
    color: TextColor;
    notes: string;
    canRecord: boolean;
    /** The copy saved in the document library ('' when none): an https address Graph gave. */
    libraryUrl: string;
    libraryNote: string;
    earliest: string;
    /** Its place in the list: names its inputs, `sentOn-<slot>` and `sentHow-<slot>` (ids are unique in a card). */
    slot: number;
  }[];
  lettersMore: string;
  /** The UK day: the latest a letter can have been sent. */
  today: string;
}

/** A page of a customer's incidents or measures, newest first, with a button to the next page. */
export interface CaseHistoryCard {
  reference: string;
  title: string;
  emptyText: string;
  items: readonly { heading: string; text: string }[];
  more: boolean;
  /** The next page's action data (bound whole). */
  next: Record<string, unknown>;
}

/** Input.Number takes a number (null: empty); a string `value` is dropped by the renderer. */
type NumberInput = 'maxContactsCount' | 'maxIssuesCount';
/** The "per week / month" choice sets have no error line in the template. */
type ErrorShownFor = Exclude<ProposalField, 'maxContactsPer' | 'maxIssuesPer'>;

export interface MeasureFormCard {
  /** What the form is for: proposing a measure, or new terms on appeal (§7); its button, with the data it sends. */
  heading: string;
  submit: { title: string; verb: string; data: Record<string, unknown> };
  customerKey: string;
  incidentRef: string;
  today: string;
  latestReview: string;
  problemSummary: string;
  vulnerabilityNote: string;
  kinds: readonly Choice[];
  adjustmentOptions: readonly Choice[];
  channelOptions: readonly Choice[];
  values: Record<Exclude<ProposalField, NumberInput>, string> & Record<NumberInput, number | null>;
  /** '' for a field with no error. */
  errors: Record<ErrorShownFor, string>;
}

/** The form a case manager records an appeal with (§7): the customer's measures in force to choose from. */
export interface AppealFormCard {
  customerKey: string;
  formId: string;
  /** Latest date allowed, yyyy-mm-dd. */
  today: string;
  problemSummary: string;
  measures: readonly Choice[];
  appellants: readonly Choice[];
  channels: readonly Choice[];
  values: Record<AppealField, string>;
  /** '' for a field with no error. */
  errors: Record<AppealField, string>;
}

/**
 * An appeal as everyone but its deciders sees it, and as it is sent to them (their refreshed view is the decision
 * card): open, decided or withdrawn. Case managers can withdraw an open one.
 */
export interface AppealRequestCard {
  appealId: string;
  customerKey: string;
  /** Teams ids of who gets the refreshed (decision) card: none once it is closed. */
  userIds: readonly string[];
  note: string;
  headline: string;
  color: TextColor;
  measureLabel: string;
  facts: readonly { label: string; value: string }[];
  canWithdraw: boolean;
  /** The withdrawal date's bounds, yyyy-mm-dd. */
  receivedOn: string;
  today: string;
}

/** A row of one of the digest's tables: a label and its counts (`before`: the week before, in tables that compare). */
export interface DigestRow {
  label: string;
  now: string;
  before: string;
  weight: 'Default' | 'Bolder';
}

/** The weekly digest posted in a team channel (docs/rules.md#R-digest-figures): counts only, in tables. */
export interface DigestCard {
  title: string;
  period: string;
  /** Each a heading and a table: three columns comparing two weeks (with a header row), or two. */
  sections: readonly { heading: string; compare: boolean; header: Omit<DigestRow, 'weight'>; rows: readonly DigestRow[] }[];
  note: string;
  /** The bot's personal chat ('' when there is no app id, locally: no button). */
  chatUrl: string;
}

/** Each template's data, by template name (the file name in cards/). */
export interface CardData {
  help: HelpCard;
  notice: NoticeCard;
  'incident-form': IncidentFormCard;
  'incident-confirmation': IncidentConfirmationCard;
  'customer-check': CustomerCheckCard;
  'my-reports': MyReportsCard;
  'signoff-request': SignOffRequestCard;
  decision: DecisionCard;
  'signoff-outcome': SignOffOutcomeCard;
  pending: PendingCard;
  reviews: ReviewsCard;
  case: CaseCard;
  letters: LettersCard;
  'case-history': CaseHistoryCard;
  'measure-form': MeasureFormCard;
  retry: RetryCard;
  'appeal-form': AppealFormCard;
  'appeal-request': AppealRequestCard;
  digest: DigestCard;
}
export type TemplateName = keyof CardData;

// ---------------------------------------------------------------------------------------------------------------
// The same types as runtime values, for the test that reads the templates' bindings.

export type Scalar = 'string' | 'number' | 'boolean';
/**
 * A runtime description of a field: a scalar; 'any' for a value bound whole (Action.Execute `data`); a one-element
 * array for a list (the description of its items); an object of descriptions for an object.
 */
export type FieldSpec = Scalar | 'any' | readonly [FieldSpec] | { readonly [key: string]: FieldSpec };

type FieldOf<V> = unknown extends V
  ? 'any'
  : NonNullable<V> extends string
    ? 'string'
    : NonNullable<V> extends number
      ? 'number'
      : NonNullable<V> extends boolean
        ? 'boolean'
        : NonNullable<V> extends readonly (infer I)[]
          ? readonly [FieldOf<I>]
          : string extends keyof NonNullable<V>
            ? 'any' // a record with any keys: only ever bound whole
            : NonNullable<V> extends object
              ? FieldsOf<NonNullable<V>>
              : never;

/** The runtime description of T: exactly T's keys (none missing, none extra), each described by FieldOf. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: FieldOf<T[K]> };

/** Every key described as 'string'. */
function strings<K extends string>(keys: readonly K[]): Record<K, 'string'> {
  return Object.fromEntries(keys.map((k) => [k, 'string'])) as Record<K, 'string'>;
}
const without = <K extends string, X extends K>(keys: readonly K[], ...drop: X[]): Exclude<K, X>[] =>
  keys.filter((k): k is Exclude<K, X> => !(drop as string[]).includes(k));

const choice = [{ id: 'string', label: 'string' }] as const;
/** The fields of IncidentFacts, shared by the cards that show an incident. */
const incidentFactFields = {
  reference: 'string',
  customer: 'string',
  occurredAt: 'string',
  channel: 'string',
  serviceArea: 'string',
  category: 'string',
  behaviours: 'string',
  safety: 'string',
} as const satisfies FieldsOf<IncidentFacts>;

const signOffCommon = {
  measureId: 'string',
  customerKey: 'string',
  userIds: ['string'],
  measureLabel: 'string',
  serviceArea: 'string',
  why: 'string',
  proposed: 'string',
  incidents: 'string',
} satisfies FieldsOf<SignOffCommon>;

/** CardData as runtime values; the compiler insists each description matches its type exactly. */
export const CARD_FIELDS = {
  help: { title: 'string', intro: 'string', commands: [{ usage: 'string', description: 'string' }], personal: 'boolean', footnote: 'string' },
  notice: { title: 'string', text: 'string', color: 'string' },
  'incident-form': {
    formId: 'string',
    today: 'string',
    category: { id: 'string', label: 'string', section: 'string', behaviours: choice },
    otherCategories: choice,
    values: strings(INCIDENT_FIELDS),
    errors: strings(INCIDENT_FIELDS),
    problemSummary: 'string',
    channels: choice,
    serviceAreas: [{ id: 'string', name: 'string' }],
    safetyFlags: choice,
    immediateActions: choice,
    vulnerabilityOptions: choice,
  },
  'incident-confirmation': {
    heading: 'string',
    repeatNote: 'string',
    ...incidentFactFields,
    reporter: 'string',
    reportedAt: 'string',
    guidance: [{ section: 'string', text: 'string' }],
  },
  'customer-check': {
    customerRef: 'string',
    headline: 'string',
    headlineColor: 'string',
    inForce: [{ title: 'string', instructions: 'string', status: 'string', style: 'string' }],
    pending: [{ title: 'string', status: 'string' }],
    footnote: 'string',
  },
  'my-reports': { emptyText: 'string', reports: [{ reference: 'string', customer: 'string', category: 'string', occurredAt: 'string' }] },
  'signoff-request': { ...signOffCommon, status: 'string', waitingFor: 'string' },
  decision: {
    refreshVerb: 'string',
    refreshData: 'any',
    userIds: ['string'],
    subject: 'string',
    problem: 'string',
    facts: [{ label: 'string', value: 'string' }],
    incidents: [{ heading: 'string', facts: 'string', account: 'string' }],
    moreIncidents: 'string',
    sections: [{ title: 'string', text: 'string' }],
    steps: [
      {
        title: 'string',
        explain: 'string',
        inputs: [
          {
            id: 'string',
            kind: 'string',
            label: 'string',
            errorMessage: 'string',
            value: 'string',
            maxLength: 'number',
            min: 'string',
            max: 'string',
          },
        ],
        confirm: 'string',
        style: 'string',
        verb: 'string',
        data: 'any',
      },
    ],
    caseReference: 'string',
  },
  'signoff-outcome': {
    note: 'string',
    headline: 'string',
    color: 'string',
    measureLabel: 'string',
    customerKey: 'string',
    decidedBy: 'string',
    decidedAt: 'string',
    reason: 'string',
    considered: 'string',
    reviewDue: 'string',
  },
  pending: {
    items: [{ measureId: 'string', customerKey: 'string', measureLabel: 'string', age: 'string' }],
    appeals: [{ appealId: 'string', customerKey: 'string', label: 'string', due: 'string', dueColor: 'string' }],
    appealsMore: 'string',
  },
  case: {
    ...incidentFactFields,
    actions: 'string',
    vulnerability: 'string',
    reporter: 'string',
    description: 'string',
    measures: [{ label: 'string', status: 'string' }],
    measuresMore: 'string',
    earlierMeasures: 'boolean',
    otherIncidents: [{ reference: 'string', text: 'string' }],
    incidentsMore: 'string',
    olderIncidents: 'boolean',
    canPropose: 'boolean',
    customerKey: 'string',
    appeals: [{ appealId: 'string', text: 'string', color: 'string' }],
    canAppeal: 'boolean',
    letters: 'string',
    lettersColor: 'string',
  },
  letters: {
    reference: 'string',
    title: 'string',
    notice: 'string',
    letters: [
      {
        letterId: 'string',
        title: 'string',
        status: 'string',
        color: 'string',
        notes: 'string',
        canRecord: 'boolean',
        libraryUrl: 'string',
        libraryNote: 'string',
        earliest: 'string',
        slot: 'number',
      },
    ],
    lettersMore: 'string',
    today: 'string',
  },
  'case-history': {
    reference: 'string',
    title: 'string',
    emptyText: 'string',
    items: [{ heading: 'string', text: 'string' }],
    more: 'boolean',
    next: 'any',
  },
  'measure-form': {
    heading: 'string',
    submit: { title: 'string', verb: 'string', data: 'any' },
    customerKey: 'string',
    incidentRef: 'string',
    today: 'string',
    latestReview: 'string',
    problemSummary: 'string',
    vulnerabilityNote: 'string',
    kinds: choice,
    adjustmentOptions: choice,
    channelOptions: choice,
    values: { ...strings(without(PROPOSAL_FIELDS, 'maxContactsCount', 'maxIssuesCount')), maxContactsCount: 'number', maxIssuesCount: 'number' },
    errors: strings(without(PROPOSAL_FIELDS, 'maxContactsPer', 'maxIssuesPer')),
  },
  retry: { title: 'string', text: 'string', canRetry: 'boolean', verb: 'string', data: 'any' },
  reviews: {
    items: [{ measureId: 'string', customerKey: 'string', measureLabel: 'string', due: 'string', color: 'string' }],
    more: 'string',
    lettersOverdue: 'string',
    letters: [{ reference: 'string', text: 'string' }],
  },
  'appeal-form': {
    customerKey: 'string',
    formId: 'string',
    today: 'string',
    problemSummary: 'string',
    measures: choice,
    appellants: choice,
    channels: choice,
    values: strings(APPEAL_FIELDS),
    errors: strings(APPEAL_FIELDS),
  },
  'appeal-request': {
    appealId: 'string',
    customerKey: 'string',
    userIds: ['string'],
    note: 'string',
    headline: 'string',
    color: 'string',
    measureLabel: 'string',
    facts: [{ label: 'string', value: 'string' }],
    canWithdraw: 'boolean',
    receivedOn: 'string',
    today: 'string',
  },
  digest: {
    title: 'string',
    period: 'string',
    sections: [
      {
        heading: 'string',
        compare: 'boolean',
        header: { label: 'string', now: 'string', before: 'string' },
        rows: [{ label: 'string', now: 'string', before: 'string', weight: 'string' }],
      },
    ],
    note: 'string',
    chatUrl: 'string',
  },
} satisfies { readonly [N in TemplateName]: FieldsOf<CardData[N]> };
