import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding package.json, whether running from src/ (tsx) or dist/src/ (compiled). */
export const PACKAGE_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
})();

export const SAMPLE_DIRECTORY_FILE = join(PACKAGE_ROOT, 'src', 'directory', 'local-directory.json');
