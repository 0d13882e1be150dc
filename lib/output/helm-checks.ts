import { ECHO_LIMIT } from '../patterns';
import { SchemaNode } from './helm-schema-node';

/*
 * The format checks of the chart's values, as template code. Helm 3.18 validates values.schema.json with
 * gojsonschema, whose pattern error shows the raw regular expression ("Does not match pattern '^[a-z0-9]...'"), never
 * the schema's description; so the schema keeps types, enums and closed objects, and the patterns are checked here,
 * failing with the synth's own message: '<key>' must be <expected form>, got <value>.
 */

type Node = SchemaNode;
/** A key as a printf format and its arguments (template variables holding list indexes and map keys). */
interface Key {
  readonly format: string;
  readonly args: readonly string[];
}

const keyExpr = (k: Key) =>
  k.args.length ? `(printf ${JSON.stringify(k.format)} ${k.args.join(' ')})` : JSON.stringify(k.format);
const child = (k: Key, prop: string): Key => ({
  format: k.format ? `${k.format}.${prop.replace(/%/g, '%%')}` : prop,
  args: k.args,
});

/** Length limits written as a lookahead (`^(?=.{m,n}$)`), which Go's RE2 lacks: they become explicit bounds. */
function re2(pattern: string): { pattern: string; min: number; max: number } {
  const length = /^\^\(\?=\.\{(\d+),(\d+)\}\$\)/.exec(pattern);
  const rest = length ? `^${pattern.slice(length[0].length)}` : pattern;
  if (/\(\?[=!<]|\\\d|`/.test(rest)) throw new Error(`values check: pattern ${pattern} has no RE2 equivalent`);
  return { pattern: rest, min: length ? Number(length[1]) : 0, max: length ? Number(length[2]) : 1_000_000_000 };
}

/** The schema's string branch with a pattern, for a string node or an anyOf of a string and something else. */
function stringBranch(node: Node): (Node & { readonly pattern: string }) | undefined {
  const hasPattern = (n: Node): n is Node & { readonly pattern: string } => typeof n.pattern === 'string';
  return hasPattern(node) ? node : node.anyOf?.find(hasPattern);
}

export class ValueChecks {
  private n = 0;

  constructor(private readonly matchHelper: string) {}

  /** Template lines checking `value` (a template expression) against `node`, naming it `key` in errors. */
  lines(node: Node, value: string, key: Key): string[] {
    const out: string[] = [];
    const branch = stringBranch(node);
    if (branch) {
      const { pattern, min, max } = re2(branch.pattern);
      const expected = node.expected ?? branch.expected;
      // One string or a list of them (host, certificateArn): every item must match; the error names the whole value.
      const all = node.anyOf?.some((b) => b.type === 'array' && b.items?.pattern === branch.pattern) ?? false;
      out.push(
        `{{- include "${this.matchHelper}" (list ${value} ${keyExpr(key)} \`${pattern}\` ${JSON.stringify(expected)} ${min} ${max} ${all} $) }}`,
      );
    }
    if (node.properties) {
      const required = new Set<string>(node.required ?? []);
      for (const [prop, sub] of Object.entries(node.properties)) {
        const inner = this.lines(sub, `(index ${value} ${JSON.stringify(prop)})`, child(key, prop));
        if (!inner.length) continue;
        out.push(
          ...(required.has(prop)
            ? inner
            : [`{{- if hasKey ${value} ${JSON.stringify(prop)} }}`, ...inner, '{{- end }}']),
        );
      }
    }
    if (node.type === 'array' && node.items) {
      const i = `$i${++this.n}`;
      const e = `$e${this.n}`;
      const inner = this.lines(node.items, e, { format: `${key.format}[%d]`, args: [...key.args, i] });
      if (inner.length) out.push(`{{- range ${i}, ${e} := ${value} }}`, ...inner, '{{- end }}');
    }
    for (const sub of node.allOf ?? []) out.push(...this.lines(sub, value, key));
    if (node.if?.pattern !== undefined && node.then) {
      const inner = this.lines(node.then, value, key);
      if (inner.length)
        out.push(
          `{{- if regexMatch \`${re2(node.if.pattern).pattern}\` (toString ${value}) }}`,
          ...inner,
          '{{- end }}',
        );
    }
    if (node.type === 'object' && (node.propertyNames || typeof node.additionalProperties === 'object')) {
      const k = `$k${++this.n}`;
      const v = `$v${this.n}`;
      const inner = [
        ...(node.propertyNames ? this.lines(node.propertyNames, k, key) : []),
        ...(typeof node.additionalProperties === 'object'
          ? this.lines(node.additionalProperties, v, { format: `${key.format}.%s`, args: [...key.args, k] })
          : []),
      ];
      if (inner.length) out.push(`{{- range ${k}, ${v} := ${value} }}`, ...inner, '{{- end }}');
    }
    return out;
  }
}

/**
 * The named templates the checks use: `refuse` refuses values with a message, `echo` shows a value as the synth does
 * (JSON, cut to ECHO_LIMIT characters), `match` takes (list value key pattern expected minLength maxLength oneOrMany
 * context), the context being the validate define's.
 */
export function checkHelpers(refuseHelper: string, echoHelper: string, matchHelper: string): string {
  return `{{/*
Refuses the values with a message. Takes (list context message): fails, unless the context (the validate define's)
holds a list "refusals", which gets the message instead, so that one rendering can report each refusal of many value sets.
*/}}
{{- define "${refuseHelper}" -}}
{{- $context := index . 0 -}}
{{- if hasKey $context "refusals" }}{{ $_ := set $context "refusals" (append (get $context "refusals") (index . 1)) }}{{ else }}{{ fail (index . 1) }}{{ end -}}
{{- end }}

{{/* A value as error messages show it: JSON, cut to ${ECHO_LIMIT} characters with the full length after it. */}}
{{- define "${echoHelper}" -}}
{{- $json := toJson . -}}
{{- if gt (len $json) ${ECHO_LIMIT} }}{{ printf "%s... (%d characters)" (trunc ${ECHO_LIMIT} $json) (len $json) }}{{ else }}{{ $json }}{{ end -}}
{{- end }}

{{/*
Fails unless a string value (or, for one-or-many values, each item) matches a pattern and length bounds. A string by its
type, not its kind: values a parent chart passes to this one hold numbers as json.Number, whose kind is string.
*/}}
{{- define "${matchHelper}" -}}
{{- $value := index . 0 -}}
{{- $items := list $value -}}
{{- if and (index . 6) (kindIs "slice" $value) }}{{ $items = $value }}{{ end -}}
{{- range $items }}
{{- if and (eq (typeOf .) "string") (or (not (regexMatch (index $ 2) .)) (lt (len .) (int (index $ 4))) (gt (len .) (int (index $ 5)))) }}
{{- include "${refuseHelper}" (list (index $ 7) (printf "'%s' must be %s, got %s" (index $ 1) (index $ 3) (include "${echoHelper}" $value))) }}
{{- end }}
{{- end }}
{{- end }}
`;
}
