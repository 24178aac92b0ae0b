/**
 * Writes the first letter templates, letters/<kind>.docx (docs/letters.md): `npm run letters:templates`.
 *
 * The policy team owns the templates once written and edits them in Word, so this never overwrites one that exists:
 * it writes the missing ones and lists the rest as kept. `-- --force <kind>…` (or `--force` alone, for all) replaces
 * templates with the wording in scripts/letters/wording.ts, discarding edits made in Word. The same wording always
 * gives the same bytes.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LETTER_KIND_IDS, type LetterKind } from '../src/domain/letters';
import { POLICY } from '../src/domain/policy';
import { LETTERS_DIR, PROPERTY } from '../src/letters/template';
import { docx } from './letters/docx';
import { WORDING } from './letters/wording';

/** Every template as this script writes it, for the policy version in src/domain/policy.ts. */
export function templateFiles(): Map<LetterKind, Buffer> {
  return new Map(
    LETTER_KIND_IDS.map((kind) => {
      const { title, paragraphs } = WORDING[kind];
      return [kind, docx(paragraphs, { title, custom: { [PROPERTY.policyVersion]: POLICY.version, [PROPERTY.letter]: kind } })];
    }),
  );
}

function main(args: string[]): void {
  const force = args.includes('--force');
  const named = args.filter((a) => a !== '--force');
  const unknown = named.filter((a) => !(LETTER_KIND_IDS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`Unknown letter ${unknown.join(', ')}: the letters are ${LETTER_KIND_IDS.join(', ')}`);
  if (named.length && !force) throw new Error('Name letters only with --force: without it, only missing templates are written');
  mkdirSync(LETTERS_DIR, { recursive: true });
  for (const [kind, bytes] of templateFiles()) {
    const path = join(LETTERS_DIR, `${kind}.docx`);
    const replace = force && (named.length === 0 || named.includes(kind));
    if (existsSync(path) && !replace) {
      console.log(`kept     letters/${kind}.docx`);
      continue;
    }
    writeFileSync(path, bytes);
    console.log(`written  letters/${kind}.docx`);
  }
}

if (require.main === module) main(process.argv.slice(2));
