import { createHash } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { CheckResult, K8sObject } from './check';
import { ENVIRONMENTS_DIR, loadEnvironments } from './config/environments';
import { BaseConfig, configOver, loadBaseConfig } from './config/load';
import { Config } from './config/types';
import { ArgoCdOptions, childApplications, istioOwnsGatewayNamespace, renderArgoCd } from './output/argocd';
import { readCacheFile, resultCacheDir, writeCacheFile } from './output/cache-file';
import { CHART_NAME, helmValuesOf, renderHelmChart, runningCodeKey } from './output/helm-chart';
import { ChartRendering, ManifestObject, proveChartRendersPlain } from './output/helm-self-check';
import {
  OutputError,
  checkOutputDir,
  repositoryRoot,
  writeOwnedTree,
  WriteOwnedOptions,
  WriteOwnedResult,
} from './output/owned-dir';
import { ManifestFile, SynthError, renderPlain, synthManifests } from './output/plain';
import { StackDefinition } from './output/stack';
import { PROJECT_ROOT } from './project-root';

export interface SynthOptions {
  /**
   * Config file merged over the built-in default. With it, only that config is rendered (to the top level of
   * `outDir`); without it, the default config and every environment are.
   * @default - the built-in default and every environment
   */
  readonly configFile?: string;
  /**
   * Output directory. synth replaces or removes only the files it wrote there before (listed in its record file)
   * and refuses a directory holding other files it would have to replace. Required with `configFile`, so that a
   * custom render never lands in the committed `dist/`.
   * @default 'dist' of the project, without `configFile`
   */
  readonly outDir?: string;
  /** Test hook: called after each step of the output update. */
  readonly onWriteStep?: WriteOwnedOptions['onStep'];
  /** Folder of the environment files (`<env>.yaml`). @default 'config/environments' */
  readonly environmentsDir?: string;
  /** Folder of the teams' app files (`*.yaml`, one app or a list each). @default 'config/apps' */
  readonly appsDir?: string;
  /**
   * Validate the generated objects against their schemas as well as the rules. Schema validation loads ESM-only
   * packages, which jest's CommonJS runtime cannot; the rules always run.
   * @default true
   */
  readonly schemaCheck?: boolean;
  /**
   * Render the generated Helm chart with a real helm (its defaults, and each environment's Argo CD values) and
   * refuse to write when it differs from the plain YAML.
   * @default true
   */
  readonly helmSelfCheck?: boolean;
}

/** One environment, rendered. */
export interface RenderedEnvironment {
  readonly name: string;
  readonly file: string;
  readonly config: Config;
  readonly manifests: ManifestFile[];
}

export interface SynthResult {
  /** The stack that was rendered. */
  readonly stack: StackDefinition;
  /** The top-level config: the default, or the default with `configFile` merged over it. */
  readonly config: Config;
  /** Its manifests, written to the top level. */
  readonly manifests: ManifestFile[];
  /** The environments, each written to `<env>/` (none when a config file was given). */
  readonly environments: RenderedEnvironment[];
  /** Every output file: relative path -> content. */
  readonly files: ReadonlyMap<string, string | Buffer>;
}

function renderEnvironments(stack: StackDefinition, dir: string, base: BaseConfig): RenderedEnvironment[] {
  return loadEnvironments(dir, base).map((env) => {
    try {
      return { ...env, manifests: synthManifests(stack, env.config) };
    } catch (e) {
      throw new SynthError(`environment ${env.name}: ${(e as Error).message}`);
    }
  });
}

/**
 * Chart values of an environment deployed by Argo CD from the chart: like the directory source, the chart leaves the
 * gateway namespace to the Istio Applications when one of them creates it, and declares it otherwise (with
 * `gateway.api: gatewayApi` no gateway chart does).
 */
const argoCdHelmValues = (config: Config) => ({
  ...helmValuesOf(config),
  createNamespaces: { app: true, gateway: !istioOwnsGatewayNamespace(config) },
});
/** What the Argo CD writer takes from the stack and the Helm writer. */
export const argoCdOptions = (stack: StackDefinition): ArgoCdOptions => ({
  helmValuesOf: argoCdHelmValues,
  helmChartName: CHART_NAME,
  gatewayNamespaceFile: stack.gatewayNamespaceFile,
  appFiles: stack.appFiles,
});

/**
 * Renders every output of `stack` into memory: the top-level config's plain YAML and its Helm chart in `helm/`, and,
 * without a config file, each environment's plain YAML in `<env>/` and the Argo CD objects in `argocd/`.
 */
export function renderAll(
  stack: StackDefinition,
  configFile?: string,
  options: Pick<SynthOptions, 'environmentsDir' | 'appsDir'> = {},
): SynthResult {
  // The default config and the app files are read once, for the top-level config and every environment.
  const base = loadBaseConfig(options.appsDir);
  const config = configOver(base, configFile);
  const manifests = synthManifests(stack, config);
  const environments =
    configFile === undefined ? renderEnvironments(stack, options.environmentsDir ?? ENVIRONMENTS_DIR, base) : [];
  const files = new Map<string, string | Buffer>(renderPlain(manifests));
  for (const env of environments)
    for (const [path, content] of renderPlain(env.manifests, env.name)) files.set(path, content);
  for (const [path, content] of renderArgoCd(environments, config, argoCdOptions(stack))) {
    files.set(path, content);
  }
  for (const [path, content] of renderHelmChart(stack, config)) files.set(path, content);
  return { stack, config, manifests, environments, files };
}

/** The objects deployed together: the top level, and each environment with its Argo CD objects. */
function deployedSets(result: SynthResult): { name: string; objects: K8sObject[] }[] {
  return [
    { name: 'default', objects: result.manifests.flatMap((m) => m.objects) },
    ...result.environments.map((env) => ({
      name: env.name,
      objects: [
        ...env.manifests.flatMap((m) => m.objects),
        ...(childApplications(env, argoCdOptions(result.stack)) as unknown as K8sObject[]),
      ],
    })),
  ];
}

/**
 * Runs the manifest checks on everything rendered: throws SynthError naming every error finding, and returns the
 * warnings (one line each) for the caller to show.
 */
export async function verifyRendered(result: SynthResult, schema = true): Promise<string[]> {
  const sets = deployedSets(result);
  const cacheDir = schema ? resultCacheDir() : undefined;
  const cacheName = cacheDir === undefined ? undefined : checkCacheName(sets);
  const cached = cacheName === undefined ? undefined : readCacheFile(cacheDir!, cacheName);
  if (cached !== undefined) return JSON.parse(cached) as string[];
  // Loaded here, not at the top: a synth whose check result is cached never loads the checker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkManifests, checkRules } = require('./check') as typeof import('./check');
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const set of sets) {
    const checked: CheckResult = schema ? await checkManifests(set.objects) : checkRules(set.objects);
    for (const f of checked.findings) {
      const line = `[${set.name}] ${f.ruleId} ${f.object}${f.field ? ` ${f.field}` : ''}: ${f.message}`;
      if (f.severity === 'error') errors.push(line);
      else if (f.severity === 'warning') warnings.push(line);
    }
  }
  if (errors.length > 0) throw new SynthError(`the generated manifests fail the checks: ${errors.join('; ')}`);
  if (cacheName !== undefined) writeCacheFile(cacheDir!, CHECK_CACHE_PREFIX, cacheName, JSON.stringify(warnings));
  return warnings;
}

const CHECK_CACHE_PREFIX = 'checks-';

/** A hash of the schemas the checker reads: regenerated schemas are checked against again. */
function schemasHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else hash.update(e.name).update(readFileSync(join(dir, e.name)));
    }
  };
  walk(join(PROJECT_ROOT, 'schemas'));
  return hash.digest('hex');
}

/**
 * The cache file of a clean check of these very objects (with useResultCache only): the check is a function of the
 * objects, the code and the schemas, so a synth that changed none of them reuses its warnings instead of compiling
 * the schema validators again (most of a warm synth's time).
 */
function checkCacheName(sets: readonly { name: string; objects: K8sObject[] }[]): string {
  const hash = createHash('sha256').update(runningCodeKey()).update(schemasHash());
  for (const set of sets) hash.update(`\0${set.name}\0`).update(JSON.stringify(set.objects));
  return `${CHECK_CACHE_PREFIX}${hash.digest('hex')}.json`;
}

/**
 * What the chart must render for a configuration: its plain objects, but the gateway Namespace (its own file) unless
 * the values declare it (`createNamespaces.gateway`; off by default, the Istio install makes it).
 */
function chartObjectsOf(
  stack: StackDefinition,
  manifests: readonly ManifestFile[],
  values?: { createNamespaces: { gateway: boolean } },
): ManifestObject[] {
  return manifests
    .filter((m) => values?.createNamespaces.gateway || m.fileName !== stack.gatewayNamespaceFile)
    .flatMap((m) => m.objects as ManifestObject[]);
}

/** Proves that `helm template` of the chart gives the plain objects, for the defaults and each environment. */
export async function verifyHelmChart(result: SynthResult): Promise<void> {
  const prefix = `helm/${CHART_NAME}/`;
  const chartFiles = new Map(
    [...result.files]
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, content]) => [path.slice(prefix.length), content]),
  );
  const renderings: ChartRendering[] = [
    { name: 'default', expected: chartObjectsOf(result.stack, result.manifests) },
    ...result.environments.map((env) => {
      const values = argoCdHelmValues(env.config);
      return { name: env.name, values, expected: chartObjectsOf(result.stack, env.manifests, values) };
    }),
  ];
  try {
    await proveChartRendersPlain(chartFiles, renderings, { cacheDir: resultCacheDir() });
  } catch (e) {
    throw new SynthError((e as Error).message);
  }
}

/** The project's root: its own folders may never be an output directory. */
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'dist');

/** Where synth writes: `outDir`, or the project's `dist/`; a custom config needs an explicit directory. */
export function outputDirOf(options: Pick<SynthOptions, 'configFile' | 'outDir'>): string {
  if (options.outDir !== undefined) return options.outDir;
  if (options.configFile !== undefined) {
    throw new SynthError(
      `--config ${options.configFile} needs --out DIR: dist/ holds the committed render of config/default.yaml and config/environments/ (for example: npm run synth -- --config ${options.configFile} --out out)`,
    );
  }
  return DEFAULT_OUT_DIR;
}

/**
 * Renders `stack`, checks and writes the output directory; throws (leaving it untouched) on any error. Only files synth wrote
 * itself are ever replaced or removed.
 */
export async function synth(
  stack: StackDefinition,
  options: SynthOptions = {},
): Promise<SynthResult & { warnings: string[]; output: WriteOwnedResult }> {
  const outDir = outputDirOf(options);
  const protectedDirs = [PROJECT_ROOT, repositoryRoot(PROJECT_ROOT), repositoryRoot(process.cwd())].filter(
    (d): d is string => d !== undefined,
  );
  checkOutputDir(outDir, { protectedDirs });
  const result = renderAll(stack, options.configFile, options);
  const warnings = await verifyRendered(result, options.schemaCheck ?? true);
  if (options.helmSelfCheck ?? true) await verifyHelmChart(result);
  const output = writeOwnedTree(outDir, result.files, { protectedDirs, onStep: options.onWriteStep });
  return { ...result, warnings, output };
}

export { OutputError };
