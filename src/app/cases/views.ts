import { CATEGORIES, CHANNELS, IMMEDIATE_ACTIONS, SAFETY_FLAGS, labelOf } from '../../domain/policy';
import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import type { Incident } from '../../domain/records';
import { formatUk } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';

const STATUS: Record<Measure['status'], string> = {
  'pending-sign-off': 'awaiting Head of Service sign-off',
  active: 'in force',
  rejected: 'rejected',
  lifted: 'lifted',
  lapsed: 'lapsed',
};

/** The full case: the incident as reported and the measures on this customer. */
export function caseCard(incident: Incident, serviceAreaName: string, measures: Measure[], canPropose: boolean): AdaptiveCard {
  const category = CATEGORIES[incident.category];
  return renderCard('case', {
    reference: incident.reference,
    customer: `${incident.customerName} (${incident.customerRef})`,
    occurredAt: formatUk(incident.occurredAt),
    channel: labelOf(CHANNELS, incident.channel),
    serviceArea: serviceAreaName,
    category: `${category.label} (§${category.section})`,
    behaviours: incident.behaviours.map((b) => labelOf(category.behaviours, b)).join('; '),
    safety: incident.safetyFlags.map((f) => labelOf(SAFETY_FLAGS, f)).join('; ') || 'None ticked',
    actions:
      [...incident.actions.map((a) => labelOf(IMMEDIATE_ACTIONS, a)), incident.crimeReference ? `crime ref ${incident.crimeReference}` : '']
        .filter(Boolean)
        .join('; ') || 'None',
    vulnerability:
      incident.vulnerability.known === 'yes'
        ? `Yes: ${incident.vulnerability.note ?? ''}`
        : incident.vulnerability.known === 'no'
          ? 'None known'
          : 'Not known',
    reporter: `${incident.reporter.name}, ${formatUk(incident.reportedAt)}`,
    description: incident.description,
    measures: measures.map((m) => ({
      label: MEASURE_KINDS[m.kind].label,
      status: `${STATUS[m.status]}${m.interim ? ' (interim)' : ''}, review ${formatUk(m.reviewDue, false)}`,
    })),
    canPropose,
  });
}
