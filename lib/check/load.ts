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

function walk(dir: string, files: string[], skipped: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // A chart's templates are not manifests until rendered.
  if (entries.some((e) => e.isFile() && e.name === 'Chart.yaml')) {
    skipped.push(`${dir} (Helm chart: render it with helm template and check the output)`);
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, files, skipped);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) files.push(p);
  }
}

/** Reads files and directories (recursively, .yaml/.yml) into objects. */
export function loadPaths(paths: string[]): Loaded {
  const files: string[] = [];
  const skipped: string[] = [];
  // Files named on the command line form one set; files found in a directory belong to that directory.
  const direct = new Set<string>();
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) walk(p, files, skipped);
    else {
      files.push(p);
      direct.add(p);
    }
  }
  if (!files.length) throw new InputError(`no .yaml or .yml files in ${paths.join(', ')}`);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`${file}: cannot read (${(e as Error).message})`);
    }
    const set = direct.has(file) ? '(files)' : path.dirname(file);
    objects.push(...parseYaml(text, file).map((o) => ({ ...o, set })));
  }
  return { objects, files, skipped };
}
