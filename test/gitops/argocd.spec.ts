import '../support/shared-templates';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { Config } from '../../lib/config/types';
import {
  GitOpsEnvironment,
  IN_CLUSTER,
  SYNC_WAVES,
  applicationSet,
  childApplications,
  renderArgoCd,
  rootApplication,
} from '../../lib/output/argocd';
import { GATEWAY_HTTPS_PORT, GATEWAY_STATUS_PORT, istioGatewayValues } from '../../lib/output/argocd-istio-values';
import { synthManifests } from '../../lib/output/plain';
import { renderAll } from '../../lib/synth';
import { configWith } from '../support';
import { ROOT, find, loadObjects, schemaErrors, unknownFieldErrors } from './support';
import { STACK } from '../../charts';

const DIST = join(ROOT, 'dist');
const ARGO = loadObjects(join(DIST, 'argocd'));
const argoObjects = ARGO.map((a) => a.object);
const ENVS = ARGO.filter((a) => /^root-.*\.yaml$/.test(a.file)).map((a) =>
  a.file.slice('root-'.length, -'.yaml'.length),
);
const ISTIO_CHARTS = 'https://istio-release.storage.googleapis.com/charts';

/** The child Applications of `env` in the committed tree, by component label. */
function children(env: string): Record<string, any> {
  const apps = ARGO.filter((a) => a.file.startsWith(`${env}/`)).map((a) => a.object);
  return Object.fromEntries(apps.map((a) => [a.metadata.labels['app.kubernetes.io/component'], a]));
}
const syncOptions = (app: any): string[] => app.spec.syncPolicy?.syncOptions ?? [];

/** An environment built from the default config with `override` merged over it. */
function env(override: object = {}, name = 'test'): GitOpsEnvironment {
  const config: Config = configWith(override);
  return { name, config, manifests: synthManifests(STACK, config) };
}

describe('the committed Argo CD tree', () => {
  test('has a root per environment, each with its four children, and the ApplicationSet', () => {
    expect(ENVS).toEqual(['dev', 'prod']);
    expect(ARGO.map((a) => a.file).sort()).toEqual(
      [
        'applicationset.yaml',
        ...ENVS.flatMap((e) => ['app', 'istio-base', 'istio-gateway', 'istiod'].map((c) => `${e}/${c}.yaml`)),
        ...ENVS.map((e) => `root-${e}.yaml`),
      ].sort(),
    );
  });

  test('every object is valid against the Argo CD schema', () => {
    expect(argoObjects.length).toBe(1 + ENVS.length * 5);
    expect(schemaErrors(argoObjects)).toEqual([]);
  });

  test('no object has a field the Argo CD models do not know, at any depth', () => {
    expect(unknownFieldErrors(argoObjects)).toEqual([]);
  });

  test('both checks do catch a broken Application', () => {
    const broken = JSON.parse(JSON.stringify(find(argoObjects, 'Application', 'yelb-dev')));
    broken.spec.syncPolicy.automated.prune = 'yes';
    broken.spec.source.targetRevison = 'main';
    expect(schemaErrors([broken])).toEqual([
      { object: 'Application argocd/yelb-dev', error: expect.stringMatching(/prune must be boolean/) },
    ]);
    expect(unknownFieldErrors([broken])).toEqual(
      expect.arrayContaining([expect.stringMatching(/targetRevison is not a field/)]),
    );
  });

  test.each(ENVS)('%s: the root syncs the folder holding its children, from the Argo CD cluster', (e) => {
    const root = find(argoObjects, 'Application', `yelb-${e}-root`);
    expect(root.metadata.namespace).toBe('argocd');
    expect(root.spec.destination).toEqual({ server: IN_CLUSTER, namespace: 'argocd' });
    expect(root.spec.source.path).toBe(`dist/argocd/${e}`);
    expect(existsSync(join(ROOT, root.spec.source.path, 'app.yaml'))).toBe(true);
    for (const child of Object.values(children(e))) expect(child.metadata.namespace).toBe('argocd');
  });

  test.each(ENVS)('%s: sync waves order istio-base < istiod < istio-gateway < the app', (e) => {
    const apps = children(e);
    const wave = (c: string) => Number(apps[c].metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('istio-base')).toBeLessThan(wave('istiod'));
    expect(wave('istiod')).toBeLessThan(wave('istio-gateway'));
    expect(wave('istio-gateway')).toBeLessThan(wave('app'));
    expect(Object.keys(apps).sort()).toEqual(['app', 'istio-base', 'istio-gateway', 'istiod']);
  });

  test.each(ENVS)("%s: the three Istio charts come from Istio's repository at one exact version", (e) => {
    const apps = children(e);
    const sources = ['istio-base', 'istiod', 'istio-gateway'].map((c) => apps[c].spec.source);
    expect(sources.map((s) => s.chart)).toEqual(['base', 'istiod', 'gateway']);
    expect(new Set(sources.map((s) => s.repoURL))).toEqual(new Set([ISTIO_CHARTS]));
    expect(new Set(sources.map((s) => s.targetRevision))).toEqual(new Set(['1.30.4']));
  });

  test.each(ENVS)('%s: the app Application deploys the rendered dist/<env>/ folder', (e) => {
    const app = children(e).app;
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://github.com/example/eks-alb-istio-tls.git',
      targetRevision: 'main',
      path: `dist/${e}`,
    });
    expect(existsSync(join(ROOT, 'dist', e, '30-alb-ingress.yaml'))).toBe(true);
  });

  test.each(ENVS)('%s: the gateway chart values match the Ingress and the Gateway of dist/<env>/', (e) => {
    // GIVEN the environment's rendered manifests and its gateway Application
    const objects = loadObjects(join(DIST, e)).map((o) => o.object);
    const ingress = find(objects, 'Ingress');
    const gateway = find(objects, 'Gateway');
    const app = children(e)['istio-gateway'];
    const values = app.spec.source.helm.valuesObject;
    const annotations = ingress.metadata.annotations;
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;

    // THEN the Service is named as the Ingress backend, in the Ingress's namespace
    expect(app.spec.source.helm.releaseName).toBe(backend.name);
    expect(values.name).toBe(backend.name);
    expect(app.spec.destination.namespace).toBe(ingress.metadata.namespace);
    expect(gateway.metadata.namespace).toBe(ingress.metadata.namespace);
    // AND it has the backend port and the named health-check port, both with numeric target ports
    const ports = Object.fromEntries(values.service.ports.map((p: any) => [p.name, p]));
    expect(ports.https).toEqual({ name: 'https', port: backend.port.number, protocol: 'TCP', targetPort: 443 });
    expect(annotations['alb.ingress.kubernetes.io/healthcheck-port']).toBe('status-port');
    expect(ports['status-port']).toEqual({ name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 });
    // AND the Service type is one the target type reaches
    const targetType = annotations['alb.ingress.kubernetes.io/target-type'];
    expect(values.service.type).toBe(targetType === 'ip' ? 'ClusterIP' : 'NodePort');
    // AND the pods carry the labels the Gateway selects
    expect(values.labels).toMatchObject(gateway.spec.selector);
    // AND one trusted hop, two fixed replicas (no HPA: EKS has no metrics-server), a disruption budget and RBAC
    expect(JSON.parse(values.podAnnotations['proxy.istio.io/config'])).toEqual({
      gatewayTopology: { numTrustedProxies: 1 },
    });
    expect(values.autoscaling).toEqual({ enabled: false });
    expect(values.replicaCount).toBe(2);
    expect(values.podDisruptionBudget).toEqual({ minAvailable: 1 });
    expect(values.rbac).toEqual({ enabled: true });
    // AND the pods run as the ServiceAccount whose principal the app's AuthorizationPolicy for yelb-ui allows (rule B.23)
    const ui = find(objects, 'AuthorizationPolicy', 'yelb-ui');
    expect(values.serviceAccount).toEqual({ name: 'istio-ingressgateway-service-account' });
    expect(ui.spec.rules[0].from[0].source.principals).toEqual([
      `cluster.local/ns/${app.spec.destination.namespace}/sa/${values.serviceAccount.name}`,
    ]);
    // AND a terminating pod outlives the target group's deregistration delay, then has time to drain (rule C.32)
    const delay = Number(
      /deregistration_delay\.timeout_seconds=(\d+)/.exec(
        annotations['alb.ingress.kubernetes.io/target-group-attributes'],
      )![1],
    );
    expect(values.lifecycle.preStop.sleep.seconds).toBeGreaterThan(delay);
    expect(values.terminationGracePeriodSeconds).toBeGreaterThan(values.lifecycle.preStop.sleep.seconds);
  });

  test.each(['dev', 'prod'])(
    '%s: no HPA in the Istio charts, so the sync does not stall without metrics-server',
    (e) => {
      // GIVEN the committed istiod and gateway Applications (gitops.autoscaling: fixed, the default)
      const apps = children(e);
      const istiod = apps.istiod.spec.source.helm.valuesObject;
      const gateway = apps['istio-gateway'].spec.source.helm.valuesObject;
      // THEN both run two fixed replicas, the gateway keeps its PDB, and nothing installs metrics-server
      expect(istiod).toMatchObject({ autoscaleEnabled: false, replicaCount: 2 });
      expect(gateway).toMatchObject({
        autoscaling: { enabled: false },
        replicaCount: 2,
        podDisruptionBudget: { minAvailable: 1 },
      });
      expect(apps['metrics-server']).toBeUndefined();
    },
  );

  test('dev uses instance targets (NodePort), prod ip targets (ClusterIP)', () => {
    expect(children('dev')['istio-gateway'].spec.source.helm.valuesObject.service.type).toBe('NodePort');
    expect(children('prod')['istio-gateway'].spec.source.helm.valuesObject.service.type).toBe('ClusterIP');
  });

  test.each(ENVS)("%s: istiod's webhook drift is ignored and avoided", (e) => {
    const apps = children(e);
    expect(apps.istiod.spec.source.helm.valuesObject.base).toEqual({ validationFailurePolicy: 'Fail' });
    for (const c of ['istio-base', 'istiod']) {
      expect(apps[c].spec.ignoreDifferences).toEqual([
        {
          group: 'admissionregistration.k8s.io',
          kind: 'ValidatingWebhookConfiguration',
          jqPathExpressions: expect.arrayContaining(['.webhooks[]?.failurePolicy']),
        },
      ]);
      expect(syncOptions(apps[c])).toContain('RespectIgnoreDifferences=true');
    }
  });

  test.each(ENVS)('%s: each namespace is created by exactly one Application', (e) => {
    const apps = Object.values(children(e));
    const creators = apps
      .filter((a) => syncOptions(a).includes('CreateNamespace=true'))
      .map((a) => a.spec.destination.namespace);
    expect(creators).toEqual(['istio-system']);
    // the app's own namespace is in its manifests
    expect(
      loadObjects(join(DIST, e)).some(({ object }) => object.kind === 'Namespace' && object.metadata.name === 'yelb'),
    ).toBe(true);
  });

  test('prod (ip targets): the gateway namespace gets the readiness-gate label from its owner, not from the app', () => {
    const apps = children('prod');
    expect(apps['istio-base'].spec.syncPolicy.managedNamespaceMetadata).toEqual({
      labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' },
    });
    expect(existsSync(join(DIST, 'prod', '01-gateway-namespace.yaml'))).toBe(true);
    expect(apps.app.spec.source.directory).toEqual({ recurse: false, exclude: '01-gateway-namespace.yaml' });
    expect(children('dev')['istio-base'].spec.syncPolicy.managedNamespaceMetadata).toBeUndefined();
    expect(children('dev').app.spec.source.directory).toEqual({ recurse: false });
  });

  test.each(ENVS)(
    "%s: automated sync with prune and self-heal, retries, and cascade deletion except for Istio's CRDs",
    (e) => {
      const apps = children(e);
      for (const app of Object.values(apps)) {
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      }
      expect(apps['istio-base'].metadata.finalizers).toBeUndefined();
      for (const c of ['istiod', 'istio-gateway', 'app'])
        expect(apps[c].metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    },
  );

  test('the ApplicationSet generates exactly the root Applications', () => {
    // GIVEN the ApplicationSet and a rendering of its Go template the way the controller does it
    const set = find(argoObjects, 'ApplicationSet');
    expect(set.spec.goTemplate).toBe(true);
    const elements = set.spec.generators[0].list.elements;
    expect(elements.map((el: any) => el.env)).toEqual(ENVS);
    const render = (template: string, el: any) =>
      template
        .replace(/\{\{ toJson \.(\w+) \}\}/g, (_, k) => JSON.stringify(el[k]))
        .replace(/\{\{ \.(\w+) \}\}/g, (_, k) => {
          if (!(k in el)) throw new Error(`missing ${k}`);
          return el[k];
        });
    for (const el of elements) {
      // WHEN an element is rendered
      const app = yaml.load(render(yaml.dump(set.spec.template), el)) as any;
      Object.assign(app.spec, (yaml.load(render(set.spec.templatePatch, el)) as any).spec);
      // THEN it is the committed root of that environment
      const root = find(argoObjects, 'Application', `yelb-${el.env}-root`);
      expect(app.metadata.name).toBe(root.metadata.name);
      expect(app.metadata.labels).toEqual(root.metadata.labels);
      expect(set.metadata.namespace).toBe(root.metadata.namespace);
      expect(app.spec).toEqual(root.spec);
    }
  });
});

describe('gitops.autoscaling', () => {
  const byComponent = (apps: any[]) =>
    Object.fromEntries(apps.map((a) => [a.metadata.labels['app.kubernetes.io/component'], a]));
  const valuesOf = (app: any) => app.spec.source.helm.valuesObject;

  test('hpa: HPAs of 2 to 5 replicas in istiod and the gateway, no metrics-server Application', () => {
    const apps = byComponent(childApplications(env({ gitops: { autoscaling: 'hpa' } })));
    expect(valuesOf(apps.istiod)).toMatchObject({ autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5 });
    expect(valuesOf(apps.istiod).replicaCount).toBeUndefined();
    expect(valuesOf(apps['istio-gateway'])).toMatchObject({
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
    });
    expect(valuesOf(apps['istio-gateway']).replicaCount).toBeUndefined();
    expect(Object.keys(apps).sort()).toEqual(['app', 'istio-base', 'istio-gateway', 'istiod']);
  });

  test('hpaWithMetricsServer: a pinned metrics-server chart in a wave before Istio, in its own file', () => {
    const e = env({ gitops: { autoscaling: 'hpaWithMetricsServer' } });
    const apps = byComponent(childApplications(e));
    const ms = apps['metrics-server'];
    expect(ms.spec.source).toEqual({
      repoURL: 'https://kubernetes-sigs.github.io/metrics-server',
      chart: 'metrics-server',
      targetRevision: '3.13.0',
      helm: { releaseName: 'metrics-server' },
    });
    expect(ms.spec.destination.namespace).toBe('kube-system');
    const wave = (app: any) => Number(app.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave(ms)).toBeLessThan(wave(apps['istio-base']));
    expect(valuesOf(apps.istiod)).toMatchObject({ autoscaleEnabled: true });
    expect([...renderArgoCd([e], e.config).keys()]).toContain('argocd/test/metrics-server.yaml');
  });

  test('an unknown mode is a config error naming the key', () => {
    expect(() => configWith({ gitops: { autoscaling: 'auto' } })).toThrow(/gitops\.autoscaling/);
  });
});

describe('the gateway chart values', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(__dirname, 'fixtures', 'istio-gateway-values.schema.json'), 'utf8')),
  );

  test.each([
    ['instance', 'fixed'],
    ['ip', 'fixed'],
    ['ip', 'hpa'],
  ])("are valid against the chart's values schema (%s targets, %s replicas)", (targetType, autoscaling) => {
    const values = istioGatewayValues(configWith({ alb: { targetType }, gitops: { autoscaling } }));
    expect(validate(values) ? [] : validate.errors).toEqual([]);
  });

  test('the schema fixture rejects a misspelt key, an unknown Service type and a malformed lifecycle', () => {
    expect(validate({ servce: { type: 'NodePort' } })).toBe(false);
    expect(validate({ service: { type: 'Nodeport' } })).toBe(false);
    expect(validate({ autoscaling: { minReplicas: '2' } })).toBe(false);
    expect(validate({ lifecycle: { preStop: 35 } })).toBe(false);
    expect(validate({ terminationGracePeriodSeconds: '65' })).toBe(false);
  });

  // The ALB keeps sending to a deregistering target for the delay D: the pod must serve that long (preStop sleep),
  // then Envoy drains after SIGTERM, within the grace period (rule C.32).
  test.each([
    ['the default delay', {}, 30],
    [
      'a custom delay',
      { targetGroupAttributes: ['slow_start.duration_seconds=30', 'deregistration_delay.timeout_seconds=120'] },
      120,
    ],
    ['no delay', { targetGroupAttributes: ['deregistration_delay.timeout_seconds=0'] }, 0],
    ['no delay attribute (AWS default 300 s)', { targetGroupAttributes: ['slow_start.duration_seconds=30'] }, 300],
    ['no target-group attributes (AWS default 300 s)', { targetGroupAttributes: [] }, 300],
  ])(
    'zero-downtime rollouts with %s: preStop sleep past the deregistration delay, grace period past the sleep',
    (_, alb, delay) => {
      const values = istioGatewayValues(configWith({ alb }));
      expect(values.lifecycle).toEqual({ preStop: { sleep: { seconds: delay + 5 } } });
      expect(values.lifecycle.preStop.sleep.seconds).toBeGreaterThan(delay);
      expect(values.terminationGracePeriodSeconds).toBe(delay + 5 + 30);
      expect(values.terminationGracePeriodSeconds).toBeGreaterThan(values.lifecycle.preStop.sleep.seconds);
      expect(validate(values) ? [] : validate.errors).toEqual([]);
    },
  );

  test('follow the config: Service name, pod labels and ports', () => {
    const values = istioGatewayValues(
      configWith({ gateway: { serviceName: 'edge-gw', selector: { istio: 'edge', team: 'web' } } }),
    );
    expect(values.name).toBe('edge-gw');
    expect(values.labels).toEqual({ istio: 'edge', team: 'web' });
    expect(values.service.ports.map((p) => [p.name, p.port])).toEqual([
      ['status-port', GATEWAY_STATUS_PORT],
      ['https', GATEWAY_HTTPS_PORT],
    ]);
  });
});

describe('Argo CD objects from the config', () => {
  test('manual sync: no automated policy anywhere, retries kept', () => {
    const e = env({ gitops: { automatedSync: false } });
    for (const app of [rootApplication(e), ...childApplications(e)]) {
      expect(app.spec.syncPolicy?.automated).toBeUndefined();
      expect(app.spec.syncPolicy?.retry).toBeDefined();
    }
  });

  test('prune and self-heal are options', () => {
    const e = env({ gitops: { prune: false, selfHeal: false } });
    expect(childApplications(e).map((a) => a.spec.syncPolicy?.automated)).toEqual(
      Array(4).fill({ prune: false, selfHeal: false }),
    );
  });

  test('repository, revision, project, cluster, names and Istio version come from gitops.*', () => {
    const e = env(
      {
        gitops: {
          repoURL: 'git@github.com:acme/platform.git',
          targetRevision: 'release-1',
          distPath: 'deploy/dist',
          project: 'platform',
          argocdNamespace: 'gitops',
          name: 'shop',
          destinationServer: 'https://10.0.0.1:6443',
          istioVersion: '1.29.2',
        },
      },
      'staging',
    );
    const root = rootApplication(e);
    const [base, istiod, gw, app] = childApplications(e);
    expect(root.metadata).toMatchObject({ name: 'shop-staging-root', namespace: 'gitops' });
    expect(root.spec.source).toMatchObject({
      repoURL: 'git@github.com:acme/platform.git',
      targetRevision: 'release-1',
      path: 'deploy/dist/argocd/staging',
    });
    expect([base, istiod, gw, app].map((a) => a.metadata.name)).toEqual([
      'shop-staging-istio-base',
      'shop-staging-istiod',
      'shop-staging-istio-gateway',
      'shop-staging',
    ]);
    expect(new Set([root, base, istiod, gw, app].map((a) => a.spec.project))).toEqual(new Set(['platform']));
    expect(new Set([base, istiod, gw, app].map((a) => a.spec.destination.server))).toEqual(
      new Set(['https://10.0.0.1:6443']),
    );
    expect(new Set([base, istiod, gw].map((a) => a.spec.source?.targetRevision))).toEqual(new Set(['1.29.2']));
    expect(app.spec.source?.path).toBe('deploy/dist/staging');
  });

  test('a gateway namespace of its own is created, and labelled for ip targets, by the gateway Application', () => {
    const [base, , gw] = childApplications(env({ gateway: { namespace: 'istio-ingress' }, alb: { targetType: 'ip' } }));
    expect(syncOptions(base)).toContain('CreateNamespace=true');
    expect(base.spec.syncPolicy?.managedNamespaceMetadata).toBeUndefined();
    expect(gw.spec.destination.namespace).toBe('istio-ingress');
    expect(syncOptions(gw)).toContain('CreateNamespace=true');
    expect(gw.spec.syncPolicy?.managedNamespaceMetadata).toEqual({
      labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' },
    });
    expect((gw.spec.source?.helm?.valuesObject as any).service.type).toBe('ClusterIP');
  });

  test('the generated Helm chart as the app source', () => {
    const values = (config: Config) => ({ host: config.host });
    const [, , , app] = childApplications(env({ gitops: { appSource: 'helm' } }), {
      helmValuesOf: values,
      helmChartName: 'alb-istio',
    });
    expect(app.spec.source).toEqual({
      repoURL: 'https://github.com/example/eks-alb-istio-tls.git',
      targetRevision: 'main',
      path: 'dist/helm/alb-istio',
      helm: { valuesObject: { host: 'yelb.example.com' } },
    });
    expect(syncOptions(app)).toContain('CreateNamespace=true');
    const [, , , custom] = childApplications(env({ gitops: { appSource: 'helm', helmChartPath: 'charts/edge' } }), {
      helmValuesOf: values,
    });
    expect(custom.spec.source?.path).toBe('charts/edge');
    expect(schemaErrors([app, custom])).toEqual([]);
  });

  test('with the generated chart as the source, the values are valid for the committed chart', () => {
    // GIVEN an environment deployed from the chart, rendered by the real synth
    const dir = mkdtempSync(join(tmpdir(), 'argocd-helm-'));
    try {
      writeFileSync(join(dir, 'stage.yaml'), 'host: yelb.stage.example.com\ngitops:\n  appSource: helm\n');
      const { files } = renderAll(STACK, undefined, { environmentsDir: dir });
      const app = yaml.load(String(files.get('argocd/stage/app.yaml'))) as any;
      // THEN it points at the chart committed in dist/helm/
      expect(existsSync(join(ROOT, app.spec.source.path, 'Chart.yaml'))).toBe(true);
      // AND its values pass the chart's values.schema.json, as helm will check them
      const schema = JSON.parse(readFileSync(join(ROOT, app.spec.source.path, 'values.schema.json'), 'utf8'));
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      expect(validate(app.spec.source.helm.valuesObject) ? [] : validate.errors).toEqual([]);
      expect(app.spec.source.helm.valuesObject.host).toBe('yelb.stage.example.com');
      expect(schemaErrors([app])).toEqual([]);
      expect(unknownFieldErrors([app])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the helm app source without a chart writer is an error', () => {
    expect(() => childApplications(env({ gitops: { appSource: 'helm' } }))).toThrow(
      /'gitops.appSource' helm needs the Helm chart output/,
    );
  });

  test('Application names longer than 63 characters are an error', () => {
    const long = env({ gitops: { name: 'a'.repeat(40) } }, 'production-eu');
    const message =
      /^environment production-eu: Application name a{40}-production-eu-istio-gateway must be at most 63 characters, got 68; shorten 'gitops.name' or the environment name$/;
    expect(() => childApplications(long)).toThrow(message);
    expect(() => rootApplication(long)).toThrow(message);
  });

  test('the ApplicationSet needs every environment in its Argo CD namespace', () => {
    const envs = [env({}, 'dev'), env({ gitops: { argocdNamespace: 'gitops' } }, 'prod')];
    expect(() => applicationSet(envs, configWith())).toThrow(
      /environment prod: 'gitops.argocdNamespace' must be argocd like the default config's/,
    );
  });

  test('no environments, no argocd/ files', () => {
    expect(renderArgoCd([], configWith()).size).toBe(0);
  });

  test('objects built from other configs stay schema-valid and closed', () => {
    const e = env({
      gitops: { automatedSync: false, appSource: 'helm' },
      gateway: { namespace: 'istio-ingress' },
      alb: { targetType: 'ip' },
    });
    const objects = [
      rootApplication(e),
      ...childApplications(e, { helmValuesOf: () => ({ a: 1 }) }),
      applicationSet([e], e.config),
    ];
    expect(schemaErrors(objects)).toEqual([]);
    expect(unknownFieldErrors(objects)).toEqual([]);
  });

  test('sync waves are the documented constants', () => {
    expect(Object.values(SYNC_WAVES)).toEqual([...Object.values(SYNC_WAVES)].sort((a, b) => a - b));
  });
});
