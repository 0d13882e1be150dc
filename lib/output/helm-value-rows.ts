import { CONFIG_SCHEMA } from '../config/schema';
import { ValueFormat, formatOfPattern } from '../patterns';
import { ListSpec, Ref } from './helm-nodes';
import { SchemaNode, configSchemaAt } from './helm-schema-node';

/*
 * How the configuration becomes chart values. Every config key except `gitops.*` (which only shapes the Argo CD
 * objects) is a value under the same path. The stack's table of value rows (built with the builders here) says,
 * per key, how the writer finds where the key shows in the synthesized objects:
 *  - a sentinel: the key is set to a recognizable value that the constructs accept and every occurrence in the
 *    output becomes `.Values.<key>`. The key's value format (lib/patterns.ts, found by the pattern of its config
 *    schema node) makes it from a marker of the key path, so a sentinel passes every check the format passes. Lists
 *    get two sentinel elements, so that repeated items become a `range` and joined strings a `join`;
 *  - variants: for enums, booleans and optional keys, extra synths with the key changed; what changes between them
 *    becomes conditional (see helm-merge.ts). The base synth uses the values that emit the most objects
 *    (every component on, cert-manager, ip targets, ...), so that variants only ever remove things.
 * A config key without a row is an error at synth time: add a row when adding a key.
 *
 * Rows are built for two sentinel sets: the chart comes from set 0; set 1 (other markers, so other texts, lengths
 * and digits) is synthesized once more, and must give the same templates (see helm-chart.ts).
 */

/** Keys that are not chart values. */
export const NOT_VALUES = ['gitops'];

export interface VariantSpec {
  /** Value of the key in this synth; undefined: the key is absent. */
  readonly value: unknown;
  /** Conjuncts of the Go-template condition that holds exactly when the values select this variant. */
  readonly cond: readonly string[];
}

/** The sentinel sets a row is built for: the chart's (0) and the one that proves the output only copies values (1). */
export type SentinelSet = 0 | 1;
export const SENTINEL_SETS: readonly SentinelSet[] = [0, 1];

/** What a row's sentinels are in the second set. */
export interface AltSentinels {
  readonly base: unknown;
  readonly strings?: readonly (readonly [string, Ref])[];
  readonly numbers?: readonly (readonly [number, Ref])[];
  readonly wholes?: readonly (readonly [unknown, Ref])[];
}

export interface ValueRow {
  /** Config key, which is also the value's path. */
  readonly path: string;
  /** Value in the base synth; undefined: absent. */
  readonly base: unknown;
  readonly strings?: readonly (readonly [string, Ref])[];
  readonly numbers?: readonly (readonly [number, Ref])[];
  /** The whole map value is printed with toYaml. */
  readonly map?: boolean;
  /** Shapes the constructs give the whole value (a `key=value` list as a map), each printed with toYaml of its ref. */
  readonly wholes?: readonly (readonly [unknown, Ref])[];
  readonly list?: ListSpec;
  readonly variants?: readonly VariantSpec[];
  /** Sub-keys handled by this row. */
  readonly covers?: readonly string[];
  /** The sentinels of sentinel set 1; absent: the same as set 0. */
  readonly alt?: AltSentinels;
  /** The synths keep the config's value: templates read it through named templates or a repeated file. */
  readonly kept?: boolean;
  /**
   * Its values swap objects for others (an Ingress for a Gateway and its routes): each value is a base of its own,
   * and every other row's variants are synthesized over each (see helm-chart.ts).
   */
  readonly replacing?: boolean;
}

/** A value the synths leave as configured: a repeated file's list, or what a named template reads (the ALB quotas). */
export const kept = (path: string): ValueRow => ({ path, base: undefined, kept: true });

/** The rows as sentinel set `set` has them. */
export const rowsOfSet = (rows: readonly ValueRow[], set: SentinelSet): ValueRow[] =>
  rows.map((r) => (set === 1 && r.alt ? { ...r, ...r.alt } : r));

/** A row built once per sentinel set. */
function inBothSets(build: (set: SentinelSet) => ValueRow): ValueRow {
  const alt = build(1);
  return { ...build(0), alt: { base: alt.base, strings: alt.strings, numbers: alt.numbers, wholes: alt.wholes } };
}

export const value = (path: string): Ref => ({ t: 'value', path });
/**
 * Set 1's markers are at least this long: longer than set 0's, so that a construct that measures or cuts a value
 * shows, yet short enough that names derived from a DNS label (`<credentialName>-selfsigned`) stay under 63
 * characters, where a cut would make them equal to the value and no longer tell the two apart.
 */
const LONG_MARKER = 50;

/**
 * The marker of a key path's sentinels: `alb.sslPolicy` -> `helm-value-alb-ssl-policy`. In set 1 it is padded to
 * LONG_MARKER characters, so that a construct that cuts or measures a value shows in the comparison of the sets.
 */
export function marker(path: string, set: SentinelSet = 0): string {
  const text = `helm-value-${path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return set === 0 ? text : `${text}${'-alt'.repeat(Math.max(1, Math.ceil((LONG_MARKER - text.length) / 4)))}`;
}

/** The value format of a schema node: the format of its pattern, or of its items, or of the first sub-schema with one. */
function formatOfNode(node: SchemaNode | undefined, where: string): ValueFormat | undefined {
  if (node === undefined) return undefined;
  if (node.pattern !== undefined) {
    const found = formatOfPattern(node.pattern);
    if (!found)
      throw new Error(
        `${where}: the config schema's pattern is no ValueFormat of lib/patterns.ts, so it has no sentinel`,
      );
    return found.format;
  }
  for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.items ? [node.items] : [])]) {
    const format = formatOfNode(sub, where);
    if (format) return format;
  }
  return undefined;
}

/** The value format of a config key (of its items for a list), from its config schema node. */
export function formatAt(path: string, node = configSchemaAt(path)): ValueFormat {
  const format = formatOfNode(node, path);
  if (!format) throw new Error(`${path}: the config schema gives the key no value format; give its row a sentinel`);
  return format;
}

/** A sentinel in each set: a fixed value (the same in both) or one made for the set. */
export type SentinelSpec<T = string> = T | ((set: SentinelSet) => T);
const inSet = <T>(spec: SentinelSpec<T>, set: SentinelSet): T =>
  typeof spec === 'function' ? (spec as (s: SentinelSet) => T)(set) : spec;

/** The sentinel the key's value format makes (element `index` of a list value; 0 for the value itself). */
export const sentinelAt =
  (path: string, index = 0) =>
  (set: SentinelSet): string =>
    formatAt(path).sentinel(marker(path, set), index);

/** A derived string: the constructs compute it from the value; `_helpers.tpl` has the same function. */
export interface Derivation {
  readonly js: (s: string) => string;
  readonly helper: string;
}
const derived = (sentinel: string, of: Ref, derivations: readonly Derivation[]) =>
  derivations.map((d) => [d.js(sentinel), { t: 'derived', helper: d.helper, of }] as const);

/** A string value; its sentinel comes from its value format unless the table gives one (a relation between values). */
export const str = (
  path: string,
  sentinel: SentinelSpec = sentinelAt(path),
  derivations: readonly Derivation[] = [],
): ValueRow =>
  inBothSets((set) => {
    const s = inSet(sentinel, set);
    return { path, base: s, strings: [[s, value(path)], ...derived(s, value(path), derivations)] };
  });

/** A number: numbers have no room for a marker, so the table gives them (within the schema's range, used nowhere else). */
export const num = (path: string, sentinel: SentinelSpec<number>): ValueRow =>
  inBothSets((set) => ({ path, base: inSet(sentinel, set), numbers: [[inSet(sentinel, set), value(path)]] }));

export function list(
  path: string,
  variable: string,
  expr: string,
  derivations: readonly Derivation[] = [],
  sentinels: SentinelSpec<readonly string[]> = (set) => [1, 2].map((i) => sentinelAt(path, i)(set)),
): ValueRow {
  return inBothSets((set) => {
    const elements = inSet(sentinels, set);
    return {
      path,
      base: elements,
      list: { variable, expr },
      strings: elements.flatMap((s, index) => {
        const ref: Ref = { t: 'elem', list: path, index };
        return [[s, ref] as const, ...derived(s, ref, derivations)];
      }),
    };
  });
}

/**
 * A list of objects: two elements, each string field with its format's sentinel (marked with the list's path and
 * the field), each number field with the table's numbers (element 1, element 2).
 */
export function objectList(
  path: string,
  variable: string,
  numbers: Readonly<Record<string, SentinelSpec<readonly [number, number]>>>,
): ValueRow {
  const properties = configSchemaAt(path)?.items?.properties ?? {};
  return inBothSets((set) => {
    const strings: [string, Ref][] = [];
    const nums: [number, Ref][] = [];
    const elements = [0, 1].map((index) =>
      Object.fromEntries(
        Object.entries(properties).map(([field, node]) => {
          const ref: Ref = { t: 'elem', list: path, index, field };
          const given = numbers[field];
          if (given !== undefined) {
            const n = inSet(given, set)[index];
            nums.push([n, ref]);
            return [field, n];
          }
          const s = formatAt(`${path}.${field}`, node).sentinel(marker(`${path}.${field}`, set), index + 1);
          strings.push([s, ref]);
          return [field, s];
        }),
      ),
    );
    return { path, base: elements, list: { variable, expr: `$.Values.${path}` }, strings, numbers: nums };
  });
}

/** A map of label keys to values, printed whole: one entry, of the formats of its keys and values. */
export const labelMap = (path: string): ValueRow =>
  inBothSets((set) => {
    const node = configSchemaAt(path);
    const keyFormat = formatOfNode(node?.propertyNames, path);
    const valueFormat =
      typeof node?.additionalProperties === 'object' ? formatOfNode(node.additionalProperties, path) : undefined;
    if (!keyFormat || !valueFormat)
      throw new Error(`${path}: the config schema gives the map no key and value formats`);
    return {
      path,
      base: { [keyFormat.sentinel(marker(path, set), 0)]: valueFormat.sentinel(marker(path, set), 0) },
      map: true,
    };
  });

/**
 * An enum: one variant per other allowed value. `replacing`: its values swap objects for others, so each is a base of
 * its own (see ValueRow.replacing).
 */
export function oneOf(path: string, base: string, options: { replacing?: boolean } = {}): ValueRow {
  const values = (configSchemaAt(path)?.enum ?? []) as string[];
  if (!values.includes(base)) throw new Error(`${path}: ${base} is not one of ${values.join(', ')}`);
  return {
    path,
    base,
    ...(options.replacing ? { replacing: true } : {}),
    variants: values
      .filter((v) => v !== base)
      .map((v) => ({ value: v, cond: [`eq $.Values.${path} ${JSON.stringify(v)}`] })),
  };
}

/** A switch: on in the base. */
export const bool = (path: string): ValueRow => ({
  path,
  base: true,
  variants: [{ value: false, cond: [`not $.Values.${path}`] }],
});

/** An optional string: set in the base, absent in the variant. */
export const optional = (path: string, sentinel?: SentinelSpec): ValueRow => ({
  ...str(path, sentinel),
  variants: [{ value: undefined, cond: [`not $.Values.${path}`] }],
});

/**
 * Another shape the constructs give a whole value, or a list they compute from it and other values (the namespaces
 * whose routes a gateway admits): the constructs' function of the value, and the pipeline that computes the same.
 */
export interface WholeShape {
  readonly js: (value: never) => unknown;
  readonly expr: string;
}

/** A value the constructs also write in other shapes (`key=value` entries as `{key, value}` objects). */
export const withShapes = (row: ValueRow, shapes: readonly WholeShape[]): ValueRow => {
  const wholesOf = (base: unknown) =>
    shapes.map((s) => [(s.js as (v: unknown) => unknown)(base), { t: 'expr', expr: s.expr } as Ref] as const);
  return {
    ...row,
    wholes: wholesOf(row.base),
    alt: row.alt === undefined ? undefined : { ...row.alt, wholes: wholesOf(row.alt.base) },
  };
};

/** A shape printed from a named template that takes the value and returns JSON. */
export const shapeBy = (path: string, js: WholeShape['js'], helper: string, array: boolean): WholeShape => ({
  js,
  expr: `include "${helper}" $.Values.${path} | ${array ? 'fromJsonArray' : 'fromJson'}`,
});

/** A list whose empty value leaves something out (an annotation): two sentinels in the base, empty in the variant. */
export const optionalList = (row: ValueRow): ValueRow => ({
  ...row,
  variants: [{ value: [], cond: [`not $.Values.${row.path}`] }],
});

/** Config keys with no row: every leaf of the config schema must be a value or listed in NOT_VALUES. */
export function unmappedKeys(rows: readonly ValueRow[]): string[] {
  const covered = new Set(rows.flatMap((r) => [r.path, ...(r.covers ?? []).map((c) => `${r.path}.${c}`)]));
  const missing: string[] = [];
  const walk = (schema: SchemaNode, path: string) => {
    if (covered.has(path)) return;
    if (schema.properties && schema.additionalProperties === false) {
      for (const [k, s] of Object.entries(schema.properties)) {
        const sub = path ? `${path}.${k}` : k;
        if (!NOT_VALUES.includes(sub)) walk(s, sub);
      }
    } else {
      missing.push(path);
    }
  };
  walk(CONFIG_SCHEMA as SchemaNode, '');
  return missing.concat([...covered].filter((p) => !configSchemaAt(p)));
}
