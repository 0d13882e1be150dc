import '../support/shared-templates';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import { loadEnvironments } from '../../lib/config/environments';
import { loadBaseConfig } from '../../lib/config/load';
import { Config } from '../../lib/config/types';
import {
  GitOpsEnvironment,
  SYNC_WAVES,
  applicationSet,
  childApplications,
  renderArgoCd,
  rootApplication,
} from '../../lib/output/argocd';
import { IApplication } from '../../lib/output/argocd-types';
import { synthManifests } from '../../lib/output/plain';
import { K8sObject, checkRules } from '../../lib/check';
import { argoCdOptions, renderAll } from '../../lib/synth';
import { configWith } from '../support';
import { ROOT, schemaErrors, unknownFieldErrors } from './support';
import { STACK } from '../../charts';

const OPTIONS = argoCdOptions(STACK);
const WAVE = 'argocd.argoproj.io/sync-wave';

/** An app with one route; `extra` adds or overrides keys. */
const app = (name: string, extra: object = {}) => ({
  name,
  hosts: [`${name}.example.com`],
  routes: [{ pathPrefix: '/', service: 'web', port: 8080 }],
  ...extra,
});

/** An environment built from the default config with `override` merged over it, rendered as synth does. */
function env(override: object = {}, name = 'test'): GitOpsEnvironment {
  const config: Config = configWith(override);
  return { name, config, manifests: synthManifests(STACK, config) };
}

const component = (a: IApplication) => a.metadata.labels!['app.kubernetes.io/component'];
const byComponent = (apps: IApplication[]) => Object.fromEntries(apps.map((a) => [component(a), a]));
const wave = (a: IApplication) => Number(a.metadata.annotations![WAVE]);

/**
 * Argo CD's directory include/exclude match (util/glob over gobwas/glob, without separators): `*` is any run of
 * characters, `?` one, `{a,b}` either alternative; the pattern must match the whole path relative to the source path.
 */
function globMatch(pattern: string, path: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.includes('(?:')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(path);
}

/** The Applications of `apps` whose directory source deploys `file` of the environment's folder. */
function deployersOf(apps: IApplication[], file: string): string[] {
  return apps
    .filter((a) => {
      const dir = a.spec.source?.directory;
      if (!dir) return false;
      if (dir.exclude !== undefined && globMatch(dir.exclude, file)) return false;
      return dir.include === undefined || globMatch(dir.include, file);
    })
    .map((a) => a.metadata.name);
}

describe("Argo CD's glob, as the tests read it", () => {
  test('brace lists, stars and whole-path matching', () => {
    expect(globMatch('{01-gateway-namespace.yaml,22-app-*.yaml}', '22-app-shop.yaml')).toBe(true);
    expect(globMatch('{01-gateway-namespace.yaml,22-app-*.yaml}', '01-gateway-namespace.yaml')).toBe(true);
    expect(globMatch('{01-gateway-namespace.yaml,22-app-*.yaml}', '20-istio-edge.yaml')).toBe(false);
    expect(globMatch('22-app-*.yaml', '22-app-shop.yaml.bak')).toBe(false);
    expect(globMatch('22-app-shop.yaml', '22-app-shopping.yaml')).toBe(false);
  });
});

describe("one Application per team's app", () => {
  const apps = [app('shop'), app('pay', { namespace: 'payments' }), app('blog', { enabled: false })];

  test('by value: name, component, its file alone, its namespace, a wave after the edge', () => {
    const children = byComponent(childApplications(env({ apps }), OPTIONS));
    expect(Object.keys(children).sort()).toEqual([
      'app',
      'app-pay',
      'app-shop',
      'istio-base',
      'istio-gateway',
      'istiod',
    ]);
    const shop = children['app-shop'];
    expect(shop.metadata).toEqual({
      name: 'yelb-test-app-shop',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/part-of': 'eks-alb-istio-tls', 'app.kubernetes.io/component': 'app-shop' },
      annotations: { [WAVE]: String(SYNC_WAVES.teamApps) },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(shop.spec.source).toEqual({
      repoURL: 'https://github.com/example/eks-alb-istio-tls.git',
      targetRevision: 'main',
      path: 'dist/test',
      directory: { recurse: false, include: '22-app-shop.yaml' },
    });
    expect(shop.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(children['app-pay'].spec.destination.namespace).toBe('payments');
    expect(children['app-pay'].spec.source?.directory?.include).toBe('22-app-pay.yaml');
    expect(wave(shop)).toBeGreaterThan(wave(children.app));
    expect(wave(children['app-pay'])).toBe(wave(shop));
  });

  test('the same project, sync policy and finalizer as the edge Application', () => {
    const children = byComponent(childApplications(env({ apps, gitops: { automatedSync: false } }), OPTIONS));
    for (const c of ['app-shop', 'app-pay']) {
      expect(children[c].spec.syncPolicy).toEqual(children.app.spec.syncPolicy);
      expect(children[c].metadata.finalizers).toEqual(children.app.metadata.finalizers);
      expect(children[c].spec.project).toBe(children.app.spec.project);
      expect(children[c].spec.destination.server).toBe(children.app.spec.destination.server);
    }
    expect(children.app.spec.syncPolicy?.automated).toBeUndefined();
  });

  test.each([
    ['instance targets (no gateway namespace file)', {}, '22-app-*.yaml'],
    [
      'ip targets (the gateway namespace file)',
      { alb: { targetType: 'ip' } },
      '{01-gateway-namespace.yaml,22-app-*.yaml}',
    ],
  ])('%s: every rendered file has exactly one owner; the edge leaves out every app file', (_, extra, exclude) => {
    // GIVEN an environment with two enabled apps and the files it renders
    const e = env({ apps, ...extra });
    const children = childApplications(e, OPTIONS);
    expect(byComponent(children).app.spec.source?.directory).toEqual({ recurse: false, exclude });
    const files = e.manifests.map((m) => m.fileName);
    expect(files).toEqual(expect.arrayContaining(['22-app-shop.yaml', '22-app-pay.yaml']));
    expect(files.some((f) => f.includes('blog'))).toBe(false);
    // THEN each app file is deployed by its own Application only, every other file by the edge alone, and the
    // gateway namespace by none (the Istio Applications own it)
    for (const file of files) {
      const expected = file.startsWith('22-app-')
        ? [`yelb-test-app-${file.slice('22-app-'.length, -'.yaml'.length)}`]
        : file === '01-gateway-namespace.yaml'
          ? []
          : ['yelb-test'];
      expect([file, deployersOf(children, file)]).toEqual([file, expected]);
    }
  });

  test('an app switched off has no Application, and no file', () => {
    const e = env({ apps: [app('shop', { enabled: false })] });
    expect(childApplications(e, OPTIONS).map((a) => a.metadata.name)).toEqual([
      'yelb-test-istio-base',
      'yelb-test-istiod',
      'yelb-test-istio-gateway',
      'yelb-test',
    ]);
  });

  test('a config without enabled apps gives exactly the objects of a config without apps', () => {
    const none = env();
    const off = env({ apps: [app('shop', { enabled: false })] });
    for (const e of [none, off]) {
      expect(childApplications(e, OPTIONS)).toEqual(childApplications(env(), OPTIONS));
      expect(renderArgoCd([e], e.config, OPTIONS)).toEqual(renderArgoCd([none], none.config, OPTIONS));
    }
    const edge = byComponent(childApplications(none, OPTIONS)).app;
    expect(edge.spec.source?.directory).toEqual({ recurse: false });
  });

  test('each app Application is written to <env>/app-<name>.yaml next to the other children', () => {
    const e = env({ apps });
    const files = [...renderArgoCd([e], e.config, OPTIONS).keys()].sort();
    expect(files).toEqual([
      'argocd/applicationset.yaml',
      'argocd/root-test.yaml',
      'argocd/test/app-pay.yaml',
      'argocd/test/app-shop.yaml',
      'argocd/test/app.yaml',
      'argocd/test/istio-base.yaml',
      'argocd/test/istio-gateway.yaml',
      'argocd/test/istiod.yaml',
    ]);
    // the root still syncs that one folder, without recursion
    expect(rootApplication(e).spec.source?.path).toBe('dist/argocd/test');
  });

  test('valid against the Argo CD CRD and closed, for both sources', () => {
    for (const appSource of ['directory', 'helm']) {
      const e = env({ apps, gitops: { appSource }, alb: { targetType: 'ip' } });
      const objects = [rootApplication(e), ...childApplications(e, OPTIONS), applicationSet([e], e.config)];
      expect(objects).toHaveLength(8);
      expect(schemaErrors(objects)).toEqual([]);
      expect(unknownFieldErrors(objects)).toEqual([]);
    }
  });

  test('the apps without the app file names is an error, not a silent edge that deploys them too', () => {
    const { appFiles: _, ...options } = OPTIONS;
    expect(() => childApplications(env({ apps }), options)).toThrow(
      /^environment test: 'apps' need the app file names, which this synth does not give$/,
    );
  });
});

describe('gitops.appSource helm', () => {
  const apps = [app('shop'), app('pay', { namespace: 'payments' })];

  test('the edge renders the chart with scope edge, each app with scope app and its name', () => {
    const e = env({ apps, gitops: { appSource: 'helm' } });
    const children = byComponent(childApplications(e, OPTIONS));
    const values = (c: string) => children[c].spec.source!.helm!.valuesObject as Record<string, unknown>;
    const chart = OPTIONS.helmValuesOf!(e.config);
    expect(values('app')).toEqual({ ...chart, scope: 'edge' });
    expect(values('app-shop')).toEqual({ ...chart, scope: 'app', scopeApp: 'shop' });
    expect(values('app-pay')).toEqual({ ...chart, scope: 'app', scopeApp: 'pay' });
    for (const c of ['app', 'app-shop', 'app-pay']) {
      expect(children[c].spec.source).toMatchObject({ path: 'dist/helm/eks-alb-istio-tls' });
      expect(children[c].spec.source?.directory).toBeUndefined();
      expect(children[c].spec.source?.helm?.releaseName).toBeUndefined();
    }
    expect(children['app-pay'].spec.destination.namespace).toBe('payments');
    expect(children['app-pay'].spec.syncPolicy?.syncOptions).toEqual(['CreateNamespace=true', 'PruneLast=true']);
    expect(wave(children['app-pay'])).toBeGreaterThan(wave(children.app));
  });

  test('without apps the chart values are as before: no scope', () => {
    const e = env({ gitops: { appSource: 'helm' } });
    const edge = byComponent(childApplications(e, OPTIONS)).app;
    expect(edge.spec.source?.helm?.valuesObject).toEqual(OPTIONS.helmValuesOf!(e.config));
    expect((edge.spec.source?.helm?.valuesObject as Record<string, unknown>).scope).toBeUndefined();
  });

  // Needs the chart's scope edge/app and scopeApp values (values.schema.json): passes once the chart has them.
  test("the edge and app values are valid for the committed chart's values schema", () => {
    const e = env({ apps, gitops: { appSource: 'helm' } });
    const children = childApplications(e, OPTIONS).filter((a) => component(a).startsWith('app'));
    const chartPath = children[0].spec.source!.path!;
    const schema = JSON.parse(readFileSync(join(ROOT, chartPath, 'values.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const errors = children.map((a) => [
      a.metadata.name,
      validate(a.spec.source!.helm!.valuesObject) ? [] : validate.errors,
    ]);
    expect(errors).toEqual(children.map((a) => [a.metadata.name, []]));
  });
});

describe('Application names', () => {
  test('<gitops.name>-<env>-app-<name>, distinct from every other child', () => {
    // Names chosen to look like the other children's suffixes.
    const e = env({ apps: [app('root'), app('istiod'), app('istio-base')] });
    const names = [rootApplication(e), ...childApplications(e, OPTIONS)].map((a) => a.metadata.name);
    expect(names).toEqual([
      'yelb-test-root',
      'yelb-test-istio-base',
      'yelb-test-istiod',
      'yelb-test-istio-gateway',
      'yelb-test',
      'yelb-test-app-root',
      'yelb-test-app-istiod',
      'yelb-test-app-istio-base',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  test('longer than 63 characters: one line naming the app key', () => {
    // 4 + 1 + 20 + 5 + 32 = 62 fits; 4 + 1 + 20 + 5 + 32 + 2 does not
    const fits = env({ apps: [app('a'.repeat(32))] }, 'e'.repeat(20));
    expect(childApplications(fits, OPTIONS)[4].metadata.name).toHaveLength(62);
    const long = env({ apps: [app('shop'), app('b'.repeat(32))] }, 'e'.repeat(22));
    expect(() => childApplications(long, OPTIONS)).toThrow(
      new RegExp(
        `^environment e{22}: Application name yelb-e{22}-app-b{32} of 'apps\\[1\\]\\.name' must be at most 63 characters, got 64; shorten 'apps\\[1\\]\\.name', 'gitops\\.name' or the environment name$`,
      ),
    );
  });

  test('with the Helm source at most 53 characters, the Helm release name limit', () => {
    const e = env({ apps: [app('c'.repeat(32))], gitops: { appSource: 'helm' } }, 'staging-eu-west');
    expect(() => childApplications(e, OPTIONS)).toThrow(
      /^environment staging-eu-west: Application name yelb-staging-eu-west-app-c{32} of 'apps\[0\]\.name' must be at most 53 characters with 'gitops\.appSource' helm \(it is the Helm release name\), got 57; shorten/,
    );
    // the same names fit with the directory source
    expect(() => childApplications(env({ apps: [app('c'.repeat(32))] }, 'staging-eu-west'), OPTIONS)).not.toThrow();
  });

  test('an Application name shared by two environments is an error naming both', () => {
    const dev = env({ apps: [app('x')] }, 'dev');
    const other = env({}, 'dev-app-x');
    expect(() => renderArgoCd([dev, other], dev.config, OPTIONS)).toThrow(
      /^environment dev-app-x: Application name yelb-dev-app-x \(app\) is already that of environment dev's app-x; rename the environment, or the app in 'apps'$/,
    );
  });
});

describe('environments add and switch off apps', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'team-apps-'));
    mkdirSync(join(dir, 'apps'));
    mkdirSync(join(dir, 'environments'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => writeFileSync(join(dir, path), text);

  test('an environment adds an app and switches another off; each environment gets its own Applications', () => {
    // GIVEN two teams' apps in config/apps/, and environments that change them by name
    write(
      'apps/shop.yaml',
      'name: shop\nhosts: [shop.example.com]\nroutes: [{pathPrefix: /, service: web, port: 8080}]\n',
    );
    write(
      'apps/blog.yaml',
      'name: blog\nhosts: [blog.example.com]\nroutes: [{pathPrefix: /, service: web, port: 80}]\n',
    );
    write(
      'environments/dev.yaml',
      'apps:\n  - name: blog\n    enabled: false\n  - name: pay\n    hosts: [pay.dev.example.com]\n    routes: [{pathPrefix: /, service: api, port: 8443}]\n',
    );
    write('environments/prod.yaml', 'apps:\n  - name: shop\n    hosts: [shop.prod.example.com]\n');
    const envs = loadEnvironments(join(dir, 'environments'), loadBaseConfig(join(dir, 'apps'))).map((e) => ({
      ...e,
      manifests: synthManifests(STACK, e.config),
    }));
    // WHEN the Argo CD tree is rendered
    const files = renderArgoCd(envs, envs[0].config, OPTIONS);
    // THEN dev has shop and pay (blog is off), prod blog and shop, each from its own file
    const teamApps = (name: string) =>
      [...files.keys()].filter((f) => f.startsWith(`argocd/${name}/app-`)).map((f) => f.split('/')[2]);
    expect(teamApps('dev')).toEqual(['app-shop.yaml', 'app-pay.yaml']);
    // config/apps/ is read in file-name order: blog before shop
    expect(teamApps('prod')).toEqual(['app-blog.yaml', 'app-shop.yaml']);
    expect(envs.map((e) => e.manifests.map((m) => m.fileName).filter((f) => f.startsWith('22-')))).toEqual([
      ['22-app-shop.yaml', '22-app-pay.yaml'],
      ['22-app-blog.yaml', '22-app-shop.yaml'],
    ]);
    // AND prod's override of shop's hosts reached its file
    const prod = envs[1].manifests.find((m) => m.fileName === '22-app-shop.yaml')!;
    expect(JSON.stringify(prod.objects)).toContain('shop.prod.example.com');
  });

  test('renderAll of a temporary environments folder writes the app Applications, and the checks pass', () => {
    write(
      'environments/stage.yaml',
      'alb: {targetType: ip}\napps:\n  - name: shop\n    hosts: [shop.stage.example.com]\n    routes: [{pathPrefix: /, service: web, port: 8080}]\n',
    );
    const result = renderAll(STACK, undefined, { environmentsDir: join(dir, 'environments') });
    expect([...result.files.keys()].filter((f) => f.startsWith('argocd/stage/')).sort()).toEqual([
      'argocd/stage/app-shop.yaml',
      'argocd/stage/app.yaml',
      'argocd/stage/istio-base.yaml',
      'argocd/stage/istio-gateway.yaml',
      'argocd/stage/istiod.yaml',
    ]);
    expect(result.files.get('stage/22-app-shop.yaml')).toBeDefined();
    // the checker's rules (the gitops ones among them) find no error in the manifests with their Applications
    const [stage] = result.environments;
    const objects = [...stage.manifests.flatMap((m) => m.objects), ...childApplications(stage, OPTIONS)];
    const findings = checkRules(objects as K8sObject[]).findings;
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    // and they did look at the Applications: the ip-target gateway's first pods are reported on its Application
    expect(findings.filter((f) => f.ruleId === 'readiness-gate-first-pods').map((f) => f.object)).toEqual([
      'Application argocd/yelb-stage-istio-gateway',
    ]);
  });
});

describe('many apps', () => {
  test('100 apps give 100 Applications per environment, quickly', () => {
    const apps = Array.from({ length: 100 }, (_, i) => app(`app-${String(i).padStart(3, '0')}`));
    const config = configWith({ apps });
    const manifests = synthManifests(STACK, config);
    const envs = ['dev', 'prod'].map((name) => ({ name, config, manifests }));
    const started = process.hrtime.bigint();
    const files = renderArgoCd(envs, config, OPTIONS);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    for (const name of ['dev', 'prod']) {
      expect([...files.keys()].filter((f) => f.startsWith(`argocd/${name}/app-`))).toHaveLength(100);
    }
    const edge = childApplications(envs[0], OPTIONS).find((a) => component(a) === 'app')!;
    expect(edge.spec.source?.directory?.exclude).toBe('22-app-*.yaml');
    // about 20 ms on the reference machine; generous for a shared CI runner
    expect(ms).toBeLessThan(1000);
  });
});
