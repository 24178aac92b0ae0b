import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import PizZip from 'pizzip';
import { LETTER_KIND_IDS, type LetterKind } from '../domain/letters';
import { PACKAGE_ROOT } from '../paths';

/** Where the letter templates live: one Word document per letter kind, letters/<kind>.docx (docs/letters.md). */
export const LETTERS_DIR = join(PACKAGE_ROOT, 'letters');

/**
 * Custom document properties every template carries (File > Info > Properties > Advanced > Custom in Word): the policy
 * version its wording follows, and the letter it is, so a template saved under the wrong name is refused.
 */
export const PROPERTY = { policyVersion: 'PolicyVersion', letter: 'Letter' } as const;

/** A template that cannot make a letter: missing, for another policy version or letter, or with a tag nobody fills. */
export class LetterTemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`Letter template letters/${template}: ${message}`);
    this.name = 'LetterTemplateError';
  }
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');

/**
 * A custom property's text value, or null. docProps/custom.xml is a flat list of `<property name="…"><vt:lpwstr>…`
 * elements (Word and LibreOffice write it so); a pattern reads it without a second XML library.
 */
export function customProperty(zip: PizZip, name: string): string | null {
  const xml = zip.file('docProps/custom.xml')?.asText() ?? '';
  for (const m of xml.matchAll(/<property\b([^>]*)>([\s\S]*?)<\/property>/g)) {
    const attrs = m[1]!;
    const named = /\bname\s*=\s*"([^"]*)"/.exec(attrs) ?? /\bname\s*=\s*'([^']*)'/.exec(attrs);
    if (named && unescapeXml(named[1]!) === name) {
      const value = /<(?:\w+:)?lpwstr>([\s\S]*?)<\/(?:\w+:)?lpwstr>/.exec(m[2]!);
      return value ? unescapeXml(value[1]!) : null;
    }
  }
  return null;
}

/**
 * The template of a letter kind, read afresh (an edit in Word takes effect without a restart), checked to be that
 * letter and written for the policy version the app applies (docs/policy-version.md).
 */
export function openTemplate(kind: LetterKind, policyVersion: string, dir = LETTERS_DIR): PizZip {
  const file = `${kind}.docx`;
  if (!LETTER_KIND_IDS.includes(kind)) throw new LetterTemplateError(file, 'no such letter');
  let zip: PizZip;
  try {
    zip = new PizZip(readFileSync(join(dir, file)));
  } catch (e) {
    throw new LetterTemplateError(file, `cannot be read as a Word document (${(e as Error).message})`);
  }
  const letter = customProperty(zip, PROPERTY.letter);
  if (letter !== kind)
    throw new LetterTemplateError(file, `its ${PROPERTY.letter} property is ${JSON.stringify(letter)}, not "${kind}": is it the right template?`);
  const version = customProperty(zip, PROPERTY.policyVersion);
  if (version !== policyVersion)
    throw new LetterTemplateError(
      file,
      version === null
        ? `it has no ${PROPERTY.policyVersion} property: say which policy version its wording follows (docs/letters.md)`
        : `it follows policy version ${version}, but the app applies ${policyVersion}. Check its wording against the policy, then set its ${PROPERTY.policyVersion} property to ${policyVersion} (docs/letters.md).`,
    );
  return zip;
}
