import { execFile, execFileSync } from 'child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { homedir, tmpdir } from 'os';
import { dirname, join } from 'path';
import { promisify } from 'util';
import * as fc from 'fast-check';
import { OWNERSHIP_RECORD, OutputError, WriteStep, writeOwnedTree } from '../../lib/output/owned-dir';

const ROOT = join(__dirname, '..', '..');
/** The output update in a child process, on the compiled build. */
const CHILD = join(__dirname, 'write-owned-child.js');
const run = promisify(execFile);
const tmp = () => mkdtempSync(join(tmpdir(), 'owned-dir-'));

/** Every entry below `dir` (files with content and mode, directories with mode, links with target), sorted. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const sub = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(dir, sub));
      const mode = (stat.mode & 0o777).toString(8);
      if (stat.isSymbolicLink()) entries[sub] = `link -> ${readlinkSync(join(dir, sub))}`;
      else if (stat.isDirectory()) {
        entries[`${sub}/`] = `dir ${mode}`;
        walk(sub);
      } else entries[sub] = `file ${mode} ${readFileSync(join(dir, sub), 'utf8')}`;
    }
  };
  walk('');
  return entries;
}

const put = (dir: string, rel: string, content: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), content);
};

const OLD = new Map([
  ['a.yaml', 'a: 1\n'],
  ['env/b.yaml', 'b: 1\n'],
  ['gone/c.yaml', 'c: 1\n'],
]);
const NEW = new Map([
  ['a.yaml', 'a: 2\n'],
  ['env/b.yaml', 'b: 2\n'],
  ['new/d.yaml', 'd: 2\n'],
]);
/** The generated part of a snapshot: every file of `files`, and the record. */
const generated = (dir: string) =>
  Object.fromEntries(
    Object.entries(snapshot(dir)).filter(
      ([p]) => !p.endsWith('/') && !p.startsWith('notes') && (p === OWNERSHIP_RECORD || !p.startsWith('.synth-')),
    ),
  );

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OutputError);
    return (e as Error).message;
  }
  throw new Error('no refusal');
}

describe('a new or empty output directory', () => {
  test('is created with mode 0755, files 0644, and a record of exactly the files written', () => {
    const base = tmp();
    try {
      const dir = join(base, 'deep', 'out');
      const result = writeOwnedTree(dir, NEW);
      expect(result).toEqual({ dir, written: 3, removed: [], completedInterrupted: false });
      const tree = snapshot(base);
      expect(tree['deep/']).toBe('dir 755');
      expect(tree['deep/out/']).toBe('dir 755');
      expect(tree['deep/out/new/']).toBe('dir 755');
      expect(tree['deep/out/env/b.yaml']).toBe('file 644 b: 2\n');
      const record = readFileSync(join(dir, OWNERSHIP_RECORD), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'));
      expect(record).toEqual(['a.yaml', 'env/b.yaml', 'new/d.yaml']);
      // no bookkeeping is left behind
      expect(readdirSync(dir).sort()).toEqual([OWNERSHIP_RECORD, 'a.yaml', 'env', 'new']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('ends with the same modes whatever the umask', () => {
    const base = tmp();
    const umask = process.umask(0o077);
    try {
      writeOwnedTree(join(base, 'out'), NEW);
      expect(snapshot(base)['out/']).toBe('dir 755');
      expect(snapshot(base)['out/a.yaml']).toBe('file 644 a: 2\n');
    } finally {
      process.umask(umask);
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('a directory synth wrote before', () => {
  test("gets the new files; stale generated files go; the user's own files and folders stay", () => {
    const dir = tmp();
    try {
      writeOwnedTree(dir, OLD);
      put(dir, 'notes.txt', 'mine');
      put(dir, 'env/mine.yaml', 'kind: Mine');
      put(dir, 'notes/sub/keep.bin', 'bin');
      const result = writeOwnedTree(dir, NEW);
      expect(result.removed).toEqual(['gone/c.yaml']);
      const tree = snapshot(dir);
      expect(tree['notes.txt']).toBe('file 644 mine');
      expect(tree['env/mine.yaml']).toBe('file 644 kind: Mine');
      expect(tree['notes/sub/keep.bin']).toBe('file 644 bin');
      expect(tree['a.yaml']).toBe('file 644 a: 2\n');
      expect(tree['new/d.yaml']).toBe('file 644 d: 2\n');
      // the emptied folder of the stale file goes too
      expect(tree['gone/']).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("keeps a folder that still holds the user's files after its generated files went", () => {
    const dir = tmp();
    try {
      writeOwnedTree(dir, OLD);
      put(dir, 'gone/mine.txt', 'mine');
      writeOwnedTree(dir, NEW);
      expect(snapshot(dir)['gone/mine.txt']).toBe('file 644 mine');
      expect(existsSync(join(dir, 'gone', 'c.yaml'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses, touching nothing, to replace a file in the way that it did not write', () => {
    const dir = tmp();
    try {
      writeOwnedTree(dir, OLD);
      put(dir, 'new/d.yaml', "the user's");
      const before = snapshot(dir);
      expect(refusal(() => writeOwnedTree(dir, NEW))).toBe(
        `refusing to replace ${join(dir, 'new', 'd.yaml')}: synth did not write it; move it away or choose another output directory`,
      );
      expect(snapshot(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses to write through a symbolic link inside it, or over a file where it needs a folder', () => {
    const dir = tmp();
    const elsewhere = tmp();
    try {
      writeOwnedTree(dir, OLD);
      rmSync(join(dir, 'env'), { recursive: true });
      symlinkSync(elsewhere, join(dir, 'env'));
      const before = snapshot(dir);
      expect(refusal(() => writeOwnedTree(dir, NEW))).toMatch(
        /^refusing to write through .*\/env: it is a symbolic link/,
      );
      expect(snapshot(dir)).toEqual(before);
      expect(readdirSync(elsewhere)).toEqual([]);
      rmSync(join(dir, 'env'));
      writeFileSync(join(dir, 'env'), 'a file');
      expect(refusal(() => writeOwnedTree(dir, NEW))).toMatch(
        /^refusing to replace .*\/env: it is a file synth did not write, where synth needs a directory/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('refuses a record that names paths outside the directory', () => {
    const dir = tmp();
    try {
      writeOwnedTree(dir, OLD);
      writeFileSync(join(dir, OWNERSHIP_RECORD), '../outside.txt\n');
      expect(refusal(() => writeOwnedTree(dir, NEW))).toMatch(/lists "\.\.\/outside\.txt", which is not a path inside/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refused output directories', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty path', () => '', /^the output directory must be a path, got an empty string$/],
    ['the root of the file system', () => '/', /^refusing to write to \/: that is the root of the file system/],
    ['the home directory', () => homedir(), /: that is your home directory; choose a new or empty directory below it$/],
    ['the project', () => ROOT, /: it holds the project or its repository/],
    ['a parent of the project', () => dirname(ROOT), /: it holds the project or its repository/],
  ];
  test.each(cases)('%s', (_name, dir, message) => {
    expect(refusal(() => writeOwnedTree(dir(), NEW, { protectedDirs: [ROOT] }))).toMatch(message);
  });

  test('a non-empty directory without a record, and a file, are refused and left as they were', () => {
    const dir = tmp();
    try {
      put(dir, 'user/notes.txt', 'mine');
      put(dir, 'user/sub/keep.bin', 'bin');
      put(dir, 'file', 'not a directory');
      const before = snapshot(dir);
      expect(refusal(() => writeOwnedTree(join(dir, 'user'), NEW))).toBe(
        `refusing to write to ${join(dir, 'user')}: it is not empty and has no ${OWNERSHIP_RECORD} record of an earlier synth, so its files are not synth's to replace; choose a new or empty directory`,
      );
      expect(refusal(() => writeOwnedTree(join(dir, 'file'), NEW))).toBe(
        `refusing to write to ${join(dir, 'file')}: it is a file, not a directory; choose a new or empty directory`,
      );
      expect(snapshot(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory it cannot create leaves no folder behind', () => {
    const dir = tmp();
    try {
      chmodSync(dir, 0o555);
      // root ignores directory permissions; only meaningful for other users
      if (process.getuid?.() === 0) return;
      expect(refusal(() => writeOwnedTree(join(dir, 'a', 'b'), NEW))).toMatch(/^cannot create .*: EACCES$/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('concurrent synths', () => {
  test("a live synth's lock makes the second refuse; a dead one's lock is taken over", () => {
    const dir = tmp();
    try {
      writeOwnedTree(dir, OLD);
      const sleeper = execFile('sleep', ['30']);
      try {
        writeFileSync(join(dir, '.synth-lock'), `${sleeper.pid}\n`);
        const before = snapshot(dir);
        expect(refusal(() => writeOwnedTree(dir, NEW))).toBe(
          `another synth (pid ${sleeper.pid}) is writing ${dir}; wait for it to finish, or remove ${join(dir, '.synth-lock')} if no synth is running`,
        );
        expect(snapshot(dir)).toEqual(before);
      } finally {
        sleeper.kill();
      }
      // a pid that no process has
      writeFileSync(join(dir, '.synth-lock'), '999999999\n');
      writeOwnedTree(dir, NEW);
      expect(existsSync(join(dir, '.synth-lock'))).toBe(false);
      expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('a: 2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two processes writing one directory: one set wins whole, or the second refuses', async () => {
    const dir = tmp();
    const inputs = tmp();
    try {
      const many = (tag: string) =>
        Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f/${i}.yaml`, `${tag}: ${i}\n`]));
      writeFileSync(join(inputs, 'x.json'), JSON.stringify(many('x')));
      writeFileSync(join(inputs, 'y.json'), JSON.stringify(many('y')));
      const child = (name: string) =>
        run(process.execPath, [CHILD, dir, join(inputs, name), 'never'], { cwd: ROOT }).then(
          () => 'ok',
          (e) => e.stderr as string,
        );
      const outcomes = await Promise.all([child('x.json'), child('y.json')]);
      for (const o of outcomes) expect(o === 'ok' || /another synth \(pid \d+\) is writing/.test(o)).toBe(true);
      const tags = new Set(
        readdirSync(join(dir, 'f')).map((f) => readFileSync(join(dir, 'f', f), 'utf8').split(':')[0]),
      );
      expect(tags.size).toBe(1);
      expect(readdirSync(join(dir, 'f'))).toHaveLength(200);
      expect(readdirSync(dir).sort()).toEqual([OWNERSHIP_RECORD, 'f']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(inputs, { recursive: true, force: true });
    }
  });
});

describe('a kill at any step', () => {
  const steps: WriteStep[] = [];
  beforeAll(() => {
    const dir = tmp();
    writeOwnedTree(dir, OLD);
    writeOwnedTree(dir, NEW, {
      onStep: (s) => {
        steps.push(s);
      },
    });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the steps cover locking, staging, the commit, every move and removal', () => {
    expect(steps).toEqual([
      'locked',
      'staged',
      'committed',
      'moved a.yaml',
      'moved env/b.yaml',
      'moved new/d.yaml',
      `moved ${OWNERSHIP_RECORD}`,
      'removed gone/c.yaml',
      'done',
    ]);
  });

  test("leaves the old set (before the commit) or, after the next run, the new set; never the user's files", () => {
    const base = tmp();
    try {
      const oldDir = join(base, 'old');
      const newDir = join(base, 'new');
      writeOwnedTree(oldDir, OLD);
      writeOwnedTree(newDir, NEW);
      const oldSet = generated(oldDir);
      const newSet = generated(newDir);
      writeFileSync(join(base, 'new.json'), JSON.stringify(Object.fromEntries(NEW)));
      for (const step of steps) {
        const dir = join(base, 'out');
        rmSync(dir, { recursive: true, force: true });
        writeOwnedTree(dir, OLD);
        put(dir, 'notes.txt', 'mine');
        const killed = (() => {
          try {
            execFileSync(process.execPath, [CHILD, dir, join(base, 'new.json'), step], { cwd: ROOT, stdio: 'pipe' });
            return false;
          } catch (e) {
            return (e as { signal?: string }).signal === 'SIGKILL';
          }
        })();
        expect([step, killed]).toEqual([step, true]);
        const afterKill = generated(dir);
        const beforeCommit = step === 'locked' || step === 'staged';
        if (beforeCommit) expect([step, afterKill]).toEqual([step, oldSet]);
        expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
        // the next run completes the interrupted one (or finds nothing to complete), then writes its own set
        const next = writeOwnedTree(dir, NEW);
        expect([step, next.completedInterrupted]).toEqual([step, !beforeCommit && step !== 'done']);
        expect([step, generated(dir)]).toEqual([step, newSet]);
        expect(readdirSync(dir).sort()).toEqual([OWNERSHIP_RECORD, 'a.yaml', 'env', 'new', 'notes.txt']);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe("property: the user's files are never removed or changed", () => {
  const segment = fc.constantFrom('a', 'b', 'c', 'env', 'x.yaml', 'y.yaml');
  const relPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
  const fileSet = fc.dictionary(relPath, fc.string({ maxLength: 8 }), { maxKeys: 6 });
  const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 100));

  test('for random user trees and two generations of generated files', () => {
    fc.assert(
      fc.property(fileSet, fileSet, fileSet, (user, first, second) => {
        const dir = tmp();
        try {
          const write = (files: Record<string, string>) => {
            try {
              writeOwnedTree(dir, new Map(Object.entries(files)));
              return true;
            } catch (e) {
              if (!(e instanceof OutputError)) throw e;
              return false;
            }
          };
          const firstOk = write(first);
          // the user's files arrive after the first synth, wherever they fit
          const placed: Record<string, string> = {};
          for (const [rel, content] of Object.entries(user)) {
            try {
              if (existsSync(join(dir, rel))) continue;
              put(dir, rel, content);
              placed[rel] = content;
            } catch {
              // a file where this path needs a folder: the user could not have put it there either
            }
          }
          const before = snapshot(dir);
          const secondOk = write(second);
          const after = snapshot(dir);
          for (const [rel, content] of Object.entries(placed))
            expect(after[rel]).toBe(`file ${before[rel].split(' ')[1]} ${content}`);
          if (!secondOk) expect(after).toEqual(before);
          else for (const [rel, content] of Object.entries(second)) expect(after[rel]).toBe(`file 644 ${content}`);
          // with nothing of the user's in the way, the first synth into a new directory always succeeds
          expect(firstOk || Object.keys(first).some((p) => Object.keys(first).some((q) => q.startsWith(`${p}/`)))).toBe(
            true,
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: runs },
    );
  });
});
