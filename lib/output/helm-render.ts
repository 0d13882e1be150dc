import * as yaml from 'js-yaml';
import { Cond, and, condKey, renderCond } from './helm-conditions';
import { Doc, Lists, Node, Part, Ref, TemplateError, isScalar } from './helm-nodes';

/* Prints merged documents as YAML with Go-template actions. */

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
    case 'expr':
      return r.expr;
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

/** Text made of literal parts and references, as one pipeline: a string, a reference, or a printf. */
export function partsPipeline(parts: readonly Part[], lists: Lists): string {
  const refs = parts.filter((p): p is Ref => typeof p !== 'string');
  if (refs.length === 0) return JSON.stringify(parts.join(''));
  if (parts.length === 1) return refExpr(refs[0], lists);
  const format = parts.map((p) => (typeof p === 'string' ? p.replace(/%/g, '%%') : '%v')).join('');
  return `printf ${JSON.stringify(format)} ${refs.map((r) => argOf(refExpr(r, lists))).join(' ')}`;
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
        if (node.parts.length !== 1 || refs.length !== 1)
          throw new TemplateError('a number or boolean value inside text');
        return `{{ ${refExpr(refs[0], lists)}${node.type === 'number' ? ' | int' : ''} }}`;
      }
      if (node.parts.length === 1) return `{{ ${refExpr(refs[0], lists)} | quote }}`;
      // Values inside text: printf, then quote the whole string (schema-checked values never need escaping, but
      // quote keeps every result a YAML string, for example a version label such as 0.10).
      const format = node.parts.map((p) => (typeof p === 'string' ? p.replace(/%/g, '%%') : '%v')).join('');
      return `{{ printf ${JSON.stringify(format)} ${refs.map((r) => argOf(refExpr(r, lists))).join(' ')} | quote }}`;
    }
    case 'choice': {
      const branches = node.branches.map(
        (b, i) => `{{ ${i === 0 ? 'if' : 'else if'} ${renderCond(b.cond)} }}${inline(b.node, lists)}`,
      );
      return `${branches.join('')}{{ else }}${inline(node.otherwise, lists)}{{ end }}`;
    }
    default:
      throw new TemplateError(`not a scalar: ${node.k}`);
  }
}

const isControl = (line: string) => line.trimStart().startsWith('{{');

/** Wraps lines in `if`/`range` actions at the given indentation. */
function wrap(
  lines: string[],
  pad: string,
  cond: Cond | undefined,
  range: string | undefined,
  lists: Lists,
  rest = false,
): string[] {
  let out = lines;
  if (range !== undefined) {
    const spec = lists.get(range)!;
    const over = rest ? `rest (${spec.expr})` : spec.expr;
    out = [`${pad}{{- range $${spec.variable} := ${over} }}`, ...out, `${pad}{{- end }}`];
  }
  if (cond !== undefined) out = [`${pad}{{- if ${renderCond(cond)} }}`, ...out, `${pad}{{- end }}`];
  return out;
}

/** A structural choice: the same key (or item) with different content per condition. */
function choiceLines(node: Extract<Node, { k: 'choice' }>, pad: string, one: (n: Node) => string[]): string[] {
  const lines: string[] = [];
  node.branches.forEach((b, i) =>
    lines.push(`${pad}{{- ${i === 0 ? 'if' : 'else if'} ${renderCond(b.cond)} }}`, ...one(b.node)),
  );
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
    case 'seq': {
      if (node.items.length === 0) return [`${pad}${k}: []`];
      const lines = [`${pad}${k}:`, ...seqLines(node, indent + 2, lists)];
      // The rest of a list: the key only when there is a rest (templatize's restOfList).
      const rest = node.items.length === 1 && node.items[0].rest ? lists.get(node.items[0].range!) : undefined;
      return rest ? [`${pad}{{- if gt (len ${argOf(rest.expr)}) 1 }}`, ...lines, `${pad}{{- end }}`] : lines;
    }
    case 'yaml':
      return [`${pad}${k}:`, `${pad}  {{- toYaml ${argOf(refExpr(node.ref, lists))} | nindent ${indent + 2} }}`];
    case 'choice':
      return choiceLines(node, pad, (n) => entryLines(key, n, indent, lists));
    default:
      throw new TemplateError(`cannot print ${node.k}`);
  }
}

function mapLines(node: Extract<Node, { k: 'map' }>, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  return node.entries.flatMap((e) =>
    'key' in e
      ? wrap(entryLines(e.key, e.node, indent, lists), pad, e.cond, undefined, lists)
      : [`${pad}{{- include ${e.splice} | nindent ${indent} }}`],
  );
}

function itemLines(node: Node, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(node)) return [`${pad}- ${inline(node, lists)}`];
  if (node.k === 'choice') return choiceLines(node, pad, (n) => itemLines(n, indent, lists));
  const inner =
    node.k === 'map'
      ? mapLines(node, indent + 2, lists)
      : node.k === 'seq'
        ? seqLines(node, indent + 2, lists)
        : [`${pad}  {{- toYaml ${node.k === 'yaml' ? argOf(refExpr(node.ref, lists)) : ''} | nindent ${indent + 2} }}`];
  if (inner.length === 0) return [`${pad}- ${node.k === 'seq' ? '[]' : '{}'}`];
  // `- key: value` on one line, unless the item starts with an action, which must keep its own line.
  if (isControl(inner[0])) return [`${pad}-`, ...inner];
  return [`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1)];
}

function seqLines(node: Extract<Node, { k: 'seq' }>, indent: number, lists: Lists): string[] {
  const pad = ' '.repeat(indent);
  return node.items.flatMap((it) => wrap(itemLines(it.node, indent, lists), pad, it.cond, it.range, lists, it.rest));
}

/**
 * One template file: its documents, each in its own conditional. A condition shared by every document (a component
 * switch) wraps the whole file instead, which is easier to read.
 */
export function renderFile(docs: readonly Doc[], lists: Lists, header: string): string {
  const shared =
    docs.length === 0
      ? []
      : (docs[0].cond ? (docs[0].cond.op === 'and' ? docs[0].cond.cs : [docs[0].cond]) : []).filter((c) =>
          docs.every((d) => d.cond !== undefined && conjunctKeys(d.cond).includes(condKey(c))),
        );
  const sharedKeys = new Set(shared.map(condKey));
  // Neighbours with the same remaining condition share one `if`.
  const groups: { cond?: Cond; lines: string[] }[] = [];
  for (const d of docs) {
    if (d.node.k !== 'map') throw new TemplateError(`${d.id}: an object must be a map`);
    const rest =
      d.cond === undefined
        ? []
        : (d.cond.op === 'and' ? d.cond.cs : [d.cond]).filter((c) => !sharedKeys.has(condKey(c)));
    const cond = rest.length === 0 ? undefined : and(rest);
    const lines = wrap(['---', ...mapLines(d.node, 0, lists)], '', undefined, d.range, lists);
    const last = groups[groups.length - 1];
    if (
      last &&
      (last.cond === undefined ? cond === undefined : cond !== undefined && condKey(last.cond) === condKey(cond))
    )
      last.lines.push(...lines);
    else groups.push({ cond, lines });
  }
  const body = groups.flatMap((g) => wrap(g.lines, '', g.cond, undefined, lists));
  const lines = shared.length === 0 ? body : wrap(body, '', and(shared), undefined, lists);
  return `${header}${lines.join('\n')}\n`;
}

const conjunctKeys = (c: Cond) => (c.op === 'and' ? c.cs : [c]).map(condKey);
