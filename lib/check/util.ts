/** Small readers for untyped YAML: they never throw, they return undefined for anything of the wrong shape. */
import * as yaml from 'js-yaml';

export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rec(v: unknown): Rec {
  return isRec(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads a dotted path (`spec.tls.mode`) through nested records. */
export function at(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const key of path.split('.')) {
    if (!isRec(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Reads YAML/JSON text defensively: undefined when it does not parse. */
export function parseYamlText(text: string): unknown {
  try {
    return yaml.load(text);
  } catch {
    return undefined;
  }
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(v))) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** True when every key/value of `selector` is in `labels` (an empty selector matches nothing here, on purpose). */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** Field path for an annotation, as kubectl's JSONPath would spell it. */
export function annotationField(key: string): string {
  return `metadata.annotations['${key}']`;
}

/** Istio/Ingress host matching: `*` matches all, `*.example.com` matches one or more labels in front. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || host === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  if (host.startsWith('*.')) return pattern.endsWith(host.slice(1));
  return pattern.toLowerCase() === host.toLowerCase();
}

/** `*` and `*.suffix` for every domain suffix of a host: the wildcard hosts that match it. */
export function wildcardPatterns(host: string): string[] {
  const out = ['*'];
  for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) out.push(`*${host.slice(i)}`);
  return out;
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Appends to the list under `key`, creating it: grouping in linear time (spreading the list each time is quadratic). */
export function append<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/** The first few items, then how many more: a message stays one readable line. */
export function listSome(items: readonly string[], shown = 3): string {
  return items.slice(0, shown).join(', ') + (items.length > shown ? ` and ${items.length - shown} more` : '');
}

/** A label selector as text: `k=v` pairs, sorted, separated by commas. */
export function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}
