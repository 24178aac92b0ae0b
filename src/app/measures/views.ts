import {
  ADJUSTMENTS,
  CONTACT_CHANNELS,
  MEASURE_KINDS,
  MEASURE_KIND_IDS,
  latestReviewDate,
  type Measure,
  type MeasureKind,
} from '../../domain/measure';
import { PROPOSAL_FIELDS, type ProposalErrors, type ProposalField, type ProposalValues } from '../../domain/proposal';
import type { Incident } from '../../domain/records';
import { fieldsToCorrect } from '../../domain/form-values';
import { brief } from '../../domain/text';
import { formatUk, ukDate } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';

/** How much of the reporter's vulnerability note the form quotes (the case has all of it): keeps the form under 20 KB. */
const NOTE_QUOTED = 300;

const asNumber = (v: string | undefined) => (v !== undefined && /^\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : null);
const blank = () => Object.fromEntries(PROPOSAL_FIELDS.map((f) => [f, ''])) as Record<ProposalField, string>;

/** What the measure form is for: proposing a measure for an incident, or new terms on appeal (§7), its kind fixed. */
export interface MeasureFormUse {
  heading: string;
  kinds: readonly MeasureKind[];
  /** What the line above a refused form starts with. */
  refusal: string;
  submit: { title: string; verb: string; data: Record<string, unknown> };
}

const proposing = (incident: Incident, formId: string): MeasureFormUse => ({
  heading: 'Propose a measure',
  kinds: MEASURE_KIND_IDS,
  refusal: 'Not proposed',
  submit: { title: 'Propose', verb: 'measure.propose', data: { incidentRef: incident.reference, formId } },
});

/** The proposal form, with what was typed kept and an error under each refused field. */
export function proposalForm(
  incident: Incident,
  formId: string,
  values: ProposalValues,
  refused: ProposalErrors,
  now: Date,
  use: MeasureFormUse = proposing(incident, formId),
) {
  // The "per week / month" choices have no error line of their own: their problem shows under the number beside them.
  const { maxContactsPer, maxIssuesPer, ...errors } = refused;
  if (maxContactsPer) errors.maxContactsCount ??= maxContactsPer;
  if (maxIssuesPer) errors.maxIssuesCount ??= maxIssuesPer;
  const problems = Object.values(errors).filter(Boolean).length;
  return renderCard('measure-form', {
    heading: use.heading,
    submit: use.submit,
    customerKey: incident.customerKey,
    incidentRef: incident.reference,
    today: ukDate(now),
    latestReview: ukDate(latestReviewDate(now)),
    problemSummary: problems ? `${use.refusal}: please correct ${fieldsToCorrect(problems)} marked below.` : '',
    vulnerabilityNote:
      incident.vulnerability.known === 'yes'
        ? `The reporter knows of a vulnerability: “${brief(incident.vulnerability.note ?? '', NOTE_QUOTED)}”. Consider contact through a third party or advocate (§6)`
        : '',
    kinds: use.kinds.map((id) => {
      const k = MEASURE_KINDS[id];
      return { id, label: `${k.label} (§${k.section})${k.signOff ? ': needs sign-off' : ''}` };
    }),
    adjustmentOptions: ADJUSTMENTS,
    channelOptions: CONTACT_CHANNELS,
    // Input.Number takes a number: a typed "3" sent back as text would be dropped by the renderer.
    values: { ...blank(), ...values, maxContactsCount: asNumber(values.maxContactsCount), maxIssuesCount: asNumber(values.maxIssuesCount) },
    errors: { ...blank(), ...errors },
  });
}

/** What the proposer sees once the measure is recorded; `whoDecides` names those asked to sign it off. */
export function proposedCard(measure: Measure, repeat: boolean, whoDecides: string): AdaptiveCard {
  const label = MEASURE_KINDS[measure.kind].label;
  const decided = measure.signOff?.decision;
  return renderCard('notice', {
    title: decided
      ? `${label}: ${decided.outcome} by ${decided.by.name}`
      : measure.signOff
        ? `${label}: proposed, awaiting Head of Service sign-off`
        : `${label}: in force`,
    text: `${repeat ? 'This form had already been sent: the measure is recorded once. ' : ''}${measure.instructions} Review due ${formatUk(measure.reviewDue, false)} (§8).${measure.signOff && !decided ? ` ${whoDecides}` : ''}${measure.notifyCustomer ? ' The customer must be told in writing, with how to appeal (§7).' : ''}`,
    color: measure.signOff ? 'Warning' : 'Good',
  });
}
