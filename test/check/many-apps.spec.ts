import { performance } from 'perf_hooks';
import { checkManifests, checkRules, K8sObject } from '../../lib/check';
import { appCertificateArn, manyAppManifests } from '../../lib/check/synthetic';

const INGRESS_HOSTS = 100;

describe('manyAppManifests: what the product emits for many apps behind one shared gateway', () => {
  const objects = manyAppManifests(250);
  const ingresses = objects.filter((o) => o.kind === 'Ingress');

  test("one ALB Ingress per 100 hosts, named like today's gw-ingress, each with its apps' certificates", () => {
    expect(ingresses.map((o) => o.metadata?.name)).toEqual(['gw-ingress', 'gw-ingress-2', 'gw-ingress-3']);
    const hosts = ingresses.map((o) => (o.spec as { rules: { host: string }[] }).rules.map((r) => r.host));
    expect(hosts.map((h) => h.length)).toEqual([100, 100, 50]);
    expect(hosts[1][0]).toBe('app-100.example.com');
    const arns = (o: K8sObject) => o.metadata?.annotations?.['alb.ingress.kubernetes.io/certificate-arn']?.split(',');
    expect(arns(ingresses[0])).toHaveLength(10);
    expect(arns(ingresses[2])).toEqual([
      appCertificateArn(200),
      appCertificateArn(210),
      appCertificateArn(220),
      appCertificateArn(230),
      appCertificateArn(240),
    ]);
    expect(appCertificateArn(19)).toBe(
      'arn:aws:acm:us-east-1:123456789012:certificate/00000001-0000-4000-8000-000000000001',
    );
    expect(appCertificateArn(19)).not.toBe(appCertificateArn(20));
  });

  test('every app has its namespace, policies, external host, route, Service and Deployment', () => {
    const ofApp = objects.filter((o) => o.metadata?.namespace === 'app-7' || o.metadata?.name === 'app-7');
    expect(ofApp.map((o) => `${o.kind} ${o.metadata?.name}`).sort()).toEqual(
      [
        'AuthorizationPolicy allow-nothing',
        'AuthorizationPolicy ingress-to-web',
        'Deployment web',
        'Namespace app-7',
        'PeerAuthentication default',
        'ServiceEntry api-7-partner-example-org',
        'Service web',
        'Sidecar default',
        'VirtualService app-7',
      ].sort(),
    );
  });

  test('20 apps check without an error, every host encrypted end to end', async () => {
    const r = await checkManifests(manyAppManifests(20));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.summary.notChecked).toBe(0);
    expect(r.hops.map((h) => h.host)).toEqual(Array.from({ length: 20 }, (_, i) => `app-${i}.example.com`));
    expect(r.hops.every((h) => h.state === 'encrypted')).toBe(true);
    expect(r.verdict.encrypted).toBe(true);
  });

  test('the only warnings are the placeholder ARNs and example.com hosts the product also ships', async () => {
    const r = await checkManifests(manyAppManifests(INGRESS_HOSTS + 1));
    expect([...new Set(r.findings.filter((f) => f.severity === 'warning').map((f) => f.ruleId))]).toEqual([
      'placeholder-value',
    ]);
  });
});

/** One app serving `hosts` hosts (and as many external hosts) with `routes` routes: today's single-app shape, at scale. */
function oneApp(hosts: number, routes: number): K8sObject[] {
  const base = manyAppManifests(1);
  const names = Array.from({ length: hosts }, (_, i) => `h${i}.shop.acme-corp.net`);
  const keep = base.filter((o) => o.kind !== 'Ingress' && o.kind !== 'VirtualService' && o.kind !== 'ServiceEntry');
  const ingress = base.find((o) => o.kind === 'Ingress')!;
  const vs = base.find((o) => o.kind === 'VirtualService')!;
  const se = base.find((o) => o.kind === 'ServiceEntry')!;
  const rule = (ingress.spec as { rules: { http: unknown }[] }).rules[0];
  const route = (vs.spec as { http: { route: unknown }[] }).http[0];
  return [
    ...keep,
    { ...ingress, spec: { ingressClassName: 'alb', rules: names.map((host) => ({ host, http: rule.http })) } },
    {
      ...vs,
      spec: {
        ...(vs.spec as object),
        hosts: names,
        http: Array.from({ length: routes }, (_, i) => ({
          match: [{ uri: { prefix: `/r${i}` } }],
          route: route.route,
        })),
      },
    },
    ...names.map((_, i) => ({
      ...se,
      metadata: { name: `api-${i}`, namespace: 'app-0' },
      spec: { ...(se.spec as object), hosts: [`api-${i}.partner.acme-corp.net`] },
    })),
  ];
}

/**
 * The fastest check of a small and of a ten times larger set, their runs taken in turn so that a busy machine slows
 * both alike: the ratio of the two.
 */
function growth(small: K8sObject[], large: K8sObject[]): number {
  const time = (objects: K8sObject[]) => {
    const start = performance.now();
    checkRules(objects);
    return performance.now() - start;
  };
  time(small); // warm-up: JIT and lazy imports
  let [fastSmall, fastLarge] = [Infinity, Infinity];
  for (let i = 0; i < 2; i++) {
    fastSmall = Math.min(fastSmall, time(small));
    fastLarge = Math.min(fastLarge, time(large));
  }
  return fastLarge / Math.min(fastSmall, time(small));
}

describe('check cost grows linearly with apps, hosts, routes and external hosts', () => {
  test('the hops of a VirtualService are computed once and shown for each of its hosts', () => {
    const r = checkRules(oneApp(30, 30));
    expect(r.hops).toHaveLength(30);
    // listener, target group, gateway server, then a route and a workload hop per route.
    expect(r.hops.every((h) => h.hops.length === 3 + 2 * 30)).toBe(true);
    expect(r.hops[29].hops.slice(-2).map((h) => h.label)).toEqual([
      'VirtualService app-0/app-0 http prefix /r29 -> web.app-0.svc.cluster.local:8080',
      'Service app-0/web -> Deployment app-0/web',
    ]);
    // The same hop, not an equal copy: hosts x routes hops cost hosts + routes route tracings.
    expect(r.hops[29].hops[3]).toBe(r.hops[0].hops[3]);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  // Linear is about 10x here, up to 20x on a busy machine as the heap outgrows the young generation; a scan of the
  // hosts, routes or apps inside a loop over them is about 100x.
  test('10x the hosts and external hosts of one VirtualService costs well under 100x the time', () => {
    expect(growth(oneApp(300, 1), oneApp(3_000, 1))).toBeLessThan(50);
  });

  test('10x the apps costs well under 100x the time', () => {
    expect(growth(manyAppManifests(100), manyAppManifests(1_000))).toBeLessThan(50);
  });
});
