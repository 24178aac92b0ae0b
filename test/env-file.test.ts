import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDotEnv } from '../src/env-file';

describe('.env loading', () => {
  const NAMES = ['UB_ENV_FILE_TEST_NEW', 'UB_ENV_FILE_TEST_SET', 'UB_ENV_FILE_TEST_EMPTY'];
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ub-env-file-'));
    for (const name of NAMES) delete process.env[name];
  });
  afterEach(() => {
    for (const name of NAMES) delete process.env[name];
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the file into process.env; variables already set, even to empty, win', () => {
    const file = join(dir, '.env');
    writeFileSync(file, '# a comment\nUB_ENV_FILE_TEST_NEW=from-file\nUB_ENV_FILE_TEST_SET=from-file\nUB_ENV_FILE_TEST_EMPTY="from file"\n');
    process.env.UB_ENV_FILE_TEST_SET = 'from-environment';
    process.env.UB_ENV_FILE_TEST_EMPTY = '';

    expect(loadDotEnv(file)).to.equal(true);
    expect(process.env.UB_ENV_FILE_TEST_NEW).to.equal('from-file');
    expect(process.env.UB_ENV_FILE_TEST_SET).to.equal('from-environment');
    expect(process.env.UB_ENV_FILE_TEST_EMPTY).to.equal('');
  });

  it('a missing file is fine: nothing is read and nothing thrown', () => {
    expect(loadDotEnv(join(dir, 'no-such.env'))).to.equal(false);
    expect(process.env.UB_ENV_FILE_TEST_NEW).to.equal(undefined);
  });
});
