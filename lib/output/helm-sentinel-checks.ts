import { ConfigError, validateConfig } from '../config/load';
import { Ref, TemplateError, nodeKey } from './helm-nodes';
import { firstDifference } from './object-difference';
import { Config } from '../config/types';
import { Matcher, Sentinels } from './helm-templatize';
import { ManifestObject } from './plain';

/* Checks of the sentinels themselves, before and after the base synth. */

/**
 * The configuration must accept the sentinel configuration of each set (schema and cross-key rules): a sentinel that
 * a narrowed format no longer matches then fails here, naming the key, rather than deep in a construct.
 */
export function checkSentinelsAccepted(configs: readonly Config[]): void {
  configs.forEach((config, set) => {
    try {
      validateConfig(config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new TemplateError(
        `the configuration refuses a sentinel of set ${set}: ${e.message} (make the value format's sentinel in ` +
          "lib/patterns.ts match its pattern, or fix the relation in the stack's value rows)",
      );
    }
  });
}

/** A reference as the difference message shows it. */
function refText(r: Ref): string {
  switch (r.t) {
    case 'value':
      return `.Values.${r.path}`;
    case 'expr':
      return r.expr;
    case 'elem':
    case 'var':
    case 'first':
      return `.Values.${r.list}[${r.t === 'elem' ? r.index : r.t}]${r.field === undefined ? '' : `.${r.field}`}`;
    case 'join':
      return `join ${JSON.stringify(r.sep)} .Values.${r.list}`;
    case 'derived':
      return `${r.helper} (${refText(r.of)})`;
  }
}

/** A synth's objects with every sentinel replaced by `{{ what it stands for }}`: equal across sets if only copied. */
function readAsValues({ objects, sentinels, match }: SetSynth): Map<string, unknown> {
  const read = (x: unknown): unknown => {
    if (typeof x === 'string')
      return match(x)
        .map((p) => (typeof p === 'string' ? p : `{{ ${refText(p)} }}`))
        .join('');
    if (typeof x === 'number') {
      const ref = sentinels.numbers.get(x);
      return ref ? `{{ ${refText(ref)} }}` : x;
    }
    if (x && typeof x === 'object') {
      const whole = sentinels.maps.get(nodeKey(x));
      if (whole) return `{{ toYaml ${refText(whole)} }}`;
      if (Array.isArray(x)) return x.map(read);
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [read(k) as string, read(v)]));
    }
    return x;
  };
  return new Map(objects.map((o) => [`${String(o.json.kind)} ${read(o.path) as string}`, read(o.json)]));
}

const shown = (v: unknown) => {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** One synth of the base configuration with one set of sentinels. */
export interface SetSynth {
  readonly objects: readonly { path: string; json: ManifestObject }[];
  readonly sentinels: Sentinels;
  readonly match: Matcher;
}

/**
 * The base synth with sentinel set 1 (longer markers, other digits) must give the objects of set 0 once each
 * sentinel is read as the value it stands for. A construct that computes from a value rather than copying it (cuts
 * it, measures it, branches on its text) gives different objects: the chart would render other values wrongly.
 */
export function checkSameInBothSets(one: SetSynth, other: SetSynth): void {
  const a = readAsValues(one);
  const b = readAsValues(other);
  const problem = (text: string) =>
    new TemplateError(
      `${text} (a construct depends on a value in a way the chart generator did not see: ` +
        "declare that value's variants in the chart's value table)",
    );
  for (const [id, object] of a) {
    if (!b.has(id)) throw problem(`${id} is only in the synth with the first set of sentinels`);
    const d = firstDifference(object, b.get(id));
    if (d)
      throw problem(
        `${id} ${d.path}: the synth with one set of sentinels gives ${shown(d.chart)}, with another ${shown(d.plain)}`,
      );
  }
  for (const id of b.keys())
    if (!a.has(id)) throw problem(`${id} is only in the synth with the second set of sentinels`);
}
