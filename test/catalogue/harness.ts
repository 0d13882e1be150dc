import { createHash } from 'crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { Io } from '../../lib/cli/synth';

/** What a command did: its exit code and the lines it wrote to each stream. */
export interface Outcome {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs an in-process CLI `main(argv, io)` and collects what it printed. */
export async function runMain(main: (argv: string[], io: Io) => Promise<number>, argv: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')) });
  return { code, out, err };
}

/** A digest of every entry below `dir` (paths, kinds, modes, contents), to prove that nothing changed. */
export function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const sub = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(dir, sub));
      hash.update(`${sub}\0${stat.mode}\0`);
      if (stat.isDirectory()) walk(sub);
      else if (stat.isFile()) hash.update(readFileSync(join(dir, sub)));
    }
  };
  if (existsSync(dir)) walk('');
  return hash.digest('hex');
}

/** A scratch folder with helpers to put files in it. */
export function workspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    dir,
    put(rel: string, content: string | Buffer): string {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Lines that look like a JavaScript stack trace. */
export const stackLines = (lines: readonly string[]) =>
  lines.filter((l) => /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/.test(l));
