import '../support/shared-templates';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { STACK } from '../../charts';
import { K8sObject, checkRules } from '../../lib/check';
import { Config } from '../../lib/config/types';
import {
  ALB_GATEWAY_CRDS,
  GATEWAY_API_CRDS,
  GitOpsEnvironment,
  SYNC_WAVES,
  childApplications,
  renderArgoCd,
} from '../../lib/output/argocd';
import { IApplication } from '../../lib/output/argocd-types';
import { ManifestFile, synthManifests } from '../../lib/output/plain';
import { argoCdOptions, renderAll, synth } from '../../lib/synth';
import { configWith } from '../support';
import { ROOT, readTree, schemaErrors, unknownFieldErrors } from './support';
import { scratch, sorted, templateMany, withoutHelmLabels } from '../helm/support';
import Ajv from 'ajv';

const OPTIONS = argoCdOptions(STACK);
const WAVE = 'argocd.argoproj.io/sync-wave';

type Env = Omit<GitOpsEnvironment, 'manifests'> & { readonly manifests: ManifestFile[] };

/** An environment built from the default config with `override` merged over it, rendered as synth does. */
function env(override: object = {}, name = 'test'): Env {
  const config: Config = configWith(override);
  return { name, config, manifests: synthManifests(STACK, config) };
}
const component = (a: IApplication) => a.metadata.labels!['app.kubernetes.io/component'];
const byComponent = (apps: IApplication[]) => Object.fromEntries(apps.map((a) => [component(a), a]));
const wave = (a: IApplication) => Number(a.metadata.annotations![WAVE]);

/** Argo CD's directory glob (gobwas/glob without separators), as in team-apps.spec.ts: `*`, `?` and `{a,b}`. */
function globMatch(pattern: string, path: string): boolean {
  let re = '';
  for (const c of pattern) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.includes('(?:')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(path);
}

/** The Applications whose directory source of the environment's folder deploys `file`. */
function deployersOf(apps: IApplication[], e: GitOpsEnvironment, file: string): string[] {
  return apps
    .filter((a) => {
      const dir = a.spec.source?.directory;
      if (!dir || a.spec.source?.path !== `dist/${e.name}`) return false;
      if (dir.exclude !== undefined && globMatch(dir.exclude, file)) return false;
      return dir.include === undefined || globMatch(dir.include, file);
    })
    .map((a) => a.metadata.name);
}

const COMBINATIONS = [
  ['ingress', 'istio', ['istio-base', 'istiod', 'istio-gateway', 'app']],
  ['ingress', 'gatewayApi', ['gateway-api-crds', 'istio-base', 'istiod', 'app']],
  ['gatewayApi', 'istio', ['gateway-api-crds', 'alb-gateway-crds', 'istio-base', 'istiod', 'istio-gateway', 'app']],
  ['gatewayApi', 'gatewayApi', ['gateway-api-crds', 'alb-gateway-crds', 'istio-base', 'istiod', 'app']],
] as const;

const APPS = [{ name: 'shop', hosts: ['shop.acme.io'], routes: [{ pathPrefix: '/', service: 'web', port: 8080 }] }];

describe.each(COMBINATIONS)('alb.api %s with gateway.api %s', (albApi, gatewayApi, components) => {
  // A gateway namespace of its own (istio-ingress) and ip targets: the case where ownership of the namespace moves.
  const own = env({
    alb: { api: albApi, targetType: 'ip' },
    gateway: { api: gatewayApi, namespace: 'istio-ingress' },
    apps: APPS,
  });
  // The gateway in Istio's own namespace (the default): istio-base creates and labels it.
  const shared = env({ alb: { api: albApi, targetType: 'ip' }, gateway: { api: gatewayApi }, apps: APPS });
  const children = childApplications(own, OPTIONS);
  const apps = byComponent(children);

  test('the Applications, in wave order', () => {
    expect(children.map(component)).toEqual([...components, 'app-shop']);
    const waves = children.map(wave);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(childApplications(shared, OPTIONS).map(component)).toEqual([...components, 'app-shop']);
  });

  test('the CRD Applications by value: the upstream tag and folder, server-side, wave -5, no cascade', () => {
    const crds = (c: string, source: object) =>
      expect(apps[c]).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: `yelb-test-${c}`,
          namespace: 'argocd',
          labels: { 'app.kubernetes.io/part-of': 'eks-alb-istio-tls', 'app.kubernetes.io/component': c },
          annotations: { [WAVE]: '-5' },
        },
        spec: {
          project: 'default',
          source,
          destination: { server: 'https://kubernetes.default.svc' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
            syncOptions: ['ServerSideApply=true'],
          },
        },
      });
    if (albApi === 'ingress' && gatewayApi === 'istio') {
      expect(apps['gateway-api-crds']).toBeUndefined();
    } else {
      crds('gateway-api-crds', {
        repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git',
        targetRevision: 'v1.6.1',
        path: 'config/crd/standard',
        directory: { recurse: false, include: 'gateway.networking.k8s.io_*.yaml' },
      });
      expect(wave(apps['gateway-api-crds'])).toBeLessThan(wave(apps['istio-base']));
    }
    if (albApi === 'gatewayApi') {
      crds('alb-gateway-crds', {
        repoURL: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller.git',
        targetRevision: 'v3.5.0',
        path: 'config/crd/gateway',
        directory: { recurse: false, include: 'gateway-crds.yaml' },
      });
    } else {
      expect(apps['alb-gateway-crds']).toBeUndefined();
    }
  });

  test('istio-base and istiod stay as they are; istio-gateway only with gateway.api istio', () => {
    const classic = byComponent(
      childApplications(
        env({ alb: { targetType: 'ip' }, gateway: { namespace: 'istio-ingress' }, apps: APPS }),
        OPTIONS,
      ),
    );
    for (const c of ['istio-base', 'istiod']) expect(apps[c]).toEqual(classic[c]);
    if (gatewayApi === 'istio') expect(apps['istio-gateway']).toEqual(classic['istio-gateway']);
    else expect(apps['istio-gateway']).toBeUndefined();
  });

  test('the gateway namespace has one owner: the gateway chart, istio-base, or else the edge deploys its file', () => {
    expect(own.manifests.map((m) => m.fileName)).toContain('01-gateway-namespace.yaml');
    const edge = apps.app.spec.source?.directory;
    if (gatewayApi === 'istio') {
      expect(edge).toEqual({ recurse: false, exclude: '{01-gateway-namespace.yaml,22-app-*.yaml}' });
      expect(apps['istio-gateway'].spec.syncPolicy?.syncOptions).toEqual(['CreateNamespace=true']);
      expect(apps['istio-gateway'].spec.syncPolicy?.managedNamespaceMetadata?.labels).toEqual({
        'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
      });
    } else {
      // no Istio Application creates istio-ingress: the edge applies the Namespace, readiness-gate label included
      expect(edge).toEqual({ recurse: false, exclude: '22-app-*.yaml' });
      const [ns] = own.manifests.find((m) => m.fileName === '01-gateway-namespace.yaml')!.objects as any[];
      expect(ns.metadata.name).toBe('istio-ingress');
      expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
      // and it survives deleting the edge Application
      expect(ns.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Delete=false');
    }
    // Istio's namespace as the gateway's: istio-base owns it in every combination, so the edge leaves the file out
    const sharedApps = byComponent(childApplications(shared, OPTIONS));
    expect(shared.manifests.map((m) => m.fileName)).toContain('01-gateway-namespace.yaml');
    expect(sharedApps.app.spec.source?.directory?.exclude).toBe('{01-gateway-namespace.yaml,22-app-*.yaml}');
    expect(sharedApps['istio-base'].spec.syncPolicy?.managedNamespaceMetadata).toBeDefined();
    // every rendered file has exactly one deployer in both layouts, but the gateway namespace where Istio's own
    for (const e of [own, shared]) {
      const all = childApplications(e, OPTIONS);
      for (const file of e.manifests.map((m) => m.fileName)) {
        const istioOwned = file === '01-gateway-namespace.yaml' && (gatewayApi === 'istio' || e === shared);
        expect([file, deployersOf(all, e, file).length]).toEqual([file, istioOwned ? 0 : 1]);
      }
    }
  });

  test('valid against the Argo CD CRD and closed', () => {
    expect(schemaErrors(children)).toEqual([]);
    expect(unknownFieldErrors(children)).toEqual([]);
  });

  test("the checker's rules find no error in the manifests with their Applications", () => {
    for (const e of [own, shared]) {
      const objects = [...e.manifests.flatMap((m) => m.objects), ...childApplications(e, OPTIONS)];
      const findings = checkRules(objects as K8sObject[]).findings;
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(findings.filter((f) => f.ruleId.startsWith('istio-chart'))).toEqual([]);
    }
  });
});

describe('the pinned CRD sources', () => {
  const sources = JSON.parse(readFileSync(join(ROOT, 'schemas', 'index.json'), 'utf8')).sources as {
    name: string;
    version: string;
    url: string;
  }[];
  const versionOf = (name: string) => sources.find((s) => s.name === name)?.version;

  test("are the versions of the CRDs the checker's schemas come from", () => {
    expect(GATEWAY_API_CRDS.tag).toBe(`v${versionOf('Gateway API (standard)')}`);
    expect(ALB_GATEWAY_CRDS.tag).toBe(`v${versionOf('AWS Load Balancer Controller (gateway)')}`);
    const alb = sources.find((s) => s.name === 'AWS Load Balancer Controller (gateway)')!;
    expect(alb.url).toContain(`${ALB_GATEWAY_CRDS.path}`);
  });

  test("the includes take upstream's CRD files of each folder once, and nothing else", () => {
    // config/crd/standard: gateway.networking.k8s.io_<plural>.yaml per CRD, and the safe-upgrades policy
    const plural = (kind: string) => kind.toLowerCase().replace(/y$/, 'ie') + 's';
    const kinds = readdirSync(join(ROOT, 'schemas', 'gateway.networking.k8s.io', 'v1')).map((f) => f.slice(0, -5));
    expect(kinds).toHaveLength(10);
    for (const kind of kinds)
      expect(globMatch(GATEWAY_API_CRDS.include, `gateway.networking.k8s.io_${plural(kind)}.yaml`)).toBe(true);
    expect(globMatch(GATEWAY_API_CRDS.include, 'gateway.networking.k8s.io_vap_safeupgrades.yaml')).toBe(true);
    expect(globMatch(GATEWAY_API_CRDS.include, 'kustomization.yaml')).toBe(false);
    // config/crd/gateway: the one file with all three CRDs, not the per-CRD copies nor the kustomization
    expect(globMatch(ALB_GATEWAY_CRDS.include, 'gateway-crds.yaml')).toBe(true);
    expect(globMatch(ALB_GATEWAY_CRDS.include, 'gateway.k8s.aws_loadbalancerconfigurations.yaml')).toBe(false);
    expect(globMatch(ALB_GATEWAY_CRDS.include, 'kustomization.yaml')).toBe(false);
  });
});

describe('the CRD sync wave', () => {
  test('comes before every other wave, metrics-server included', () => {
    const others = Object.entries(SYNC_WAVES).filter(([k]) => k !== 'gatewayApiCrds');
    for (const [, w] of others) expect(SYNC_WAVES.gatewayApiCrds).toBeLessThan(w);
    const e = env({ alb: { api: 'gatewayApi' }, gitops: { autoscaling: 'hpaWithMetricsServer' } });
    expect(childApplications(e, OPTIONS).map(component).slice(0, 4)).toEqual([
      'gateway-api-crds',
      'alb-gateway-crds',
      'metrics-server',
      'istio-base',
    ]);
  });
});

describe('istio-chart-order without istio-gateway', () => {
  const e = env({ gateway: { api: 'gatewayApi' } });
  const withWave = (apps: IApplication[], c: string, w: number) =>
    apps.map((a) =>
      component(a) === c ? { ...a, metadata: { ...a.metadata, annotations: { [WAVE]: String(w) } } } : a,
    );
  const orderFindings = (apps: IApplication[]) =>
    checkRules([...e.manifests.flatMap((m) => m.objects), ...apps] as K8sObject[]).findings.filter(
      (f) => f.ruleId === 'istio-chart-order',
    );

  test('base before istiod passes; istiod not after base is still reported, and only that', () => {
    expect(orderFindings(childApplications(e, OPTIONS))).toEqual([]);
    const broken = withWave(childApplications(e, OPTIONS), 'istiod', SYNC_WAVES.istioBase);
    expect(orderFindings(broken).map((f) => [f.object, f.message.slice(0, 40)])).toEqual([
      ['Application argocd/yelb-test-istiod', 'sync-wave -3 of the istiod chart is not '],
    ]);
  });
});

describe('the default output', () => {
  test('without gatewayApi the tree has no CRD Application, and the edge still leaves out the gateway namespace', () => {
    const e = env({ alb: { targetType: 'ip' }, gateway: { namespace: 'istio-ingress' } });
    const files = [...renderArgoCd([e], e.config, OPTIONS).keys()].sort();
    expect(files).toEqual([
      'argocd/applicationset.yaml',
      'argocd/root-test.yaml',
      'argocd/test/app.yaml',
      'argocd/test/istio-base.yaml',
      'argocd/test/istio-gateway.yaml',
      'argocd/test/istiod.yaml',
    ]);
    expect(byComponent(childApplications(e, OPTIONS)).app.spec.source?.directory?.exclude).toBe(
      '01-gateway-namespace.yaml',
    );
  });

  test("a too long name of a CRD Application is refused naming it, as the other children's are", () => {
    const name = 'x'.repeat(40);
    expect(() => childApplications(env({ gitops: { name } }, 'staging'), OPTIONS)).not.toThrow();
    expect(() => childApplications(env({ gitops: { name }, alb: { api: 'gatewayApi' } }, 'staging'), OPTIONS)).toThrow(
      `environment staging: Application name ${name}-staging-gateway-api-crds must be at most 63 characters, got 65; shorten 'gitops.name' or the environment name`,
    );
  });
});

describe('gitops.appSource helm with the Gateway API', () => {
  const { dir: scratchDir, cleanup } = scratch('argo-gwapi-helm');
  afterAll(cleanup);

  describe.each(COMBINATIONS)('alb.api %s with gateway.api %s', (albApi, gatewayApi, components) => {
    // A gateway namespace of its own: with gateway.api gatewayApi no Istio Application creates it, so the chart does.
    const override = {
      alb: { api: albApi, targetType: 'ip' },
      gateway: { api: gatewayApi, namespace: 'istio-ingress' },
      apps: APPS,
    };
    const e = env({ ...override, gitops: { appSource: 'helm' } });
    // The same environment deployed from its directory: what the chart must render, Application by Application.
    const d = env(override);
    const children = byComponent(childApplications(e, OPTIONS));
    const deployed = [children.app, children['app-shop']];

    test('the app and the team app come from the committed chart, the CRD Applications stay as they are', () => {
      expect(Object.keys(children)).toEqual([...components, 'app-shop']);
      const chartPath = children.app.spec.source!.path!;
      expect(existsSync(join(ROOT, chartPath, 'Chart.yaml'))).toBe(true);
      for (const a of deployed) expect(a.spec.source?.path).toBe(chartPath);
      const fromDirectory = byComponent(childApplications(d, OPTIONS));
      for (const crd of ['gateway-api-crds', 'alb-gateway-crds'].filter((c) =>
        (components as readonly string[]).includes(c),
      ))
        expect(children[crd]).toEqual(fromDirectory[crd]);
      expect(schemaErrors(Object.values(children))).toEqual([]);
    });

    test("the values are valid for the committed chart's values schema", () => {
      const schema = JSON.parse(
        readFileSync(join(ROOT, children.app.spec.source!.path!, 'values.schema.json'), 'utf8'),
      );
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      for (const a of deployed) expect(validate(a.spec.source!.helm!.valuesObject) ? [] : validate.errors).toEqual([]);
    });

    test('the committed chart with those values renders what the directory source deploys', async () => {
      const chartDir = join(ROOT, children.app.spec.source!.path!);
      const directory = childApplications(d, OPTIONS);
      const renderings = await templateMany(
        chartDir,
        scratchDir,
        `${albApi}-${gatewayApi}`,
        deployed.map((a) => a.spec.source!.helm!.valuesObject as object),
      );
      for (const [i, a] of deployed.entries()) {
        const rendered = renderings[i];
        const twin = byComponent(directory)[component(a)];
        expect(twin.spec.source?.directory).toBeDefined();
        const plain = d.manifests
          .filter((m) => deployersOf(directory, d, m.fileName).includes(twin.metadata.name))
          .flatMap((m) => m.objects);
        expect(plain.length).toBeGreaterThan(0);
        expect(sorted(withoutHelmLabels(rendered))).toEqual(sorted(withoutHelmLabels(plain)));
      }
    });
  });
});

describe('synth with an environment on the Gateway API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argo-gwapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes its tree, checked, next to a classic environment, and proves the chart with the values of both', async () => {
    mkdirSync(join(dir, 'environments'));
    writeFileSync(
      join(dir, 'environments', 'gw.yaml'),
      'alb: {api: gatewayApi, targetType: ip}\ngateway: {api: gatewayApi, namespace: istio-ingress}\n',
    );
    writeFileSync(join(dir, 'environments', 'classic.yaml'), 'alb: {targetType: ip}\n');
    const out = join(dir, 'out');
    const result = await synth(STACK, { environmentsDir: join(dir, 'environments'), outDir: out });
    expect(result.warnings.filter((w) => !w.includes('placeholder-value'))).toEqual([]);
    const tree = [...readTree(join(out, 'argocd')).keys()].filter((f) => !f.startsWith('root-')).sort();
    expect(tree).toEqual([
      'applicationset.yaml',
      'classic/app.yaml',
      'classic/istio-base.yaml',
      'classic/istio-gateway.yaml',
      'classic/istiod.yaml',
      'gw/alb-gateway-crds.yaml',
      'gw/app.yaml',
      'gw/gateway-api-crds.yaml',
      'gw/istio-base.yaml',
      'gw/istiod.yaml',
    ]);
    expect(existsSync(join(out, 'gw', '01-gateway-namespace.yaml'))).toBe(true);
    const edge = yaml.load(readTree(join(out, 'argocd')).get('gw/app.yaml')!.toString('utf8')) as IApplication;
    expect(edge.spec.source?.directory).toEqual({ recurse: false });
    // the same tree renderAll gives
    const rendered = renderAll(STACK, undefined, { environmentsDir: join(dir, 'environments') });
    expect(rendered.files.get('argocd/gw/gateway-api-crds.yaml')).toBe(
      readTree(out).get('argocd/gw/gateway-api-crds.yaml')!.toString('utf8'),
    );
  }, 120_000);
});
