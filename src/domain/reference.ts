import { createHash } from 'node:crypto';

/**
 * Incident references are read out over the phone: no 0/O, 1/I/L or U, grouped in threes.
 * 30 alphabet letters, 6 characters: 729 million references; collisions are retried by the store.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 6;
const PREFIX = 'UB';

/** The reference for a submission; a duplicate delivery derives the same one, so it cannot create a second incident. */
export function referenceFor(submissionKey: string, attempt = 0): string {
  const digest = createHash('sha256').update(`${submissionKey}#${attempt}`).digest();
  let chars = '';
  for (let i = 0; i < LENGTH; i++) chars += ALPHABET[digest[i]! % ALPHABET.length];
  return `${PREFIX}-${chars.slice(0, 3)}-${chars.slice(3)}`;
}

/** Accepts what a person types ("ub 7k3m9q", "UB-7K3-M9Q"); null if it cannot be a reference. */
export function parseReference(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  const body = compact.startsWith(PREFIX) ? compact.slice(PREFIX.length) : compact;
  if (body.length !== LENGTH || [...body].some((c) => !ALPHABET.includes(c))) return null;
  return `${PREFIX}-${body.slice(0, 3)}-${body.slice(3)}`;
}

/** Stable key for a submission: one person, one form instance. */
export function submissionKey(tenantId: string, userId: string, formId: string): string {
  return createHash('sha256').update(`${tenantId}\n${userId}\n${formId}`).digest('hex');
}
