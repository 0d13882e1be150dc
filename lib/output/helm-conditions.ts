/*
 * Go-template conditions of the chart's templates: built from the table's conjuncts, simplified, and printed as the
 * pipeline after `if`.
 */

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
