import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import type { SignOffReason } from '../../domain/measure';
import type { Incident } from '../../domain/records';
import { MAX_DECISION_TEXT } from '../../domain/signoff';
import { formatUk } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { decisionCard, measureFacts, textInput } from '../decisions/views';

const WHY: Record<SignOffReason, string> = {
  'pairs-visit': 'Visits in pairs need Head of Service sign-off (§5.1, §5.2)',
  'no-notification': 'Not telling the customer needs Head of Service sign-off with full justification (§5.2)',
};

/** Names and Teams ids a sign-off card shows; looked up by the caller. */
export interface SignOffPeople {
  /** Each with their role in the area, e.g. "Megan Bowen (Head of Service)"; null when nobody independent is configured. */
  approverName: string | null;
  deputyName: string | null;
  serviceAreaName: string;
  userIds: string[];
}

/** How many incident references a card lists: a persistent customer's measure may rest on hundreds (§8). */
const LISTED = 5;

/** The newest references a measure rests on, and how many earlier ones. */
function incidentsListed(refs: readonly string[]): string {
  const newest = refs.slice(-LISTED).reverse().join(', ');
  return refs.length > LISTED ? `${newest} and ${refs.length - LISTED} earlier` : newest;
}

/** Who may decide, by name and role; or that nobody independent can. */
export function waitingFor(p: SignOffPeople): string {
  return p.approverName
    ? `Waiting for ${p.approverName}${p.deputyName ? ` or ${p.deputyName}` : ''}.`
    : 'Nobody independent is configured to decide this: the case managers have been told.';
}

/** Who asked for this sign-off: the proposer, or for a renewal the reviewer who continued it (§8). */
function proposedBy(m: Measure): string {
  const renewal = m.signOff?.renewal;
  return renewal
    ? `Continued at review by ${renewal.by.name}, ${formatUk(m.signOff!.requestedAt)}`
    : `${m.proposedBy.name}, ${formatUk(m.proposedAt)}`;
}

function common(m: Measure, p: SignOffPeople) {
  return {
    measureId: m.id,
    customerKey: m.customerKey,
    measureLabel: `${MEASURE_KINDS[m.kind].label}${m.interim ? ' (interim, in force pending sign-off)' : ''}`,
    serviceArea: p.serviceAreaName,
    why: (m.signOff?.reasons ?? []).map((r) => WHY[r]).join('; '),
    proposed: proposedBy(m),
    incidents: incidentsListed(m.incidentRefs),
    userIds: p.userIds,
  };
}

/** What everyone sees, and what is sent: status only. Approver and deputy get their buttons through refresh. */
export function signOffStatusCard(m: Measure, p: SignOffPeople): AdaptiveCard {
  return renderCard('signoff-request', {
    ...common(m, p),
    status: 'Awaiting decision',
    waitingFor: waitingFor(p),
  });
}

/**
 * What those asked to decide see, in their refreshed view only (never in the card sent, which stays in chat history):
 * the facts to decide on, and Approve / Reject, each its own step with its own required input.
 */
export function signOffDecideCard(m: Measure, p: SignOffPeople, incidents: readonly Incident[], problem = ''): AdaptiveCard {
  const c = common(m, p);
  const ref = { measureId: m.id, customerKey: m.customerKey };
  return decisionCard({
    refreshVerb: 'signoff.refresh',
    refreshData: ref,
    userIds: p.userIds,
    subject: `Sign-off: ${c.measureLabel}`,
    problem,
    facts: [
      { label: 'Customer', value: m.customerKey },
      { label: 'Service area', value: c.serviceArea },
      { label: 'Why sign-off', value: c.why },
      { label: 'Proposed', value: c.proposed },
      { label: 'Who decides', value: waitingFor(p) },
    ],
    ...measureFacts(m, incidents),
    steps: [
      {
        title: 'Approve…',
        explain: 'Approving needs how vulnerabilities and reasonable adjustments were considered (§6).',
        inputs: [
          textInput(
            'vulnerabilitiesConsidered',
            'Vulnerabilities and reasonable adjustments considered (§6)',
            'Record how vulnerabilities and reasonable adjustments were considered',
            MAX_DECISION_TEXT,
          ),
        ],
        confirm: 'Approve',
        style: 'positive',
        verb: 'signoff.decide',
        data: { ...ref, outcome: 'approve' },
      },
      {
        title: 'Reject…',
        explain: m.interim ? 'Rejecting lifts the interim marker at once: staff stop visiting in pairs.' : 'Rejecting needs a reason.',
        inputs: [textInput('reason', 'Reason for rejecting', 'Give the reason for rejecting', MAX_DECISION_TEXT)],
        confirm: 'Reject',
        style: 'destructive',
        verb: 'signoff.decide',
        data: { ...ref, outcome: 'reject' },
      },
    ],
  });
}

/** After the decision: every copy of the card is replaced by this (updateActivity), with no buttons. */
export function signOffOutcomeCard(m: Measure, note = ''): AdaptiveCard {
  const d = m.signOff?.decision;
  if (!d) throw new Error(`signOffOutcomeCard: ${m.id} is not decided`);
  const approved = d.outcome === 'approved';
  return renderCard('signoff-outcome', {
    note,
    headline: approved ? 'Approved' : m.status === 'lifted' ? 'Rejected: interim marker lifted' : 'Rejected',
    color: approved ? 'Good' : 'Attention',
    measureLabel: MEASURE_KINDS[m.kind].label,
    customerKey: m.customerKey,
    decidedBy: d.by.name,
    decidedAt: formatUk(d.at),
    reason: d.reason ?? '—',
    considered: m.vulnerabilitiesConsidered ?? '—',
    reviewDue: approved ? formatUk(m.reviewDue, false) : '—',
  });
}

/** The notice for the reporter and proposer once decided. */
export function decisionNotice(m: Measure): { title: string; text: string } {
  const d = m.signOff!.decision!;
  const what = `${MEASURE_KINDS[m.kind].label} for customer ${m.customerKey}`;
  return d.outcome === 'approved'
    ? {
        title: `${what}: approved`,
        text: `${d.by.name} approved it on ${formatUk(d.at)}. ${m.instructions} Review due ${formatUk(m.reviewDue, false)} (§8).`,
      }
    : {
        title: `${what}: rejected`,
        text: `${d.by.name} rejected it on ${formatUk(d.at)}: ${d.reason ?? ''}${m.status === 'lifted' ? ' The interim marker is lifted.' : ''}`,
      };
}
