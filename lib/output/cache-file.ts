import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

/*
 * The synth command's caches in `.cache/` (Helm templates, the chart's helm proof, the check result): one file per
 * kind, named `<prefix><hash of its inputs><suffix>`. Only the latest of a kind is kept, since an older one belongs to
 * inputs that no longer exist. Best effort: a cache that cannot be read or written only costs the next run its time.
 */

let resultsDir: string | undefined;

/**
 * Keeps the results of a clean check and of a passed helm proof in `dir`, keyed by everything they depend on, so that
 * the same output is not checked or proven again. Off by default; the synth command turns it on.
 */
export function useResultCache(dir: string | undefined): void {
  resultsDir = dir;
}

/** The cache folder set by useResultCache; undefined when off. */
export const resultCacheDir = (): string | undefined => resultsDir;

/** The content of a cache file; undefined when there is none. */
export function readCacheFile(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes a cache file whole (then renamed, so no reader sees half of it) and removes older files of its kind. */
export function writeCacheFile(dir: string, prefix: string, name: string, content: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir))
      if (old.startsWith(prefix) && old !== name) rmSync(join(dir, old), { force: true });
    const file = join(dir, name);
    writeFileSync(`${file}.${process.pid}`, content);
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // ignored: the next run computes it again
  }
}
