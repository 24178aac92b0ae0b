import { plainText } from './text';
import { z } from 'zod';

/** The chosen values of a multi-select Input.ChoiceSet: comma-separated, trimmed, without repeats. */
export function choices(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** A multi-select input whose every value must be one of `allowed`. */
export const multiChoice = (allowed: readonly string[], what: string) =>
  z
    .string()
    .default('')
    .transform(choices)
    .refine((list) => list.every((x) => allowed.includes(x)), `Choose ${what} from the list`);

/** A free-text input, trimmed and bounded. */
export const boundedText = (max: number, what: string) =>
  z
    .string()
    .default('')
    .transform((v) => plainText(v).trim())
    .refine((v) => v.length <= max, `${what} must be ${max} characters or fewer`);

/** A form instance's id: what makes a submission idempotent (a retry or double click sends the same one). */
export const formIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,64}$/, 'formId must be 8–64 letters, digits or dashes')
  .optional();

/** Card data for a form: every input, a bounded string, as Adaptive Card inputs send them. */
export function formInputs<F extends string>(fields: readonly F[], maxChars: number) {
  return Object.fromEntries(fields.map((f) => [f, z.string().max(maxChars, `${f} is too long`).optional()])) as Record<F, z.ZodOptional<z.ZodString>>;
}

/** The inputs of a form that came as strings, and nothing else. */
export function valuesOf<F extends string>(fields: readonly F[], data: Partial<Record<F, unknown>>): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  for (const f of fields) {
    const v = data[f];
    if (typeof v === 'string') values[f] = v;
  }
  return values;
}

/** One message per field, the first zod found for it: a person fixes everything in one go. */
export function firstErrorPerField<F extends string>(issues: readonly z.core.$ZodIssue[]): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0] as F | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** "the field" / "the 3 fields", for the line above a form sent back with errors. */
export function fieldsToCorrect(count: number): string {
  return count === 1 ? 'the field' : `the ${count} fields`;
}
