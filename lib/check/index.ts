/**
 * Verifies ALB + Istio manifests: schemas, the ALB/Istio rules (catalogue in `rules.ts`), and the encryption of
 * every hop from the client to the workloads.
 *
 *   const result = await checkManifests(objects);      // or checkPaths(['dist/'])
 *   if (hasFailures(result)) throw new Error(formatText(result));
 */
import { checkLoadBalancerServices } from './alb-backends';
import { checkAlbQuotas } from './alb-quotas';
import { albIngresses } from './alb-model';
import { checkAlbIngresses } from './alb-rules';
import { checkApiVersions } from './api-versions';
import { checkGatewayAuthorization } from './authz';
import { Findings } from './findings';
import { checkGatewayApi } from './gateway-api';
import { checkFirstGatewayPods, checkIstioCharts } from './gitops';
import { identity } from './identity';
import { Inventory } from './inventory';
import { checkIstioAnalyzers } from './istio-analyzers';
import { checkGateways } from './istio-gateways';
import { checkIstioInstall } from './istio-install';
import { checkMesh, checkPortNames } from './istio-mesh';
import { checkVirtualServices } from './istio-routes';
import { checkLimits } from './limits';
import { LoadOptions, loadPaths } from './load';
import { tracePaths, verdictOf } from './path';
import { checkPlaceholderValues, checkUnfilledPlaceholders } from './placeholders';
import { checkRollouts } from './rollout';
import { validateSchemas } from './schema';
import { CheckOptions, CheckResult, HostPath, K8sObject, SourcedObject } from './types';
import { append } from './util';

export * from './types';
export { InputError, loadPaths, parseYaml } from './load';
export { listRules, RULES } from './rules';
export type { RuleInfo } from './rules';
export { formatText, formatMermaid, formatJson } from './report';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;
const NO_INGRESS = 'no ALB Ingress routes traffic to a backend in these manifests';

function toSourced(objects: readonly (K8sObject | SourcedObject)[]): SourcedObject[] {
  return objects.map((o) =>
    'object' in o && !('apiVersion' in o) ? (o as SourcedObject) : { object: o as K8sObject },
  );
}

/**
 * Checks already-parsed objects as one manifest set: schemas (unless `schema: false`), the ALB/Istio rules, and the
 * hop-by-hop path of every ALB host.
 */
export async function checkManifests(
  objects: readonly (K8sObject | SourcedObject)[],
  options: CheckOptions = {},
): Promise<CheckResult> {
  const { inv, f, hops } = run(toSourced(objects), options);
  const notChecked = (options.schema ?? true) ? await validateSchemas(inv, f) : 0;
  return finish(inv, f, hops, notChecked);
}

/** The rule checks and hop report without schema validation, synchronously. */
export function checkRules(objects: readonly (K8sObject | SourcedObject)[], options: CheckOptions = {}): CheckResult {
  const { inv, f, hops } = run(toSourced(objects), options);
  return finish(inv, f, hops, 0);
}

/**
 * Reads files and directories (recursive .yaml/.yml, Helm chart directories skipped) and checks them.
 * Everything is one manifest set, unless the same object appears in several directories (e.g. `dist/dev` and
 * `dist/prod`): then each directory is checked on its own and the results are merged.
 * Throws `InputError` on unreadable input.
 */
export async function checkPaths(paths: string[], options: CheckOptions & LoadOptions = {}): Promise<CheckResult> {
  const loaded = loadPaths(paths, options);
  const bySet = new Map<string, SourcedObject[]>();
  for (const o of loaded.objects) append(bySet, o.set ?? '', o);
  const setsOf = new Map<string, Set<string>>();
  for (const o of loaded.objects) {
    const id = identity(o.object, options.defaultNamespace);
    if (id) setsOf.set(id, (setsOf.get(id) ?? new Set()).add(o.set ?? ''));
  }
  const split = [...setsOf.values()].some((s) => s.size > 1);
  if (!split) {
    const r = await checkManifests(loaded.objects, options);
    return { ...r, summary: { ...r.summary, skipped: loaded.skipped } };
  }
  const results: [string, CheckResult][] = [];
  for (const set of [...bySet.keys()].sort()) results.push([set, await checkManifests(bySet.get(set)!, options)]);
  return merge(results, loaded.skipped);
}

/** Whether a result should fail a build: any error, or any warning when strict. */
export function hasFailures(result: CheckResult, strict = false): boolean {
  return result.summary.errors > 0 || (strict && result.summary.warnings > 0);
}

function merge(results: [string, CheckResult][], skipped: string[]): CheckResult {
  const findings = results
    .flatMap(([, r]) => r.findings)
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const hops: HostPath[] = results.flatMap(([set, r]) => r.hops.map((h) => ({ set, ...h })));
  const reasons = results.flatMap(([set, r]) =>
    r.verdict.reasons.filter((x) => x !== NO_INGRESS).map((x) => `[${set}] ${x}`),
  );
  if (!hops.length) reasons.unshift(NO_INGRESS);
  const sum = (k: 'objects' | 'errors' | 'warnings' | 'infos' | 'notChecked') =>
    results.reduce((n, [, r]) => n + r.summary[k], 0);
  return {
    findings,
    hops,
    verdict: verdictLine(reasons),
    summary: {
      objects: sum('objects'),
      errors: sum('errors'),
      warnings: sum('warnings'),
      infos: sum('infos'),
      notChecked: sum('notChecked'),
      skipped,
      sets: results.map(([set]) => set),
    },
  };
}

function verdictLine(reasons: string[]) {
  const shown = reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? `; +${reasons.length - 3} more` : '');
  const encrypted = reasons.length === 0;
  return {
    encrypted,
    reasons,
    line: encrypted ? 'end-to-end encrypted: yes' : `end-to-end encrypted: no (because ${shown})`,
  };
}

function run(objects: SourcedObject[], options: CheckOptions) {
  const inv = new Inventory(objects, options);
  const f = new Findings(options.complete ?? false);
  for (const m of inv.malformed) {
    f.add(
      'manifest-identity',
      m.source ?? `document ${m.index + 1}`,
      '(root)',
      `not a Kubernetes object: ${m.reason}`,
      'give every document apiVersion, kind and metadata.name',
    );
  }
  for (const d of inv.duplicates) {
    f.add(
      'duplicate-object',
      d.obj,
      'metadata.name',
      `${d.obj.ref} is defined twice${d.first ? ` (first in ${d.first})` : ''}; the later one overwrites the first on apply`,
      'keep one definition, or give the objects different names',
    );
  }
  checkApiVersions(inv, f);
  checkUnfilledPlaceholders(inv, f);
  const albs = albIngresses(inv);
  checkAlbIngresses(inv, albs, f);
  checkLoadBalancerServices(inv, albs, f);
  checkPlaceholderValues(albs, f);
  checkRollouts(inv, albs, f);
  checkLimits(inv, albs, f);
  checkAlbQuotas(inv, albs, f);
  checkGateways(inv, albs, f);
  checkVirtualServices(inv, f);
  checkGatewayAuthorization(inv, f);
  checkPortNames(inv, f);
  checkMesh(inv, f);
  checkIstioAnalyzers(inv, f);
  checkGatewayApi(inv, f);
  checkIstioInstall(inv, albs, f);
  checkIstioCharts(inv, f);
  checkFirstGatewayPods(inv, albs, f);
  const hops = tracePaths(inv, albs, f);
  return { inv, f, hops };
}

function finish(inv: Inventory, f: Findings, hops: HostPath[], notChecked: number): CheckResult {
  const findings = [...f.items].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const count = (s: string) => findings.filter((x) => x.severity === s).length;
  return {
    findings,
    hops,
    verdict: verdictOf(inv, hops),
    summary: {
      objects: inv.objects.length,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      notChecked,
      skipped: [],
      sets: [],
    },
  };
}
