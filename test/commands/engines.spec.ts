import { readFileSync } from 'fs';
import { join } from 'path';
import * as semver from 'semver';
import { ROOT } from '../support';

/*
 * `npm ci` warns (EBADENGINE) for every installed package whose `engines.node` rejects the running Node. The README
 * names the supported Node; every package of the lockfile must accept all of it, so that a supported Node installs
 * without a warning.
 */

interface LockedPackage {
  readonly engines?: unknown;
  readonly optional?: boolean;
  readonly os?: string[];
  readonly cpu?: string[];
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** `Node.js 20.19 or 22.13, or 24 and newer` in the README's quick start, as a range (jest skips the odd-numbered 21 and 23). */
function readmeRange(): string {
  const m = /Node\.js (\d+)\.(\d+) or (\d+)\.(\d+), or (\d+) and newer/.exec(readme);
  if (!m)
    throw new Error(
      'the README does not say which Node.js it needs ("Node.js <major>.<minor> or <major>.<minor>, or <major> and newer")',
    );
  return `^${m[1]}.${m[2]}.0 || ^${m[3]}.${m[4]}.0 || >=${m[5]}.0.0`;
}

/** Locked packages whose engines.node does not accept every version of `range` (packages for other platforms aside). */
function rejecting(range: string, packages: Record<string, LockedPackage>): string[] {
  return Object.entries(packages).flatMap(([path, p]) => {
    const node =
      p.engines && typeof p.engines === 'object' && !Array.isArray(p.engines)
        ? (p.engines as Record<string, unknown>).node
        : undefined;
    if (typeof node !== 'string') return [];
    const otherPlatform = (p.os && !p.os.includes(process.platform)) || (p.cpu && !p.cpu.includes(process.arch));
    if (p.optional && otherPlatform) return [];
    return semver.subset(range, node, { includePrerelease: false }) ? [] : [`${path || '(root)'} needs node ${node}`];
  });
}

describe('the supported Node.js version', () => {
  test('the README, package.json engines and every locked package agree', () => {
    const range = readmeRange();
    expect(pkg.engines.node).toBe(range);
    expect(rejecting(range, lock.packages)).toEqual([]);
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
  });

  test('a package needing a newer Node than the README says is caught', () => {
    const packages = {
      'node_modules/a': { engines: { node: '>=22' } },
      'node_modules/b': { engines: { node: '>=14' } },
    };
    expect(rejecting('^20.19.0 || ^22.0.0 || >=24.0.0', packages)).toEqual(['node_modules/a needs node >=22']);
    expect(rejecting('>=22', packages)).toEqual([]);
  });
});
