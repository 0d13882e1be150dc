import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { basename, dirname, join } from 'path';
import * as yaml from 'js-yaml';
import { loadConfig } from '../../lib/config/load';
import { CHART_NAME, renderHelmChart } from '../../lib/output/helm-chart';
import { helper } from '../../lib/output/helm-names';
import { synthManifests } from '../../lib/output/plain';
import { HelmResult, runHelm } from '../../lib/tools/helm';
import { HELM_ONLY_LABELS } from '../../lib/output/helm-self-check';
import { STACK } from '../../charts';
const { SHARED_DIR_ENV } = require('../support/global-setup') as { SHARED_DIR_ENV: string };

export { CHART_NAME };

/** Labels only Helm sets; everything else must be equal between `helm template` and the plain synth. */
export const HELM_LABELS = HELM_ONLY_LABELS;

/** A scratch folder, removed by `cleanup`. */
export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The chart generated from the built-in config: path -> content, as renderHelmChart gives it. */
function renderDefaultChart(): Map<string, string | Buffer> {
  return renderHelmChart(STACK, loadConfig());
}

/**
 * A folder holding the rendered chart files, rendered once per jest run into the run's shared folder (set by
 * test/support/global-setup.js) and then only copied: most helm test files need this same chart, and rendering it
 * costs each of them about a second. Without the shared folder (jest run otherwise), it is rendered into `dir`.
 */
function renderedChartFiles(dir: string): string {
  const shared = process.env[SHARED_DIR_ENV];
  const write = (target: string) => {
    for (const [rel, content] of renderDefaultChart()) {
      mkdirSync(dirname(join(target, rel)), { recursive: true });
      writeFileSync(join(target, rel), content);
    }
  };
  if (!shared) {
    write(dir);
    return dir;
  }
  const done = join(shared, 'default-chart');
  const failed = join(shared, 'default-chart.failed');
  if (existsSync(done)) return done;
  try {
    // The first worker to get here renders; the others wait for it rather than render the same files alongside it.
    mkdirSync(join(shared, 'default-chart.lock'));
  } catch {
    const wait = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !existsSync(done) && !existsSync(failed) && waited < 120_000; waited += 50)
      Atomics.wait(wait, 0, 0, 50);
    if (existsSync(done)) return done;
    // It failed (each file then renders, to fail with the error itself) or took too long.
    write(dir);
    return dir;
  }
  // Rendered aside and renamed, so that no worker copies half a chart.
  const partial = mkdtempSync(join(shared, 'default-chart-partial-'));
  try {
    write(partial);
  } catch (e) {
    mkdirSync(failed);
    throw e;
  }
  renameSync(partial, done);
  return done;
}

/** Writes the chart generated from the built-in config (and its archive) under `dir`; returns the chart folder. */
export function writeChart(dir: string): { chartDir: string; archive: string } {
  const source = renderedChartFiles(dir);
  if (source !== dir) cpSync(source, dir, { recursive: true });
  const archives = readdirSync(join(dir, 'helm')).filter((k) => k.endsWith('.tgz'));
  return { chartDir: join(dir, 'helm', CHART_NAME), archive: join(dir, 'helm', archives[0]) };
}

/** At most this many helm processes of the tests at once: a group's specs may start many runs while collecting. */
const MAX_HELM_RUNS = 4;
let helmRuns = 0;
const waitingRuns: (() => void)[] = [];

export async function helm(args: readonly string[]): Promise<HelmResult> {
  while (helmRuns >= MAX_HELM_RUNS) await new Promise<void>((resolve) => waitingRuns.push(resolve));
  helmRuns++;
  try {
    return await runHelm(args);
  } finally {
    helmRuns--;
    waitingRuns.shift()?.();
  }
}

const runs = new Map<string, Promise<HelmResult>>();
/**
 * helm run once per jest file for the same arguments, for tests that look at the same rendering: only for arguments
 * whose files do not change in between (a chart folder written once, `--set` values).
 */
export const helmOnce = (args: readonly string[]): Promise<HelmResult> => {
  const key = JSON.stringify(args);
  if (!runs.has(key)) runs.set(key, helm(args));
  return runs.get(key)!;
};

/** `helm template` of `chart` with `values` (written to a values file) and extra arguments: helm's result. */
export function templateRun(
  chart: string,
  dir: string,
  name: string,
  values: object,
  extra: readonly string[] = [],
): Promise<HelmResult> {
  const file = join(dir, `${name}.values.yaml`);
  writeFileSync(file, yaml.dump(values));
  return helm(['template', 'alb-istio-ingress', chart, '-f', file, ...extra]);
}

/** The indexes of the items named `names` (by `nameOf`); throws naming one that is missing. */
export function indexesOf<T>(items: readonly T[], nameOf: (item: T) => string, names: readonly string[]): number[] {
  return names.map((name) => {
    const i = items.findIndex((item) => nameOf(item) === name);
    if (i < 0) throw new Error(`no item named ${name}`);
    return i;
  });
}

/** `helm template` of `chart` with `values` (a values file) and extra arguments; throws on failure. */
export async function template(
  chart: string,
  dir: string,
  name: string,
  values: object,
  extra: readonly string[] = [],
): Promise<any[]> {
  const result = await templateRun(chart, dir, name, values, extra);
  if (result.code !== 0) throw new Error(`helm template (${name}) failed: ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** The chart name of the parent chart templateMany writes, and its dependency alias of value set `i`. */
const PARENT = 'value-sets';
const ALIAS = 'set';
const alias = (i: number) => `${ALIAS}${i}`;

/**
 * `helm template` of `chart` with each of `sets`, in one helm run: helm's start-up (0.1 s of CPU) is most of a run's
 * cost. The chart is a dependency of a parent chart, once per set under the alias set<i> with the set as its values,
 * as an umbrella chart holds it; chart.spec.ts proves that it renders there what it renders alone. Returns each set's
 * objects; throws naming helm's error when any set fails.
 */
export async function templateMany(
  chart: string,
  dir: string,
  name: string,
  sets: readonly object[],
): Promise<any[][]> {
  const parent = join(dir, `${name}-${PARENT}`);
  const { name: chartName, version } = yaml.load(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as {
    name: string;
    version: string;
  };
  cpSync(chart, join(parent, 'charts', chartName), { recursive: true });
  writeFileSync(
    join(parent, 'Chart.yaml'),
    yaml.dump({
      apiVersion: 'v2',
      name: PARENT,
      version: '0.0.0',
      dependencies: sets.map((_, i) => ({ name: chartName, version, alias: alias(i) })),
    }),
  );
  writeFileSync(join(parent, 'values.yaml'), yaml.dump(Object.fromEntries(sets.map((v, i) => [alias(i), v]))));
  const result = await helm(['template', 'alb-istio-ingress', parent]);
  if (result.code !== 0 || result.stderr !== '')
    throw new Error(`helm template of ${name} (${sets.length} value sets) failed or warned: ${result.stderr}`);
  const objects = sets.map((): any[] => []);
  // Every manifest of helm's output starts with the template it came from: # Source: <parent>/charts/<alias>/...
  const source = new RegExp(`^# Source: ${PARENT}/charts/${ALIAS}(\\d+)/`, 'm');
  for (const manifest of result.stdout.split(/^---$/m)) {
    if (manifest.trim() === '') continue;
    const set = source.exec(manifest);
    if (!set) throw new Error(`helm template of ${name}: a manifest of no value set: ${manifest.slice(0, 200)}`);
    objects[Number(set[1])].push(...parseObjects(manifest));
  }
  return objects;
}

/** `over` on top of `base` as helm coalesces values: maps merge key by key, null removes a key, the rest replaces. */
export const coalesceValues = (base: Record<string, any>, over: Record<string, any>): Record<string, any> => {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over))
    if (v === null) delete out[k];
    else
      out[k] =
        typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])
          ? coalesceValues(out[k], v)
          : v;
  return out;
};

/**
 * `helm lint --strict` of `chart` with each of `sets`, in one helm run: a copy of the chart per set whose values.yaml
 * is the chart's own with the set on top (what `-f set.yaml` lints), all named to one `helm lint`. Returns each
 * copy's section of helm's output (from its `==> Linting` line) and the run's last line.
 */
export async function lintMany(
  chart: string,
  dir: string,
  name: string,
  sets: readonly Record<string, any>[],
): Promise<{ code: number; stderr: string; sections: string[]; summary: string }> {
  const defaults = yaml.load(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, any>;
  const copies = sets.map((set, i) => {
    const copy = join(dir, `${name}-lint`, String(i), basename(chart));
    cpSync(chart, copy, { recursive: true });
    writeFileSync(join(copy, 'values.yaml'), yaml.dump(coalesceValues(defaults, set)));
    return copy;
  });
  const run = await helm(['lint', '--strict', ...copies]);
  const sections = copies.map((copy, i) => {
    const start = run.stdout.indexOf(`==> Linting ${copy}\n`);
    const end = i + 1 < copies.length ? run.stdout.indexOf(`==> Linting ${copies[i + 1]}\n`) : undefined;
    return start < 0 ? '' : run.stdout.slice(start, end);
  });
  return { code: run.code, stderr: run.stderr, sections, summary: run.stdout.trim().split('\n').pop() ?? '' };
}

/**
 * For each of `sets`, the first refusal of the chart's checks ('' when they pass), in one helm run: the chart reduced
 * to its named templates and one template that runs the validate define in report mode (a context holding a list
 * "refusals", which the refuse helper fills instead of failing), held once per set by a parent chart (templateMany).
 * The first refusal is the line `helm template` of the whole chart fails with; value-formats.spec.ts and
 * cross-field-rules.spec.ts prove it with real failing runs. The checks after a refusal still run, on values the real
 * chart never gets that far with: one that errors there fails the whole run (never a false pass).
 */
export async function refusalsOf(chart: string, dir: string, name: string, sets: readonly object[]): Promise<string[]> {
  const checks = join(dir, `${name}-checks`);
  cpSync(chart, checks, { recursive: true });
  for (const file of readdirSync(join(checks, 'templates')))
    if (file !== '_helpers.tpl') rmSync(join(checks, 'templates', file));
  writeFileSync(
    join(checks, 'templates', 'refusals.yaml'),
    `{{- $context := dict "Values" .Values "Release" .Release "Chart" .Chart "Capabilities" .Capabilities "refusals" list }}
{{- include "${helper('validate')}" $context }}
refusals: {{ toJson $context.refusals }}
`,
  );
  const rendered = await templateMany(checks, dir, name, sets);
  return rendered.map((objects) => (objects[0].refusals as string[])[0] ?? '');
}

/**
 * The objects of helm's output. The YAML 1.2 core schema, as the synth's own proof reads it: helm writes no
 * timestamps or other extended types, and it parses about four times faster than js-yaml's default schema.
 */
export const parseObjects = (text: string): any[] =>
  yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }).filter((o) => o !== null && o !== undefined);

/** Drops the Helm-only labels. */
export function withoutHelmLabels(objects: readonly any[]): any[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    for (const l of HELM_LABELS) delete copy.metadata?.labels?.[l];
    return copy;
  });
}

/**
 * The plain synth of a config file holding `config` (merged over the built-in default, as `--config` does);
 * only the objects of `fileName` when given.
 */
export function plainObjects(dir: string, name: string, config: object, fileName?: string): any[] {
  const file = join(dir, `${name}.config.yaml`);
  writeFileSync(file, yaml.dump(config));
  return synthManifests(STACK, loadConfig(file))
    .filter((m) => fileName === undefined || m.fileName === fileName)
    .flatMap((m) => m.objects);
}

const identity = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
/** Objects in a stable order, for comparing sets of objects. */
export const sorted = (objects: readonly any[]) => [...objects].sort((a, b) => identity(a).localeCompare(identity(b)));
