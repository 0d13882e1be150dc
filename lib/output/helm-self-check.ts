import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import * as yaml from 'js-yaml';
import { HELM_PACKAGE, helmBinary, HelmNotFoundError, runHelm } from '../tools/helm';
import { readCacheFile, writeCacheFile } from './cache-file';
import { firstDifference, isRecord } from './object-difference';

export { firstDifference };

/*
 * The synth's proof that its Helm chart renders its plain YAML: `helm template` of the generated chart folder with
 * each value set (the chart's defaults, each environment's Argo CD values) must give the plain objects of the same
 * configuration, field by field. The equivalence tests try many more value sets; this check guards every synth,
 * including a construct that branches on a value in a way the chart generator could not see.
 */

/** Labels only Helm sets; everything else must be equal. */
export const HELM_ONLY_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'helm.sh/chart'];

/** The release name the check renders with; no template depends on it. */
const RELEASE = 'self-check';

/** At most this many differences are named in the error. */
const LISTED_DIFFERENCES = 3;

export type ManifestObject = Readonly<Record<string, unknown>>;

/** One rendering to prove: the values passed to helm (none: the chart's defaults) and the objects it must give. */
export interface ChartRendering {
  readonly name: string;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly expected: readonly ManifestObject[];
}

export class ChartDriftError extends Error {}

function identity(o: ManifestObject): string {
  const metadata = isRecord(o.metadata) ? o.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
  return `${String(o.kind)}/${namespace}${String(metadata.name)}`;
}

function withoutHelmLabels(o: ManifestObject): ManifestObject {
  const copy = structuredClone(o) as Record<string, unknown>;
  const labels = isRecord(copy.metadata) && isRecord(copy.metadata.labels) ? copy.metadata.labels : undefined;
  for (const label of HELM_ONLY_LABELS) if (labels) delete labels[label];
  return copy;
}

const shown = (v: unknown) => {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Every difference between the chart's objects and the plain ones, one phrase each (object, then field). */
export function differences(chart: readonly ManifestObject[], plain: readonly ManifestObject[]): string[] {
  const index = (objects: readonly ManifestObject[]) =>
    new Map(objects.map((o) => [identity(o), withoutHelmLabels(o)]));
  const fromChart = index(chart);
  const fromPlain = index(plain);
  const found: string[] = [];
  for (const [id, o] of fromPlain) {
    const other = fromChart.get(id);
    if (other === undefined) {
      found.push(`${id} is missing from the chart`);
      continue;
    }
    const d = firstDifference(other, o);
    if (d) found.push(`${id} ${d.path}: the chart gives ${shown(d.chart)}, the plain YAML ${shown(d.plain)}`);
  }
  for (const id of fromChart.keys()) if (!fromPlain.has(id)) found.push(`${id} is only in the chart`);
  return found;
}

/** A key over the chart, the renderings and the helm binary: an unchanged chart proven once is not rendered again. */
function proofKey(
  chartFiles: ReadonlyMap<string, string | Buffer>,
  renderings: readonly ChartRendering[],
  helm: string,
): string {
  const hash = createHash('sha256').update(`helm ${helm}\0`);
  for (const path of [...chartFiles.keys()].sort()) hash.update(`${path}\0`).update(chartFiles.get(path)!).update('\0');
  for (const r of renderings) hash.update(JSON.stringify([r.name, r.values ?? null, r.expected]));
  return hash.digest('hex');
}

const PROOF_PREFIX = 'helm-self-check-';

export interface SelfCheckOptions {
  /** Where proofs of unchanged charts are kept between runs; undefined: always render. */
  readonly cacheDir?: string;
}

/**
 * Renders the chart (its files by path relative to the chart folder) with each value set and compares with the
 * expected objects; throws ChartDriftError naming the differing objects and fields.
 */
export async function proveChartRendersPlain(
  chartFiles: ReadonlyMap<string, string | Buffer>,
  renderings: readonly ChartRendering[],
  options: SelfCheckOptions = {},
): Promise<void> {
  // The proof is looked up before helm is: finding helm runs `helm version`, which would cost every warm synth a
  // process. The chosen helm (HELM_BIN, else the lockfile's pinned one) is part of the key.
  const key =
    options.cacheDir === undefined
      ? undefined
      : proofKey(chartFiles, renderings, process.env.HELM_BIN ?? `${HELM_PACKAGE} or PATH`);
  const proof = key === undefined ? undefined : `${PROOF_PREFIX}${key}`;
  if (proof !== undefined && readCacheFile(options.cacheDir!, proof) !== undefined) return;
  try {
    helmBinary();
  } catch (e) {
    if (e instanceof HelmNotFoundError)
      throw new ChartDriftError(
        `cannot prove the Helm chart renders the plain YAML: ${e.message}, or pass --skip-helm-check`,
      );
    throw e;
  }

  const scratch = mkdtempSync(join(tmpdir(), 'helm-self-check-'));
  try {
    const chartDir = join(scratch, 'chart');
    for (const [path, content] of chartFiles) {
      mkdirSync(dirname(join(chartDir, path)), { recursive: true });
      writeFileSync(join(chartDir, path), content);
    }
    const problems = await Promise.all(
      renderings.map(async (r, i) => {
        const args = ['template', RELEASE, chartDir];
        if (r.values !== undefined) {
          const valuesFile = join(scratch, `values-${i}.yaml`);
          // JSON is YAML, and written much faster than YAML for large values (a thousand apps).
          writeFileSync(valuesFile, JSON.stringify(r.values));
          args.push('-f', valuesFile);
        }
        const result = await runHelm(args);
        if (result.code !== 0) return [`${r.name} values: helm template fails: ${result.stderr.trim().split('\n')[0]}`];
        // js-yaml with the YAML 1.2 core schema (no timestamps): parses helm's output about 15 times faster than
        // the yaml package, which matters for a chart of a thousand apps.
        const rendered = yaml.loadAll(result.stdout, undefined, { schema: yaml.CORE_SCHEMA }).filter(isRecord);
        return differences(rendered, r.expected).map((d) => `${r.name} values: ${d}`);
      }),
    );
    const all = problems.flat();
    if (all.length > 0) {
      const more = all.length > LISTED_DIFFERENCES ? `; and ${all.length - LISTED_DIFFERENCES} more` : '';
      throw new ChartDriftError(
        `the Helm chart does not render the plain YAML (helm template): ${all.slice(0, LISTED_DIFFERENCES).join('; ')}${more}` +
          " (a construct depends on a value in a way the chart generator did not see: declare that value's variants in the chart's value table)",
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (proof !== undefined) writeCacheFile(options.cacheDir!, PROOF_PREFIX, proof, '');
}
