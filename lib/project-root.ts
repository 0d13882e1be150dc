import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * The folder holding package.json: the project (or the installed package). The code runs from its sources (tsx,
 * jest) or from the compiled build/ one level deeper, so paths to config/ and the like start here, not at __dirname.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
