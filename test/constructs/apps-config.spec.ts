import '../support/shared-templates';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { STACK } from '../../charts';
import { manifestsOf } from '../support/manifests';
import { albPlanOf } from '../../charts/alb-ingress-chart';
import { resolvedApps } from '../../lib/config/apps';
import { ConfigError, loadConfig } from '../../lib/config/load';
import { renderAll } from '../../lib/synth';
import { checkRules } from '../../lib/check';
import { schemaErrors } from '../support';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apps-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ARN = (n: number) =>
  `arn:aws:acm:us-east-1:210987654321:certificate/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const app = (name: string, extra: object = {}) => ({
  name,
  hosts: [`${name}.acme.io`],
  routes: [{ pathPrefix: '/', service: 'web', port: 8080 }],
  ...extra,
});
/** Writes a config file (merged over the default) and returns its path. */
function configFile(config: object, name = 'c.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, yaml.dump(config));
  return file;
}
const noApps = join(__dirname, 'no-such-dir');
const load = (config: object, appsDir = noApps) => loadConfig(configFile(config), appsDir);
const problem = (config: object, appsDir = noApps): string => {
  try {
    load(config, appsDir);
    return 'accepted';
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.message;
  }
};
/** The objects of a render of `config` by file. */
function objectsOf(config: object, appsDir = noApps): Map<string, any[]> {
  const manifests = manifestsOf(configFile(config), appsDir);
  return new Map(manifests.map((m) => [m.fileName, m.objects as any[]]));
}

describe('the apps list', () => {
  test('defaults: namespace = name, targetPort = port, workload = service, the mesh.* values', () => {
    const [shop] = resolvedApps(load({ apps: [app('shop')], mesh: { mtlsMode: 'PERMISSIVE' } }));
    expect(shop).toMatchObject({
      key: 'apps[0]',
      namespace: 'shop',
      certificateArns: [],
      routes: [{ pathPrefix: '/', service: 'web', port: 8080, targetPort: 8080, workload: 'web' }],
      externalHosts: [],
      mtlsMode: 'PERMISSIVE',
      namespacePeerAuthentication: true,
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      authorization: true,
      workloadLabel: 'app',
      allow: [],
    });
  });

  test('config/apps/*.yaml: one app or a list per file, in file-name order, after the config file apps', () => {
    const apps = join(dir, 'apps');
    mkdirSync(apps);
    writeFileSync(join(apps, '20-blog.yaml'), yaml.dump(app('blog')));
    writeFileSync(join(apps, '10-shop.yaml'), yaml.dump([app('shop'), app('cart')]));
    writeFileSync(join(apps, 'README.md'), 'not an app file');
    const config = load({ yelb: { enabled: false } }, apps);
    expect(resolvedApps(config).map((a) => a.name)).toEqual(['shop', 'cart', 'blog']);
  });

  test('a config or environment file changes apps by name and appends new ones; enabled: false drops one', () => {
    const apps = join(dir, 'apps');
    mkdirSync(apps);
    writeFileSync(join(apps, 'teams.yaml'), yaml.dump([app('shop'), app('cart'), app('blog')]));
    const config = load(
      { apps: [{ name: 'cart', enabled: false }, { name: 'shop', hosts: ['shop.dev.acme.io'] }, app('new')] },
      apps,
    );
    expect(resolvedApps(config).map((a) => [a.name, a.hosts])).toEqual([
      ['shop', ['shop.dev.acme.io']],
      ['blog', ['blog.acme.io']],
      ['new', ['new.acme.io']],
    ]);
    // The app keeps its place (apps[0]) and its other keys.
    expect(resolvedApps(config)[0].routes[0].service).toBe('web');
  });

  test('a problem of an app read from a file names the file', () => {
    const apps = join(dir, 'apps');
    mkdirSync(apps);
    writeFileSync(join(apps, 'shop.yaml'), yaml.dump(app('shop', { hosts: ['Shop.acme.io'] })));
    expect(problem({}, apps)).toMatch(/^.*apps\/shop\.yaml: 'apps\[0\]\.hosts\[0\]' must be a lowercase DNS name/);
    writeFileSync(join(apps, 'shop.yaml'), 'just text\n');
    expect(problem({}, apps)).toMatch(
      /^app file .*apps\/shop\.yaml must hold an app \(a mapping with name, hosts and routes\) or a list of them, got "just text"$/,
    );
  });

  test.each([
    [
      'duplicate names',
      { apps: [app('shop'), app('shop', { hosts: ['b.acme.io'], namespace: 'b' })] },
      `'apps[1].name' repeats the name of apps[0]: app names are unique, got "shop"`,
    ],
    [
      'a host in two apps',
      { apps: [app('shop'), app('cart', { hosts: ['cart.acme.io', 'shop.acme.io'] })] },
      `'apps[1].hosts[1]' is already a host of apps[0] (shop): a host belongs to one app, got "shop.acme.io"`,
    ],
    [
      "the sample's host",
      { apps: [app('shop', { hosts: ['yelb.example.com'] })] },
      `'apps[0].hosts[0]' is already a host of 'host' (the sample's): a host belongs to one app, got "yelb.example.com"`,
    ],
    [
      'a system namespace',
      { apps: [app('shop', { namespace: 'kube-system' })] },
      `'apps[0].namespace' must give the app a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-system"`,
    ],
    [
      'the gateway namespace, by name',
      { apps: [app('istio-system')] },
      `'apps[0].name' must give the app a namespace of its own, not the mesh root namespace (mesh.rootNamespace), whose policies apply to the whole mesh, got "istio-system"`,
    ],
    [
      'a namespace shared with another app',
      { apps: [app('shop'), app('cart', { namespace: 'shop' })] },
      `'apps[1].namespace' must give the app a namespace of its own, not that of apps[0], got "shop"`,
    ],
    [
      "the sample's namespace",
      { apps: [app('yelb')] },
      `'apps[0].name' must give the app a namespace of its own, not that of 'namespace' (the sample's), got "yelb"`,
    ],
    [
      'routes to the same prefix',
      {
        apps: [
          app('shop', {
            routes: [
              { pathPrefix: '/', service: 'web', port: 80 },
              { pathPrefix: '/', service: 'api', port: 80 },
            ],
          }),
        ],
      },
      `'apps[0].routes[1].pathPrefix' repeats the prefix of apps[0].routes[0], which always matches first, got "/"`,
    ],
    [
      'a workload allowed twice',
      {
        apps: [
          app('shop', {
            allow: [
              { workload: 'db', ports: [5432], from: ['api'] },
              { workload: 'db', ports: [5433], from: ['web'] },
            ],
          }),
        ],
      },
      `'apps[0].allow[1].workload' repeats apps[0].allow[0]: list all callers and ports of a workload in one entry, got "db"`,
    ],
    [
      'a certificate in another region',
      { apps: [app('shop', { certificateArn: ARN(1).replace('us-east-1', 'eu-west-1') })] },
      `'apps[0].certificateArn' must be in the ALBs' region, us-east-1 (that of 'certificateArn'), got region eu-west-1`,
    ],
    [
      'apps without the Istio objects',
      { yelb: { enabled: false }, istioEdge: { enabled: false }, apps: [app('shop')] },
      `'istioEdge.enabled' must be true while apps are configured (their VirtualServices bind to its Gateway), got false`,
    ],
    [
      'an unknown app key',
      { apps: [app('shop', { host: 'x.acme.io' })] },
      `'apps[0].host' is not a known key (expected one of: name, enabled, namespace, hosts, certificateArn, routes, externalHosts, mtlsMode, outboundTrafficPolicy, authorization, workloadLabel, allow)`,
    ],
    [
      'an app name too long',
      { apps: [app('a'.repeat(33))] },
      `'apps[0].name' must be a DNS label of at most 32 characters (lowercase letters, digits and "-"), got "${'a'.repeat(33)}"`,
    ],
  ])('refuses %s', (_name, config, message) => {
    expect(problem(config)).toBe(message);
  });
});

describe('stack with apps', () => {
  test('each app in a file of its own; the sample stays with yelb.enabled', () => {
    const files = objectsOf({ apps: [app('shop'), app('blog', { namespace: 'team-blog' })] });
    expect([...files.keys()]).toEqual([
      '00-namespaces.yaml',
      '10-yelb.yaml',
      '20-istio-edge.yaml',
      '22-app-shop.yaml',
      '22-app-blog.yaml',
      '30-alb-ingress.yaml',
    ]);
    expect(files.get('22-app-blog.yaml')!.map((o) => o.metadata.namespace ?? o.metadata.name)).toEqual(
      Array(files.get('22-app-blog.yaml')!.length).fill('team-blog'),
    );
    const [ingress] = files.get('30-alb-ingress.yaml')!;
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['yelb.example.com', 'shop.acme.io', 'blog.acme.io']);
  });

  test('yelb.enabled false with apps: no sample, the Gateway alone in the edge file', () => {
    const files = objectsOf({ yelb: { enabled: false }, apps: [app('shop')] });
    expect([...files.keys()]).toEqual(['20-istio-edge.yaml', '22-app-shop.yaml', '30-alb-ingress.yaml']);
    expect(files.get('20-istio-edge.yaml')!.map((o) => o.kind)).toEqual(['Gateway']);
    expect(files.get('30-alb-ingress.yaml')![0].spec.rules.map((r: any) => r.host)).toEqual(['shop.acme.io']);
  });

  test('mtlsScope mesh: one mesh-wide PeerAuthentication; an app with its own mtlsMode keeps one of its own', () => {
    const files = objectsOf({
      yelb: { enabled: false },
      mesh: { mtlsScope: 'mesh' },
      apps: [app('shop'), app('legacy', { mtlsMode: 'PERMISSIVE' })],
    });
    const peerAuthentications = [...files.values()]
      .flat()
      .filter((o) => o.kind === 'PeerAuthentication')
      .map((o) => [o.metadata.namespace, o.spec.mtls.mode]);
    expect(peerAuthentications).toEqual([
      ['istio-system', 'STRICT'],
      ['legacy', 'PERMISSIVE'],
    ]);
  });

  test('external-dns: each Ingress names its own hosts', () => {
    const files = objectsOf({
      yelb: { enabled: false },
      dns: { externalDns: true },
      alb: { quotas: { rules: 2 } },
      apps: [app('a'), app('b'), app('c')],
    });
    const ingresses = files.get('30-alb-ingress.yaml')!;
    expect(ingresses.map((i) => i.metadata.annotations['external-dns.alpha.kubernetes.io/hostname'])).toEqual([
      'a.acme.io,b.acme.io',
      'c.acme.io',
    ]);
  });
});

test('150 apps: every object valid against its schema, and no error of the checks', () => {
  const apps = Array.from({ length: 150 }, (_, i) =>
    app(`app-${i}`, { certificateArn: ARN(Math.floor(i / 10)), externalHosts: [`api-${i}.partner.io`] }),
  );
  const objects = [...objectsOf({ yelb: { enabled: false }, apps }).values()].flat();
  expect(objects.filter((o) => o.kind === 'Ingress')).toHaveLength(2);
  expect(schemaErrors(objects)).toEqual([]);
  expect(checkRules(objects).findings.filter((f) => f.severity === 'error')).toEqual([]);
});

describe('ALBs within the AWS quotas', () => {
  const many = (n: number, certificatePer = 10) =>
    Array.from({ length: n }, (_, i) => app(`app-${i}`, { certificateArn: ARN(Math.floor(i / certificatePer)) }));
  const ingressesOf = (config: object) =>
    objectsOf({ yelb: { enabled: false }, ...config }).get('30-alb-ingress.yaml')!;

  test('101 hosts need exactly 2 ALBs: gw-ingress and gw-ingress-2, the second with its own certificates', () => {
    const ingresses = ingressesOf({ apps: many(101) });
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['gw-ingress', 'gw-ingress-2']);
    expect(ingresses.map((i) => i.spec.rules.length)).toEqual([100, 1]);
    const certificates = (i: any) => i.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn'].split(',');
    // The default certificate (the top-level certificateArn) first on each, then those of its apps.
    expect(certificates(ingresses[1])).toEqual([expect.stringContaining('123456789012'), ARN(10)]);
    expect(certificates(ingresses[0])).toHaveLength(11);
  });

  test('with alb.groupName the ALBs are the IngressGroups <groupName> and <groupName>-2', () => {
    const ingresses = ingressesOf({ apps: many(101), alb: { groupName: 'edge' } });
    expect(ingresses.map((i) => i.metadata.annotations['alb.ingress.kubernetes.io/group.name'])).toEqual([
      'edge',
      'edge-2',
    ]);
  });

  test('adding an app keeps every other app on its ALB', () => {
    const placement = (apps: object[]) =>
      new Map(albPlanOf(load({ yelb: { enabled: false }, apps })).albs.flatMap((a, n) => a.apps.map((x) => [x, n])));
    const before = placement(many(150, 1));
    const after = placement([...many(150, 1), app('late', { certificateArn: ARN(999) })]);
    for (const [name, alb] of before) expect([name, after.get(name)]).toEqual([name, alb]);
  });

  test('26 certificates move the 26th to a second ALB, or stay with alb.quotas.certificates: 30', () => {
    // 26 apps with a certificate each, besides the default: one over the 25 of an ALB.
    const apps = many(26, 1);
    expect(ingressesOf({ apps }).map((i) => i.spec.rules.length)).toEqual([25, 1]);
    expect(ingressesOf({ apps, alb: { quotas: { certificates: 30 } } }).map((i) => i.spec.rules.length)).toEqual([26]);
  });

  test('more ALBs than alb.quotas.albs is a one-line error naming the app', () => {
    expect(() =>
      renderAll(
        STACK,
        configFile({ yelb: { enabled: false }, apps: many(3), alb: { quotas: { albs: 2, rules: 1 } } }),
        { appsDir: noApps },
      ),
    ).toThrow(
      /^'apps\[2\]' needs ALB 3, over alb\.quotas\.albs \(Application Load Balancers per Region, adjustable\): 2 \(app app-2\); raise the quota or share certificates between apps$/,
    );
  });
});

describe("README's team app", () => {
  test('the example app file of "Adding a team\'s app" loads and synthesizes as documented', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf("## Adding a team's app"));
    const example = /```yaml\n(# config\/apps\/shop\.yaml[^\n]*\n[\s\S]*?)```/.exec(section);
    expect(example).not.toBeNull();
    const apps = join(dir, 'apps');
    mkdirSync(apps);
    writeFileSync(join(apps, 'shop.yaml'), example![1]);
    const files = objectsOf({}, apps);
    const shop = files.get('22-app-shop.yaml')!;
    expect(shop.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/shop',
      'VirtualService/shop',
      'ServiceEntry/api-stripe-com',
      'Sidecar/default',
      'PeerAuthentication/default',
      'AuthorizationPolicy/allow-nothing',
      'AuthorizationPolicy/gateway-to-api',
      'AuthorizationPolicy/gateway-to-web',
      'AuthorizationPolicy/callers-of-api',
    ]);
  });
});
