import { IMMEDIATE_ACTIONS, labelOf } from '../../domain/policy';
import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import type { Incident } from '../../domain/records';
import { formatUk } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { incidentFacts } from '../incidents/views';

const STATUS: Record<Measure['status'], string> = {
  'pending-sign-off': 'awaiting Head of Service sign-off',
  active: 'in force',
  rejected: 'rejected',
  lifted: 'lifted',
  lapsed: 'lapsed',
};

/** The full case: the incident as reported and the measures on this customer. */
export function caseCard(incident: Incident, serviceAreaName: string, measures: Measure[], canPropose: boolean): AdaptiveCard {
  return renderCard('case', {
    ...incidentFacts(incident, serviceAreaName),
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
