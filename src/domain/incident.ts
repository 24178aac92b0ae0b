import { z } from 'zod';
import {
  CATEGORIES,
  CATEGORY_IDS,
  CHANNELS,
  IMMEDIATE_ACTIONS,
  SAFETY_FLAGS,
  SECTION_5_1_FLAGS,
  VULNERABILITY_KNOWN,
  type CategoryId,
  type ChannelId,
  type ImmediateActionId,
  type SafetyFlagId,
  type VulnerabilityKnown,
} from './policy';
import { CUSTOMER_REF_PATTERN, normaliseCustomerRef } from './customer';
import { ukDate, ukLocalToUtc } from './time';
import { boundedText, choices, firstErrorPerField, multiChoice } from './form-values';
import { fail, ok, type Result } from './result';
import { plainName, plainText } from './text';

/** Bounds on every field (docs/rules.md#R-incident-fields): long enough for a real account, short enough to stay readable. */
export const LIMITS = {
  customerName: 100,
  description: 4000,
  descriptionMin: 10,
  crimeReference: 40,
  vulnerabilityNote: 1000,
  maxAgeDays: 366,
} as const;

/** The fields of the incident form, as Adaptive Card inputs send them (strings; multi-selects comma-separated). */
export const INCIDENT_FIELDS = [
  'customerRef',
  'customerName',
  'occurredDate',
  'occurredTime',
  'channel',
  'serviceArea',
  'behaviours',
  'description',
  'safetyFlags',
  'actions',
  'crimeReference',
  'vulnerabilityKnown',
  'vulnerabilityNote',
] as const;
export type IncidentField = (typeof INCIDENT_FIELDS)[number];
export type IncidentFormValues = Partial<Record<IncidentField, string>>;
export type FieldErrors = Partial<Record<IncidentField, string>>;

export interface IncidentReport {
  customerRef: string;
  customerName: string;
  occurredAt: string;
  channel: ChannelId;
  serviceArea: string;
  category: CategoryId;
  behaviours: string[];
  description: string;
  safetyFlags: SafetyFlagId[];
  actions: ImmediateActionId[];
  crimeReference: string | null;
  vulnerability: { known: VulnerabilityKnown; note: string | null };
}

/**
 * Free text cleaned before it is trimmed and measured: names and references lose invisible and layout-changing characters
 * (plainName), so a name of only such characters counts as empty; accounts lose bidirectional controls (plainText).
 */
const cleanText = (clean: (text: string) => string, max: number, what: string) =>
  z.preprocess((v) => (typeof v === 'string' ? clean(v) : v), boundedText(max, what));

const ids = <T extends readonly { id: string }[]>(options: T) => options.map((o) => o.id) as [T[number]['id'], ...T[number]['id'][]];

function formSchema(category: CategoryId, serviceAreas: readonly string[]) {
  return z.object({
    customerRef: z
      .string({ error: 'Enter the customer or tenancy reference' })
      .transform(normaliseCustomerRef)
      .refine((v) => v.length > 0, 'Enter the customer or tenancy reference')
      .refine((v) => v === '' || CUSTOMER_REF_PATTERN.test(v), 'Use the housing system reference: 2–20 letters, digits, - or /'),
    customerName: cleanText(plainName, LIMITS.customerName, 'Customer name').refine((v) => v.length > 0, 'Enter the customer’s name'),
    occurredDate: z.string({ error: 'Enter the date it happened' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date it happened'),
    occurredTime: z
      .string({ error: 'Enter the time it happened' })
      .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'Enter the time it happened (HH:MM)'),
    channel: z.enum(ids(CHANNELS), { error: 'Choose where or how it happened' }),
    serviceArea: z.string({ error: 'Choose your service area' }).refine((v) => serviceAreas.includes(v), 'Choose your service area from the list'),
    behaviours: multiChoice(
      CATEGORIES[category].behaviours.map((b) => b.id),
      'the behaviours',
    ).refine((list) => list.length > 0, `Choose at least one behaviour you saw (§${CATEGORIES[category].section})`),
    description: cleanText(plainText, LIMITS.description, 'What happened').refine(
      (v) => v.length >= LIMITS.descriptionMin,
      `Describe what happened in at least ${LIMITS.descriptionMin} characters`,
    ),
    safetyFlags: multiChoice(ids(SAFETY_FLAGS), 'safety flags'),
    actions: multiChoice(ids(IMMEDIATE_ACTIONS), 'actions taken'),
    crimeReference: cleanText(plainName, LIMITS.crimeReference, 'Crime reference'),
    vulnerabilityKnown: z.enum(ids(VULNERABILITY_KNOWN), { error: 'Say whether you know of vulnerabilities or reasonable adjustments' }),
    vulnerabilityNote: cleanText(plainText, LIMITS.vulnerabilityNote, 'Vulnerability note'),
  });
}

/** Building the schema costs more than using it: keep the last few (they change only with the service areas). */
const schemas = new Map<string, ReturnType<typeof formSchema>>();
function cachedSchema(category: CategoryId, serviceAreas: readonly string[]) {
  const key = `${category}\n${serviceAreas.join('\n')}`;
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= 30) schemas.clear();
    schemas.set(key, (schema = formSchema(category, serviceAreas)));
  }
  return schema;
}

/**
 * Rules across fields, checked on the raw values so they are reported together with any field errors
 * (a person fixes everything in one go, not one message at a time).
 */
function crossFieldErrors(values: IncidentFormValues, now: Date): FieldErrors {
  const errors: FieldErrors = {};
  const date = values.occurredDate ?? '';
  const time = (values.occurredTime ?? '').slice(0, 5);
  if (/^\d{4}-\d{2}-\d{2}$/.test(date) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    const at = ukLocalToUtc(date, time);
    if (Number.isNaN(at.getTime()) || ukDate(at) !== date) errors.occurredDate = 'Enter a real date';
    else if (at.getTime() > now.getTime() + 60_000) errors.occurredTime = 'The date and time cannot be in the future';
    else if (now.getTime() - at.getTime() > LIMITS.maxAgeDays * 86_400_000)
      errors.occurredDate = 'That is over a year ago: please contact the Customer Experience team to record it';
  }
  const actions = choices(values.actions);
  if (plainName(values.crimeReference ?? '').trim() && !actions.includes('police-informed'))
    errors.actions = 'You gave a crime reference: tick “Informed the police” too';
  if (values.vulnerabilityKnown === 'yes' && !plainText(values.vulnerabilityNote ?? '').trim())
    errors.vulnerabilityNote = 'Say what you know, so it is considered before any measure (§6)';
  return errors;
}

export type ValidationResult = Result<IncidentReport, FieldErrors>;

/** Validates a submitted form for a category against the service areas the directory knows. Pure: `now` is given. */
export function validateIncident(values: IncidentFormValues, category: CategoryId, serviceAreas: readonly string[], now: Date): ValidationResult {
  const parsed = cachedSchema(category, serviceAreas).safeParse(values);
  const errors: FieldErrors = firstErrorPerField<IncidentField>(parsed.success ? [] : parsed.error.issues);
  for (const [field, message] of Object.entries(crossFieldErrors(values, now)) as [IncidentField, string][]) errors[field] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return fail(errors);
  const v = parsed.data;
  return ok({
    customerRef: v.customerRef,
    customerName: v.customerName,
    occurredAt: ukLocalToUtc(v.occurredDate, v.occurredTime.slice(0, 5)).toISOString(),
    channel: v.channel,
    serviceArea: v.serviceArea,
    category,
    behaviours: v.behaviours,
    description: v.description,
    safetyFlags: v.safetyFlags as SafetyFlagId[],
    actions: v.actions as ImmediateActionId[],
    crimeReference: v.crimeReference || null,
    vulnerability: { known: v.vulnerabilityKnown, note: v.vulnerabilityNote || null },
  });
}

export function isCategory(value: unknown): value is CategoryId {
  return typeof value === 'string' && (CATEGORY_IDS as readonly string[]).includes(value);
}

/** §5.1: violence, threats of violence, a weapon or intoxication. */
export function needsSection51Response(report: Pick<IncidentReport, 'safetyFlags'>): boolean {
  return report.safetyFlags.some((f) => SECTION_5_1_FLAGS.includes(f));
}
