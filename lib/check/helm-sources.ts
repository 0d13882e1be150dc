/** The Helm sources of Argo CD Applications, with their inline values and parameters merged. */
import { Obj } from './identity';
import { arr, isRec, parseYamlText, rec, str } from './util';

/** One Helm source of an Argo CD Application, with its values merged from valuesObject/values and parameters. */
export interface HelmSource {
  readonly source: Record<string, unknown>;
  /** `spec.source` or `spec.sources[i]`. */
  readonly field: string;
  readonly chart?: string;
  readonly repoURL: string;
  readonly values: Record<string, unknown>;
  /** Field path of the inline values: `<field>.helm.valuesObject` or `<field>.helm.values`. */
  readonly valuesField: string;
}

/** Istio's Helm charts (base, istiod, gateway ...) come from its release repository (or a mirror naming istio). */
export function isIstioChartRepo(repoURL: string): boolean {
  return /istio/.test(repoURL);
}

/** Sets a dotted Helm parameter name (`a.b.c`) in a values tree. */
function setParameter(values: Record<string, unknown>, name: string, value: unknown): void {
  const keys = name.split('.');
  let cur = values;
  for (const k of keys.slice(0, -1)) {
    if (!isRec(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** The Helm sources of an Argo CD Application; values files are not read (they live in the chart repository). */
export function helmSources(o: Obj): HelmSource[] {
  const spec = rec(o.raw.spec);
  const sources: [Record<string, unknown>, string][] = isRec(spec.source)
    ? [[spec.source, 'spec.source']]
    : arr(spec.sources)
        .map((s, i) => [rec(s), `spec.sources[${i}]`] as [Record<string, unknown>, string])
        .filter(([s]) => Object.keys(s).length > 0);
  return sources.map(([source, field]) => {
    const helm = rec(source.helm);
    let values: Record<string, unknown> = {};
    if (isRec(helm.valuesObject)) values = JSON.parse(JSON.stringify(helm.valuesObject)) as Record<string, unknown>;
    else if (typeof helm.values === 'string') values = rec(parseYamlText(helm.values));
    for (const p of arr(helm.parameters)) {
      const name = str(rec(p).name);
      if (name) setParameter(values, name, rec(p).value);
    }
    const valuesField = `${field}.helm.${!isRec(helm.valuesObject) && typeof helm.values === 'string' ? 'values' : 'valuesObject'}`;
    return { source, field, chart: str(source.chart), repoURL: str(source.repoURL) ?? '', values, valuesField };
  });
}
