import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'fs';
import { homedir } from 'os';
import { dirname, join, parse, resolve, sep } from 'path';

/**
 * Writes generated files into a directory that may also hold the user's own files, and never removes or replaces a
 * file it did not write itself. What it wrote is listed in a record file in the directory; only listed files are
 * replaced or, when no longer generated, removed.
 *
 * The update is journaled: every new file is staged inside the directory first, then a journal naming the moves and
 * removals is written (the commit point), then the moves are done. A kill before the journal leaves the old files as
 * they were; a kill after it is completed by the next run, before anything else, so the files end as one whole set.
 */

/** The record of generated files: one relative path a line. No extension, so `kubectl apply -f` and Argo CD skip it. */
export const OWNERSHIP_RECORD = '.synth-files';
const RECORD_HEADER =
  '# Written by eks-alb-istio-tls `npm run synth`: it replaces or removes only the files listed here.\n';
const LOCK = '.synth-lock';
const JOURNAL = '.synth-journal';
const JOURNAL_TMP = '.synth-journal.tmp';
const STAGING = '.synth-staging';
/** Entries of the directory that are the writer's own bookkeeping. */
const BOOKKEEPING = new Set([OWNERSHIP_RECORD, LOCK, JOURNAL, JOURNAL_TMP, STAGING]);

const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

/** A refusal or failure to write the output: one line, naming the path and what to do. */
export class OutputError extends Error {}

/** The steps of an update, in order; a test hook sees each one (to kill the process there). */
export type WriteStep = 'locked' | 'staged' | 'committed' | `moved ${string}` | `removed ${string}` | 'done';

export interface WriteOwnedOptions {
  /**
   * Directories that may not be the output directory, nor lie inside it: the project root and the repository root.
   * `/` and the home directory are always refused.
   */
  readonly protectedDirs?: readonly string[];
  /** Called after each step; for tests that interrupt the update. */
  readonly onStep?: (step: WriteStep) => void;
}

export interface WriteOwnedResult {
  /** The output directory, absolute, symbolic links resolved. */
  readonly dir: string;
  /** Files written (relative paths). */
  readonly written: number;
  /** Files of an earlier synth that are no longer generated and were removed (relative paths, sorted). */
  readonly removed: string[];
  /** An earlier synth had been interrupted after its commit point; this run completed it first. */
  readonly completedInterrupted: boolean;
}

interface Journal {
  readonly moves: string[];
  readonly removals: string[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

/** `p` is `dir` or lies below it. */
const isWithin = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The nearest directory at or above `start` holding `.git`: the repository root. */
export function repositoryRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Resolves symbolic links of the part of `p` that exists, so that checks compare real locations. */
function realLocation(p: string): string {
  const missing: string[] = [];
  let existing = p;
  while (!existsSync(existing)) {
    missing.unshift(parse(existing).base);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  return join(realpathSync(existing), ...missing);
}

/** A relative path the record may hold: normalized, inside the directory, not bookkeeping. */
function isSafeRelative(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return false;
  const parts = rel.split('/');
  return parts.every((s) => s !== '' && s !== '.' && s !== '..') && !BOOKKEEPING.has(parts[0]);
}

function readRecord(dir: string): Set<string> | undefined {
  const path = join(dir, OWNERSHIP_RECORD);
  if (!existsSync(path)) return undefined;
  if (!lstatSync(path).isFile())
    throw new OutputError(`${path} is not a regular file; remove it, or choose another output directory`);
  const files = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const unsafe = files.find((f) => !isSafeRelative(f));
  if (unsafe !== undefined) {
    throw new OutputError(
      `${path} lists ${JSON.stringify(unsafe.slice(0, 100))}, which is not a path inside ${dir}; restore the file from git or remove ${dir} yourself`,
    );
  }
  return new Set(files);
}

const renderRecord = (files: Iterable<string>) =>
  RECORD_HEADER +
  [...files]
    .sort(byCodeUnit)
    .map((f) => `${f}\n`)
    .join('');

/** Refuses output directories whose loss would hurt: `/`, home, the project and the repository, and their parents. */
function refuseProtected(dir: string, protectedDirs: readonly string[]): void {
  if (dirname(dir) === dir)
    throw new OutputError(
      `refusing to write to ${dir}: that is the root of the file system; choose a new or empty directory`,
    );
  const home = realLocation(homedir());
  if (dir === home)
    throw new OutputError(
      `refusing to write to ${dir}: that is your home directory; choose a new or empty directory below it`,
    );
  for (const guarded of protectedDirs.map(realLocation)) {
    if (isWithin(guarded, dir)) {
      throw new OutputError(
        `refusing to write to ${dir}: it holds the project or its repository (${guarded}); choose a new or empty directory such as ${join(guarded, 'dist')}`,
      );
    }
  }
}

/** Creates `dir` and any missing parents with mode 0755; returns the directories it created, outermost first. */
function makeDirs(dir: string): string[] {
  const created: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) created.unshift(d);
  const mine: string[] = [];
  for (const d of created) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Another synth created it in the meantime: not ours to remove; the lock decides who writes.
      if (errno(e) === 'EEXIST' && lstatSync(d).isDirectory()) continue;
      throw e;
    }
    chmodSync(d, DIR_MODE);
    mine.push(d);
  }
  return mine;
}

/** Every directory between `root` and `rel`'s parent must be a real directory, or absent: never a link or a file. */
function checkParents(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const p = join(root, ...parts.slice(0, i));
    let stat;
    try {
      stat = lstatSync(p);
    } catch {
      return;
    }
    if (stat.isSymbolicLink())
      throw new OutputError(
        `refusing to write through ${p}: it is a symbolic link, and synth writes only into real directories; remove the link or choose another output directory`,
      );
    if (!stat.isDirectory())
      throw new OutputError(
        `refusing to replace ${p}: it is a file synth did not write, where synth needs a directory; move it away or choose another output directory`,
      );
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

/**
 * Takes the directory's lock, or refuses while another live synth holds it; a dead holder's lock is taken over. The
 * lock file is created whole (a hard link to a file already holding the pid), so no reader ever sees it empty.
 */
function lock(dir: string): () => void {
  const path = join(dir, LOCK);
  const mine = `${path}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`, { mode: FILE_MODE });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(mine, path);
        return () => rmSync(path, { force: true });
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw new OutputError(`cannot lock ${dir}: ${errno(e)}`);
        const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (holder !== process.pid && pidAlive(holder)) {
          throw new OutputError(anotherSynthMessage(dir, holder));
        }
        rmSync(path, { force: true });
      }
    }
    throw new OutputError(`cannot lock ${dir}: ${path} keeps coming back; is another synth starting at the same time?`);
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Removes the directories of `paths` that became empty, deepest first; never a directory that still holds anything. */
function pruneEmptyParents(root: string, paths: string[]): void {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = dirname(p); d !== '.'; d = dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length || byCodeUnit(a, b))) {
    try {
      rmdirSync(join(root, d));
    } catch {
      // not empty (the user's files, or files still generated), or already gone
    }
  }
}

/** Carries out a committed journal; every step can be repeated, so an interrupted run can be completed by the next. */
function applyJournal(dir: string, journal: Journal, onStep?: (step: WriteStep) => void): void {
  const staging = join(dir, STAGING);
  for (const rel of journal.moves) {
    const from = join(staging, rel);
    if (existsSync(from)) {
      makeDirs(dirname(join(dir, rel)));
      renameSync(from, join(dir, rel));
    }
    onStep?.(`moved ${rel}`);
  }
  for (const rel of journal.removals) {
    const path = join(dir, rel);
    if (existsSync(path) && lstatSync(path).isFile()) unlinkSync(path);
    onStep?.(`removed ${rel}`);
  }
  pruneEmptyParents(dir, journal.removals);
  rmSync(join(dir, JOURNAL), { force: true });
  rmSync(staging, { recursive: true, force: true });
}

function readJournal(dir: string): Journal | undefined {
  const path = join(dir, JOURNAL);
  if (!existsSync(path)) return undefined;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  } catch {
    throw new OutputError(`${path} is damaged; remove ${dir} and run synth again`);
  }
  const paths = [...(journal.moves ?? []), ...(journal.removals ?? [])];
  if (
    !Array.isArray(journal.moves) ||
    !Array.isArray(journal.removals) ||
    !paths.every((p) => typeof p === 'string' && (p === OWNERSHIP_RECORD || isSafeRelative(p)))
  ) {
    throw new OutputError(`${path} is damaged; remove ${dir} and run synth again`);
  }
  return journal;
}

/** Entries of `dir` other than the writer's bookkeeping. */
const userVisibleEntries = (dir: string) =>
  readdirSync(dir).filter((n) => !BOOKKEEPING.has(n) && !n.startsWith(`${LOCK}.`));

/** The pid of a live synth holding the directory's lock; undefined when there is none. */
function liveLockHolder(dir: string): number | undefined {
  let holder: number;
  try {
    holder = Number.parseInt(readFileSync(join(dir, LOCK), 'utf8'), 10);
  } catch {
    return undefined;
  }
  return holder !== process.pid && pidAlive(holder) ? holder : undefined;
}

const anotherSynthMessage = (dir: string, holder: number) =>
  `another synth (pid ${holder}) is writing ${dir}; wait for it to finish, or remove ${join(dir, LOCK)} if no synth is running`;

function refuseForeign(dir: string): void {
  if (userVisibleEntries(dir).length > 0) {
    // A first synth into this folder writes its files before its record: those are its files, not a user's.
    const holder = liveLockHolder(dir);
    if (holder !== undefined) throw new OutputError(anotherSynthMessage(dir, holder));
    throw new OutputError(
      `refusing to write to ${dir}: it is not empty and has no ${OWNERSHIP_RECORD} record of an earlier synth, so its files are not synth's to replace; choose a new or empty directory`,
    );
  }
}

/**
 * The checks of an output directory that need no file list: made before rendering, so that a refused directory
 * costs nothing, and again by writeOwnedTree. Returns the directory, absolute, links resolved.
 */
export function checkOutputDir(outDir: string, options: Pick<WriteOwnedOptions, 'protectedDirs'> = {}): string {
  if (outDir.trim() === '') throw new OutputError('the output directory must be a path, got an empty string');
  const dir = realLocation(resolve(outDir));
  refuseProtected(dir, options.protectedDirs ?? []);
  if (!existsSync(dir)) {
    let ancestor = dirname(dir);
    while (!existsSync(ancestor)) ancestor = dirname(ancestor);
    if (!lstatSync(ancestor).isDirectory())
      throw new OutputError(
        `cannot create ${dir}: ${ancestor} is a file, not a directory; choose another output directory`,
      );
    return dir;
  }
  if (!lstatSync(dir).isDirectory())
    throw new OutputError(
      `refusing to write to ${dir}: it is a file, not a directory; choose a new or empty directory`,
    );
  if (!existsSync(join(dir, OWNERSHIP_RECORD))) refuseForeign(dir);
  return dir;
}

/**
 * Makes `files` (relative path -> content) the generated content of `outDir`: writes them, and removes the files an
 * earlier synth wrote that are no longer generated. Refuses (OutputError, nothing touched) a path that is not a
 * directory, a non-empty directory without the record, a protected directory, and any file in the way that synth
 * did not write.
 */
export function writeOwnedTree(
  outDir: string,
  files: ReadonlyMap<string, string | Buffer>,
  options: WriteOwnedOptions = {},
): WriteOwnedResult {
  const dir = checkOutputDir(outDir, options);
  const names = [...files.keys()].sort(byCodeUnit);
  const badName = names.find((n) => !isSafeRelative(n));
  if (badName !== undefined)
    throw new OutputError(`cannot write ${JSON.stringify(badName)}: not a relative path inside the output directory`);
  const folders = new Set(
    names.flatMap((n) =>
      n
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  const fileAndFolder = names.find((n) => folders.has(n));
  if (fileAndFolder !== undefined)
    throw new OutputError(`cannot write ${JSON.stringify(fileAndFolder)} both as a file and as a folder`);

  let created: string[] = [];
  if (!existsSync(dir)) {
    try {
      created = makeDirs(dir);
    } catch (e) {
      throw new OutputError(`cannot create ${dir}: ${errno(e)}`);
    }
  }
  let release: (() => void) | undefined;
  let committed = false;
  try {
    release = lock(dir);
    options.onStep?.('locked');
    const interrupted = readJournal(dir);
    if (interrupted) applyJournal(dir, interrupted);
    rmSync(join(dir, STAGING), { recursive: true, force: true });
    rmSync(join(dir, JOURNAL_TMP), { force: true });

    const record = readRecord(dir);
    if (record === undefined) refuseForeign(dir);
    const owned = record ?? new Set<string>();
    for (const rel of names) {
      checkParents(dir, rel);
      const path = join(dir, rel);
      if (!existsSync(path) && !isSymlink(path)) continue;
      if (!owned.has(rel) || !lstatSync(path).isFile()) {
        throw new OutputError(
          `refusing to replace ${path}: synth did not write it; move it away or choose another output directory`,
        );
      }
    }
    const removals = [...owned].filter((rel) => !files.has(rel)).sort(byCodeUnit);

    const staging = join(dir, STAGING);
    makeDirs(staging);
    for (const rel of [...names, OWNERSHIP_RECORD]) {
      const path = join(staging, rel);
      makeDirs(dirname(path));
      writeFileSync(path, rel === OWNERSHIP_RECORD ? renderRecord(names) : files.get(rel)!, { mode: FILE_MODE });
      chmodSync(path, FILE_MODE);
    }
    options.onStep?.('staged');

    const journal: Journal = { moves: [...names, OWNERSHIP_RECORD], removals };
    writeFileSync(join(dir, JOURNAL_TMP), JSON.stringify(journal), { mode: FILE_MODE });
    renameSync(join(dir, JOURNAL_TMP), join(dir, JOURNAL));
    committed = true;
    options.onStep?.('committed');
    applyJournal(dir, journal, options.onStep);
    options.onStep?.('done');
    return { dir, written: names.length, removed: removals, completedInterrupted: interrupted !== undefined };
  } catch (e) {
    // Only the lock holder may clean up: the staging folder of a synth that holds the lock is not ours.
    if (!committed && release) {
      rmSync(join(dir, STAGING), { recursive: true, force: true });
      rmSync(join(dir, JOURNAL_TMP), { force: true });
      release();
      release = undefined;
      for (const d of created.reverse()) rmSync(d, { recursive: true, force: true });
    }
    if (e instanceof OutputError) throw e;
    const hint = committed ? '; run synth again to complete the update' : '';
    throw new OutputError(`cannot write ${dir}: ${errno(e)}${hint}`);
  } finally {
    release?.();
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
