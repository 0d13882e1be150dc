import { CONFIG_SCHEMA } from '../config/schema';
import { ListSpec, Ref } from './helm-nodes';
import { SchemaNode, configSchemaAt } from './helm-schema-node';

/*
 * How the configuration becomes chart values. Every config key except `gitops.*` (which only shapes the Argo CD
 * objects) is a value under the same path. The stack's table of value rows (built with the builders here) says,
 * per key, how the writer finds where the key shows in the synthesized objects:
 *  - a sentinel: the key is set to a recognizable value that the constructs accept (`helm-value-...`, an unusual
 *    number) and every occurrence in the output becomes `.Values.<key>`. Lists get two sentinel elements, so that
 *    repeated items become a `range` and joined strings a `join`;
 *  - variants: for enums, booleans and optional keys, extra synths with the key changed; what changes between them
 *    becomes conditional (see helm-merge.ts). The base synth uses the values that emit the most objects
 *    (every component on, cert-manager, ip targets, ...), so that variants only ever remove things.
 * A config key without a row is an error at synth time: add a row when adding a key.
 */

/** Keys that are not chart values. */
export const NOT_VALUES = ['gitops'];

export interface VariantSpec {
  /** Value of the key in this synth; undefined: the key is absent. */
  readonly value: unknown;
  /** Conjuncts of the Go-template condition that holds exactly when the values select this variant. */
  readonly cond: readonly string[];
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
  readonly list?: ListSpec;
  readonly variants?: readonly VariantSpec[];
  /** Sub-keys handled by this row. */
  readonly covers?: readonly string[];
}

export const value = (path: string): Ref => ({ t: 'value', path });
export const marker = (path: string) => `helm-value-${path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A derived string: the constructs compute it from the value; `_helpers.tpl` has the same function. */
export interface Derivation {
  readonly js: (s: string) => string;
  readonly helper: string;
}
const derived = (sentinel: string, of: Ref, derivations: readonly Derivation[]) =>
  derivations.map((d) => [d.js(sentinel), { t: 'derived', helper: d.helper, of }] as const);

export const str = (path: string, sentinel = marker(path), derivations: readonly Derivation[] = []): ValueRow =>
  ({ path, base: sentinel, strings: [[sentinel, value(path)], ...derived(sentinel, value(path), derivations)] });

export const num = (path: string, sentinel: number): ValueRow => ({ path, base: sentinel, numbers: [[sentinel, value(path)]] });

export function list(path: string, variable: string, expr: string, derivations: readonly Derivation[] = [],
  sentinels = [1, 2].map((i) => `${marker(path)}-${i}.invalid`)): ValueRow {
  return {
    path,
    base: sentinels,
    list: { variable, expr },
    strings: sentinels.flatMap((s, index) => {
      const ref: Ref = { t: 'elem', list: path, index };
      return [[s, ref] as const, ...derived(s, ref, derivations)];
    }),
  };
}

export function objectList(path: string, variable: string, elements: readonly Record<string, string | number>[]): ValueRow {
  const strings: [string, Ref][] = [];
  const numbers: [number, Ref][] = [];
  elements.forEach((element, index) => {
    for (const [field, v] of Object.entries(element)) {
      const ref: Ref = { t: 'elem', list: path, index, field };
      if (typeof v === 'number') numbers.push([v, ref]); else strings.push([v, ref]);
    }
  });
  return { path, base: elements, list: { variable, expr: `$.Values.${path}` }, strings, numbers };
}


/** An enum: one variant per other allowed value. */
export function oneOf(path: string, base: string): ValueRow {
  const values = (configSchemaAt(path)?.enum ?? []) as string[];
  if (!values.includes(base)) throw new Error(`${path}: ${base} is not one of ${values.join(', ')}`);
  return {
    path, base,
    variants: values.filter((v) => v !== base).map((v) => ({ value: v, cond: [`eq $.Values.${path} ${JSON.stringify(v)}`] })),
  };
}

/** A switch: on in the base. */
export const bool = (path: string): ValueRow => ({ path, base: true, variants: [{ value: false, cond: [`not $.Values.${path}`] }] });

/** An optional string: set in the base, absent in the variant. */
export const optional = (path: string, sentinel?: string): ValueRow =>
  ({ ...str(path, sentinel), variants: [{ value: undefined, cond: [`not $.Values.${path}`] }] });

/** A list whose empty value leaves something out (an annotation): two sentinels in the base, empty in the variant. */
export const optionalList = (row: ValueRow): ValueRow => ({ ...row, variants: [{ value: [], cond: [`not $.Values.${row.path}`] }] });
/** Sentinels of a `key=value` list, which the constructs accept as such. */
export const keyValueSentinels = (path: string) => [1, 2].map((i) => `${marker(path)}-${i}=helm-value-${i}`);

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
