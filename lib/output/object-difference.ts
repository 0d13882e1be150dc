import { isDeepStrictEqual } from 'util';

/* Where two plain objects differ, as the checks that compare objects name it. */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `spec` -> `.spec`; a key that is not an identifier (an annotation) in brackets, as the checker names fields. */
const fieldStep = (key: string, first: boolean) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${first ? '' : '.'}${key}` : `['${key}']`;

/** The first field where `a` and `b` differ, as a dotted path with both values; undefined when they are equal. */
export function firstDifference(
  a: unknown,
  b: unknown,
  path = '',
): { path: string; chart: unknown; plain: unknown } | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[key], b[key], `${path}${fieldStep(key, path === '')}`);
      if (d) return d;
    }
  }
  return { path: path === '' ? '(whole object)' : path, chart: a, plain: b };
}
