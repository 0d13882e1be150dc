import { posix } from 'path';
import { AlbIngress } from './alb-model';
import { Findings } from './findings';
import { HelmSource, helmSources, isIstioChartRepo } from './helm-sources';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { WorkloadInfo } from './services-workloads';
import { annotationField, append, arr, at, rec, str, strMap, unique } from './util';

/** Istio's charts in install order: CRDs and cluster roles, then the control plane, then the gateway. */
const CHART_ORDER = ['base', 'istiod', 'gateway'];
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const HOOK = 'argocd.argoproj.io/hook';

interface IstioChartApp {
  readonly app: Obj;
  readonly chart: string;
  readonly source: HelmSource;
  readonly version: string;
  readonly wave: number;
}

function syncWave(app: Obj): number {
  const n = Number.parseInt(strMap(app.raw.metadata?.annotations)[SYNC_WAVE] ?? '0', 10);
  return Number.isNaN(n) ? 0 : n;
}

/** Argo CD Applications installing Istio's charts, grouped by the cluster they deploy to. */
function istioChartsByCluster(inv: Inventory): Map<string, IstioChartApp[]> {
  const out = new Map<string, IstioChartApp[]>();
  for (const app of inv.of('Application', 'argoproj.io')) {
    const dest = rec(at(app.raw.spec, 'destination'));
    // dev and prod Applications may sit in one set; only charts of the same cluster must agree.
    const cluster = str(dest.server) ?? str(dest.name) ?? '';
    for (const source of helmSources(app)) {
      if (!source.chart || !CHART_ORDER.includes(source.chart) || !isIstioChartRepo(source.repoURL)) continue;
      const entry = {
        app,
        chart: source.chart,
        source,
        version: str(source.source.targetRevision) ?? '(unset)',
        wave: syncWave(app),
      };
      append(out, cluster, entry);
    }
  }
  return out;
}

/** The rules for installing Istio with Argo CD: one version for all charts, installed in order, without webhook drift. */
export function checkIstioCharts(inv: Inventory, f: Findings): void {
  for (const apps of istioChartsByCluster(inv).values()) {
    const reference = apps.find((a) => a.chart === 'base') ?? apps[0];
    for (const a of apps.filter((x) => x.version !== reference.version)) {
      f.add(
        'istio-chart-versions',
        a.app,
        `${a.source.field}.targetRevision`,
        `the ${a.chart} chart is at ${a.version}, but ${reference.app.ref} installs ${reference.chart} ${reference.version}: Istio's charts only work together at one version`,
        `pin base, istiod and gateway to the same targetRevision (e.g. ${reference.version})`,
      );
    }
    // The charts installed before each chart, listed once per cluster (not once per Application: many teams may
    // each install a gateway chart).
    const before = CHART_ORDER.map((_, c) => apps.filter((e) => CHART_ORDER.indexOf(e.chart) < c));
    for (const later of apps) {
      for (const earlier of before[CHART_ORDER.indexOf(later.chart)].filter((e) => e.app !== later.app)) {
        if (later.wave > earlier.wave) continue;
        f.add(
          'istio-chart-order',
          later.app,
          annotationField(SYNC_WAVE),
          `sync-wave ${later.wave} of the ${later.chart} chart is not after ${earlier.app.ref} (${earlier.chart}, wave ${earlier.wave}): Argo CD may install ${later.chart} first`,
          'give base, istiod and gateway increasing sync waves (e.g. -3, -2, -1)',
        );
      }
    }
  }
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app).filter((x) => x.chart === 'istiod' && isIstioChartRepo(x.repoURL)))
      checkWebhookDrift(app, s, f);
  }
}

/** istiod switches its validating webhook's failurePolicy to Fail once ready, so the rendered Ignore never matches live. */
function checkWebhookDrift(app: Obj, s: HelmSource, f: Findings): void {
  if (str(at(s.values, 'base.validationFailurePolicy')) === 'Fail') return;
  const ignored = arr(at(app.raw.spec, 'ignoreDifferences')).some((entry) => {
    const e = rec(entry);
    if (
      str(e.kind) !== 'ValidatingWebhookConfiguration' ||
      ![undefined, 'admissionregistration.k8s.io'].includes(str(e.group))
    )
      return false;
    const paths = [...arr(e.jsonPointers), ...arr(e.jqPathExpressions)].map((p) => str(p) ?? '');
    return paths.some((p) => p.includes('failurePolicy')) || arr(e.managedFieldsManagers).length > 0;
  });
  if (ignored) return;
  if (arr(at(s.source, 'helm.valueFiles')).length) {
    f.add(
      'not-verifiable',
      app,
      `${s.field}.helm.valueFiles`,
      'istiod values come partly from valueFiles, so base.validationFailurePolicy is not verifiable here',
      'set base.validationFailurePolicy: Fail inline, or add an ignoreDifferences entry for the webhook failurePolicy',
    );
    return;
  }
  f.add(
    'istiod-webhook-drift',
    app,
    'spec.ignoreDifferences',
    `istiod flips its ValidatingWebhookConfiguration failurePolicy from Ignore to Fail, so ${app.ref} never stays in sync`,
    `set base.validationFailurePolicy: Fail in ${s.valuesField}, or ignoreDifferences on ValidatingWebhookConfiguration .webhooks[]?.failurePolicy`,
  );
}

function clusterOf(app: Obj): string {
  const dest = rec(at(app.raw.spec, 'destination'));
  return str(dest.server) ?? str(dest.name) ?? '';
}

/** Git paths an Application deploys (directory or chart-in-git sources), without trailing slashes. */
function gitPaths(app: Obj): string[] {
  const spec = rec(app.raw.spec);
  const sources = spec.source !== undefined ? [rec(spec.source)] : arr(spec.sources).map(rec);
  return sources
    .map((s) => str(s.path))
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\/+$/, ''));
}

/**
 * The Application that deploys an Ingress: one with a git path in a later wave than `after`, on the same cluster;
 * when the Ingress was read from a file, the path must be that file's folder.
 */
function applicationOf(inv: Inventory, ing: Obj, installer: Obj, after: number): Obj | undefined {
  const dir = ing.source ? posix.dirname(ing.source.replace(/#.*$/, '').replace(/\\/g, '/')) : undefined;
  const cluster = clusterOf(installer);
  const { byPath, withPath } = applicationsByGitPath(inv);
  let candidates = withPath.get(cluster) ?? [];
  if (dir !== undefined) {
    // The paths that deploy the folder: the folder itself and each of its tails after a '/'.
    const found = [...(byPath.get(`${cluster}\u0000${dir}`) ?? [])];
    for (let i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1))
      found.push(...(byPath.get(`${cluster}\u0000${dir.slice(i + 1)}`) ?? []));
    candidates = inv.inOrder(found);
  }
  return candidates.find((app) => app !== installer && syncWave(app) > after);
}

/** Applications with a git path, by `cluster path` and by cluster, in input order: indexed once. */
function applicationsByGitPath(inv: Inventory): { byPath: Map<string, Obj[]>; withPath: Map<string, Obj[]> } {
  return inv.memo('applicationsByGitPath', () => {
    const byPath = new Map<string, Obj[]>();
    const withPath = new Map<string, Obj[]>();
    for (const app of inv.of('Application', 'argoproj.io')) {
      const paths = unique(gitPaths(app));
      if (!paths.length) continue;
      append(withPath, clusterOf(app), app);
      for (const p of paths) append(byPath, `${clusterOf(app)}\u0000${p}`, app);
    }
    return { byPath, withPath };
  });
}

/**
 * ip targets: the load balancer controller injects its readiness gate only into pods created while the
 * TargetGroupBinding of their Service exists, which it creates when it reconciles the Ingress. A gateway chart
 * Application in an earlier sync wave than the Ingress creates its first pods before that: they run without the
 * gate until something recreates them. An Argo CD hook in the manifests may be that something (not verifiable here).
 */
export function checkFirstGatewayPods(inv: Inventory, albs: readonly AlbIngress[], f: Findings): void {
  const hooked = inv.objects.some((o) => strMap(o.raw.metadata?.annotations)[HOOK] !== undefined);
  if (hooked) return;
  for (const alb of albs) {
    if (alb.targetType !== 'ip') continue;
    // Each gateway workload once per Ingress: every host of the Ingress names the same gateway Service.
    const seen = new Set<WorkloadInfo>();
    for (const b of alb.backends) {
      if (!b.service) continue;
      for (const w of inv.workloadsOf(b.service)) {
        if (seen.has(w)) continue;
        seen.add(w);
        const installer = w.installer;
        if (!w.gateway || !installer || installer.kind !== 'Application') continue;
        const wave = syncWave(installer);
        const app = applicationOf(inv, alb.obj, installer, wave);
        if (!app) continue;
        f.add(
          'readiness-gate-first-pods',
          installer,
          annotationField(SYNC_WAVE),
          `${installer.ref} (wave ${wave}) creates the gateway pods before ${app.ref} (wave ${syncWave(app)}) creates ${alb.obj.ref}: the controller injects the readiness gate only into pods created after its target group exists, so the first gateway pods run without it`,
          `once the Ingress has an address, run once: kubectl rollout restart deployment/${w.name} -n ${w.namespace}`,
        );
      }
    }
  }
}
