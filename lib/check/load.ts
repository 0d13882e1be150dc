import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { K8sObject, SourcedObject } from './types';
import { isRec } from './util';

/** Input that cannot be read at all (missing path, YAML syntax error): the CLI exits 2 on it. */
export class InputError extends Error {}

export interface Loaded {
  readonly objects: SourcedObject[];
  readonly files: string[];
  /** Directories left out, with why. */
  readonly skipped: string[];
}

// The core schema keeps timestamps and the like as strings, as the API server's JSON would.
const SCHEMA = yaml.CORE_SCHEMA;

/** Parses a multi-document YAML text; `List` objects are flattened into their items. */
export function parseYaml(text: string, name: string): SourcedObject[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { schema: SCHEMA, filename: name });
  } catch (e) {
    const err = e as yaml.YAMLException;
    const where = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
    throw new InputError(`${name}: YAML parse error${where}: ${err.reason ?? err.message}`);
  }
  const out: SourcedObject[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return; // empty document between separators
    const source = `${name}#${i + 1}`;
    if (isRec(doc) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach((item, j) => out.push({ object: item as K8sObject, source: `${source}.items[${j}]` }));
    } else {
      out.push({ object: doc as K8sObject, source });
    }
  });
  return out;
}

/** One line for a path that cannot be read, by the reason the system gives. */
function unreadable(p: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return new InputError(
      `${p}: symbolic link loop (a link that leads back to itself); point it at a real file or directory`,
    );
  if (code === 'ENOENT') {
    let link = false;
    try {
      link = fs.lstatSync(p).isSymbolicLink();
    } catch {
      // not there at all
    }
    return new InputError(
      link
        ? `${p}: broken symbolic link (its target ${fs.readlinkSync(p)} does not exist)`
        : `${p}: no such file or directory`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${p}: permission denied`);
  return new InputError(`${p}: cannot read (${(e as Error).message})`);
}

function statOf(p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch (e) {
    throw unreadable(p, e);
  }
}

const isChart = (dir: string) => fs.existsSync(path.join(dir, 'Chart.yaml'));

/** What to do with an unrendered chart: its templates are not manifests until Helm renders them. */
export function chartMessage(dir: string): string {
  return `${dir} is a Helm chart (Chart.yaml): render it first, e.g. helm template my-release ${dir} > rendered.yaml, then check rendered.yaml`;
}

/**
 * Collects .yaml/.yml files below `dir`, following symbolic links; `ancestors` holds the real paths of the
 * directories being walked, so a link back to one of them is a loop rather than endless recursion.
 */
interface Walk {
  readonly files: string[];
  readonly skipped: string[];
  readonly charts: string[];
  /** Real paths of the directories read so far. */
  readonly seen: Set<string>;
}

function walk(dir: string, w: Walk, ancestors: Set<string>): void {
  const real = fs.realpathSync(dir);
  if (ancestors.has(real))
    throw new InputError(
      `${dir}: symbolic link loop (leads back to ${real}); remove the link or check the directory it points into`,
    );
  if (w.seen.has(real)) {
    w.skipped.push(`${dir} (the same directory as ${real}, already read)`);
    return;
  }
  w.seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw unreadable(dir, e);
  }
  // A chart's templates are not manifests until rendered.
  if (entries.some((e) => e.name === 'Chart.yaml')) {
    w.skipped.push(`${dir} (Helm chart: render it with helm template and check the output)`);
    w.charts.push(dir);
    return;
  }
  ancestors.add(real);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    const stat = e.isSymbolicLink() ? statOf(p) : e;
    if (stat.isDirectory()) walk(p, w, ancestors);
    else if (stat.isFile() && /\.ya?ml$/i.test(e.name)) w.files.push(p);
  }
  ancestors.delete(real);
}

/** The path that names standard input, as in most command-line tools. */
export const STDIN_PATH = '-';
/** How objects read from standard input are named in findings. */
export const STDIN_NAME = '<stdin>';

const PIPE_HINT = 'pipe manifests into it, e.g. helm template my-release CHART | npm run -s check -- -';

/** Standard input, read whole; a terminal is refused at once rather than waited on. */
function readStdin(): string {
  if (process.stdin.isTTY) throw new InputError(`${STDIN_PATH}: standard input is a terminal; ${PIPE_HINT}`);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A pipe or socket handed over in non-blocking mode has no data yet: wait briefly and read again.
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw new InputError(`${STDIN_PATH}: cannot read standard input (${(e as Error).message})`);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface LoadOptions {
  /** Where `-` reads from (tests); @default standard input */
  readonly stdin?: () => string;
}

/** Reads files and directories (recursively, .yaml/.yml), and `-` for standard input, into objects. */
export function loadPaths(paths: string[], options: LoadOptions = {}): Loaded {
  const w: Walk = { files: [], skipped: [], charts: [], seen: new Set() };
  const { files, skipped } = w;
  // Files named on the command line form one set; files found in a directory belong to that directory.
  const direct = new Set<string>();
  let stdinText: string | undefined;
  for (const p of paths) {
    if (p === STDIN_PATH) {
      // Read once, however often `-` is named.
      if (stdinText === undefined) {
        stdinText = (options.stdin ?? readStdin)();
        if (!stdinText.trim()) throw new InputError(`${STDIN_PATH}: standard input is empty; ${PIPE_HINT}`);
      }
      continue;
    }
    const stat = statOf(p);
    if (stat.isDirectory()) {
      // A chart named on the command line is a mistake to point out, not a directory to skip quietly.
      if (isChart(p)) throw new InputError(chartMessage(p));
      walk(p, w, new Set());
    } else {
      files.push(p);
      direct.add(p);
    }
  }
  if (!files.length && stdinText === undefined && w.charts.length) throw new InputError(chartMessage(w.charts[0]));
  if (!files.length && stdinText === undefined) throw new InputError(`no .yaml or .yml files in ${paths.join(', ')}`);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw unreadable(file, e);
    }
    const set = direct.has(file) ? '(files)' : path.dirname(file);
    // One push per object: spreading a 100k-element array into push() overflows the stack.
    for (const o of parseYaml(text, file)) objects.push({ ...o, set });
  }
  // Standard input is one more file named on the command line: it joins their set.
  if (stdinText !== undefined) {
    for (const o of parseYaml(stdinText, STDIN_NAME)) objects.push({ ...o, set: '(files)' });
    files.push(STDIN_NAME);
  }
  return { objects, files, skipped };
}
