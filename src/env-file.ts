import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';

/**
 * Reads `path` (default: `.env` next to package.json) into process.env if the file exists; returns whether it did.
 * Variables already in the environment win: process.loadEnvFile never overrides them (nodejs/node#49424).
 */
export function loadDotEnv(path = join(PACKAGE_ROOT, '.env')): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
