import { Cond, and, atom, condKey, impliedBy, not, or, renderCond } from './helm-conditions';
import { Doc, Entry, Item, Node, ScalarType, TemplateError, isScalar, nodeKey, same } from './helm-nodes';

/* Merges the synths of different switch values into one set of documents with conditions. */

/** A synth with one key changed from the base, and the condition under which the chart must render it. */
export interface Variant {
  /** The config key that differs from the base. */
  readonly key: string;
  /** The key's value as a pipeline, where it is not `$.Values.<key>` (a field of a range variable). */
  readonly expr?: string;
  readonly cond: Cond;
  /**
   * For enums and booleans: the base and variant values, to print the value itself where it shows verbatim;
   * `complete` when every other value of the key has a variant (`others` of them).
   */
  readonly verbatim?: {
    readonly base: unknown;
    readonly value: unknown;
    readonly complete: boolean;
    readonly others: number;
  };
  readonly docs: readonly Doc[];
}

type PathKey = string;
const pathKey = (path: readonly (string | number)[]): PathKey => JSON.stringify(path);

type Patch =
  | { readonly type: 'scalar' | 'replace'; readonly node: Node; readonly variant: Variant }
  | { readonly type: 'remove'; readonly variant: Variant }
  | {
      readonly type: 'add';
      readonly after: string | number | null;
      readonly key?: string;
      readonly node: Node;
      readonly item?: Item;
      readonly variant: Variant;
    };

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
    for (let j = b.length - 1; j >= 0; j--)
      dp[i][j] = ka[i] === kb[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
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
    base.items.forEach((_, i) => {
      if (!matchedBase.has(i)) out.add([...path, i], { type: 'remove', variant });
    });
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
      onlyBase.push(atom(`eq ${vs[0].expr ?? `$.Values.${key}`} ${JSON.stringify(info.base)}`));
      byKey.delete(key);
    }
  }
  removers = [...byKey.values()].flat();
  // A variant whose condition implies another remover's condition adds nothing.
  const conds = removers
    .map((v) => v.cond)
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
    throw new TemplateError(
      `${where} depends on both ${[...keys].join(' and ')}; the chart writer needs an explicit rule for that`,
    );
  }
  // The enum or boolean itself, printed where it shows verbatim (for every one of its other values).
  const verbatim = changes.every((p) => {
    const v = p.variant.verbatim;
    return (
      v !== undefined &&
      v.complete &&
      p.type === 'scalar' &&
      base.k === 'lit' &&
      base.v === v.base &&
      p.node.k === 'lit' &&
      p.node.v === v.value
    );
  });
  if (verbatim) {
    const { key, expr } = changes[0].variant;
    const type = typeof (base as { v: unknown }).v as ScalarType;
    return { k: 'tpl', parts: [expr === undefined ? { t: 'value', path: key } : { t: 'expr', expr }], type };
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
        if (entries.some((e) => 'key' in e && e.key === a.key && !e.cond))
          throw new TemplateError(`${where}.${a.key}: added twice`);
        entries.push({ key: a.key!, node: a.node, cond: a.variant.cond });
      }
    };
    addAfter(null);
    for (const e of base.entries) {
      const key = 'key' in e ? e.key : `\0${e.splice}`;
      const sub = [...path, key];
      const removers = patches
        .get(sub)
        .filter((p) => p.type === 'remove')
        .map((p) => p.variant);
      if ('key' in e) {
        const node = build(e.node, sub, patches, `${where}.${e.key}`);
        entries.push({ key: e.key, node, cond: presentUnless(e.cond, removers) });
      } else {
        if (removers.length > 0) throw new TemplateError(`${where}: a variant drops the standard labels`);
        entries.push(e);
      }
      addAfter(key);
    }
    return applyChange(
      { k: 'map', entries },
      here.filter((p) => p.type !== 'add'),
      where,
    );
  }
  if (base.k === 'seq') {
    const items: Item[] = [];
    const additions = here.filter((p): p is Extract<Patch, { type: 'add' }> => p.type === 'add');
    const addAfter = (after: number | null) => {
      for (const a of additions.filter((x) => x.after === after))
        items.push({ ...a.item!, cond: and([a.item!.cond, a.variant.cond]) });
    };
    addAfter(null);
    base.items.forEach((it, i) => {
      const sub = [...path, i];
      const removers = patches
        .get(sub)
        .filter((p) => p.type === 'remove')
        .map((p) => p.variant);
      items.push({
        ...it,
        node: build(it.node, sub, patches, `${where}[${i}]`),
        cond: presentUnless(it.cond, removers),
      });
      addAfter(i);
    });
    return applyChange(
      { k: 'seq', items },
      here.filter((p) => p.type !== 'add'),
      where,
    );
  }
  return applyChange(base, here, where);
}

/**
 * Merges the base synth with its variants into one set of documents: what a variant drops becomes conditional on
 * the variant's condition not holding, what it adds or changes on it holding. Each variant changes one key, so a
 * node changed by two different keys is an interaction the writer cannot infer, and is reported.
 */
export function mergeVariants(
  base: readonly Doc[],
  variants: readonly Variant[],
  /** Called for a variant that changes no object, instead of failing (a base where its key has no say). */
  unchanged?: (variant: Variant) => void,
): Doc[] {
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
    if (!changed) {
      if (!unchanged) throw new TemplateError(unchangedMessage(variant));
      unchanged(variant);
    }
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
    merged.push({
      ...doc,
      node: build(doc.node, [doc.id], patches, doc.id),
      cond: presentUnless(doc.cond, docRemovers.get(doc.id) ?? []),
    });
    addAfter(doc.id);
  }
  return merged;
}

/** The refusal of a variant that changes nothing: its row or the constructs are wrong. */
export const unchangedMessage = (variant: Variant): string =>
  `the value ${variant.key} (${renderCond(variant.cond)}) changes no object`;

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
