import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATEGORIES, CATEGORY_IDS, SAFETY_FLAGS, SECTION_5_1_FLAGS, type CategoryId } from '../../src/domain/policy';
/** The policy text the app ships with (policy/ at the repository root); its hash is checked in test/policy-version.test.ts. */
import { POLICY_FILE } from '../../src/policy-check';

/** The shared original, relative to the repository root: ../shared/policy/… */
const SHARED = resolve(__dirname, '..', '..', '..', 'shared', 'policy', 'unacceptable-behaviour-policy.txt');

const policyText = readFileSync(POLICY_FILE, 'utf8');
const lines = policyText.split(/\r?\n/);

/** Lines from a numbered heading ("4.1 Aggressive …") up to the next numbered heading. */
function sectionLines(section: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(`${section} `));
  if (start < 0) throw new Error(`§${section} heading not found in the policy`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^\d+(\.\d+)*\.? \S/.test(l));
  return end < 0 ? rest : rest.slice(0, end);
}

function bulletsOf(section: string): string[] {
  return sectionLines(section)
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}

/** Case, punctuation, curly quotes and hyphens do not matter: words only. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The label's words appear in the bullet in the same order (a label may leave words out, never add or reorder them). */
function isShortenedFrom(label: string, bullet: string): boolean {
  const want = words(label);
  const have = words(bullet);
  let i = 0;
  for (const w of have) if (w === want[i]) i++;
  return i === want.length;
}

describe('policy vocabulary against the policy text', () => {
  it('the shipped text is the shared policy, byte for byte', function () {
    if (!existsSync(SHARED)) this.skip();
    expect(readFileSync(POLICY_FILE).equals(readFileSync(SHARED)), `${POLICY_FILE} differs from ${SHARED}`).to.equal(true);
  });

  it('§4 lists exactly the three categories, in order', () => {
    const listed = bulletsOf('4.').map((b) => words(b).join(' '));
    expect(listed).to.deep.equal(CATEGORY_IDS.map((id) => words(CATEGORIES[id].label).join(' ')));
  });

  for (const id of CATEGORY_IDS) {
    const category = CATEGORIES[id];

    describe(`§${category.section} ${category.label}`, () => {
      const bullets = bulletsOf(category.section);

      it('has a heading in the policy with the category label', () => {
        expect(lines).to.include(`${category.section} ${category.label}`);
        expect(category.id).to.equal(id);
      });

      it('the policy section has bullets to compare with', () => {
        expect(bullets.length).to.be.greaterThan(3);
      });

      for (const behaviour of category.behaviours) {
        it(`"${behaviour.label}" is the words of exactly one bullet of §${category.section}`, () => {
          const matches = bullets.filter((b) => isShortenedFrom(behaviour.label, b));
          expect(matches, `bullets matching "${behaviour.label}"`).to.have.length(1);
          // "slightly shortened": at least 60% of the bullet's words are kept, leaving out asides in brackets.
          const essential = matches[0]!.replace(/\([^)]*\)/g, ' ');
          expect(words(behaviour.label).length / words(essential).length).to.be.at.least(0.6);
        });

        it(`"${behaviour.label}" is not the words of a bullet of another category`, () => {
          for (const other of CATEGORY_IDS.filter((c): c is CategoryId => c !== id)) {
            const elsewhere = bulletsOf(CATEGORIES[other].section).filter((b) => isShortenedFrom(behaviour.label, b));
            expect(elsewhere, `§${CATEGORIES[other].section}`).to.deep.equal([]);
          }
        });
      }

      it(`every bullet of §${category.section} has exactly one behaviour`, () => {
        for (const bullet of bullets) {
          const labels = category.behaviours.filter((b) => isShortenedFrom(b.label, bullet)).map((b) => b.id);
          expect(labels, `behaviours for "${bullet}"`).to.have.length(1);
        }
        expect(category.behaviours).to.have.length(bullets.length);
      });

      it('behaviour ids are unique', () => {
        const ids = category.behaviours.map((b) => b.id);
        expect(new Set(ids).size).to.equal(ids.length);
      });
    });
  }

  describe('§5.1 Our response to violence', () => {
    const text = sectionLines('5.1').join(' ').toLowerCase();
    /** Each §5.1 flag and the policy's words for it. */
    const WORDS_IN_5_1: Record<string, string> = {
      violence: 'who are violent',
      'threat-of-violence': 'threatening violence',
      weapon: 'carrying a weapon',
      intoxicated: 'under the influence of alcohol or drugs',
    };

    it('SECTION_5_1_FLAGS are exactly violence, threats of violence, a weapon and intoxication', () => {
      expect([...SECTION_5_1_FLAGS].sort()).to.deep.equal(Object.keys(WORDS_IN_5_1).sort());
    });

    it('each §5.1 flag is named by the policy’s §5.1 text', () => {
      for (const [flag, phrase] of Object.entries(WORDS_IN_5_1)) expect(text, flag).to.include(phrase);
    });

    it('the safety flags marked §5.1 are exactly SECTION_5_1_FLAGS; the rest are §4.1 matters', () => {
      const marked = SAFETY_FLAGS.filter((f) => f.section === '5.1').map((f) => f.id);
      expect([...marked].sort()).to.deep.equal([...SECTION_5_1_FLAGS].sort());
      for (const f of SAFETY_FLAGS.filter((x) => x.section !== '5.1')) expect(f.section, f.id).to.equal('4.1');
    });

    it('§4.1 names the matters behind the §4.1 safety flags (hate crime, deliberate damage, recording without consent)', () => {
      const s41 = sectionLines('4.1').join(' ').toLowerCase();
      expect(s41).to.include('hate motivated crime');
      expect(s41).to.include('deliberate damage');
      expect(s41).to.include('without the prior knowledge or consent');
    });
  });
});
