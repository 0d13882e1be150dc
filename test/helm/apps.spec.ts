import '../support/shared-templates';
import { writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { STACK } from '../../charts';
import { APP_FILE_ORDER, appFileName } from '../../charts/app-chart';
import { loadConfig } from '../../lib/config/load';
import { AppConfig } from '../../lib/config/types';
import { synthManifests } from '../../lib/output/plain';
import { helm, lintMany, refusalsOf, scratch, sorted, templateMany, withoutHelmLabels, writeChart } from './support';

/*
 * The teams' apps in the chart: `helm template` with apps against the plain synth of the same config file (every
 * optional key set and unset, yelb off, several ALBs, mesh-wide mTLS, scopes edge and app), lint, and the refusals
 * of bad apps by the schema and validate.yaml with the synth's words.
 */

const ARN = (n: number, region = 'us-east-1') =>
  `arn:aws:acm:${region}:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-${String(n).padStart(12, '0')}`;
const route = (pathPrefix: string, service: string, port: number, more: Record<string, unknown> = {}) => ({
  pathPrefix,
  service,
  port,
  ...more,
});

/** Every optional key used, including what MeshApp derives: two routes to one workload, a cut policy name. */
const FULL: AppConfig[] = [
  {
    name: 'shop',
    enabled: true,
    namespace: 'shop-ns',
    hosts: ['shop.example.com', '*.shop.example.com'],
    certificateArn: [ARN(1), ARN(2)],
    routes: [
      route('/api', 'api', 8080, { targetPort: 9090, workload: 'api-v1' }),
      route('/admin', 'admin', 8081, { workload: 'api-v1' }),
      route('/', 'web', 80, { targetPort: 8000 }),
    ],
    externalHosts: ['s3.amazonaws.com', 'api.example.org'],
    mtlsMode: 'PERMISSIVE',
    outboundTrafficPolicy: 'ALLOW_ANY',
    authorization: true,
    workloadLabel: 'app.kubernetes.io/name',
    allow: [
      { workload: 'api-v1', ports: [9090, 8081], from: ['web', 'monitoring/prometheus'] },
      { workload: 'db', ports: [5432], from: ['api'] },
    ],
  },
  {
    name: 'blog',
    hosts: ['blog.example.com'],
    certificateArn: ARN(3),
    routes: [route('/', 'wordpress', 80)],
    externalHosts: [],
    authorization: false,
    mtlsMode: 'STRICT',
  },
  {
    name: 'a'.repeat(32),
    hosts: ['long.example.com'],
    routes: [route('/', 'w'.repeat(63), 8080)],
    allow: [{ workload: `${'x'.repeat(62)}y`, ports: [80], from: ['caller'] }],
  },
];

/** Only the required keys. */
const BARE: AppConfig[] = ['shop', 'blog', 'api'].map((name) => ({
  name,
  hosts: [`${name}.example.com`],
  routes: [route('/', 'web', 80)],
}));

const manyApps = (n: number, certs: boolean): AppConfig[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `team-${i}`,
    hosts: [`team-${i}.example.com`],
    ...(certs ? { certificateArn: ARN(100 + i) } : {}),
    routes: [route('/', 'web', 80)],
  }));

interface Case {
  readonly name: string;
  readonly values: Record<string, unknown> & { scope?: string; scopeApp?: string };
}

const CASES: Case[] = [
  { name: '3 apps with every optional key', values: { apps: FULL } },
  { name: '3 apps with no optional key', values: { apps: BARE } },
  { name: 'yelb off: apps only, the top-level keys describe no app', values: { yelb: { enabled: false }, apps: FULL } },
  {
    name: 'mtlsScope mesh: an app with its own mtlsMode gets a PeerAuthentication, the others follow the mesh',
    values: { mesh: { mtlsScope: 'mesh', mtlsMode: 'PERMISSIVE' }, apps: FULL },
  },
  {
    name: 'mtlsScope mesh, yelb off',
    values: { yelb: { enabled: false }, mesh: { mtlsScope: 'mesh' }, apps: BARE },
  },
  {
    name: 'mesh defaults reach the apps: authorization off, open egress',
    values: { mesh: { authorization: false, outboundTrafficPolicy: 'ALLOW_ANY' }, apps: BARE },
  },
  {
    name: 'apps on 2 ALBs (alb.quotas.rules 3), IngressGroups and external-dns',
    values: { alb: { quotas: { rules: 3 }, groupName: 'shared' }, dns: { externalDns: true }, apps: FULL },
  },
  { name: '26 certificates: the 26th app moves to a second ALB', values: { apps: manyApps(26, true) } },
  {
    name: '26 certificates stay on one ALB with alb.quotas.certificates 30',
    values: { alb: { quotas: { certificates: 30 } }, apps: manyApps(26, true) },
  },
  {
    name: 'an app with enabled: false is left out',
    values: { apps: [...BARE, { ...FULL[0], name: 'shop-off', enabled: false }] },
  },
  {
    name: 'every app disabled: the sample is the app again',
    values: { yelb: { enabled: false }, apps: BARE.map((a) => ({ ...a, enabled: false })) },
  },
  { name: 'scope edge: all but the apps', values: { scope: 'edge', apps: FULL } },
  { name: 'scope edge, yelb off', values: { scope: 'edge', yelb: { enabled: false }, apps: FULL } },
  { name: 'scope app: the app shop only', values: { scope: 'app', scopeApp: 'shop', apps: FULL } },
  {
    name: 'scope app: the app blog only, yelb off',
    values: { scope: 'app', scopeApp: 'blog', yelb: { enabled: false }, apps: FULL },
  },
];

/** The plain objects the case's values stand for: the files of its scope, but the gateway Namespace file. */
function plainOf(dir: string, name: string, c: Case): unknown[] {
  const { scope = 'all', scopeApp, ...config } = c.values;
  const file = join(dir, `${name}.config.yaml`);
  writeFileSync(file, yaml.dump(config));
  const isApp = (f: string) => f.startsWith(`${APP_FILE_ORDER}-app-`);
  return synthManifests(STACK, loadConfig(file))
    .filter((m) => m.fileName !== STACK.gatewayNamespaceFile)
    .filter((m) =>
      scope === 'edge' ? !isApp(m.fileName) : scope === 'app' ? m.fileName === appFileName(String(scopeApp)) : true,
    )
    .flatMap((m) => m.objects);
}

describe('the chart renders the teams apps as the plain synth does', () => {
  const { dir, cleanup } = scratch('helm-apps');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);
  const rendered = templateMany(
    chartDir,
    dir,
    'cases',
    CASES.map((c) => c.values),
  );

  test.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_, i) => {
    const objects = (await rendered)[i];
    const plain = plainOf(dir, `case-${i}`, CASES[i]);
    expect(plain.length).toBeGreaterThan(0);
    expect(sorted(withoutHelmLabels(objects))).toEqual(sorted(withoutHelmLabels(plain)));
  });

  test('the cases cover several ALBs, every app kind and both scopes', async () => {
    const all = (await rendered).flat();
    const names = new Set(all.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const name of [
      'Ingress/gw-ingress-2',
      'AuthorizationPolicy/callers-of-db',
      'AuthorizationPolicy/gateway-to-api-v1',
      `AuthorizationPolicy/gateway-to-${'w'.repeat(52)}`,
      'ServiceEntry/s3-amazonaws-com',
      'Namespace/shop-ns',
    ])
      expect(names).toContain(name);
  });

  test('helm lint --strict passes with apps, in every scope', async () => {
    const apps = { apps: FULL, alb: { quotas: { rules: 3 } } };
    const run = await lintMany(chartDir, dir, 'apps', [
      apps,
      { ...apps, scope: 'edge' },
      { ...apps, scope: 'app', scopeApp: 'blog' },
      { ...apps, yelb: { enabled: false } },
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.summary).toBe('4 chart(s) linted, 0 chart(s) failed');
    for (const section of run.sections) {
      expect(section).toMatch(/^==> Linting /);
      expect(section).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  describe("values.schema.json refuses bad apps with helm's schema error", () => {
    // One run: helm checks the values against the schema as a whole and lists each violation on a line of its own.
    const file = join(dir, 'bad-apps.yaml');
    const { routes: _, ...withoutRoutes } = BARE[0];
    writeFileSync(file, yaml.dump({ scope: 'team', apps: [{ ...withoutRoutes, replicas: 2, mtlsMode: 'OFF' }] }));
    const run = helm(['template', 'x', chartDir, '-f', file]);
    const violations = run.then((r) => r.stderr.split('\n').filter((l) => l.startsWith('- ')));
    test('helm fails with the schema error, naming each bad value once', async () => {
      const { code, stderr } = await run;
      expect(code).toBe(1);
      expect(stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(await violations).toHaveLength(4);
    });
    test.each([
      ['an unknown key in an app', /- apps\.0: Additional property replicas is not allowed/],
      ['an app without routes', /- apps\.0: routes is required/],
      ['an unknown mtlsMode', /- apps\.0\.mtlsMode: /],
      ['an unknown scope', /- scope: /],
    ])('%s', async (_, error) => {
      expect((await violations).filter((l) => error.test(l))).toHaveLength(1);
    });
  });

  const APP_FORMATS: [string, object][] = [
    ['a name that is no DNS label', { apps: [{ ...BARE[0], name: 'Shop' }] }],
    ['a name longer than 32 characters', { apps: [{ ...BARE[0], name: 'a'.repeat(33) }] }],
    ['a route prefix without its slash', { apps: [{ ...BARE[0], routes: [route('api', 'web', 80)] }] }],
  ];
  const formatRefusals = refusalsOf(
    chartDir,
    dir,
    'app-formats',
    APP_FORMATS.map(([, values]) => values),
  );
  test.each(APP_FORMATS.map(([name], i) => [name, i] as const))(
    'validate.yaml refuses %s with the synth line',
    async (name, i) => {
      const file = join(dir, `format-${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, yaml.dump(APP_FORMATS[i][1]));
      let synthLine = '';
      try {
        loadConfig(file);
      } catch (e) {
        synthLine = (e as Error).message;
      }
      expect(synthLine).toMatch(/^'apps\[0\]\./);
      expect((await formatRefusals)[i]).toBe(synthLine);
    },
  );

  test('scope app needs scopeApp to name an app', async () => {
    const file = join(dir, 'scope-app.yaml');
    writeFileSync(file, yaml.dump({ apps: BARE, scope: 'app', scopeApp: 'nope' }));
    const run = await helm(['template', 'x', chartDir, '-f', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/'scopeApp' must name one of apps \(shop, blog, api\) while scope is app, got "nope"/);
  });
});
