import { createHash } from 'node:crypto';
import { z } from 'zod';
import { boundedText, firstErrorPerField } from './form-values';
import { involvedIn } from './independence';
import { isInForce, type Measure, type MeasureKind } from './measure';
import type { CheckedMeasure } from './proposal';
import type { Person } from './records';
import { fail, ok, type Result } from './result';
import type { CustomerSummary, MarkerSummary, OpenAppeal } from './summary';
import { plainName } from './text';
import { ukDate } from './time';
import { variedMeasure } from './variation';
import { appealDueOn, weekdayDate } from './working-days';

export type AppealOutcome = 'upheld' | 'overturned' | 'varied';

export const APPELLANTS = [
  { id: 'customer', label: 'The customer' },
  { id: 'representative', label: 'A representative on their behalf' },
] as const;
export type AppellantKind = (typeof APPELLANTS)[number]['id'];

/** How an appeal can arrive: any way the customer can reach us (§7 sets no form). */
export const APPEAL_CHANNELS = [
  { id: 'letter', label: 'Letter' },
  { id: 'email', label: 'Email' },
  { id: 'telephone', label: 'Telephone' },
  { id: 'in-person', label: 'In person' },
  { id: 'online', label: 'Online form' },
] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number]['id'];

/**
 * An appeal against a measure in force (§7): recorded by a case manager, decided within 10 working days by a Head of
 * Service who took no part in the measure, its whole history (docs/rules.md#R-appeal-independent).
 */
export interface Appeal {
  type: 'appeal';
  id: string;
  customerKey: string;
  /** The measure appealed against, and its kind (kinds never change: lists show it without reading the measure). */
  measureId: string;
  measureKind: MeasureKind;
  status: 'open' | AppealOutcome | 'withdrawn';
  appellant: { kind: AppellantKind; name: string | null };
  /** How it arrived. */
  channel: AppealChannel;
  /** UK calendar days, YYYY-MM-DD. */
  receivedOn: string;
  dueOn: string;
  grounds: string;
  recordedBy: Person;
  recordedAt: string;
  /** Who may decide: independent of everyone involved in the measure, its whole history. */
  approverId: string | null;
  deputyId: string | null;
  /** The outcome, with the policy version it was decided under (it may have been reviewed since the appeal came in). */
  decision: { outcome: AppealOutcome; by: Person; at: string; reasons: string; variedTo: string | null; policyVersion: string } | null;
  withdrawn: { on: string; by: Person; at: string } | null;
  policyVersion: string;
}

/** The appeal form's inputs, as Adaptive Card inputs send them (all strings). */
export const APPEAL_FIELDS = ['measureId', 'appellant', 'representativeName', 'channel', 'receivedOn', 'grounds'] as const;
export type AppealField = (typeof APPEAL_FIELDS)[number];
export type AppealValues = Partial<Record<AppealField, string>>;
export type AppealErrors = Partial<Record<AppealField, string>>;

/** Free-text limits: the grounds as the customer put them, a decider's reasons, a representative's name. */
export const APPEAL_TEXT_MAX = 2000;
export const REPRESENTATIVE_NAME_MAX = 100;
/** The shortest reasons a decision is given with: the customer is told them in writing (§7). */
const MIN_REASONS = 10;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ids = <T extends { id: string }>(list: readonly T[]) => list.map((x) => x.id) as [T['id'], ...T['id'][]];

const schema = z.object({
  measureId: z.string({ error: 'Choose the measure appealed against' }).min(1, 'Choose the measure appealed against'),
  appellant: z.enum(ids(APPELLANTS), { error: 'Say who appealed' }),
  representativeName: boundedText(REPRESENTATIVE_NAME_MAX, 'The representative’s name').transform(plainName),
  channel: z.enum(ids(APPEAL_CHANNELS), { error: 'Say how the appeal arrived' }),
  receivedOn: z.string({ error: 'Enter the date the appeal was received' }).regex(DAY, 'Enter the date the appeal was received'),
  grounds: boundedText(APPEAL_TEXT_MAX, 'The grounds').refine(
    (v) => v.length >= 10,
    'Give the grounds of the appeal as the customer put them (at least 10 characters)',
  ),
});

/** Whether a YYYY-MM-DD string is a real calendar day. */
function isDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const t = new Date(`${day}T12:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === day;
}

/** A measure that can be appealed: active and in force; not an interim marker awaiting sign-off, not lapsed (§7, §8). */
export function appealable(m: Pick<Measure, 'status' | 'interim' | 'reviewDue'>, now: Date): boolean {
  return m.status === 'active' && isInForce(m, now);
}

/** A customer's measures an appeal can be recorded against: in force, with no appeal open (docs/rules.md#R-appeal-in-force). */
export function appealableMarkers(summary: CustomerSummary, now: Date): MarkerSummary[] {
  return summary.markers.filter((m) => appealable(m, now) && !summary.appeals.some((a) => a.measureId === m.id));
}

/**
 * The UK day a measure came into force, before which no appeal against it can have arrived: an interim §5.1 marker
 * from its report (its id is the incident's reference and kind, `interimPairsVisit`), any other once decided: at its
 * sign-off, or when proposed if it needed none.
 */
export function inForceSince(
  m: Pick<Measure, 'id' | 'proposedAt' | 'incidentRefs'> & { signOff: { decision: { at: string } | null } | null },
): string {
  const interimFromReport = m.id === `${m.incidentRefs[0]}:pairs-visit`;
  return ukDate(new Date(interimFromReport || !m.signOff?.decision ? m.proposedAt : m.signOff.decision.at));
}

/** What the server knows when checking an appeal: the measure chosen (read by id, never from the card), open appeals. */
export interface AppealFacts {
  measure: Measure | null;
  open: readonly OpenAppeal[];
  now: Date;
}

export type CheckedAppeal = Pick<Appeal, 'measureId' | 'measureKind' | 'appellant' | 'channel' | 'receivedOn' | 'dueOn' | 'grounds'>;

/**
 * Checks an appeal as recorded, every problem at once: a measure in force with no appeal open against it
 * (docs/rules.md#R-appeal-in-force), who appealed (a representative is named), how it arrived, the grounds, and the day
 * it was received: a real day, not in the future, not before the measure came into force. It is due on the 10th
 * working day after (§7, docs/rules.md#R-appeal-due).
 */
export function checkAppeal(values: AppealValues, facts: AppealFacts): Result<CheckedAppeal, AppealErrors> {
  const parsed = schema.safeParse(values);
  const errors: AppealErrors = firstErrorPerField<AppealField>(parsed.success ? [] : parsed.error.issues);
  const m = facts.measure;
  const open = m && facts.open.find((a) => a.measureId === m.id);
  if (!m || !appealable(m, facts.now)) errors.measureId ??= 'Choose a measure in force: only a measure in force can be appealed (§7)';
  else if (open) errors.measureId ??= `An appeal against this measure is already open, due ${weekdayDate(open.dueOn)}: one appeal at a time (§7)`;
  if (values.appellant === 'representative' && plainName(values.representativeName ?? '').trim().length < 2)
    errors.representativeName ??= 'Give the name of the representative who appealed';
  const received = (values.receivedOn ?? '').trim();
  if (DAY.test(received)) {
    if (!isDay(received)) errors.receivedOn = 'Enter a real date';
    else if (received > ukDate(facts.now)) errors.receivedOn = 'The date received cannot be in the future';
    else if (m && received < inForceSince(m))
      errors.receivedOn = `The appeal cannot have arrived before the measure came into force (${weekdayDate(inForceSince(m))})`;
  }
  if (!parsed.success || !m || Object.keys(errors).length > 0) return fail(errors);
  const v = parsed.data;
  return ok({
    measureId: m.id,
    measureKind: m.kind,
    appellant: { kind: v.appellant, name: v.appellant === 'representative' ? v.representativeName : null },
    channel: v.channel,
    receivedOn: v.receivedOn,
    dueOn: appealDueOn(v.receivedOn),
    grounds: v.grounds,
  });
}

/** An appeal's id derives from the form, so a double click or a retried delivery records it once. */
export function appealId(measureId: string, personId: string, formId: string): string {
  return `${measureId}:appeal:${createHash('sha256').update(`${personId}|${formId}`).digest('hex').slice(0, 10)}`;
}

/** The appeal as recorded, open, asked of `deciders` (chosen independent of the measure's history). */
export function openAppeal(
  checked: CheckedAppeal,
  record: { id: string; customerKey: string; by: Person; now: Date; policyVersion: string },
  deciders: { approverId: string | null; deputyId: string | null },
): Appeal {
  return {
    type: 'appeal',
    id: record.id,
    customerKey: record.customerKey,
    ...checked,
    status: 'open',
    recordedBy: record.by,
    recordedAt: record.now.toISOString(),
    ...deciders,
    decision: null,
    withdrawn: null,
    policyVersion: record.policyVersion,
  };
}

/** Past its due date and still open: `case` and `pending` mark it (§7). */
export function isOverdue(a: Pick<Appeal, 'dueOn'>, now: Date): boolean {
  return ukDate(now) > a.dueOn;
}

/**
 * Whether this person may decide: one of the two asked, and still independent of the measure's whole history (it may
 * have gained a reporter or decider since), checked again at every click (docs/rules.md#R-appeal-independent).
 */
export function mayDecideAppeal(appeal: Appeal, measure: Measure, personId: string): boolean {
  return (appeal.approverId === personId || appeal.deputyId === personId) && !involvedIn(measure).has(personId);
}

export type AppealRefusal = {
  code: 'AlreadyDecided' | 'Withdrawn' | 'NotDecider' | 'ReasonsRequired' | 'MeasureEnded' | 'BadDate';
  message: string;
};

/** The outcome chosen, with reasons; a variation with its new terms (checked like a proposal) and the new measure's id. */
export type AppealDecisionInput =
  { outcome: 'uphold' | 'overturn'; reasons: string } | { outcome: 'vary'; reasons: string; variation: { checked: CheckedMeasure; id: string } };

/** What an appeal decision writes: the appeal decided, the measure as it stands after, and the measure that replaces it. */
export interface AppealDecided {
  appeal: Appeal;
  measure: Measure;
  replacement: Measure | null;
}

/** Why an appeal cannot be decided or withdrawn any more; null while it is open. */
function closed(appeal: Appeal): AppealRefusal | null {
  if (appeal.decision)
    return { code: 'AlreadyDecided', message: `Already ${appeal.decision.outcome} by ${appeal.decision.by.name} at ${appeal.decision.at}.` };
  if (appeal.withdrawn) return { code: 'Withdrawn', message: `Withdrawn on ${weekdayDate(appeal.withdrawn.on)}.` };
  return null;
}

/**
 * Why this person cannot decide this appeal now, before anything they typed is looked at: it is closed, they are not
 * one of the two asked or not independent, or the measure is no longer in force. Null when they can.
 */
export function refusalFor(appeal: Appeal, measure: Measure, personId: string): AppealRefusal | null {
  const refusal = closed(appeal);
  if (refusal) return refusal;
  if (!mayDecideAppeal(appeal, measure, personId))
    return {
      code: 'NotDecider',
      message: 'Only a Head of Service asked to decide this appeal can, and never someone who proposed, reported for or decided the measure.',
    };
  if (measure.status !== 'active')
    return { code: 'MeasureEnded', message: `The measure is ${measure.status}, no longer in force: a case manager can withdraw the appeal.` };
  return null;
}

/** The reasons a decision is given with: the customer is told them in writing (§7). */
function checkReasons(reasons: string): AppealRefusal | null {
  return reasons.trim().length < MIN_REASONS
    ? { code: 'ReasonsRequired', message: 'Give the reasons for your decision: the customer is told them in writing (§7).' }
    : null;
}

/**
 * An independent Head of Service's decision on an appeal (§7, docs/rules.md#R-appeal-outcome), with reasons. Upheld:
 * the measure stands. Overturned: it is lifted at once. Varied: it is lifted, and `variation` (the new terms, checked
 * like a proposal) takes its place, in force at once; any sign-off it needs (§5.2) is this decider's
 * (docs/rules.md#R-appeal-variation). The decider joins the measure's deciders, so they never decide on it again.
 */
export function decideAppeal(
  appeal: Appeal,
  measure: Measure,
  by: Person,
  input: AppealDecisionInput,
  now: Date,
  policyVersion: string,
): Result<AppealDecided, AppealRefusal> {
  const refusal = refusalFor(appeal, measure, by.id) ?? checkReasons(input.reasons);
  if (refusal) return fail(refusal);
  const at = now.toISOString();
  const outcome = ({ uphold: 'upheld', overturn: 'overturned', vary: 'varied' } as const)[input.outcome];
  const replacement = input.outcome === 'vary' ? variedMeasure(measure, input.variation.checked, input.variation.id, by, at) : null;
  const deciders = [...measure.deciders, by.id];
  return ok({
    appeal: {
      ...appeal,
      status: outcome,
      decision: { outcome, by, at, reasons: input.reasons.trim(), variedTo: replacement?.id ?? null, policyVersion },
    },
    measure:
      outcome === 'upheld'
        ? { ...measure, deciders }
        : { ...measure, status: 'lifted', deciders, liftedOnAppeal: { appealId: appeal.id, replacedBy: replacement?.id ?? null } },
    replacement,
  });
}

/** A case manager records that the customer withdrew the appeal, on a day between its receipt and today. */
export function withdraw(appeal: Appeal, by: Person, on: string, now: Date): Result<Appeal, AppealRefusal> {
  const refusal = closed(appeal);
  if (refusal) return fail(refusal);
  if (!isDay(on)) return fail({ code: 'BadDate', message: 'Enter the date the appeal was withdrawn.' });
  if (on > ukDate(now)) return fail({ code: 'BadDate', message: 'The date withdrawn cannot be in the future.' });
  if (on < appeal.receivedOn)
    return fail({ code: 'BadDate', message: `The date withdrawn cannot be before the appeal arrived (${weekdayDate(appeal.receivedOn)}).` });
  return ok({ ...appeal, status: 'withdrawn', withdrawn: { on, by, at: now.toISOString() } });
}
