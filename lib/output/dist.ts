import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';

/**
 * Replaces `outDir` with exactly `files` (relative path -> content), all or nothing: everything is written to a
 * sibling temp directory first, which then takes the place of `outDir`. On any failure `outDir` is untouched.
 */
export function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string | Buffer>,
  beforeSwap?: (stagingDir: string) => void): void {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.staging-`));
  try {
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const path = join(staging, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    beforeSwap?.(staging);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const previous = existsSync(target) ? `${staging}.previous` : undefined;
  if (previous) renameSync(target, previous);
  renameSync(staging, target);
  if (previous) rmSync(previous, { recursive: true, force: true });
}
