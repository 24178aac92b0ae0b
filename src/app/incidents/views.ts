import { guidanceFor } from '../../domain/guidance';
import { fieldsToCorrect } from '../../domain/form-values';
import { INCIDENT_FIELDS, type FieldErrors, type IncidentField, type IncidentFormValues } from '../../domain/incident';
import {
  CATEGORIES,
  CATEGORY_IDS,
  CHANNELS,
  IMMEDIATE_ACTIONS,
  SAFETY_FLAGS,
  VULNERABILITY_KNOWN,
  labelOf,
  type CategoryId,
} from '../../domain/policy';
import type { Incident } from '../../domain/records';
import { formatUk } from '../../domain/time';
import type { ServiceArea } from '../ports';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { IncidentFacts } from '../../cards/types';

const blankFields = () => Object.fromEntries(INCIDENT_FIELDS.map((f) => [f, ''])) as Record<IncidentField, string>;

export interface FormState {
  category: CategoryId;
  formId: string;
  values: IncidentFormValues;
  errors: FieldErrors;
  serviceAreas: ServiceArea[];
  today: string;
}

/** The incident form for one category (§4.1, §4.2 or §4.3), with the user's values kept and an error under each bad field. */
export function incidentFormCard(s: FormState): AdaptiveCard {
  const problems = Object.keys(s.errors).length;
  return renderCard('incident-form', {
    formId: s.formId,
    today: s.today,
    category: CATEGORIES[s.category],
    otherCategories: CATEGORY_IDS.filter((c) => c !== s.category).map((c) => CATEGORIES[c]),
    values: { ...blankFields(), ...s.values },
    errors: { ...blankFields(), ...s.errors },
    problemSummary: problems ? `Please correct ${fieldsToCorrect(problems)} marked below. Nothing has been saved yet.` : '',
    channels: CHANNELS,
    serviceAreas: s.serviceAreas,
    safetyFlags: SAFETY_FLAGS,
    immediateActions: IMMEDIATE_ACTIONS,
    vulnerabilityOptions: VULNERABILITY_KNOWN,
  });
}

/** The answer to a good submission: the reference, a summary, and what the policy says to do now. */
/** The incident as every card shows it: reference, customer, when, where, area, category, behaviours, safety flags. */
export function incidentFacts(incident: Incident, serviceAreaName: string): IncidentFacts {
  const category = CATEGORIES[incident.category];
  return {
    reference: incident.reference,
    customer: `${incident.customerName} (${incident.customerRef})`,
    occurredAt: formatUk(incident.occurredAt),
    channel: labelOf(CHANNELS, incident.channel),
    serviceArea: serviceAreaName,
    category: `${category.label} (§${category.section})`,
    behaviours: incident.behaviours.map((b) => labelOf(category.behaviours, b)).join('; '),
    safety: incident.safetyFlags.map((f) => labelOf(SAFETY_FLAGS, f)).join('; ') || 'None ticked',
  };
}

export function confirmationCard(incident: Incident, serviceAreaName: string, created: boolean): AdaptiveCard {
  return renderCard('incident-confirmation', {
    heading: 'Report received. Thank you.',
    // A retry or double click: the same reference, recorded once.
    repeatNote: created ? '' : 'This form had already been sent: the report is recorded once, under the same reference.',
    ...incidentFacts(incident, serviceAreaName),
    reporter: incident.reporter.name,
    reportedAt: formatUk(incident.reportedAt),
    guidance: guidanceFor(incident),
  });
}
