import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docxtemplater from 'docxtemplater';
import InspectModule from 'docxtemplater/js/inspect-module';
import PizZip from 'pizzip';
import { LETTER_KIND_IDS, letterFor, type LetterDraft, type LetterKind, type LetterValuesByKind } from '../src/domain/letters';
import { ALWAYS_OPEN } from '../src/domain/measure';
import { POLICY } from '../src/domain/policy';
import { renderLetter } from '../src/letters/render';
import { LETTERS_DIR, LetterTemplateError, PROPERTY, customProperty } from '../src/letters/template';
import { PACKAGE_ROOT } from '../src/paths';
import { templateFiles } from '../scripts/letter-templates';
import { docx, type Paragraph } from '../scripts/letters/docx';
import { WORDING } from '../scripts/letters/wording';
import { APPEAL_REASONS, HISTORY, LETTER_CASES, RESTRICTION_ALL, appealed } from './support/letter-cases';

/** The letter's paragraphs as Word shows them: runs joined, line breaks as "\n", entities decoded. */
function paragraphsOf(docx: Buffer): string[] {
  const xml = new PizZip(docx).file('word/document.xml')!.asText();
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((m) => (m[1] === undefined ? '\n' : decode(m[1]))).join(''),
  );
}
const textOf = (docx: Buffer) => paragraphsOf(docx).join('\n');

function draftOf(c: (typeof LETTER_CASES)[number]): LetterDraft {
  const d = letterFor(c.decision, c.facts);
  if (!d) throw new Error(`${c.name}: no letter`);
  return d;
}

/** The tenancy clause as the policy quotes it (§5.2): from “Tenant’s responsibilities to the closing quotation mark. */
const TENANCY_CLAUSE = (() => {
  const lines = readFileSync(join(PACKAGE_ROOT, 'policy', 'unacceptable-behaviour-policy.txt'), 'utf8').split('\n');
  const from = lines.findIndex((l) => l.startsWith('“Tenant’s responsibilities'));
  const to = lines.findIndex((l, i) => i > from && l.endsWith('”'));
  expect(from).to.be.greaterThan(0);
  return lines.slice(from, to + 1);
})();
/** §6: the sentence staff are given, as far as its section reference. */
const ALWAYS_OPEN_LINE = ALWAYS_OPEN.split(', whatever')[0]!;
const OMBUDSMAN = 'Housing Ombudsman Service';

/** What the policy requires each letter to state, beyond what every letter has (docs/letters.md). */
/** Any letter's values, each maybe absent: what a check across letters reads. */
type AnyValues = Partial<LetterValuesByKind['warning'] & LetterValuesByKind['appeal-upheld'] & LetterValuesByKind['review-escalated']>;

function required(d: LetterDraft): string[] {
  const v: AnyValues = d.values;
  const out: string[] = [];
  const has = (k: keyof AnyValues) => k in v && v[k] !== false;
  if (v.incidents) for (const i of v.incidents) out.push(`${i.date}, ${i.how} (our reference ${i.reference}). ${i.category}: ${i.behaviours}.`);
  if (v.reviewDate) out.push(`We will review this by ${v.reviewDate}, and at least every six months`, ALWAYS_OPEN_LINE);
  if (v.appealHow) out.push('Your right to appeal', `You can appeal ${v.appealHow}`, 'within 10 working days');
  if (has('pairsVisit')) out.push('all visits and meetings with you will be carried out by two members of staff together', 'What stays open');
  if (v.restriction) out.push('What stays open', `You can still contact us by ${v.restriction.channelsOpen}.`);
  if (has('recharge')) out.push('Rechargeable Repairs Policy', 'breach of your tenancy agreement');
  if (d.kind === 'warning') out.push('What may happen if the behaviour continues');
  if (has('demandsOrPersistence') && d.kind === 'warning') out.push('giving you a single point of contact;');
  if (has('feedbackReminder')) out.push('Customer Feedback Policy', OMBUDSMAN);
  if (v.reasons) out.push(v.reasons, `on ${v.decidedOn}`, `${v.appealReceived}`, 'Customer Feedback Policy', OMBUDSMAN);
  if (v.reviewedOn) out.push(`on ${v.reviewedOn}`);
  if (v.referredTo) out.push(`referred the matter to ${v.referredTo}`);
  if (d.kind === 'appeal-overturned' || d.kind === 'review-lifted') out.push('no longer applies');
  return out;
}

describe('letters: every template renders what the policy requires (R-letter-contents)', () => {
  it('letters/ holds exactly one template per letter, and every one is rendered below', () => {
    const files = readdirSync(LETTERS_DIR).sort();
    expect(files).to.deep.equal(LETTER_KIND_IDS.map((k) => `${k}.docx`).sort());
    expect(new Set(LETTER_CASES.map((c) => c.kind))).to.have.lengthOf(LETTER_KIND_IDS.length);
  });

  for (const c of LETTER_CASES)
    it(`${c.name}: letters/${c.kind}.docx`, () => {
      const d = draftOf(c);
      const doc = renderLetter(d, POLICY.version);
      const paragraphs = paragraphsOf(doc);
      const text = paragraphs.join('\n');
      const v = d.values;
      for (const line of [`Our reference: ${v.customerRef}`, `Date: ${v.letterDate}`, `Dear ${v.customerName}`, ...required(d)])
        expect(text, line).to.include(line);
      // No address is stored: the mail merge adds it where the placeholder says (R-letter-no-address).
      expect(paragraphs.filter((p) => p.startsWith('[ADDRESS BLOCK: added by the housing management system’s mail merge'))).to.have.lengthOf(1);
      expect(text).not.to.match(/[{}]/);
      expect(
        paragraphs.filter((p) => p.trim() === ''),
        'a section left out leaves no blank paragraph',
      ).to.deep.equal([]);
      expect(text.includes('Copy to: '), 'advocate copy').to.equal(v.advocate !== false);
      if (v.advocate) expect(text).to.include(`Copy to: ${v.advocate.name}`);
      // §5.2: the tenancy clause, word for word, exactly where aggression is relied on in a decision letter.
      const clause = TENANCY_CLAUSE.every((line) => paragraphs.includes(line));
      expect(clause, 'tenancy clause').to.equal(
        'aggression' in v && v.aggression && ['warning', 'visits-in-pairs', 'contact-restriction', 'recharge'].includes(d.kind),
      );
      // Never the account of what happened (R-letter-incidents).
      for (const i of c.facts.incidents) expect(text).not.to.include(i.description.slice(0, 30));
      // The rendered letter still says which policy version its wording follows.
      expect(customProperty(new PizZip(doc), PROPERTY.policyVersion)).to.equal(POLICY.version);
    });

  it('dates are UK dates with the weekday: "Friday 28 May 2027"', () => {
    const text = textOf(
      renderLetter(draftOf(LETTER_CASES.find((c) => c.kind === 'contact-restriction' && c.decision.measure === RESTRICTION_ALL)!), POLICY.version),
    );
    expect(text).to.include('We will review this by Friday 28 May 2027');
    expect(text).to.include('Date: Monday 30 November 2026');
  });
});

type TagTree = { [tag: string]: TagTree };

/** The tags of a template, nested by section, as docxtemplater reads them. */
function tagsOf(template: Buffer): TagTree {
  const inspect = new InspectModule();
  new Docxtemplater(new PizZip(template), { modules: [inspect], paragraphLoop: true, linebreaks: true });
  return inspect.getAllTags() as TagTree;
}

/**
 * Tags no draft fills: each tag path in a template must resolve in at least one of the drafts, looked up as
 * docxtemplater does (innermost section first, then outwards). A tag inside a section no draft opens counts as unfilled:
 * the cases must open every section, so a misspelt tag anywhere is found here rather than in a customer's letter.
 */
function unfilled(tree: TagTree, drafts: readonly LetterDraft[]): string[] {
  const filled = new Set<string>();
  const lookup = (scopes: unknown[], tag: string) => {
    for (const s of scopes) if (s && typeof s === 'object' && (s as Record<string, unknown>)[tag] != null) return (s as Record<string, unknown>)[tag];
    return undefined;
  };
  const walk = (t: TagTree, scopes: unknown[], path: string) => {
    for (const [tag, inner] of Object.entries(t)) {
      const value = lookup(scopes, tag);
      if (value === undefined) continue;
      filled.add(path + tag);
      const items: unknown[] = Array.isArray(value) ? value : value === false ? [] : [value];
      for (const item of items) walk(inner, typeof item === 'object' ? [item, ...scopes] : scopes, `${path}${tag}.`);
    }
  };
  for (const d of drafts) walk(tree, [d.values], '');
  const all = (t: TagTree, path: string): string[] => Object.entries(t).flatMap(([tag, inner]) => [path + tag, ...all(inner, `${path}${tag}.`)]);
  return all(tree, '').filter((p) => !filled.has(p));
}

const draftsFor = (kind: LetterKind) => LETTER_CASES.filter((c) => c.kind === kind).map(draftOf);

describe('letters: no blank, no unknown tag (R-letter-no-blank)', () => {
  for (const kind of LETTER_KIND_IDS)
    it(`every tag in letters/${kind}.docx is filled by a draft`, () => {
      expect(unfilled(tagsOf(readFileSync(join(LETTERS_DIR, `${kind}.docx`))), draftsFor(kind))).to.deep.equal([]);
    });

  it('finds a tag nobody fills, even inside a section this draft leaves out', () => {
    const paragraphs: Paragraph[] = [...WORDING.warning.paragraphs, { style: 'Normal', text: '{#recharge}{rechargeAmount}{/recharge}{surprise}' }];
    const tree = tagsOf(docx(paragraphs, { title: 't', custom: {} }));
    expect(unfilled(tree, draftsFor('warning'))).to.deep.equal(['recharge.rechargeAmount', 'surprise']);
  });

  it('a value missing from the draft is an error naming the tag, never a blank', () => {
    const d = draftOf(LETTER_CASES.find((c) => c.decision.measure === RESTRICTION_ALL && c.kind === 'contact-restriction')!);
    const v = d.values as LetterValuesByKind['contact-restriction'];
    const without = (values: object) => () => renderLetter({ ...d, values } as LetterDraft, POLICY.version);
    const { reviewDate: _, ...noReviewDate } = v;
    expect(without(noReviewDate)).to.throw(LetterTemplateError, 'letters/contact-restriction.docx: no value for {reviewDate}');
    const r = v.restriction as Exclude<typeof v.restriction, false>;
    expect(without({ ...v, restriction: { ...r, singlePointOfContact: { nom: 'x' } } })).to.throw(/no value for \{name\}/);
    expect(without({ ...v, restriction: { ...r, maxIssues: null } })).to.throw(/no value for \{maxIssues\}/);
    expect(without({ ...v, incidents: [{ ...v.incidents[0], date: undefined }] })).to.throw(/no value for \{date\}/);
  });
});

describe('letters: templates are for one letter and one policy version (R-letter-template-version)', () => {
  let dir: string;
  const draft = () => draftOf(LETTER_CASES[0]!);
  const write = (custom: Record<string, string>, paragraphs = WORDING.warning.paragraphs) =>
    writeFileSync(join(dir, 'warning.docx'), docx(paragraphs, { title: 'Warning', custom }));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'letters-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a template written for another policy version is refused, saying what to do', () => {
    write({ [PROPERTY.policyVersion]: '2023-1', [PROPERTY.letter]: 'warning' });
    expect(() => renderLetter(draft(), POLICY.version, dir)).to.throw(
      LetterTemplateError,
      `letters/warning.docx: it follows policy version 2023-1, but the app applies ${POLICY.version}. Check its wording against the policy, then set its PolicyVersion property to ${POLICY.version}`,
    );
    expect(() => renderLetter(draft(), '2027-1')).to.throw(`it follows policy version ${POLICY.version}, but the app applies 2027-1`);
  });

  it('no version, another letter, no file, a broken template, no such letter: each refused by name', () => {
    write({ [PROPERTY.letter]: 'warning' });
    expect(() => renderLetter(draft(), POLICY.version, dir)).to.throw('it has no PolicyVersion property');
    write({ [PROPERTY.policyVersion]: POLICY.version, [PROPERTY.letter]: 'recharge' });
    expect(() => renderLetter(draft(), POLICY.version, dir)).to.throw('its Letter property is "recharge", not "warning"');
    rmSync(join(dir, 'warning.docx'));
    expect(() => renderLetter(draft(), POLICY.version, dir)).to.throw('letters/warning.docx: cannot be read as a Word document');
    write({ [PROPERTY.policyVersion]: POLICY.version, [PROPERTY.letter]: 'warning' }, [{ style: 'Normal', text: '{#incidents}{date}' }]);
    expect(() => renderLetter(draft(), POLICY.version, dir)).to.throw(/letters\/warning.docx: the template is broken: .*incidents/);
    expect(() => renderLetter({ ...draft(), kind: '../warning' } as unknown as LetterDraft, POLICY.version, dir)).to.throw('no such letter');
  });
});

describe('letters: what people typed stays text (R-letter-text-literal)', () => {
  const HOSTILE =
    'Reasons </w:t></w:r></w:p><w:p><w:r><w:t>injected {reviewDate} {#incidents}{/incidents} & &amp; <![CDATA[x]]> \u0001\u0007\u001F\n';
  const hostile = (HOSTILE.repeat(Math.ceil(5000 / HOSTILE.length)) + 'end').slice(-5000);
  /** The same shape with harmless characters: the line breaks where they were. */
  const benign = hostile.replace(/[^\n]/g, 'x');

  function render(reasons: string, customerName: string): Buffer {
    const decided = appealed(RESTRICTION_ALL, { outcome: 'uphold', reasons: APPEAL_REASONS });
    const appeal = { ...decided.appeal, decision: { ...decided.appeal.decision!, reasons } };
    const incidents = HISTORY.map((i) => ({ ...i, customerName }));
    return renderLetter(letterFor({ about: 'appeal', ...decided, appeal }, { incidents, now: new Date('2027-01-05T10:00:00Z') })!, POLICY.version);
  }
  const structure = (b: Buffer) =>
    new PizZip(b)
      .file('word/document.xml')!
      .asText()
      .replace(/(<w:t(?: [^>]*)?>)[^<]*<\/w:t>/g, '$1</w:t>');

  it('5,000 characters of markup, tags, entities and control characters: shown as typed, the document unchanged in shape', () => {
    expect(hostile).to.have.lengthOf(5000);
    const name = '<w:p>{customerName} & Co\u0002';
    const doc = render(hostile, name);
    const text = textOf(doc);
    // eslint-disable-next-line no-control-regex -- characters XML 1.0 cannot hold are dropped, and only those
    const typed = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
    expect(text).to.include(typed(hostile));
    expect(text).to.include(`Dear ${typed(name)}`);
    expect(new PizZip(doc).file('word/document.xml')!.asText()).to.include('&lt;/w:t&gt;&lt;/w:r&gt;&lt;/w:p&gt;&lt;w:p&gt;');
    expect(structure(doc)).to.equal(structure(render(benign, 'x'.repeat(name.length))));
  });
});

describe('letters: the template script (npm run letters:templates)', () => {
  const hashes = (files: Map<LetterKind, Buffer>) => [...files].map(([k, b]) => `${k} ${createHash('sha256').update(b).digest('hex')}`);

  it('gives the same bytes every time, in any time zone', () => {
    const here = hashes(templateFiles());
    expect(hashes(templateFiles())).to.deep.equal(here);
    const script = `const { templateFiles } = require('./scripts/letter-templates'); const { createHash } = require('node:crypto');
      for (const [k, b] of templateFiles()) console.log(k + ' ' + createHash('sha256').update(b).digest('hex'));`;
    const elsewhere = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, TZ: 'Pacific/Chatham' },
      encoding: 'utf8',
    });
    expect(elsewhere.trim().split('\n')).to.deep.equal(here);
  });

  it('writes templates for the policy version the app applies, one per letter, each naming its letter', () => {
    const files = templateFiles();
    expect([...files.keys()]).to.deep.equal(LETTER_KIND_IDS);
    for (const [kind, bytes] of files) {
      const zip = new PizZip(bytes);
      expect(customProperty(zip, PROPERTY.policyVersion), kind).to.equal(POLICY.version);
      expect(customProperty(zip, PROPERTY.letter), kind).to.equal(kind);
      expect(Object.keys(zip.files).sort()).to.deep.equal(
        [
          '[Content_Types].xml',
          '_rels/.rels',
          'docProps/core.xml',
          'docProps/custom.xml',
          'word/_rels/document.xml.rels',
          'word/document.xml',
          'word/numbering.xml',
          'word/styles.xml',
        ].sort(),
      );
    }
  });
});
