import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths';

/** Every file under a folder (no node_modules, no build output). */
function filesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'dist', 'build', '.git'].includes(name)) return [];
    return statSync(path).isDirectory() ? filesIn(path) : [path];
  });
}

const SOURCES = ['src', 'test', 'infra', 'manifest', 'docs']
  .flatMap((d) => filesIn(join(PACKAGE_ROOT, d)))
  .filter((f) => /\.(ts|md|bicep|json)$/.test(f))
  .concat(join(PACKAGE_ROOT, 'README.md'));
const RULES = readFileSync(join(PACKAGE_ROOT, 'docs', 'rules.md'), 'utf8');
const RULE_IDS = new Set([...RULES.matchAll(/^### (R-[a-z0-9-]+)/gm)].map((m) => m[1]!));

/** The rules live in the repository: code, tests and docs cite docs/ or the policy text it carries, nothing outside. */
describe('citations', () => {
  it('docs/rules.md names its rules', () => {
    expect(RULE_IDS.size).to.be.greaterThan(20);
  });

  it('nothing cites a brief that is not in the repository', () => {
    const outside = SOURCES.filter((f) => f !== __filename && /\bSPEC §/.test(readFileSync(f, 'utf8'))).map((f) => relative(PACKAGE_ROOT, f));
    expect(outside).to.deep.equal([]);
  });

  it('every file the docs and README name exists', () => {
    const named = [join(PACKAGE_ROOT, 'README.md'), ...filesIn(join(PACKAGE_ROOT, 'docs'))];
    const missing: string[] = [];
    for (const f of named)
      for (const m of readFileSync(f, 'utf8').matchAll(/\b((?:src|test|cards|infra|manifest|docs)\/[\w./-]*\.(?:ts|json|md|bicep))\b/g))
        if (!existsSync(join(PACKAGE_ROOT, m[1]!))) missing.push(`${relative(PACKAGE_ROOT, f)}: ${m[1]}`);
    expect([...new Set(missing)]).to.deep.equal([]);
  });

  it('every rule cited (R-…) exists in docs/rules.md', () => {
    const missing: string[] = [];
    for (const f of SOURCES)
      for (const m of readFileSync(f, 'utf8').matchAll(/\bR-[a-z][a-z0-9]*(?:-[a-z0-9]+)+/g))
        if (!RULE_IDS.has(m[0])) missing.push(`${relative(PACKAGE_ROOT, f)}: ${m[0]}`);
    expect(missing).to.deep.equal([]);
  });
});
