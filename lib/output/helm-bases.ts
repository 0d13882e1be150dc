import { Cond, and, atom, condKey, or } from './helm-conditions';
import { Doc, TemplateError, nodeKey } from './helm-nodes';
import { mergeVariants } from './helm-merge';

/*
 * Replacing values: a key whose values swap objects for others (`alb.api`: an Ingress, or a Gateway with its
 * configuration and routes). A variant over the base could only add the other value's objects as that one synth has
 * them, blind to every other key; so each value of such a key is a base of its own, every other key's variants are
 * merged over each base, and the merged documents of the bases are joined here: a document the same in every base
 * is written once, one that differs once per group of bases with the same text, under the condition selecting them.
 */

/** One key whose values are bases of their own: the values, the base's first, and how a pipeline reads the key. */
export interface ReplacingKey {
  readonly path: string;
  readonly values: readonly string[];
  /** The key as a pipeline (`$.Values.alb.api`). */
  readonly expr: string;
}

/** One base: a value of each replacing key, in the order of the keys. */
export type Base = readonly string[];

/** Every combination of the replacing keys' values; the first is the main base (every key at its first value). */
export function basesOf(keys: readonly ReplacingKey[]): Base[] {
  return keys.reduce<Base[]>((acc, key) => acc.flatMap((b) => key.values.map((v) => [...b, v])), [[]]);
}

/** The condition that holds exactly for the bases of `set`: per key where possible, else one conjunction per base. */
export function basesCond(keys: readonly ReplacingKey[], set: readonly Base[]): Cond | undefined {
  const eq = (k: number, v: string) => atom(`eq ${keys[k].expr} ${JSON.stringify(v)}`);
  const projections = keys.map((_, k) => [...new Set(set.map((b) => b[k]))]);
  const product = projections.reduce((n, p) => n * p.length, 1);
  const keyCond = (k: number, vs: readonly string[]) =>
    or(keys[k].values.filter((v) => vs.includes(v)).map((v) => eq(k, v)));
  if (product === new Set(set.map((b) => JSON.stringify(b))).size) {
    const conds = projections.flatMap((p, k) => (p.length === keys[k].values.length ? [] : [keyCond(k, p)]));
    return conds.length === 0 ? undefined : and(conds);
  }
  return or(set.map((b) => and(b.map((v, k) => eq(k, v)))));
}

/**
 * The documents of every base as one list: a document with the same text and condition in all bases once, as it is;
 * otherwise each distinct version once, under the condition of the bases that have it. Order: the main base's, with
 * documents of other bases after the document they follow there.
 */
export function joinBases(
  keys: readonly ReplacingKey[],
  bases: readonly Base[],
  docs: readonly (readonly Doc[])[],
): Doc[] {
  if (bases.length === 1) return [...docs[0]];
  const order: string[] = [];
  for (const list of docs) {
    let at = -1;
    for (const d of list) {
      const i = order.indexOf(d.id);
      if (i >= 0) at = i;
      else order.splice(++at, 0, d.id);
    }
  }
  const versionKey = (d: Doc) => `${nodeKey(d.node)}\0${d.cond === undefined ? '' : condKey(d.cond)}\0${d.range ?? ''}`;
  const out: Doc[] = [];
  for (const id of order) {
    const groups = new Map<string, { doc: Doc; bases: Base[] }>();
    docs.forEach((list, b) => {
      const found = list.filter((d) => d.id === id);
      if (found.length > 1) throw new TemplateError(`${id}: two objects of one id in one synth`);
      if (found.length === 0) return;
      const key = versionKey(found[0]);
      const group = groups.get(key) ?? { doc: found[0], bases: [] };
      group.bases.push(bases[b]);
      groups.set(key, group);
    });
    const versions = [...groups.values()];
    const present = versions.reduce((n, g) => n + g.bases.length, 0);
    const merged = present === bases.length ? mergedVersions(keys, versions) : undefined;
    if (merged) {
      out.push(merged);
      continue;
    }
    for (const { doc, bases: set } of versions) {
      const cond = set.length === bases.length ? undefined : basesCond(keys, set);
      out.push(cond === undefined ? doc : { ...doc, cond: and([cond, doc.cond]) });
    }
  }
  return out;
}

/**
 * The versions of a document present in every base as one document whose differing fields are choices on the bases,
 * when they differ only inside (the same condition and repetition); undefined otherwise, or when the merge cannot.
 */
function mergedVersions(
  keys: readonly ReplacingKey[],
  versions: readonly { doc: Doc; bases: Base[] }[],
): Doc | undefined {
  if (versions.length === 1) return versions[0].doc;
  const [first, ...others] = versions;
  const same = (d: Doc) =>
    (d.cond === undefined ? '' : condKey(d.cond)) === (first.doc.cond === undefined ? '' : condKey(first.doc.cond)) &&
    d.range === first.doc.range;
  if (!others.every((v) => same(v.doc))) return undefined;
  const key = keys.map((k) => k.path).join(' and ');
  try {
    const [doc, ...rest] = mergeVariants(
      [first.doc],
      others.map((v) => ({ key, cond: basesCond(keys, v.bases) ?? and([]), docs: [v.doc] })),
    );
    return rest.length === 0 && doc.id === first.doc.id && doc.cond === first.doc.cond ? doc : undefined;
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
}
