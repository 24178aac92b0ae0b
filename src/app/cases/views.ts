import { CATEGORIES, IMMEDIATE_ACTIONS, labelOf } from '../../domain/policy';
import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import type { Incident } from '../../domain/records';
import type { CustomerSummary, IncidentHeader } from '../../domain/summary';
import { formatUk } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { incidentFacts } from '../incidents/views';
import type { ServiceArea } from '../ports';
import { caseAppeals } from '../appeals/views';
import { caseLetters } from '../letters/views';

const STATUS: Record<Measure['status'], string> = {
  'pending-sign-off': 'awaiting Head of Service sign-off',
  active: 'in force',
  rejected: 'rejected',
  lifted: 'lifted',
  lapsed: 'lapsed',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const areaName = (areas: readonly ServiceArea[], id: string) => areas.find((a) => a.id === id)?.name ?? id;

/** A measure whose review date passed with no review (§8, docs/rules.md#R-marker-lapses). */
const lapsedOn = (reviewDue: string) => `lapsed on ${formatUk(reviewDue, false)}, not reviewed`;

function measureStatus(m: Pick<Measure, 'status' | 'interim' | 'reviewDue'>): string {
  if (m.status === 'lapsed') return lapsedOn(m.reviewDue);
  return `${STATUS[m.status]}${m.interim ? ' (interim)' : ''}, review ${formatUk(m.reviewDue, false)}`;
}

/** An incident as a list shows it: when, category, area; never the narrative. */
function incidentLine(i: IncidentHeader, areas: readonly ServiceArea[]): string {
  return `${formatUk(i.occurredAt)} · ${CATEGORIES[i.category].label} · ${areaName(areas, i.serviceArea)}${i.section51 ? ' · §5.1' : ''}`;
}

/**
 * The full case: the incident as reported, then the customer's open measures and newest other incidents. Bounded
 * whatever the history (docs/architecture.md#customer-summary): older ones are a button away (`case.history`).
 */
export function caseCard(incident: Incident, summary: CustomerSummary, canPropose: boolean, areas: readonly ServiceArea[], now: Date): AdaptiveCard {
  const others = summary.recent.filter((i) => i.reference !== incident.reference);
  const olderIncidents = summary.incidentCount - others.length - 1;
  const ended = summary.measureCount - summary.markers.length - summary.lapses.length;
  return renderCard('case', {
    ...incidentFacts(incident, areaName(areas, incident.serviceArea)),
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
    measures: [
      ...summary.markers.map((m) => ({ label: MEASURE_KINDS[m.kind].label, status: measureStatus(m) })),
      ...summary.lapses.map((l) => ({ label: MEASURE_KINDS[l.kind].label, status: lapsedOn(l.on) })),
    ],
    measuresMore: ended > 0 ? `${plural(ended, 'earlier measure has', 'earlier measures have')} ended (not shown).` : '',
    // Every measure not open is a button away, an unreviewed lapse listed above included.
    earlierMeasures: summary.measureCount > summary.markers.length,
    otherIncidents: others.map((i) => ({ reference: i.reference, text: incidentLine(i, areas) })),
    incidentsMore: olderIncidents > 0 ? `${plural(olderIncidents, 'older incident', 'older incidents')} not shown.` : '',
    olderIncidents: olderIncidents > 0,
    canPropose,
    // Only case managers record appeals, as they propose measures (§3, §7).
    ...caseAppeals(summary, canPropose, now),
    // Case managers write to the customer (§3), so only they see the letters.
    ...caseLetters(summary, canPropose, now),
  });
}

/** One page of history: `items` holds up to `size + 1` (the extra one only says there is a next page). */
export type HistoryPage = { list: 'incidents'; items: IncidentHeader[] } | { list: 'measures'; items: Measure[] };

export function historyCard(incident: Incident, page: HistoryPage, size: number, areas: readonly ServiceArea[]): AdaptiveCard {
  const rows =
    page.list === 'incidents'
      ? page.items.slice(0, size).map((i) => ({ heading: i.reference, text: incidentLine(i, areas), at: i.reportedAt }))
      : page.items.slice(0, size).map((m) => ({
          heading: MEASURE_KINDS[m.kind].label,
          text: `${measureStatus(m)}; proposed ${formatUk(m.proposedAt, false)} by ${m.proposedBy.name}`,
          at: m.proposedAt,
        }));
  return renderCard('case-history', {
    reference: incident.reference,
    title: `${page.list === 'incidents' ? 'Incidents' : 'Measures'} for customer ${incident.customerRef}, newest first`,
    emptyText: 'Nothing older is recorded.',
    items: rows.map(({ heading, text }) => ({ heading, text })),
    more: page.items.length > size,
    next: { reference: incident.reference, list: page.list, before: rows.at(-1)?.at ?? null },
  });
}
