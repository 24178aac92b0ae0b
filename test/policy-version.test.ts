import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLICY, policyVersion } from '../src/domain/policy';
import { POLICY_FILE, PolicyTextError, checkPolicyText, policyTextHash } from '../src/policy-check';

describe('policy version: the adopted text, identified by version, adoption date and hash', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ub-policy-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the shipped text with `change` applied to its bytes. */
  function variant(name: string, change: (bytes: Buffer) => Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, change(readFileSync(POLICY_FILE)));
    return path;
  }

  const refusal = (path: string): PolicyTextError => {
    try {
      checkPolicyText(path);
    } catch (error) {
      expect(error).to.be.instanceOf(PolicyTextError);
      return error as PolicyTextError;
    }
    throw new Error(`checkPolicyText(${path}) accepted a text that is not the adopted policy`);
  };

  it('POLICY names a version and a full SHA-256', () => {
    expect(POLICY.version).to.match(/^\d{4}-\d+$/);
    expect(POLICY.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('the version every incident and measure records carries the version, the configured adoption date and the start of the hash', () => {
    const recorded = policyVersion('2025-04-01');
    expect(recorded).to.include(`UBP ${POLICY.version} (`);
    expect(recorded).to.include('adopted 2025-04-01');
    expect(recorded).to.include(`sha256 ${POLICY.sha256.slice(0, 12)}`);
    expect(policyVersion(null)).to.include('adoption date not configured');
  });

  it('the shipped text is the adopted one: its hash is POLICY.sha256 and the check passes', () => {
    expect(POLICY_FILE).to.match(/[\\/]policy[\\/]unacceptable-behaviour-policy\.txt$/);
    expect(policyTextHash(readFileSync(POLICY_FILE))).to.equal(POLICY.sha256);
    expect(() => checkPolicyText(POLICY_FILE)).not.to.throw();
    expect(() => checkPolicyText()).not.to.throw();
  });

  it('a byte-for-byte copy passes too (the check is on the bytes, not the path)', () => {
    const copy = join(dir, 'copy.txt');
    copyFileSync(POLICY_FILE, copy);
    expect(() => checkPolicyText(copy)).not.to.throw();
  });

  it('one changed byte: refused, saying which hash it has, which it should have, and what to do', () => {
    const path = variant('one-byte.txt', (b) => {
      const out = Buffer.from(b);
      const at = out.indexOf('6 months');
      out[at] = '7'.charCodeAt(0); // "reviewed every 7 months"
      return out;
    });
    const error = refusal(path);
    expect(error.message).to.include(`${path} is not the adopted policy UBP ${POLICY.version}`);
    expect(error.message).to.include(policyTextHash(readFileSync(path)));
    expect(error.message).to.include(`expects ${POLICY.sha256}`);
    expect(error.message).to.include('docs/policy-version.md');
    expect(error.message).to.include('Refusing to start');
  });

  it('an added trailing newline or Windows line endings count as a change (the bytes are hashed as they are)', () => {
    refusal(variant('newline.txt', (b) => Buffer.concat([b, Buffer.from('\n')])));
    refusal(variant('crlf.txt', (b) => Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n'), 'utf8')));
  });

  it('a missing file: refused, naming the file', () => {
    const missing = join(dir, 'missing.txt');
    expect(refusal(missing).message).to.include(`Cannot read the policy text ${missing}`);
  });
});
