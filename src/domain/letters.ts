import type { AppealChannel, AppealDecided } from './appeal';
import { ADJUSTMENTS, CONTACT_CHANNELS, type ContactChannel, type ContactRestriction, type Measure, type MeasureKind } from './measure';
import { CATEGORIES, SAFETY_FLAGS, labelOf, type ChannelId, type ImmediateActionId } from './policy';
import type { Incident } from './records';
import { reviewsOf } from './review';
import { ukDate } from './time';
import { weekdayDate } from './working-days';

/**
 * The letter drafts a customer-facing decision produces (docs/letters.md, docs/rules.md#R-letter-which): which letter,
 * and every value its template needs, in plain words for the customer. Templates (letters/<kind>.docx) hold the wording;
 * this holds the facts. Narratives are never copied: incidents are told by date, how, category and behaviours
 * (docs/rules.md#R-letter-incidents).
 */

/** Each letter: the template it fills is letters/<kind>.docx. */
export const LETTER_KIND_IDS = [
  'warning',
  'visits-in-pairs',
  'contact-restriction',
  'recharge',
  'appeal-upheld',
  'appeal-overturned',
  'appeal-varied',
  'review-continued',
  'review-escalated',
  'review-lifted',
] as const;
export type LetterKind = (typeof LETTER_KIND_IDS)[number];

/** The letter a measure in force produces; a referral is not written to under this policy (§4.1, §8: the Community Safety Policy's). */
const MEASURE_LETTER: Record<MeasureKind, LetterKind | null> = {
  warning: 'warning',
  'pairs-visit': 'visits-in-pairs',
  'contact-restriction': 'contact-restriction',
  recharge: 'recharge',
  referral: null,
};

/** A measure as the customer reads its name in a sentence ("your appeal against …", "we have reviewed …"). */
const MEASURE_NAME: Record<MeasureKind, string> = {
  warning: 'the warning that your behaviour is unacceptable',
  'pairs-visit': 'our decision that visits and meetings with you take place in pairs',
  'contact-restriction': 'the limits we set on how you contact us',
  recharge: 'our decision to recharge you for damage to our property',
  referral: 'our referral',
};

/** Where or how an incident happened, as the customer reads it (§4: every way counts the same). */
const HOW: Record<ChannelId, string> = {
  phone: 'by telephone',
  'home-visit': 'at a visit or meeting at your home',
  office: 'at our office',
  email: 'by email',
  letter: 'by letter',
  'social-media': 'on social media',
  'other-internet': 'online (web form, chat or messaging)',
};

/** What staff did at the time, as the customer reads it; informing the police is the case's, not the letter's. */
const DONE_AT_THE_TIME: Partial<Record<ImmediateActionId, string>> = {
  warned: 'warned you that this behaviour was unacceptable',
  'call-terminated': 'ended the phone call',
  'visit-ended': 'ended the visit or meeting',
  'refused-to-see': 'refused to see you',
};

/** §7 sets no form for an appeal: any way the customer can reach us. */
const APPEAL_WAYS: Record<AppealChannel, string> = {
  letter: 'by letter',
  email: 'by email',
  telephone: 'by telephone',
  'in-person': 'in person',
  online: 'through our online form',
};
const APPEAL_WAY_OF: Record<ContactChannel, AppealChannel> = { writing: 'letter', email: 'email', telephone: 'telephone', 'in-person': 'in-person' };

/** Incidents a letter lists: the newest, oldest first; earlier ones are counted. */
export const LETTER_INCIDENTS_MAX = 20;

const or = new Intl.ListFormat('en-GB', { type: 'disjunction' });
const and = new Intl.ListFormat('en-GB', { type: 'conjunction' });

/** A UK day (or instant) as letters write it: "Wednesday 7 January 2026". */
const longDate = (at: Date | string) => weekdayDate(ukDate(new Date(at)));
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** One incident relied on: when, how, what kind of behaviour. Never the account of what happened. */
export interface IncidentLine {
  date: string;
  reference: string;
  how: string;
  category: string;
  behaviours: string;
  /** Safety matters recorded (§5.1 violence, threats, weapon, intoxication; §4.1 damage, hate, recording). */
  circumstances: false | { list: string };
  /** What staff did at the time (§5.1, §5.2: warned, ended the call or visit, refused to see). */
  actions: false | { done: string };
}

/** What every letter carries. No address: the housing system's mail merge adds it (docs/rules.md#R-letter-no-address). */
export interface LetterHeader {
  letterDate: string;
  customerName: string;
  customerRef: string;
  /** A copy goes to the advocate or representative: their recorded name, or "your advocate" (§6). */
  advocate: false | { name: string };
}

/** The behaviour relied on (§5.1, §5.2, §5.3). */
export interface Relied {
  incidents: IncidentLine[];
  earlierIncidents: false | { count: number };
  /** Aggressive or abusive behaviour (§4.1): the letter quotes the tenancy clause and its consequences (§5.2). */
  aggression: boolean;
  /** Unreasonable demands or persistence (§4.2, §4.3): the letter names the actions that may follow (§5.3). */
  demandsOrPersistence: boolean;
  /** Pursuing a complaint without new information (§4.3): remind the customer of the Customer Feedback Policy and the Ombudsman. */
  feedbackReminder: boolean;
}

/** §5.3: what is limited; `channelsOpen` are the ways that stay open (§6). */
export interface RestrictionValues {
  channelsOpen: string;
  channelsClosed: false | { list: string };
  singlePointOfContact: false | { name: string };
  limitedTimes: false | { times: string };
  maxContacts: false | { limit: string };
  declineWithoutNewEvidence: boolean;
  maxIssues: false | { limit: string };
  thirdParty: false | { name: string };
}

/** The measure as it stands, and when it is reviewed (§8). One flag per kind picks the template's wording. */
export interface Terms {
  measure: string;
  reviewDate: string;
  warning: boolean;
  pairsVisit: boolean;
  recharge: boolean;
  restriction: false | RestrictionValues;
}

/** §7: the right of appeal, how, and by when if a deadline is configured. */
export interface AppealRight {
  appealHow: string;
  appealBy: false | { date: string };
}

export interface AppealOutcomeValues {
  appealedMeasure: string;
  appealReceived: string;
  /** Who appealed: "you", or the representative by name. */
  appellant: string;
  /** The decider's reasons: §7, the customer is told them. */
  reasons: string;
  decidedOn: string;
}

export interface ReviewValues {
  reviewedMeasure: string;
  reviewedOn: string;
}

export type MeasureLetterValues = LetterHeader & Relied & Terms & AppealRight;

export interface LetterValuesByKind {
  warning: MeasureLetterValues;
  'visits-in-pairs': MeasureLetterValues;
  'contact-restriction': MeasureLetterValues;
  recharge: MeasureLetterValues;
  'appeal-upheld': LetterHeader & AppealOutcomeValues & Relied & Terms;
  'appeal-overturned': LetterHeader & AppealOutcomeValues;
  'appeal-varied': LetterHeader & AppealOutcomeValues & Relied & Terms;
  'review-continued': LetterHeader & ReviewValues & Relied & Terms & AppealRight;
  'review-escalated': LetterHeader & ReviewValues & Relied & Terms & AppealRight & { referredTo: string };
  'review-lifted': LetterHeader & ReviewValues;
}

/** Who the draft goes to, and who gets a copy (§6): a name, or null when only "needs an advocate" is recorded. */
export interface Addressee {
  customer: string;
  copyTo: { name: string | null; as: 'appeal representative' | 'third party' | 'advocate' } | null;
}

interface DraftOf<K extends LetterKind> {
  kind: K;
  /** `<what it follows>:letter`: the measure, review or appeal it is about, so a repeat finds it. */
  id: string;
  customerKey: string;
  /** The file in letters/ it fills. */
  template: `${K}.docx`;
  values: LetterValuesByKind[K];
  addressee: Addressee;
  /** A reasonable adjustment is recorded (§6): the letter may be needed in another format, or through the advocate. */
  adviseOtherFormat: boolean;
  /** The adjustments recorded, as staff read them. */
  adjustments: string[];
}
export type LetterDraft = { [K in LetterKind]: DraftOf<K> }[LetterKind];

/**
 * What was decided: a measure now in force or ended at sign-off (`measure`), a review's outcome once final (`review`,
 * the measure with the review last among its reviews), or an appeal's outcome (`appeal`, as `decideAppeal` returns it).
 */
export type LetterDecision = { about: 'measure'; measure: Measure } | { about: 'review'; measure: Measure } | ({ about: 'appeal' } & AppealDecided);

export interface LetterFacts {
  /** The incidents the measure rests on: at least its newest LETTER_INCIDENTS_MAX (`incidentRefs` order). */
  incidents: readonly Incident[];
  /** When the letter is drafted: its date. */
  now: Date;
  /** A deadline for appealing, if the landlord sets one (§7 sets none): a UK day after the letter's date. */
  appealBy?: string | null;
}

/**
 * The letter a decision produces, or null when the customer is not written to under this policy: the no-notification
 * exception was signed off (§5.2), the measure is a referral (§4.1, §8: the Community Safety Policy's), or a sign-off
 * rejected a measure the customer was never told of. Throws when asked too early (awaiting sign-off) or about
 * something that is no decision (a lapse), and when the facts are missing: a letter never has a blank.
 */
export function letterFor(decision: LetterDecision, facts: LetterFacts): LetterDraft | null {
  if (decision.about === 'appeal') return appealLetter(decision, facts);
  const m = decision.measure;
  const renewal = m.signOff?.renewal;
  if (decision.about === 'review' || (renewal && m.signOff?.decision)) return reviewLetter(m, facts);
  if (m.status === 'active') return measureLetter(m, facts);
  // Rejected at sign-off: never in force, or interim and never told (the letter follows sign-off).
  if (m.status === 'rejected' || (m.status === 'lifted' && m.signOff?.decision?.outcome === 'rejected')) return null;
  throw new Error(`No letter follows measure ${m.id} as ${m.status}: write it when it is decided (docs/letters.md)`);
}

function measureLetter(m: Measure, facts: LetterFacts): LetterDraft | null {
  const kind = MEASURE_LETTER[m.kind];
  if (!kind || !m.notifyCustomer) return null;
  const values: MeasureLetterValues = { ...header(facts, m), ...relied(m, facts), ...termsOf(m), ...appealRight(m, facts) };
  return draft(kind, `${m.id}:letter`, m, values, facts, null);
}

function reviewLetter(m: Measure, facts: LetterFacts): LetterDraft | null {
  const review = reviewsOf(m).at(-1);
  if (!review) throw new Error(`Measure ${m.id} has no review to write about`);
  if (!MEASURE_LETTER[m.kind] || !m.notifyCustomer) return null;
  const base = { ...header(facts, m), reviewedMeasure: MEASURE_NAME[m.kind], reviewedOn: longDate(review.at) };
  if (m.status === 'lifted') return draft('review-lifted', `${review.id}:letter`, m, base, facts, null);
  if (m.status !== 'active' || review.outcome === 'lifted')
    throw new Error(`Review ${review.id} is not final (measure ${m.status}): the letter follows the Head of Service's sign-off (§5.2, §8)`);
  const values = { ...base, ...relied(m, facts), ...termsOf(m), ...appealRight(m, facts) };
  if (review.outcome === 'continued') return draft('review-continued', `${review.id}:letter`, m, values, facts, null);
  if (!review.referredTo) throw new Error(`Review ${review.id} escalated it to nobody: the letter says who it is referred to (§8)`);
  return draft('review-escalated', `${review.id}:letter`, m, { ...values, referredTo: review.referredTo }, facts, null);
}

function appealLetter({ appeal, measure, replacement }: AppealDecided, facts: LetterFacts): LetterDraft | null {
  const d = appeal.decision;
  if (!d) throw new Error(`Appeal ${appeal.id} is not decided: the letter follows its outcome (§7)`);
  const after = d.outcome === 'varied' ? replacement : measure;
  if (!after) throw new Error(`Appeal ${appeal.id} was varied but no new terms were given`);
  if (!MEASURE_LETTER[measure.kind] || !measure.notifyCustomer || !after.notifyCustomer) return null;
  const representative = appeal.appellant.kind === 'representative' ? appeal.appellant.name : null;
  const base = {
    ...header(facts, after, representative),
    appealedMeasure: MEASURE_NAME[measure.kind],
    appealReceived: weekdayDate(appeal.receivedOn),
    appellant: representative ?? 'you',
    reasons: d.reasons,
    decidedOn: longDate(d.at),
  };
  const id = `${appeal.id}:letter`;
  if (d.outcome === 'overturned') return draft('appeal-overturned', id, measure, base, facts, representative);
  const values = { ...base, ...relied(after, facts), ...termsOf(after) };
  return draft(d.outcome === 'upheld' ? 'appeal-upheld' : 'appeal-varied', id, after, values, facts, representative);
}

function draft<K extends LetterKind>(
  kind: K,
  id: string,
  m: Measure,
  values: LetterValuesByKind[K],
  facts: LetterFacts,
  representative: string | null,
): LetterDraft {
  const adjustments = ADJUSTMENTS.filter((a) => m.adjustments.includes(a.id)).map((a) => a.label);
  // The signature pairs `kind` with its values; TypeScript cannot see that a generic K is one member of the union.
  return {
    kind,
    id,
    customerKey: m.customerKey,
    template: `${kind}.docx`,
    values,
    addressee: { customer: customerOf(facts, m).customerName, copyTo: copyTo(m, representative) },
    adviseOtherFormat: adjustments.length > 0,
    adjustments,
  } as DraftOf<K> & LetterDraft;
}

/** An appeal's representative, else the third party contact goes through (§5.3), else an advocate the customer needs (§6). */
function copyTo(m: Measure, representative: string | null): Addressee['copyTo'] {
  if (representative) return { name: representative, as: 'appeal representative' };
  if (m.restriction?.thirdParty) return { name: m.restriction.thirdParty, as: 'third party' };
  return m.adjustments.includes('needs-advocate') ? { name: null, as: 'advocate' } : null;
}

/** The newest incident the measure rests on names the customer as reported. */
function customerOf(facts: LetterFacts, m: Measure): Incident {
  const newest = reliedOn(m, facts).at(-1);
  if (!newest) throw new Error(`Measure ${m.id} rests on no incident: a letter states the incidents relied on`);
  return newest;
}

function header(facts: LetterFacts, m: Measure, representative: string | null = null): LetterHeader {
  const customer = customerOf(facts, m);
  const copy = copyTo(m, representative);
  return {
    letterDate: longDate(facts.now),
    customerName: customer.customerName,
    customerRef: customer.customerRef,
    advocate: copy ? { name: copy.name ?? 'your advocate' } : false,
  };
}

/** The newest LETTER_INCIDENTS_MAX incidents the measure rests on, in the order they joined it; each must be given. */
function reliedOn(m: Measure, facts: LetterFacts): Incident[] {
  return m.incidentRefs.slice(-LETTER_INCIDENTS_MAX).map((ref) => {
    const found = facts.incidents.find((i) => i.reference === ref && i.customerKey === m.customerKey);
    if (!found) throw new Error(`Incident ${ref}, which measure ${m.id} rests on, was not given: a letter states every incident relied on`);
    return found;
  });
}

function relied(m: Measure, facts: LetterFacts): Relied {
  const incidents = reliedOn(m, facts);
  const earlier = m.incidentRefs.length - incidents.length;
  return {
    incidents: incidents.map(incidentLine),
    earlierIncidents: earlier > 0 ? { count: earlier } : false,
    aggression: incidents.some((i) => i.category === 'aggressive'),
    demandsOrPersistence: incidents.some((i) => i.category === 'demands' || i.category === 'persistence'),
    feedbackReminder: incidents.some((i) => i.category === 'persistence' && i.behaviours.includes('continuing-complaint')),
  };
}

function incidentLine(i: Incident): IncidentLine {
  const category = CATEGORIES[i.category];
  const done = i.actions.flatMap((a) => DONE_AT_THE_TIME[a] ?? []);
  const flags = i.safetyFlags.map((f) => lowerFirst(labelOf(SAFETY_FLAGS, f)));
  return {
    date: longDate(i.occurredAt),
    reference: i.reference,
    how: HOW[i.channel],
    category: category.label,
    behaviours: and.format(i.behaviours.map((b) => lowerFirst(labelOf(category.behaviours, b)))),
    circumstances: flags.length ? { list: and.format(flags) } : false,
    actions: done.length ? { done: and.format(done) } : false,
  };
}

function termsOf(m: Measure): Terms {
  return {
    measure: MEASURE_NAME[m.kind],
    reviewDate: longDate(m.reviewDue),
    warning: m.kind === 'warning',
    pairsVisit: m.kind === 'pairs-visit',
    recharge: m.kind === 'recharge',
    restriction: m.kind === 'contact-restriction' ? restrictionValues(m) : false,
  };
}

const channelLabel = (c: ContactChannel) => CONTACT_CHANNELS.find((x) => x.id === c)!.label.toLowerCase();

function restrictionValues(m: Measure): RestrictionValues {
  const r: ContactRestriction | null = m.restriction;
  if (!r || r.channels.length === 0) throw new Error(`Contact restriction ${m.id} leaves no channel open: a letter states what stays open (§6)`);
  const closed = CONTACT_CHANNELS.filter((c) => !r.channels.includes(c.id)).map((c) => channelLabel(c.id));
  const times = (n: number, unit: string, per: string) => `${n} ${unit}${n === 1 ? '' : 's'} a ${per}`;
  return {
    channelsOpen: or.format(r.channels.map(channelLabel)),
    channelsClosed: closed.length ? { list: or.format(closed) } : false,
    singlePointOfContact: r.singlePointOfContact ? { name: r.singlePointOfContact } : false,
    limitedTimes: r.limitedTimes ? { times: r.limitedTimes } : false,
    maxContacts: r.maxContacts ? { limit: times(r.maxContacts.count, 'time', r.maxContacts.per) } : false,
    declineWithoutNewEvidence: r.declineWithoutNewEvidence,
    maxIssues: r.maxIssues ? { limit: times(r.maxIssues.count, 'issue', r.maxIssues.per) } : false,
    thirdParty: r.thirdParty ? { name: r.thirdParty } : false,
  };
}

/** §7: how to appeal. A customer whose contact is limited appeals through the ways left open to them. */
function appealRight(m: Measure, facts: LetterFacts): AppealRight {
  const ways = m.restriction ? m.restriction.channels.map((c) => APPEAL_WAY_OF[c]) : (Object.keys(APPEAL_WAYS) as AppealChannel[]);
  const by = facts.appealBy ?? null;
  if (by !== null && !(/^\d{4}-\d{2}-\d{2}$/.test(by) && by > ukDate(facts.now)))
    throw new Error(`The appeal deadline ${JSON.stringify(by)} must be a day (YYYY-MM-DD) after the letter's date`);
  return { appealHow: or.format(ways.map((w) => APPEAL_WAYS[w])), appealBy: by === null ? false : { date: weekdayDate(by) } };
}
