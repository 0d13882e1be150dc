import { createHash } from 'crypto';
import { App } from 'cdk8s';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { DEFAULT_CONFIG_FILE, loadDefaultConfig } from '../config/load';
import { PROJECT_ROOT } from '../project-root';
import { Config } from '../config/types';
import { readCacheFile, writeCacheFile } from './cache-file';
import { allOf, renderCond } from './helm-conditions';
import { Base, ReplacingKey, basesOf, joinBases } from './helm-bases';
import { CHART_VERSION, VALIDATE_TEMPLATE, chartYaml, helpersTpl, notesTxt } from './helm-files';
import { Variant, addCondition, mergeVariants, unchangedMessage } from './helm-merge';
import { CHART_NAME, helper } from './helm-names';
import { Doc, Entry, Lists, Node, TemplateError } from './helm-nodes';
import { packageChart } from './helm-package';
import { partsPipeline, renderFile } from './helm-render';
import { listsOf, sentinelConfig, sentinelsOf, withValue } from './helm-sentinels';
import {
  Matcher,
  Sentinels,
  findRanges,
  mapRefs,
  resolveElements,
  sentinelMatcher,
  withRests,
  templatize,
} from './helm-templatize';
import { SentinelSet, ValueRow, rowsOfSet, unmappedKeys } from './helm-value-rows';
import { helmValuesOf, renderValuesYaml } from './helm-values-yaml';
import { valuesSchema } from './helm-values-schema';
import { ManifestObject, SynthError, synthBuilt, synthObjects } from './plain';
import { checkSameInBothSets, checkSentinelsAccepted } from './helm-sentinel-checks';
import { RepeatedFile, StackChart, StackDefinition, StructureRule } from './stack';

export { CHART_NAME, helmValuesOf };

/**
 * The Helm chart: the same constructs as the plain YAML, synthesized with sentinel values (see helm-value-rows.ts),
 * turned into templates. The templates do not depend on the configuration, only values.yaml does: with no values,
 * `helm template` renders what the plain synth of the same configuration writes.
 */

/*
 * The value `scope` picks what renders: all; ingress (the ALB Ingress file only, the ALB-Istio-TLS chart's scope);
 * edge (everything but the repeated files: the shared part, one Argo CD Application); app (the element of a
 * repeated file named by `scopeApp`: one Argo CD Application per team's app).
 */
const SCOPE_ALL = '{{- if has $.Values.scope (list "all" "edge") }}\n';
const SCOPE_INGRESS = '{{- if has $.Values.scope (list "all" "edge" "ingress") }}\n';
const SCOPE_REPEATED = '{{- if has $.Values.scope (list "all" "app") }}\n';

/** validate.yaml's check of `scopeApp`: with scope app, it names an element of a repeated file's list. */
function scopeAppCheck(repeated: readonly RepeatedFile[]): string {
  const names = repeated.map(
    (r) => `(include "${helper('fieldOf')}" (list $.Values.${r.list} "name") | fromJsonArray)`,
  );
  const lists = repeated.map((r) => r.list).join(', ');
  return `{{- if eq .Values.scope "app" }}
{{- $names := concat ${names.join(' ')} }}
{{- if not (has .Values.scopeApp $names) }}
{{- include "${helper('refuse')}" (list $ (printf "'scopeApp' must name one of ${lists} (${names.length === 1 ? '' : 'any of '}%s) while scope is app, got %s" (join ", " $names) (include "${helper('echo')}" .Values.scopeApp))) }}
{{- end }}
{{- end }}`;
}

/** Replaces the chart labels of an object's metadata by the labels helper, which adds Helm's own. */
function withHelmLabels(node: Node, labels: Readonly<Record<string, string>>, id: string, match: Matcher): Node {
  const component = 'app.kubernetes.io/name';
  // A component named after a value (`app-<name>` of a repeated file) is a pipeline.
  const pipeline = partsPipeline(match(labels[component]), new Map());
  const componentExpr = /^[$.\w]+$|^"/.test(pipeline) ? pipeline : `(${pipeline})`;
  const splice = `"${helper('labels')}" (dict "component" ${componentExpr} "root" $)`;
  const isChartLabel = (l: Entry) =>
    'key' in l &&
    Object.hasOwn(labels, l.key) &&
    (l.node.k === 'lit' ? labels[l.key] === l.node.v : l.key === component);
  if (node.k !== 'map') throw new TemplateError(`${id}: not an object`);
  return {
    k: 'map',
    entries: node.entries.map((e) => {
      if (!('key' in e) || e.key !== 'metadata' || e.node.k !== 'map') return e;
      return {
        ...e,
        node: {
          k: 'map',
          entries: e.node.entries.map((m) => {
            if (!('key' in m) || m.key !== 'labels' || m.node.k !== 'map') return m;
            const own = m.node.entries.filter((l) => !isChartLabel(l));
            if (m.node.entries.length - own.length !== Object.keys(labels).length)
              throw new TemplateError(`${id}: chart labels missing`);
            return { ...m, node: { k: 'map', entries: [{ splice }, ...own] } };
          }),
        },
      };
    }),
  };
}

interface Synth {
  readonly docs: Doc[];
  /** The synthesized objects, before templating. */
  readonly objects: readonly { path: string; json: ManifestObject }[];
  readonly files: Map<string, string>;
  readonly labels: Map<string, Readonly<Record<string, string>>>;
}

function templatesOf(stack: StackDefinition, config: Config, sentinels: Sentinels, match: Matcher): Synth {
  return templatesOfBuilt((app) => stack.buildCharts(app, config), sentinels, match);
}

function templatesOfBuilt(build: (app: App) => readonly StackChart[], sentinels: Sentinels, match: Matcher): Synth {
  const files = new Map<string, string>();
  const labels = new Map<string, Readonly<Record<string, string>>>();
  const docs: Doc[] = [];
  const synthesized = synthBuilt(build);
  for (const file of synthesized) {
    labels.set(file.fileName, file.labels);
    const fileDocs = file.objects.map(({ path, json }) => {
      const id = match(path)
        .map((p) => (typeof p === 'string' ? p : `{${'list' in p ? p.list : p.t}}`))
        .join('');
      return { id, node: withHelmLabels(templatize(json, sentinels, match), file.labels, path, match) };
    });
    // One object per element of a list value (a ServiceEntry per external host) is one object in a range.
    for (const doc of findRanges(
      fileDocs,
      (d) => d.node,
      (d, node, range) => ({ ...d, node, range }),
    )) {
      const resolved = resolveElements({ ...doc, node: withRests(doc.node) }, doc.id);
      files.set(resolved.id, file.fileName);
      docs.push(resolved);
    }
  }
  return { docs, files, labels, objects: synthesized.flatMap((f) => f.objects) };
}

/** The variants of the table over `base`: one synth per other value of every enum, switch and optional key. */
function variantsOf(
  rows: readonly ValueRow[],
  base: Config,
): { row: ValueRow; value: unknown; config: Config; cond: string[] }[] {
  return rows
    .filter((row) => !row.replacing)
    .flatMap((row) =>
      (row.variants ?? []).map((v) => ({
        row,
        value: v.value,
        config: withValue(base, row.path, v.value),
        cond: [...v.cond],
      })),
    );
}

/** The rows whose values are bases of their own, as the base joiner takes them. */
function replacingKeys(rows: readonly ValueRow[]): ReplacingKey[] {
  return rows
    .filter((row) => row.replacing)
    .map((row) => ({
      path: row.path,
      values: [row.base as string, ...(row.variants ?? []).map((v) => v.value as string)],
      expr: `$.Values.${row.path}`,
    }));
}

/** `config` with the replacing keys at the values of `base`. */
const atBase = (config: Config, keys: readonly ReplacingKey[], base: Base): Config =>
  keys.reduce((c, key, k) => withValue(c, key.path, base[k]), config);

/**
 * Merges the variants of every base, each variant over each base; a variant must change something in some base.
 * `merge(base, unchanged)` merges one base and reports its unchanged variants by key and condition.
 */
function mergeBases(bases: readonly Base[], merge: (base: Base, unchanged: (v: Variant) => void) => Doc[]): Doc[][] {
  const unchanged = new Map<string, { variant: Variant; bases: number }>();
  const merged = bases.map((base) =>
    merge(base, (v) => {
      const key = `${v.key}\0${renderCond(v.cond)}`;
      unchanged.set(key, { variant: v, bases: (unchanged.get(key)?.bases ?? 0) + 1 });
    }),
  );
  for (const { variant, bases: n } of unchanged.values())
    if (n === bases.length) throw new TemplateError(unchangedMessage(variant));
  return merged;
}

/** Every value with sentinels must show somewhere: otherwise the table or the constructs changed. */
function checkEveryValueUsed(rows: readonly ValueRow[], docs: readonly Doc[]): void {
  const used = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.t === 'string' && !('k' in o)) used.add(String(o.path ?? o.list));
      Object.values(o).forEach(walk);
    }
  };
  docs.forEach((d) => walk(d));
  for (const row of rows) {
    const hasSentinels = (row.strings?.length ?? 0) + (row.numbers?.length ?? 0) > 0 || row.map;
    if (hasSentinels && ![...used].some((p) => p === row.path || p.startsWith(`${row.path}.`))) {
      throw new TemplateError(`the value ${row.path} shows in no object: remove its row or check the constructs`);
    }
  }
}

/**
 * Sentinels of either set must never occur in the constructs' own output: a literal 91 would otherwise turn into a
 * value. The built-in config with the base's switches (everything on) shows the literals the constructs write.
 */
function checkSentinelsUnique(stack: StackDefinition, sets: readonly Sentinels[]): void {
  let config = loadDefaultConfig();
  for (const row of stack.helm.valueRows)
    if (row.variants && !row.strings && !row.numbers) config = withValue(config, row.path, row.base);
  const keys = replacingKeys(stack.helm.valueRows);
  const numbers = new Set(sets.flatMap((s) => [...s.numbers.keys()]));
  const strings = new RegExp(
    sets
      .flatMap((s) => [...s.strings.keys()])
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
  );
  const walk = (x: unknown, where: string): void => {
    if (typeof x === 'number' && numbers.has(x))
      throw new TemplateError(
        `${where}: the constructs write ${x}, a sentinel; pick another in the stack's value rows`,
      );
    const found = typeof x === 'string' ? strings.exec(x) : null;
    if (found)
      throw new TemplateError(
        `${where}: the constructs write ${JSON.stringify(x)}, which holds the sentinel ${found[0]}`,
      );
    if (Array.isArray(x)) x.forEach((y) => walk(y, where));
    else if (x && typeof x === 'object')
      Object.entries(x).forEach(([k, y]) => {
        walk(k, where);
        walk(y, where);
      });
  };
  for (const base of basesOf(keys))
    for (const file of synthObjects(stack, atBase(config, keys, base)))
      for (const o of file.objects) walk(o.json, o.path);
}

/** Literal strings left with a sentinel marker: a value the writer could not map (a new derivation, say). */
function checkNoLeftovers(docs: readonly Doc[]): void {
  const walk = (x: unknown, where: string): void => {
    if (typeof x === 'string' && /helm-value/.test(x))
      throw new TemplateError(
        `${where}: ${JSON.stringify(x)} derives from a value in a way the chart writer does not know`,
      );
    if (Array.isArray(x)) x.forEach((y) => walk(y, where));
    else if (x && typeof x === 'object') Object.values(x).forEach((y) => walk(y, where));
  };
  for (const d of docs) walk(d.node, d.id);
}

/** The chart labels of the components: the same but for the component name, which the labels helper takes. */
function sharedChartLabels(all: readonly Readonly<Record<string, string>>[]): Readonly<Record<string, string>> {
  const withoutName = (l: Readonly<Record<string, string>>) =>
    JSON.stringify({ ...l, 'app.kubernetes.io/name': undefined });
  if (all.some((l) => withoutName(l) !== withoutName(all[0])))
    throw new TemplateError('the chart labels differ between components');
  return all[0];
}

/** Two sentinel tables as one; a sentinel in both is an error (it would stand for two values). */
function joinedSentinels(a: Sentinels, b: Sentinels): Sentinels {
  const join = <K, V>(x: ReadonlyMap<K, V>, y: ReadonlyMap<K, V>) => {
    for (const k of y.keys()) if (x.has(k)) throw new TemplateError(`sentinel ${String(k)} is used twice`);
    return new Map([...x, ...y]);
  };
  return { strings: join(a.strings, b.strings), numbers: join(a.numbers, b.numbers), maps: join(a.maps, b.maps) };
}

/** The main synths' sentinel set that the repeated files build on: its config, sentinels and matcher. */
interface MainSet {
  readonly config: Config;
  readonly sentinels: Sentinels;
}

/**
 * A file repeated per element of a list value: the element's charts synthesized with a sentinel element over the
 * main sentinel config (so the shared values read `$.Values`), checked with the second sentinel set like the main
 * synth, merged with the element's variants, and wrapped in the repetition.
 */
function repeatedFileText(
  def: RepeatedFile,
  sets: readonly [MainSet, MainSet],
  keys: readonly ReplacingKey[],
  lists: Lists,
  header: string,
): string {
  const sentinels = sets.map((s, set) => joinedSentinels(s.sentinels, def.sentinels(set as SentinelSet, s.config)));
  const matchers = sentinels.map(sentinelMatcher);
  const bases = basesOf(keys);
  const perBase = mergeBases(bases, (b, unchanged) => {
    const synth = (set: SentinelSet, variant?: number) =>
      templatesOfBuilt(
        (app) => def.build(app, atBase(sets[set].config, keys, b), set, variant),
        sentinels[set],
        matchers[set],
      );
    const base = synth(0);
    checkSameInBothSets(
      { objects: base.objects, sentinels: sentinels[0], match: matchers[0] },
      { objects: synth(1).objects, sentinels: sentinels[1], match: matchers[1] },
    );
    const variants: Variant[] = def.variants.map((v, i) => ({
      key: v.key,
      expr: v.expr,
      cond: allOf([v.cond]),
      verbatim: { base: v.base, value: v.value, complete: true, others: v.others },
      docs: synth(0, i).docs,
    }));
    return mergeVariants(base.docs, variants, unchanged);
  });
  const docs = joinBases(keys, bases, perBase);
  checkNoLeftovers(docs);
  return `${renderFile(docs, new Map([...lists, ...def.lists]), `${header}${def.open}`)}${def.close}`;
}

interface Templates {
  readonly files: ReadonlyMap<string, string>;
}

/** Built templates, by stack. */
const cached = new WeakMap<StackDefinition, Templates>();
let cacheDir: string | undefined;
let cacheStack: StackDefinition | undefined;

/**
 * Keeps `stack`'s chart templates in `dir` across processes (they take about 124 synths to build). Their key covers
 * the code of this project only, so the templates of no other stack are read from or written to `dir`. Off by
 * default, so that tests and library users never read a file they did not ask for; the synth command turns it on.
 */
export function useTemplateCache(dir: string | undefined, stack?: StackDefinition): void {
  cacheDir = dir;
  cacheStack = dir === undefined ? undefined : stack;
}

/** The folder of the running code (the sources, or their compiled build): lib/, charts/ and imports/ hold it. */
const CODE_ROOT = join(__dirname, '..', '..');

/**
 * A hash of everything the templates depend on: every file of the code (sources or compiled), the default config,
 * the lockfile (the versions of cdk8s and the other libraries) and the Node.js version.
 */
export function templateCacheKey(codeRoot = CODE_ROOT, projectRoot = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const add = (label: string, file: string) => {
    let content: Buffer | string;
    try {
      content = readFileSync(file);
    } catch {
      content = 'missing';
    }
    hash.update(`${label}\0${content.length}\0`).update(content);
  };
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(codeRoot, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) add(child, join(codeRoot, child));
    }
  };
  for (const dir of ['lib', 'charts', 'imports']) walk(dir);
  add('default config', DEFAULT_CONFIG_FILE);
  add('lockfile', join(projectRoot, 'package-lock.json'));
  hash.update(`node ${process.version}`);
  return hash.digest('hex');
}

const TEMPLATES_PREFIX = 'helm-templates-';
/** The file in the cache folder that holds the templates of `key` (templateCacheKey). */
export const templateCacheFile = (key: string): string => `${TEMPLATES_PREFIX}${key}.json`;

function readCache(dir: string, key: string): Templates | undefined {
  const text = readCacheFile(dir, templateCacheFile(key));
  if (text === undefined) return undefined;
  try {
    return { files: new Map(JSON.parse(text) as [string, string][]) };
  } catch {
    return undefined;
  }
}

const writeCache = (dir: string, key: string, templates: Templates) =>
  writeCacheFile(dir, TEMPLATES_PREFIX, templateCacheFile(key), JSON.stringify([...templates.files]));

let codeKey: string | undefined;
/** templateCacheKey of the running code, computed once per process: the code does not change under it. */
export const runningCodeKey = (): string => (codeKey ??= templateCacheKey());

/**
 * The chart's templates; they depend on the constructs only, so they are built once per process, and with
 * useTemplateCache once per change of the code.
 */
export function chartTemplates(stack: StackDefinition): Templates {
  const known = cached.get(stack);
  if (known) return known;
  const dir = stack === cacheStack ? cacheDir : undefined;
  const key = dir === undefined ? undefined : runningCodeKey();
  const hit = dir !== undefined && key !== undefined ? readCache(dir, key) : undefined;
  const templates = hit ?? buildTemplates(stack);
  if (!hit && dir !== undefined && key !== undefined) writeCache(dir, key, templates);
  cached.set(stack, templates);
  return templates;
}

function buildTemplates(stack: StackDefinition): Templates {
  const { helm } = stack;
  const rows = helm.valueRows;
  const unmapped = unmappedKeys(rows);
  if (unmapped.length > 0) {
    throw new SynthError(`Helm chart: no value mapping for ${unmapped.join(', ')}; add rows to the stack's value rows`);
  }
  try {
    const baseConfig = sentinelConfig(rows);
    const altRows = rowsOfSet(rows, 1);
    const altConfig = sentinelConfig(altRows);
    checkSentinelsAccepted([baseConfig, altConfig]);
    const sentinels = sentinelsOf(rows);
    const altSentinels = sentinelsOf(altRows);
    checkSentinelsUnique(stack, [sentinels, altSentinels]);
    const match = sentinelMatcher(sentinels);
    const altMatch = sentinelMatcher(altSentinels);
    const lists = listsOf(rows);
    const keys = replacingKeys(rows);
    const bases = basesOf(keys);
    const fileOf = new Map<string, string>();
    const labels = new Map<string, Readonly<Record<string, string>>>();
    const ruleHits = new Map<StructureRule, number>();
    const perBase = mergeBases(bases, (b, unchanged) => {
      const config = atBase(baseConfig, keys, b);
      const base = templatesOf(stack, config, sentinels, match);
      checkSameInBothSets(
        { objects: base.objects, sentinels, match },
        {
          objects: synthObjects(stack, atBase(altConfig, keys, b)).flatMap((f) => f.objects),
          sentinels: altSentinels,
          match: altMatch,
        },
      );
      base.files.forEach((f, id) => fileOf.set(id, f));
      base.labels.forEach((l, f) => labels.set(f, l));
      const variants: Variant[] = variantsOf(rows, config).map(({ row, value, config: variantConfig, cond }) => {
        const synth = templatesOf(stack, variantConfig, sentinels, match);
        synth.files.forEach((f, id) => fileOf.set(id, f));
        synth.labels.forEach((l, f) => labels.set(f, l));
        const scalar = (v: unknown) => ['string', 'boolean', 'number'].includes(typeof v);
        const complete = (row.variants ?? []).every((v) => scalar(v.value)) && scalar(row.base);
        return {
          key: row.path,
          cond: allOf(cond),
          verbatim: { base: row.base, value, complete, others: row.variants!.length },
          docs: synth.docs,
        };
      });
      const docs = mergeVariants(base.docs, variants, unchanged);
      // Structure rules hold in every base that has their objects; a rule must find them in one at least.
      for (const rule of helm.structureRules) {
        const ids = rule.doc.endsWith('/*')
          ? docs.map((d) => d.id).filter((id) => id.startsWith(rule.doc.slice(0, -1)) && !rule.except?.includes(id))
          : docs.some((d) => d.id === rule.doc)
            ? [rule.doc]
            : [];
        if (ids.length > 0) ruleHits.set(rule, (ruleHits.get(rule) ?? 0) + 1);
        for (const id of ids) addCondition(docs, id, allOf(rule.cond), rule.at);
      }
      return docs;
    });
    for (const rule of helm.structureRules)
      if (!ruleHits.has(rule)) throw new TemplateError(`no object ${rule.doc} to make conditional`);
    const docs = joinBases(keys, bases, perBase);
    checkNoLeftovers(docs);
    checkEveryValueUsed(rows, docs);

    const files = new Map<string, string>();
    files.set(
      'templates/_helpers.tpl',
      helpersTpl(
        sharedChartLabels([...labels.values()]),
        `${helm.crossFieldTemplate(helper)}\n${scopeAppCheck(helm.repeatedFiles)}`,
        helm.namedTemplates(helper),
      ),
    );
    const fileNames = [...new Set(fileOf.values())].sort();
    const ingressScopeFile = helm.ingressScopeFile;
    if (!fileNames.includes(ingressScopeFile))
      throw new TemplateError(`no template ${ingressScopeFile} for scope: ingress`);
    for (const fileName of fileNames) {
      const header = `{{- /* ${fileName}: generated by npm run synth from the cdk8s constructs; edit those, not this file. */}}\n`;
      const ingressOnly = fileName === ingressScopeFile;
      const context = helm.fileContexts.find((c) => c.fileName === fileName);
      let fileDocs = docs.filter((d) => fileOf.get(d.id) === fileName);
      if (context) {
        const values = context.values;
        fileDocs = fileDocs.map((d) =>
          mapRefs(d, (r) =>
            r.t === 'value' && Object.hasOwn(values, r.path) ? { t: 'expr', expr: values[r.path] } : r,
          ),
        );
      }
      const text = renderFile(
        fileDocs,
        context ? new Map([...lists, ...context.lists]) : lists,
        `${header}${ingressOnly ? SCOPE_INGRESS : SCOPE_ALL}${context?.open ?? ''}`,
      );
      files.set(`templates/${fileName}`, `${text}${context?.close ?? ''}{{- end }}\n`);
    }
    for (const def of helm.repeatedFiles) {
      if (fileNames.includes(def.fileName)) throw new TemplateError(`${def.fileName}: written by the main charts too`);
      const header = `{{- /* ${def.fileName}: generated by npm run synth from the cdk8s constructs, one element of ${def.list} at a time; edit those, not this file. */}}\n`;
      files.set(
        `templates/${def.fileName}`,
        `${repeatedFileText(
          def,
          [
            { config: baseConfig, sentinels },
            { config: altConfig, sentinels: altSentinels },
          ],
          keys,
          lists,
          `${header}${SCOPE_REPEATED}`,
        )}{{- end }}\n`,
      );
    }
    files.set('templates/validate.yaml', VALIDATE_TEMPLATE);
    files.set('templates/NOTES.txt', notesTxt(helm.notesAppLines));
    files.set('Chart.yaml', chartYaml());
    files.set('values.schema.json', `${JSON.stringify(valuesSchema(), null, 2)}\n`);
    return { files };
  } catch (e) {
    throw new SynthError(`Helm chart: ${(e as Error).message}`);
  }
}

/** The chart folder and its packaged archive, as `dist/` paths: `helm/<chart>/...` and `helm/<chart>-<version>.tgz`. */
export function renderHelmChart(stack: StackDefinition, config: Config): Map<string, string | Buffer> {
  const chart = new Map<string, string | Buffer>(chartTemplates(stack).files);
  chart.set('values.yaml', renderValuesYaml(helmValuesOf(config), stack.helm.valueDocs));
  const out = new Map<string, string | Buffer>();
  for (const [rel, content] of chart) out.set(`helm/${CHART_NAME}/${rel}`, content);
  out.set(`helm/${CHART_NAME}-${CHART_VERSION}.tgz`, packageChart(CHART_NAME, chart));
  return out;
}
