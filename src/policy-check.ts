import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY } from './domain/policy';
import { PACKAGE_ROOT } from './paths';

/** The policy text the app ships with (docs/policy-version.md). */
export const POLICY_FILE = join(PACKAGE_ROOT, 'policy', 'unacceptable-behaviour-policy.txt');

/** The policy text is not the one `POLICY` names: the app must not record decisions under a version it does not apply. */
export class PolicyTextError extends Error {}

/** SHA-256 of the file's bytes, in hex: no line-ending or whitespace normalisation, so any changed byte counts. */
export function policyTextHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Refuses to start when the shipped policy text is missing or differs from the text `POLICY` was adopted with, e.g.
 * when someone edited the text without moving the version. Throws PolicyTextError with what to do.
 */
export function checkPolicyText(path: string = POLICY_FILE): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PolicyTextError(`Cannot read the policy text ${path}: ${(error as Error).message}. It ships with the app (policy/).`, { cause: error });
  }
  const actual = policyTextHash(bytes);
  if (actual === POLICY.sha256) return;
  throw new PolicyTextError(
    [
      `The policy text ${path} is not the adopted policy UBP ${POLICY.version}:`,
      `  its SHA-256 is ${actual},`,
      `  but src/domain/policy.ts (POLICY.sha256) expects ${POLICY.sha256}.`,
      'Restore the adopted text, or, for a revised policy, give it a new version and hash in POLICY (and its adoption date in',
      'POLICY_ADOPTED_ON)',
      '(docs/policy-version.md). Refusing to start: decisions would record a policy version they do not apply.',
    ].join('\n'),
  );
}
