import { loadDefaultConfig } from '../config/load';
import { Config } from '../config/types';
import { ListSpec, Ref } from './helm-nodes';
import { Sentinels } from './helm-templatize';
import { ValueRow, value } from './helm-value-rows';

/* The synths' configurations and what their sentinels stand for, from the table of value rows. */

type Tree = Record<string, unknown>;

function setPath(target: Tree, path: string, v: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Tree>((o, k) => (o[k] ??= {}) as Tree, target);
  if (v === undefined) delete parent[keys[keys.length - 1]];
  else parent[keys[keys.length - 1]] = structuredClone(v);
}

/** The base synth's config: the built-in default with every row's base value. */
export function sentinelConfig(rows: readonly ValueRow[]): Config {
  const config = structuredClone(loadDefaultConfig()) as unknown as Tree;
  for (const row of rows) if (!row.kept) setPath(config, row.path, row.base);
  return config as unknown as Config;
}

/** `config` with one key changed. */
export function withValue(config: Config, path: string, v: unknown): Config {
  const copy = structuredClone(config) as unknown as Tree;
  setPath(copy, path, v);
  return copy as unknown as Config;
}

/** The sentinels of the table's rows, each used once. */
export function sentinelsOf(rows: readonly ValueRow[]): Sentinels {
  const strings = new Map<string, Ref>();
  const numbers = new Map<number, Ref>();
  const maps = new Map<string, Ref>();
  for (const row of rows) {
    for (const [s, ref] of row.strings ?? []) {
      if (strings.has(s)) throw new Error(`sentinel ${s} is used twice`);
      strings.set(s, ref);
    }
    for (const [n, ref] of row.numbers ?? []) {
      if (numbers.has(n)) throw new Error(`sentinel ${n} is used twice`);
      numbers.set(n, ref);
    }
    if (row.map) maps.set(JSON.stringify(row.base), value(row.path));
    for (const [shape, ref] of row.wholes ?? []) maps.set(JSON.stringify(shape), ref);
  }
  return { strings, numbers, maps };
}

/** How the templates refer to each list value. */
export function listsOf(rows: readonly ValueRow[]): Map<string, ListSpec> {
  return new Map(rows.flatMap((r) => (r.list ? [[r.path, r.list] as const] : [])));
}
