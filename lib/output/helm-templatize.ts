import { Node, Part, Ref, TemplateError, nodeKey, same } from './helm-nodes';

/* Plain (JSON) objects of one synth -> nodes: sentinels become references, repeated neighbours become ranges. */

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

/** The sentinels of one synth: strings and numbers the configuration was replaced with, and what they stand for. */
export interface Sentinels {
  readonly strings: ReadonlyMap<string, Ref>;
  readonly numbers: ReadonlyMap<number, Ref>;
  /** Map and list values replaced whole: key of the value (nodeKey of the plain object or array) -> reference. */
  readonly maps: ReadonlyMap<string, Ref>;
}

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
    if (
      typeof a !== 'string' &&
      a.t === 'elem' &&
      a.index === 0 &&
      a.field === undefined &&
      typeof sep === 'string' &&
      sep.length <= 3 &&
      b !== undefined &&
      typeof b !== 'string' &&
      b.t === 'elem' &&
      b.list === a.list &&
      b.index === 1
    ) {
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
    withElements.set(
      node,
      parts.some((p) => typeof p !== 'string' && hasElements(p)),
    );
    return node;
  }
  if (typeof value === 'number') {
    const ref = sentinels.numbers.get(value);
    return ref ? { k: 'tpl', parts: [ref], type: 'number' } : { k: 'lit', v: value };
  }
  if (typeof value === 'boolean' || value === null) return { k: 'lit', v: value };
  if (Array.isArray(value)) {
    const whole = sentinels.maps.get(nodeKey(value));
    if (whole) return { k: 'yaml', ref: whole };
    const items = value.map((v) => ({ node: templatize(v, sentinels, match) }));
    const node: Node = {
      k: 'seq',
      items: findRanges(
        items,
        (i) => i.node,
        (_, n, range) => ({ node: n, range }),
      ),
    };
    withElements.set(
      node,
      node.items.some((i) => hasElements(i.node)),
    );
    return node;
  }
  if (typeof value === 'object') {
    const whole = sentinels.maps.get(nodeKey(value));
    if (whole) return { k: 'yaml', ref: whole };
    const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      if (match(key).some((p) => typeof p !== 'string'))
        throw new TemplateError(`a configuration value is used as the key ${JSON.stringify(key)}`);
      return { key, node: templatize(v, sentinels, match) };
    });
    const node: Node = { k: 'map', entries };
    withElements.set(
      node,
      entries.some((e) => hasElements(e.node)),
    );
    return node;
  }
  throw new TemplateError(`cannot template a value of type ${typeof value}`);
}

/** Maps every reference in a node. */
export function mapRefs<T>(x: T, f: (r: Ref) => Ref): T {
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
export function findRanges<T>(
  items: readonly T[],
  nodeOf: (item: T) => Node,
  make: (item: T, node: Node, range: string) => T,
): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!hasElements(nodeOf(items[i]))) {
      out.push(items[i]);
      continue;
    }
    const here = collectRefs(nodeOf(items[i])).filter((r) => r.t === 'elem' && r.index === 0) as Extract<
      Ref,
      { t: 'elem' }
    >[];
    const next = items[i + 1];
    const list =
      next === undefined
        ? undefined
        : [...new Set(here.map((r) => r.list))].find((l) =>
            same(toVar(nodeOf(items[i]), l, 0), toVar(nodeOf(next), l, 1)),
          );
    if (list !== undefined) {
      out.push(make(items[i], toVar(nodeOf(items[i]), list, 0), list));
      i++;
    } else {
      out.push(items[i]);
    }
  }
  return out;
}

/**
 * A list of one item made from element 1 of a list value, and of no element 0: the list without its first element
 * (a default certificate apart, the others in a list), which the constructs leave out when it is empty.
 */
function restOfList(nodes: readonly Node[]): string | undefined {
  if (nodes.length !== 1 || !hasElements(nodes[0])) return undefined;
  const refs = collectRefs(nodes[0]).filter((r): r is Extract<Ref, { t: 'elem' }> => r.t === 'elem');
  const lists = [...new Set(refs.map((r) => r.list))];
  return lists.length === 1 && refs.every((r) => r.index === 1) ? lists[0] : undefined;
}

/**
 * After ranges are found (of objects too: an object per element has its element's items), a list of one item made
 * from element 1 of a list value and of no element 0 is that list without its first element, which went elsewhere.
 */
export function withRests(node: Node): Node {
  if (!hasElements(node)) return node;
  if (node.k === 'map')
    return { k: 'map', entries: node.entries.map((e) => ('key' in e ? { ...e, node: withRests(e.node) } : e)) };
  if (node.k !== 'seq') return node;
  const rest = restOfList(node.items.map((i) => i.node));
  if (rest !== undefined && node.items[0].range === undefined)
    return { k: 'seq', items: [{ node: toVar(node.items[0].node, rest, 1), range: rest, rest: true }] };
  return { k: 'seq', items: node.items.map((i) => ({ ...i, node: withRests(i.node) })) };
}

/** After ranges are found, element 0 outside a range is the first element; element 1 there is a bug. */
export function resolveElements<T>(x: T, where: string): T {
  if (!hasElements(x)) return x;
  return mapRefs(x, (r) => {
    if (r.t !== 'elem') return r;
    if (r.index === 0) return { t: 'first', list: r.list, field: r.field };
    throw new TemplateError(
      `${where}: list value '${r.list}' is used element by element in a way the chart writer cannot repeat`,
    );
  });
}
