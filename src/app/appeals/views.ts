import {
  APPEAL_CHANNELS,
  APPEAL_FIELDS,
  APPEAL_TEXT_MAX,
  APPELLANTS,
  appealableMarkers,
  isOverdue,
  type Appeal,
  type AppealErrors,
  type AppealField,
  type AppealValues,
} from '../../domain/appeal';
import { fieldsToCorrect } from '../../domain/form-values';
import { MEASURE_KINDS, type Measure, type MeasureKind } from '../../domain/measure';
import type { ProposalErrors, ProposalValues } from '../../domain/proposal';
import type { Incident } from '../../domain/records';
import type { CustomerSummary, MarkerSummary } from '../../domain/summary';
import { formatUk, ukDate } from '../../domain/time';
import { weekdayDate } from '../../domain/working-days';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { AppealRequestCard, CaseCard, PendingCard, TextColor } from '../../cards/types';
import { decisionCard, measureFacts, textInput } from '../decisions/views';
import { proposalForm } from '../measures/views';
import { waitingFor, type SignOffPeople } from '../signoff/views';

const label = (kind: MeasureKind) => MEASURE_KINDS[kind].label;

/** §7: what the customer is told once an appeal is decided, and where to go if they remain dissatisfied. */
export const OUTCOME_LETTER =
  'Write to the customer with the outcome and the reasons, and direct them to the Customer Feedback policy and the Housing Ombudsman if they remain dissatisfied (§7).';

/** An appeal's due date as every card shows it: weekday and date, marked when it has passed unanswered. */
export function dueText(a: Pick<Appeal, 'dueOn'>, now: Date): string {
  return isOverdue(a, now) ? `Overdue: was due ${weekdayDate(a.dueOn)}` : `Due ${weekdayDate(a.dueOn)}`;
}

export const dueColor = (a: Pick<Appeal, 'dueOn'>, now: Date): TextColor => (isOverdue(a, now) ? 'Attention' : 'Default');

/** The measures in force a customer's appeal can be against, as the form offers them. */
export function measureChoice(m: MarkerSummary): { id: string; label: string } {
  return { id: m.id, label: `${label(m.kind)}, review due ${formatUk(m.reviewDue, false)}` };
}

/** How many appeals `pending` lists beside 20 sign-offs: the card stays under 20 KB. */
export const APPEALS_LISTED = 5;

/**
 * Open appeals as `pending` lists them for their decider (up to APPEALS_LISTED of those given): soonest due first, so
 * the overdue lead, marked; and whether more wait.
 */
export function pendingAppeals(appeals: readonly Appeal[], now: Date): Pick<PendingCard, 'appeals' | 'appealsMore'> {
  return {
    appeals: appeals.slice(0, APPEALS_LISTED).map((a) => ({
      appealId: a.id,
      customerKey: a.customerKey,
      label: `Appeal against: ${label(a.measureKind)}`,
      due: dueText(a, now),
      dueColor: dueColor(a, now),
    })),
    appealsMore: appeals.length > APPEALS_LISTED ? `More appeals await you: the ${APPEALS_LISTED} due soonest are listed.` : '',
  };
}

/** What the case card shows of a customer's appeals (§7): each open one, overdue marked, and whether one can be recorded. */
export function caseAppeals(summary: CustomerSummary, canRecord: boolean, now: Date): Pick<CaseCard, 'customerKey' | 'appeals' | 'canAppeal'> {
  const against = (measureId: string) => summary.markers.find((m) => m.id === measureId);
  return {
    customerKey: summary.customerKey,
    appeals: summary.appeals.map((a) => {
      const m = against(a.measureId);
      return {
        appealId: a.id,
        text: `Appeal against ${m ? label(m.kind) : 'a measure that has ended'} · ${dueText(a, now)}`,
        color: dueColor(a, now),
      };
    }),
    canAppeal: canRecord && appealableMarkers(summary, now).length > 0,
  };
}

const blank = () => Object.fromEntries(APPEAL_FIELDS.map((f) => [f, ''])) as Record<AppealField, string>;

/** The form a case manager records an appeal with, what was typed kept and an error under each refused field. */
export function appealForm(
  customerKey: string,
  formId: string,
  measures: readonly MarkerSummary[],
  values: AppealValues,
  errors: AppealErrors,
  now: Date,
): AdaptiveCard {
  const problems = Object.values(errors).filter(Boolean).length;
  return renderCard('appeal-form', {
    customerKey,
    formId,
    today: ukDate(now),
    problemSummary: problems ? `Not recorded: please correct ${fieldsToCorrect(problems)} marked below.` : '',
    measures: measures.map(measureChoice),
    appellants: APPELLANTS,
    channels: APPEAL_CHANNELS,
    values: { ...blank(), ...values },
    errors: { ...blank(), ...errors },
  });
}

/** An appeal with what its cards show beside it: the measure appealed against, what replaced it, who decides. */
export interface AppealView {
  appeal: Appeal;
  measure: Measure;
  replacement: Measure | null;
  people: SignOffPeople;
}

function appellant(a: Appeal): string {
  return a.appellant.kind === 'representative' ? `A representative: ${a.appellant.name ?? ''}` : 'The customer';
}

/** The facts every appeal card starts with. */
function appealFacts({ appeal: a, people }: AppealView, now: Date): { label: string; value: string }[] {
  const channel = APPEAL_CHANNELS.find((c) => c.id === a.channel)?.label ?? a.channel;
  return [
    { label: 'Customer', value: a.customerKey },
    { label: 'Service area', value: people.serviceAreaName },
    { label: 'Appealed by', value: appellant(a) },
    { label: 'Received', value: `${weekdayDate(a.receivedOn)}, by ${channel.toLowerCase()}` },
    { label: 'Decision', value: a.status === 'open' ? dueText(a, now) : `Was due ${weekdayDate(a.dueOn)}` },
    { label: 'Recorded by', value: `${a.recordedBy.name}, ${formatUk(a.recordedAt)}` },
  ];
}

const HEADLINES: Record<Appeal['status'], { headline: string; color: TextColor }> = {
  open: { headline: 'Appeal awaiting a Head of Service’s decision (§7)', color: 'Warning' },
  upheld: { headline: 'Appeal decided: the measure is upheld', color: 'Good' },
  overturned: { headline: 'Appeal decided: the measure is overturned and lifted', color: 'Attention' },
  varied: { headline: 'Appeal decided: the measure is varied, new terms in force', color: 'Warning' },
  withdrawn: { headline: 'Appeal withdrawn', color: 'Default' },
};

/** What happened to the appeal, once closed; who decides, while open. */
function closingFacts({ appeal: a, replacement, people }: AppealView): { label: string; value: string }[] {
  if (a.withdrawn) return [{ label: 'Withdrawn', value: `${weekdayDate(a.withdrawn.on)}, recorded by ${a.withdrawn.by.name}` }];
  const d = a.decision;
  if (!d) return [{ label: 'Who decides', value: waitingFor(people) }];
  return [
    { label: 'Decided by', value: `${d.by.name}, ${formatUk(d.at)}` },
    { label: 'Reasons', value: d.reasons },
    ...(replacement ? [{ label: 'New terms', value: `${replacement.instructions} Review due ${formatUk(replacement.reviewDue, false)}.` }] : []),
    { label: 'Next', value: OUTCOME_LETTER },
  ];
}

/**
 * The appeal's card as it is sent to its deciders (who see the decision card through its refresh while it is open),
 * and as everyone else sees it. A case manager can withdraw an open appeal from it.
 */
export function appealStatusCard(view: AppealView, now: Date, options: { note?: string; canWithdraw?: boolean } = {}): AdaptiveCard {
  const a = view.appeal;
  const open = a.status === 'open';
  const data: AppealRequestCard = {
    appealId: a.id,
    customerKey: a.customerKey,
    userIds: open ? view.people.userIds : [],
    note: options.note ?? '',
    ...HEADLINES[a.status],
    measureLabel: `Against: ${label(a.measureKind)}`,
    facts: [...appealFacts(view, now), ...closingFacts(view)],
    canWithdraw: open && !!options.canWithdraw,
    receivedOn: a.receivedOn,
    today: ukDate(now),
  };
  return renderCard('appeal-request', data);
}

/**
 * What the two asked to decide see, in their refreshed view only: the grounds, the measure's facts and the incidents
 * it rests on, and Uphold / Overturn / Vary, each with its reasons. Vary opens a form for the new terms.
 */
export function appealDecideCard(view: AppealView, incidents: readonly Incident[], now: Date, problem = ''): AdaptiveCard {
  const { appeal: a, measure: m, people } = view;
  const ref = { appealId: a.id, customerKey: a.customerKey };
  const facts = measureFacts(m, incidents);
  const reasons = (outcome: string) =>
    textInput(`${outcome}Reasons`, 'Your reasons (the customer is told them)', 'Give your reasons', APPEAL_TEXT_MAX);
  return decisionCard({
    refreshVerb: 'appeal.refresh',
    refreshData: ref,
    userIds: people.userIds,
    subject: `Appeal (§7) against: ${label(m.kind)}`,
    problem,
    facts: [...appealFacts(view, now), ...closingFacts(view)],
    ...facts,
    sections: [{ title: 'Grounds of appeal', text: a.grounds }, ...facts.sections],
    steps: [
      {
        title: 'Uphold…',
        explain: 'The measure stands unchanged.',
        inputs: [reasons('uphold')],
        confirm: 'Uphold',
        style: 'positive',
        verb: 'appeal.decide',
        data: { ...ref, outcome: 'uphold' },
      },
      {
        title: 'Overturn…',
        explain: 'The measure is lifted at once: staff stop applying it.',
        inputs: [reasons('overturn')],
        confirm: 'Overturn',
        style: 'destructive',
        verb: 'appeal.decide',
        data: { ...ref, outcome: 'overturn' },
      },
      {
        title: 'Vary…',
        explain: `New terms for this ${label(m.kind).toLowerCase()} replace the current ones when you submit them, checked as a proposal is (§5, §6), with a review within six months (§8). Your reasons go with the new terms.`,
        inputs: [],
        confirm: 'Set the new terms…',
        style: 'default',
        verb: 'appeal.vary-form',
        data: ref,
      },
    ],
  });
}

/**
 * The variation form: the proposal form with the measure's kind fixed (§7). Its Reasons are the reasons for the new
 * terms and for the decision, which the customer is told: written in the form, since a form at its longest leaves no
 * room under 20 KB to carry text typed before it.
 */
export function variationForm(
  a: Appeal,
  m: Measure,
  incident: Incident,
  formId: string,
  values: ProposalValues,
  refused: ProposalErrors,
  now: Date,
): AdaptiveCard {
  return proposalForm(incident, formId, { ...values, kind: m.kind }, refused, now, {
    heading: `New terms on appeal (§7): ${label(m.kind)}. Under Reasons, say why: the customer is told.`,
    kinds: [m.kind],
    refusal: 'Not varied',
    submit: { title: 'Vary the measure', verb: 'appeal.vary', data: { appealId: a.id, customerKey: a.customerKey, formId } },
  });
}

/** The notice to the measure's proposer and the case managers once an appeal is decided: they write to the customer (§7). */
export function outcomeNotice(a: Appeal, replacement: Measure | null): { title: string; text: string } {
  const d = a.decision!;
  const effect = {
    upheld: 'The measure stands.',
    overturned: 'The measure is lifted: staff no longer apply it.',
    varied: `New terms are in force: ${replacement?.instructions ?? ''} Review due ${replacement ? formatUk(replacement.reviewDue, false) : '—'}.`,
  }[d.outcome];
  return {
    title: `Appeal ${d.outcome}: ${label(a.measureKind)} for customer ${a.customerKey}`,
    text: `${d.by.name} decided the appeal on ${formatUk(d.at)}: ${d.reasons} ${effect} ${OUTCOME_LETTER}`,
  };
}
