import { Cond } from './helm-conditions';

/*
 * The intermediate form of the chart's templates: the synthesized objects, with every value that came from the
 * configuration replaced by a reference to `.Values`, and Go-template conditions and ranges where the objects
 * depend on a switch or a list. It is built from plain objects (`templatize`), merged across synths of different
 * switch values (`mergeVariants`) and printed as YAML with Go-template actions (`renderFile`).
 */

/** Where a templated scalar's value comes from. */
export type Ref =
  /** `$.Values.<path>` */
  | { readonly t: 'value'; readonly path: string }
  /** A field of a template variable, such as `$app.name` in a file repeated per element of a list value. */
  | { readonly t: 'expr'; readonly expr: string }
  /** An element of a list value, before ranges are found: index 0 or 1 of the two sentinel elements. */
  | { readonly t: 'elem'; readonly list: string; readonly index: number; readonly field?: string }
  /** The variable of an enclosing `range` over `list`. */
  | { readonly t: 'var'; readonly list: string; readonly field?: string }
  /** A whole list value joined with `sep`, or its first element. */
  | { readonly t: 'join'; readonly list: string; readonly sep: string }
  | { readonly t: 'first'; readonly list: string; readonly field?: string }
  /** A named template of `_helpers.tpl` applied to another reference. */
  | { readonly t: 'derived'; readonly helper: string; readonly of: Ref };

export type Part = string | Ref;
export type ScalarType = 'string' | 'number' | 'boolean';

export type Node =
  | { readonly k: 'lit'; readonly v: string | number | boolean | null }
  | { readonly k: 'tpl'; readonly parts: readonly Part[]; readonly type: ScalarType }
  /** The first branch whose condition holds, else `otherwise`. */
  | {
      readonly k: 'choice';
      readonly branches: readonly { readonly cond: Cond; readonly node: Node }[];
      readonly otherwise: Node;
    }
  | { readonly k: 'map'; readonly entries: readonly Entry[] }
  | { readonly k: 'seq'; readonly items: readonly Item[] }
  /** A map or list value printed with `toYaml`. */
  | { readonly k: 'yaml'; readonly ref: Ref };

export type Entry =
  | { readonly key: string; readonly node: Node; readonly cond?: Cond }
  /** Lines printed by a named template (the standard labels). */
  | { readonly splice: string };

export interface Item {
  readonly node: Node;
  readonly cond?: Cond;
  /** Repeat the item for every element of this list value. */
  readonly range?: string;
  /** Only for the elements after the first (`rest`): a list cut after its first element, which went elsewhere. */
  readonly rest?: boolean;
}

/** One object of the chart. */
export interface Doc {
  /** Stable identity across synths: the construct path, with list sentinels replaced by `{list}`. */
  readonly id: string;
  readonly node: Node;
  readonly cond?: Cond;
  readonly range?: string;
}

/** How the writer refers to a list value: its range variable and the pipeline that yields it as a list. */
export interface ListSpec {
  readonly variable: string;
  readonly expr: string;
}

export type Lists = ReadonlyMap<string, ListSpec>;

export const isScalar = (n: Node) =>
  n.k === 'lit' ||
  n.k === 'tpl' ||
  (n.k === 'choice' && [...n.branches.map((b) => b.node), n.otherwise].every(isScalar));

const keys = new WeakMap<object, string>();

/** Structural key of a node, cached: nodes are never changed once built (objects have a fixed key order). */
export function nodeKey(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'undefined';
  let key = keys.get(x);
  if (key === undefined) {
    key = Array.isArray(x)
      ? `[${x.map(nodeKey).join(',')}]`
      : `{${Object.entries(x)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${JSON.stringify(k)}:${nodeKey(v)}`)
          .join(',')}}`;
    keys.set(x, key);
  }
  return key;
}

/** Structural equality, without building keys (most compared nodes are equal, and big). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => kb.includes(k) && same(ra[k], rb[k]));
}

/** A template that the writer cannot build from the synths. */
export class TemplateError extends Error {}
