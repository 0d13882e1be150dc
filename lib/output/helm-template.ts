import * as yaml from 'js-yaml';

/*
 * The intermediate form of the chart's templates: the synthesized objects, with every value that came from the
 * configuration replaced by a reference to `.Values`, and Go-template conditions and ranges where the objects
 * depend on a switch or a list. It is built from plain objects (`templatize`), merged across synths of different
 * switch values (`mergeVariants`) and printed as YAML with Go-template actions (`renderFile`).
 */

// ---------------------------------------------------------------------------------------------------------------
// Conditions

/** A Go-template condition: `atom` is a pipeline such as `eq $.Values.alb.targetType "ip"`. */
export type Cond =
  | { readonly op: 'atom'; readonly expr: string }
  | { readonly op: 'not'; readonly c: Cond }
  | { readonly op: 'and' | 'or'; readonly cs: readonly Cond[] };

export const atom = (expr: string): Cond => ({ op: 'atom', expr });
export const allOf = (exprs: readonly string[]): Cond => and(exprs.map(atom));

export function not(c: Cond): Cond {
  if (c.op === 'not') return c.c;
  // The table writes switches off as `not $.Values.x`.
  const negated = c.op === 'atom' ? /^not ([$.\w]+)$/.exec(c.expr) : null;
  return negated ? atom(negated[1]) : { op: 'not', c };
}

/** Conjunction, flattened and without duplicates. */
export function and(cs: readonly (Cond | undefined)[]): Cond {
  const flat: Cond[] = [];
  for (const c of cs) {
    if (c === undefined) continue;
    for (const x of c.op === 'and' ? c.cs : [c]) if (!flat.some((y) => condKey(y) === condKey(x))) flat.push(x);
  }
  return flat.length === 1 ? flat[0] : { op: 'and', cs: flat };
}

export function or(cs: readonly Cond[]): Cond {
  return cs.length === 1 ? cs[0] : { op: 'or', cs };
}

export const condKey = (c: Cond): string => renderCond(c);
const conjuncts = (c: Cond): string[] => (c.op === 'and' ? c.cs : [c]).map(condKey);
/** True when `a` holds whenever `b` does, judged by conjuncts: enough for the conditions the table writes. */
export const impliedBy = (a: Cond, b: Cond): boolean => conjuncts(a).every((k) => conjuncts(b).includes(k));

/** The condition as a pipeline (what follows `if`). */
export function renderCond(c: Cond): string {
  switch (c.op) {
    case 'atom':
      return c.expr;
    case 'not': {
      const inner = c.c;
      if (inner.op === 'atom') {
        // `not (eq a b)` reads better as `ne a b`.
        const eq = /^(eq|ne) (.*)$/.exec(inner.expr);
        if (eq) return `${eq[1] === 'eq' ? 'ne' : 'eq'} ${eq[2]}`;
      }
      return `not ${condArg(inner)}`;
    }
    default:
      return `${c.op} ${c.cs.map(condArg).join(' ')}`;
  }
}

/** The condition as an argument of another function: parenthesized unless it is a plain reference. */
function condArg(c: Cond): string {
  const text = renderCond(c);
  return /^[$.\w]+$/.test(text) ? text : `(${text})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Nodes

/** Where a templated scalar's value comes from. */
export type Ref =
  /** `$.Values.<path>` */
  | { readonly t: 'value'; readonly path: string }
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
  | { readonly k: 'choice'; readonly branches: readonly { readonly cond: Cond; readonly node: Node }[]; readonly otherwise: Node }
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

const isScalar = (n: Node) => n.k === 'lit' || n.k === 'tpl' || (n.k === 'choice' && [...n.branches.map((b) => b.node), n.otherwise].every(isScalar));

const keys = new WeakMap<object, string>();

/** Structural key of a node, cached: nodes are never changed once built (objects have a fixed key order). */
export function nodeKey(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'undefined';
  let key = keys.get(x);
  if (key === undefined) {
    key = Array.isArray(x) ? `[${x.map(nodeKey).join(',')}]`
      : `{${Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${nodeKey(v)}`).join(',')}}`;
    keys.set(x, key);
  }
  return key;
}

const withElements = new WeakMap<object, boolean>();

/** Whether a node refers to an element of a list value (most do not: the range search skips them). Cached. */
function hasElements(x: unknown): boolean {
  if (x === null || typeof x !== 'object' || (x as { k?: unknown }).k === 'lit') return false;
  let found = withElements.get(x);
  if (found === undefined) {
    found = (x as { t?: unknown }).t === 'elem' || Object.values(x).some(hasElements);
    withElements.set(x, found);
  }
  return found;
}
/** Structural equality, without building keys (most compared nodes are equal, and big). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as any)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as any)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => kb.includes(k) && same((a as any)[k], (b as any)[k]));
}

// ---------------------------------------------------------------------------------------------------------------
// Plain objects -> nodes

/** The sentinels of one synth: strings and numbers the configuration was replaced with, and what they stand for. */
export interface Sentinels {
  readonly strings: ReadonlyMap<string, Ref>;
  readonly numbers: ReadonlyMap<number, Ref>;
  /** Map values replaced whole: key of the map (nodeKey of the plain object) -> reference. */
  readonly maps: ReadonlyMap<string, Ref>;
}

export class TemplateError extends Error {}

/** Builds the tokenizer once per sentinel set: longest sentinel first, so that no sentinel eats part of another. */
export type Matcher = (text: string) => Part[];

export function sentinelMatcher(sentinels: Sentinels): Matcher {
  const texts = [...sentinels.strings.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const re = new RegExp(texts.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  // The synths share most of their strings: tokenize each distinct string once.
  const cache = new Map<string, Part[]>();
  return (text) => {
    const known = cache.get(text);
    if (known) return known;
    const parts: Part[] = [];
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (m.index! > last) parts.push(text.slice(last, m.index));
      parts.push(sentinels.strings.get(m[0])!);
      last = m.index! + m[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    const joined = joinLists(parts);
    cache.set(text, joined);
    return joined;
  };
}

/** `elem(L,0) sep elem(L,1)` is the list joined with `sep`. */
function joinLists(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (let i = 0; i < parts.length; i++) {
    const [a, sep, b] = [parts[i], parts[i + 1], parts[i + 2]];
    if (typeof a !== 'string' && a.t === 'elem' && a.index === 0 && a.field === undefined && typeof sep === 'string'
      && sep.length <= 3 && b !== undefined && typeof b !== 'string' && b.t === 'elem' && b.list === a.list && b.index === 1) {
      out.push({ t: 'join', list: a.list, sep });
      i += 2;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** Replaces sentinels in a plain (JSON) value; finds `range`s in lists. */
export function templatize(value: unknown, sentinels: Sentinels, match: Matcher): Node {
  if (typeof value === 'string') {
    const parts = match(value);
    if (parts.length === 1 && typeof parts[0] === 'string') return { k: 'lit', v: value };
    const node: Node = { k: 'tpl', parts, type: 'string' };
    withElements.set(node, parts.some((p) => typeof p !== 'string' && hasElements(p)));
    return node;
  }
  if (typeof value === 'number') {
    const ref = sentinels.numbers.get(value);
    return ref ? { k: 'tpl', parts: [ref], type: 'number' } : { k: 'lit', v: value };
  }
  if (typeof value === 'boolean' || value === null) return { k: 'lit', v: value };
  if (Array.isArray(value)) {
    const items = value.map((v) => ({ node: templatize(v, sentinels, match) }));
    const node: Node = { k: 'seq', items: findRanges(items, (i) => i.node, (_, n, range) => ({ node: n, range })) };
    withElements.set(node, node.items.some((i) => hasElements(i.node)));
    return node;
  }
  if (typeof value === 'object') {
    const whole = sentinels.maps.get(nodeKey(value));
    if (whole) return { k: 'yaml', ref: whole };
    const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      if (match(key).some((p) => typeof p !== 'string')) throw new TemplateError(`a configuration value is used as the key ${JSON.stringify(key)}`);
      return { key, node: templatize(v, sentinels, match) };
    });
    const node: Node = { k: 'map', entries };
    withElements.set(node, entries.some((e) => hasElements(e.node)));
    return node;
  }
  throw new TemplateError(`cannot template a value of type ${typeof value}`);
}

/** Maps every reference in a node. */
function mapRefs<T>(x: T, f: (r: Ref) => Ref): T {
  if (Array.isArray(x)) return x.map((y) => mapRefs(y, f)) as T;
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  if (typeof o.t === 'string' && !('k' in o)) {
    const r = o as unknown as Ref;
    return f(r.t === 'derived' ? { ...r, of: mapRefs(r.of, f) } : r) as T;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mapRefs(v, f)])) as T;
}

function collectRefs(x: unknown, out: Ref[] = []): Ref[] {
  mapRefs(x, (r) => {
    out.push(r);
    return r;
  });
  return out;
}

/** Rewrites element `index` of `list` into the range variable. */
const toVar = <T>(x: T, list: string, index: number): T =>
  mapRefs(x, (r) => (r.t === 'elem' && r.list === list && r.index === index ? { t: 'var', list, field: r.field } : r));

/**
 * Two neighbours that differ only in being built from element 0 and element 1 of the same list value are one
 * item repeated for every element: a `range`. The synths give every list value exactly two sentinel elements.
 */
export function findRanges<T>(items: readonly T[], nodeOf: (item: T) => unknown, make: (item: T, node: any, range: string) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!hasElements(nodeOf(items[i]))) {
      out.push(items[i]);
      continue;
    }
    const here = collectRefs(nodeOf(items[i])).filter((r) => r.t === 'elem' && r.index === 0) as Extract<Ref, { t: 'elem' }>[];
    const next = items[i + 1];
    const list = next === undefined ? undefined : [...new Set(here.map((r) => r.list))]
      .find((l) => same(toVar(nodeOf(items[i]), l, 0), toVar(nodeOf(next), l, 1)));
    if (list !== undefined) {
      out.push(make(items[i], toVar(nodeOf(items[i]), list, 0), list));
      i++;
    } else {
      out.push(items[i]);
    }
  }
  return out;
}

/** After ranges are found, element 0 outside a range is the first element; element 1 there is a bug. */
export function resolveElements<T>(x: T, where: string): T {
  if (!hasElements(x)) return x;
  return mapRefs(x, (r) => {
    if (r.t !== 'elem') return r;
    if (r.index === 0) return { t: 'first', list: r.list, field: r.field };
    throw new TemplateError(`${where}: list value '${r.list}' is used element by element in a way the chart writer cannot repeat`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Merging synths of different switch values

/** A synth with one key changed from the base, and the condition under which the chart must render it. */
export interface Variant {
  /** The config key that differs from the base. */
  readonly key: string;
  readonly cond: Cond;
  /**
   * For enums and booleans: the base and variant values, to print the value itself where it shows verbatim;
   * `complete` when every other value of the key has a variant (`others` of them).
   */
  readonly verbatim?: { readonly base: unknown; readonly value: unknown; readonly complete: boolean; readonly others: number };
  readonly docs: readonly Doc[];
}

type PathKey = string;
const pathKey = (path: readonly (string | number)[]): PathKey => JSON.stringify(path);

type Patch =
  | { readonly type: 'scalar' | 'replace'; readonly node: Node; readonly variant: Variant }
  | { readonly type: 'remove'; readonly variant: Variant }
  | { readonly type: 'add'; readonly after: string | number | null; readonly key?: string; readonly node: Node; readonly item?: Item; readonly variant: Variant };

class Patches {
  readonly at = new Map<PathKey, Patch[]>();
  count = 0;
  add(path: readonly (string | number)[], patch: Patch) {
    this.count++;
    const k = pathKey(path);
    this.at.set(k, [...(this.at.get(k) ?? []), patch]);
  }
  get(path: readonly (string | number)[]): Patch[] {
    return this.at.get(pathKey(path)) ?? [];
  }
}

/** Longest common subsequence alignment of two item lists: pairs of indexes. */
function lcs<T>(a: readonly T[], b: readonly T[]): [number, number][] {
  const ka = a.map(nodeKey);
  const kb = b.map(nodeKey);
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) dp[i][j] = ka[i] === kb[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (ka[i] === kb[j]) pairs.push([i++, j++]);
    else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

function diff(base: Node, other: Node, path: (string | number)[], variant: Variant, out: Patches): void {
  if (same(base, other)) return;
  if (base.k === 'map' && other.k === 'map') {
    const keyOf = (e: Entry) => ('key' in e ? e.key : `\0${e.splice}`);
    const otherByKey = new Map(other.entries.map((e) => [keyOf(e), e]));
    const baseKeys = new Set(base.entries.map(keyOf));
    for (const e of base.entries) {
      const o = otherByKey.get(keyOf(e));
      if (!o) out.add([...path, keyOf(e)], { type: 'remove', variant });
      else if ('key' in e && 'key' in o) diff(e.node, o.node, [...path, e.key], variant, out);
    }
    let previous: string | null = null;
    for (const o of other.entries) {
      if (baseKeys.has(keyOf(o))) previous = keyOf(o);
      else if ('key' in o) out.add(path, { type: 'add', after: previous, key: o.key, node: o.node, variant });
      else throw new TemplateError(`${path.join('.')}: a variant adds labels the base does not have`);
    }
    return;
  }
  if (base.k === 'seq' && other.k === 'seq') {
    if (base.items.length === other.items.length && base.items.every((it, i) => it.range === other.items[i].range)) {
      base.items.forEach((it, i) => diff(it.node, other.items[i].node, [...path, i], variant, out));
      return;
    }
    const pairs = lcs(base.items, other.items);
    const matchedBase = new Set(pairs.map(([i]) => i));
    const matchedOther = new Map(pairs.map(([i, j]) => [j, i]));
    base.items.forEach((_, i) => { if (!matchedBase.has(i)) out.add([...path, i], { type: 'remove', variant }); });
    let previous: number | null = null;
    other.items.forEach((item, j) => {
      if (matchedOther.has(j)) previous = matchedOther.get(j)!;
      else out.add(path, { type: 'add', after: previous, node: item.node, item, variant });
    });
    return;
  }
  out.add(path, { type: isScalar(base) && isScalar(other) ? 'scalar' : 'replace', node: other, variant });
}

/** Removal conditions: present unless one of the variants that drop it applies. */
function presentUnless(existing: Cond | undefined, removers: readonly Variant[]): Cond | undefined {
  // Dropped for every other value of an enum: present for its base value, which reads better.
  const byKey = new Map<string, Variant[]>();
  for (const v of removers) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
  const onlyBase: Cond[] = [];
  for (const [key, vs] of byKey) {
    const info = vs[0].verbatim;
    if (info?.complete && typeof info.base === 'string' && vs.length === info.others) {
      onlyBase.push(atom(`eq $.Values.${key} ${JSON.stringify(info.base)}`));
      byKey.delete(key);
    }
  }
  removers = [...byKey.values()].flat();
  // A variant whose condition implies another remover's condition adds nothing.
  const conds = removers.map((v) => v.cond)
    .filter((c, i, all) => !all.some((d, j) => j !== i && impliedBy(d, c) && (condKey(d) !== condKey(c) || j < i)));
  return conds.length === 0 && onlyBase.length === 0 ? existing : and([existing, ...onlyBase, ...conds.map(not)]);
}

/** Branches with the same node become one branch whose condition is the disjunction (or the weakest condition). */
function branchesOf(patches: readonly Patch[]): { cond: Cond; node: Node }[] {
  const groups = new Map<string, { conds: Cond[]; node: Node }>();
  for (const p of patches) {
    if (p.type !== 'scalar' && p.type !== 'replace') continue;
    const k = nodeKey(p.node);
    const g = groups.get(k) ?? { conds: [], node: p.node };
    g.conds.push(p.variant.cond);
    groups.set(k, g);
  }
  return [...groups.values()].map(({ conds, node }) => {
    const unique = conds.filter((c, i) => conds.findIndex((d) => condKey(d) === condKey(c)) === i);
    const weakest = unique.filter((c) => !unique.some((d) => condKey(d) !== condKey(c) && impliedBy(d, c)));
    return { cond: or(weakest), node };
  });
}

function applyChange(base: Node, patches: readonly Patch[], where: string): Node {
  const changes = patches.filter((p) => p.type === 'scalar' || p.type === 'replace');
  if (changes.length === 0) return base;
  const keys = new Set(changes.map((p) => p.variant.key));
  if (keys.size > 1) {
    throw new TemplateError(`${where} depends on both ${[...keys].join(' and ')}; the chart writer needs an explicit rule for that`);
  }
  // The enum or boolean itself, printed where it shows verbatim (for every one of its other values).
  const verbatim = changes.every((p) => {
    const v = p.variant.verbatim;
    return v !== undefined && v.complete && p.type === 'scalar' && base.k === 'lit' && base.v === v.base
      && p.node.k === 'lit' && p.node.v === v.value;
  });
  if (verbatim) {
    const { key } = changes[0].variant;
    const type = typeof (base as { v: unknown }).v as ScalarType;
    return { k: 'tpl', parts: [{ t: 'value', path: key }], type };
  }
  return { k: 'choice', branches: branchesOf(changes), otherwise: base };
}

function build(base: Node, path: (string | number)[], patches: Patches, where: string): Node {
  const here = patches.get(path);
  if (base.k === 'map') {
    const entries: Entry[] = [];
    const additions = here.filter((p): p is Extract<Patch, { type: 'add' }> => p.type === 'add');
    const addAfter = (after: string | null) => {
      for (const a of additions.filter((x) => x.after === after)) {
        if (entries.some((e) => 'key' in e && e.key === a.key && !e.cond)) throw new TemplateError(`${where}.${a.key}: added twice`);
        entries.push({ key: a.key!, node: a.node, cond: a.variant.cond });
      }
    };
    addAfter(null);
    for (const e of base.entries) {
      const key = 'key' in e ? e.key : `\0${e.splice}`;
      const sub = [...path, key];
      const removers = patches.get(sub).filter((p) => p.type === 'remove').map((p) => p.variant);
      if ('key' in e) {
        const node = build(e.node, sub, patches, `${where}.${e.key}`);
        entries.push({ key: e.key, node, cond: presentUnless(e.cond, removers) });
      } else {
        if (removers.length > 0) throw new TemplateError(`${where}: a variant drops the standard labels`);
        entries.push(e);
      }
      addAfter(key);
    }
    return applyChange({ k: 'map', entries }, here.filter((p) => p.type !== 'add'), where);
  }
  if (base.k === 'seq') {
    const items: Item[] = [];
    const additions = here.filter((p): p is Extract<Patch, { type: 'add' }> => p.type === 'add');
    const addAfter = (after: number | null) => {
      for (const a of additions.filter((x) => x.after === after)) items.push({ ...a.item!, cond: and([a.item!.cond, a.variant.cond]) });
    };
    addAfter(null);
    base.items.forEach((it, i) => {
      const sub = [...path, i];
      const removers = patches.get(sub).filter((p) => p.type === 'remove').map((p) => p.variant);
      items.push({ ...it, node: build(it.node, sub, patches, `${where}[${i}]`), cond: presentUnless(it.cond, removers) });
      addAfter(i);
    });
    return applyChange({ k: 'seq', items }, here.filter((p) => p.type !== 'add'), where);
  }
  return applyChange(base, here, where);
}

/**
 * Merges the base synth with its variants into one set of documents: what a variant drops becomes conditional on
 * the variant's condition not holding, what it adds or changes on it holding. Each variant changes one key, so a
 * node changed by two different keys is an interaction the writer cannot infer, and is reported.
 */
export function mergeVariants(base: readonly Doc[], variants: readonly Variant[]): Doc[] {
  const patches = new Patches();
  const baseIds = new Set(base.map((d) => d.id));
  const docRemovers = new Map<string, Variant[]>();
  const docAdds: { after: string | null; doc: Doc; variant: Variant }[] = [];
  for (const variant of variants) {
    let changed = false;
    const byId = new Map(variant.docs.map((d) => [d.id, d]));
    for (const doc of base) {
      const other = byId.get(doc.id);
      if (!other) {
        docRemovers.set(doc.id, [...(docRemovers.get(doc.id) ?? []), variant]);
        changed = true;
      } else {
        if (other.range !== doc.range) throw new TemplateError(`${doc.id}: repeated in one synth and not in another`);
        const before = patches.count;
        diff(doc.node, other.node, [doc.id], variant, patches);
        changed ||= patches.count !== before;
      }
    }
    let previous: string | null = null;
    for (const doc of variant.docs) {
      if (baseIds.has(doc.id)) previous = doc.id;
      else {
        docAdds.push({ after: previous, doc, variant });
        changed = true;
      }
    }
    if (!changed) throw new TemplateError(`the value ${variant.key} (${renderCond(variant.cond)}) changes no object`);
  }
  const merged: Doc[] = [];
  const addAfter = (after: string | null) => {
    for (const a of docAdds.filter((x) => x.after === after)) {
      if (merged.some((d) => d.id === a.doc.id)) throw new TemplateError(`${a.doc.id}: added by more than one value`);
      merged.push({ ...a.doc, cond: and([a.doc.cond, a.variant.cond]) });
    }
  };
  addAfter(null);
  for (const doc of base) {
    merged.push({ ...doc, node: build(doc.node, [doc.id], patches, doc.id), cond: presentUnless(doc.cond, docRemovers.get(doc.id) ?? []) });
    addAfter(doc.id);
  }
  return merged;
}

/** Adds `cond` to the document `id` (or to its entry at `at`); throws when there is no such thing. */
export function addCondition(docs: Doc[], id: string, cond: Cond, at: readonly string[] = []): void {
  const i = docs.findIndex((d) => d.id === id);
  if (i < 0) throw new TemplateError(`no object ${id} to make conditional`);
  if (at.length === 0) {
    docs[i] = { ...docs[i], cond: and([docs[i].cond, cond]) };
    return;
  }
  const visit = (node: Node, rest: readonly string[]): Node => {
    if (node.k !== 'map') throw new TemplateError(`${id}: no map at ${at.join('.')}`);
    const found = node.entries.some((e) => 'key' in e && e.key === rest[0]);
    if (!found) throw new TemplateError(`${id}: no entry ${at.join('.')} to make conditional`);
    return {
      k: 'map',
      entries: node.entries.map((e) => {
        if (!('key' in e) || e.key !== rest[0]) return e;
        return rest.length === 1 ? { ...e, cond: and([e.cond, cond]) } : { ...e, node: visit(e.node, rest.slice(1)) };
      }),
    };
  };
  docs[i] = { ...docs[i], node: visit(docs[i].node, at) };
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

/** The Go-template expression of a reference, as a pipeline. */
export function refExpr(r: Ref, lists: Lists): string {
  const list = (name: string) => {
    const spec = lists.get(name);
    if (!spec) throw new TemplateError(`no list spec for ${name}`);
    return spec;
  };
  const field = (base: string, f?: string) => (f === undefined ? base : `${base}.${f}`);
  switch (r.t) {
    case 'value':
      return `$.Values.${r.path}`;
    case 'var':
      return field(`$${list(r.list).variable}`, r.field);
    case 'join':
      return `${list(r.list).expr} | join ${JSON.stringify(r.sep)}`;
    case 'first':
      return r.field === undefined ? `${list(r.list).expr} | first` : `(${list(r.list).expr} | first).${r.field}`;
    case 'derived':
      return `include ${JSON.stringify(r.helper)} ${argOf(refExpr(r.of, lists))}`;
    case 'elem':
      throw new TemplateError(`unresolved element of list ${r.list}`);
  }
}

const argOf = (pipeline: string) => (/^[$.\w]+$/.test(pipeline) ? pipeline : `(${pipeline})`);

/** A scalar as it appears after `key: ` or `- `. */
function inline(node: Node, lists: Lists): string {
  switch (node.k) {
    case 'lit':
      if (typeof node.v === 'string' && /[\n\r]/.test(node.v)) return JSON.stringify(node.v);
      return yaml.dump(node.v, { lineWidth: -1, quotingType: "'" }).trimEnd();
    case 'tpl': {
      const refs = node.parts.filter((p): p is Ref => typeof p !== 'string');
      if (node.type !== 'string') {
        if (node.parts.length !== 1 || refs.length !== 1) throw new TemplateError('a number or boolean value inside text');
        return `{{ ${refExpr(refs[0], lists)}${node.type === 'number' ? ' | int' : ''} }}`;
      }
      if (node.parts.length === 1) return `{{ ${refExpr(refs[0], lists)} | quote }}`;
      // Values inside text: printf, then quote the whole string (schema-checked values never need escaping, but
      // quote keeps every result a YAML string, for example a version label such as 0.10).
      const format = node.parts.map((p) => (typeof p === 'string' ? p.replace(/%/g, '%%') : '%v')).join('');
      return `{{ printf ${JSON.stringify(format)} ${refs.map((r) => argOf(refExpr(r, lists))).join(' ')} | quote }}`;
    }
    case 'choice': {
      const branches = node.branches.map((b, i) => `{{ ${i === 0 ? 'if' : 'else if'} ${renderCond(b.cond)} }}${inline(b.node, lists)}`);
      return `${branches.join('')}{{ else }}${inline(node.otherwise, lists)}{{ end }}`;
    }
    default:
      throw new TemplateError(`not a scalar: ${node.k}`);
  }
}

const isControl = (line: string) => line.trimStart().startsWith('{{');

/** Wraps lines in `if`/`range` actions at the given indentation. */
function wrap(lines: string[], pad: string, cond: Cond | undefined, range: string | undefined, lists: Lists): string[] {
  let out = lines;
  if (range !== undefined) {
    const spec = lists.get(range)!;
    out = [`${pad}{{- range $${spec.variable} := ${spec.expr} }}`, ...out, `${pad}{{- end }}`];
  }
  if (cond !== undefined) out = [`${pad}{{- if ${renderCond(cond)} }}`, ...out, `${pad}{{- end }}`];
  return out;
}

/** A structural choice: the same key (or item) with different content per condition. */
function choiceLines(node: Extract<Node, { k: 'choice' }>, pad: string, one: (n: Node) => string[]): string[] {
  const lines: string[] = [];
  node.branches.forEach((b, i) => lines.push(`${pad}{{- ${i === 0 ? 'if' : 'else if'} ${renderCond(b.cond)} }}`, ...one(b.node)));
  lines.push(`${pad}{{- else }}`, ...one(node.otherwise), `${pad}{{- end }}`);
  return lines;
}

function entryLines(key: string, node: Node, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  const k = yaml.dump(key, { lineWidth: -1, quotingType: "'" }).trimEnd();
  if (isScalar(node)) return [`${pad}${k}: ${inline(node, lists)}`];
  switch (node.k) {
    case 'map':
      return node.entries.length === 0 ? [`${pad}${k}: {}`] : [`${pad}${k}:`, ...mapLines(node, indent + 2, lists)];
    case 'seq':
      return node.items.length === 0 ? [`${pad}${k}: []`] : [`${pad}${k}:`, ...seqLines(node, indent + 2, lists)];
    case 'yaml':
      return [`${pad}${k}:`, `${pad}  {{- toYaml ${refExpr(node.ref, lists)} | nindent ${indent + 2} }}`];
    case 'choice':
      return choiceLines(node, pad, (n) => entryLines(key, n, indent, lists));
    default:
      throw new TemplateError(`cannot print ${node.k}`);
  }
}

function mapLines(node: Extract<Node, { k: 'map' }>, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  return node.entries.flatMap((e) => ('key' in e
    ? wrap(entryLines(e.key, e.node, indent, lists), pad, e.cond, undefined, lists)
    : [`${pad}{{- include ${e.splice} | nindent ${indent} }}`]));
}

function itemLines(node: Node, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(node)) return [`${pad}- ${inline(node, lists)}`];
  if (node.k === 'choice') return choiceLines(node, pad, (n) => itemLines(n, indent, lists));
  const inner = node.k === 'map' ? mapLines(node, indent + 2, lists)
    : node.k === 'seq' ? seqLines(node, indent + 2, lists)
      : [`${pad}  {{- toYaml ${node.k === 'yaml' ? refExpr(node.ref, lists) : ''} | nindent ${indent + 2} }}`];
  if (inner.length === 0) return [`${pad}- ${node.k === 'seq' ? '[]' : '{}'}`];
  // `- key: value` on one line, unless the item starts with an action, which must keep its own line.
  if (isControl(inner[0])) return [`${pad}-`, ...inner];
  return [`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1)];
}

function seqLines(node: Extract<Node, { k: 'seq' }>, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  return node.items.flatMap((it) => wrap(itemLines(it.node, indent, lists), pad, it.cond, it.range, lists));
}

/**
 * One template file: its documents, each in its own conditional. A condition shared by every document (a component
 * switch) wraps the whole file instead, which is easier to read.
 */
export function renderFile(docs: readonly Doc[], lists: Lists, header: string): string {
  const shared = docs.length === 0 ? [] : (docs[0].cond ? (docs[0].cond.op === 'and' ? docs[0].cond.cs : [docs[0].cond]) : [])
    .filter((c) => docs.every((d) => d.cond !== undefined && conjunctKeys(d.cond).includes(condKey(c))));
  const sharedKeys = new Set(shared.map(condKey));
  // Neighbours with the same remaining condition share one `if`.
  const groups: { cond?: Cond; lines: string[] }[] = [];
  for (const d of docs) {
    if (d.node.k !== 'map') throw new TemplateError(`${d.id}: an object must be a map`);
    const rest = d.cond === undefined ? [] : (d.cond.op === 'and' ? d.cond.cs : [d.cond]).filter((c) => !sharedKeys.has(condKey(c)));
    const cond = rest.length === 0 ? undefined : and(rest);
    const lines = wrap(['---', ...mapLines(d.node, 0, lists)], '', undefined, d.range, lists);
    const last = groups[groups.length - 1];
    if (last && (last.cond === undefined ? cond === undefined : cond !== undefined && condKey(last.cond) === condKey(cond))) last.lines.push(...lines);
    else groups.push({ cond, lines });
  }
  const body = groups.flatMap((g) => wrap(g.lines, '', g.cond, undefined, lists));
  const lines = shared.length === 0 ? body : wrap(body, '', and(shared), undefined, lists);
  return `${header}${lines.join('\n')}\n`;
}

const conjunctKeys = (c: Cond) => (c.op === 'and' ? c.cs : [c]).map(condKey);
