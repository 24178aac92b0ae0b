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
    .transform((v) => v.trim())
    .refine((v) => v.length <= max, `${what} must be ${max} characters or fewer`);
