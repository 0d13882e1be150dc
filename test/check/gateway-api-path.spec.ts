import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { checkRules, HostPath, K8sObject } from '../../lib/check';
import { manifestsOf } from '../support/manifests';
import { stackWith } from './gateway-api-cases';
import { find } from './helpers';

// Made at load: the describe blocks below render while jest collects the tests.
const dir = mkdtempSync(join(tmpdir(), 'gwapi-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APPS = [
  { name: 'shop', hosts: ['shop.acme.io'], routes: [{ pathPrefix: '/', service: 'web', port: 8080 }] },
  {
    name: 'blog',
    namespace: 'team-blog',
    hosts: ['blog.acme.io'],
    routes: [{ pathPrefix: '/', service: 'ghost', port: 2368 }],
  },
];

function rendered(albApi: string, gatewayApi: string): K8sObject[] {
  const file = join(dir, `${albApi}-${gatewayApi}.yaml`);
  writeFileSync(file, yaml.dump({ alb: { api: albApi }, gateway: { api: gatewayApi }, apps: APPS }));
  return manifestsOf(file, join(dir, 'none')).flatMap((m) => m.objects as K8sObject[]);
}

/** Each hop as `step state label`, the label cut before its details. */
const hopList = (p: HostPath) => p.hops.map((h) => `${h.step} ${h.state} ${h.label}`);

describe.each([
  ['ingress', 'istio'],
  ['ingress', 'gatewayApi'],
  ['gatewayApi', 'istio'],
  ['gatewayApi', 'gatewayApi'],
] as const)('the generated alb.api %s with gateway.api %s', (albApi, gatewayApi) => {
  const r = checkRules(rendered(albApi, gatewayApi));

  test('end-to-end encrypted: yes, for the sample and both apps', () => {
    expect(r.verdict.line).toBe('end-to-end encrypted: yes');
    expect(r.hops.map((p) => p.host)).toEqual(['yelb.example.com', 'shop.acme.io', 'blog.acme.io']);
  });

  test('every hop from the ALB listener to the workload, the way this combination builds it', () => {
    const shop = r.hops.find((p) => p.host === 'shop.acme.io')!;
    const gatewayService = gatewayApi === 'gatewayApi' ? 'yelb-gateway-istio' : 'istio-ingressgateway';
    const listener =
      albApi === 'ingress'
        ? 'ALB listener HTTP:80 + HTTPS:443'
        : 'ALB Gateway istio-system/gw-ingress listener HTTP:80 + HTTPS:443';
    const gateway =
      gatewayApi === 'gatewayApi'
        ? 'Gateway istio-system/yelb-gateway listener https 443 HTTPS'
        : 'Gateway istio-system/yelb-gateway server 443 HTTPS';
    const route =
      gatewayApi === 'gatewayApi'
        ? 'HTTPRoute shop/shop rule PathPrefix / -> web:8080'
        : 'VirtualService shop/shop http prefix / -> web.shop.svc.cluster.local:8080';
    expect(hopList(shop)).toEqual([
      `listener encrypted ${listener}`,
      `target-group encrypted target group HTTPS -> Service istio-system/${gatewayService}:443`,
      `gateway-server encrypted ${gateway}`,
      `route encrypted ${route}`,
      'workload encrypted Service shop/web -> pods deployed apart',
    ]);
    if (albApi === 'gatewayApi') {
      expect(shop.ingress).toBe('HTTPRoute istio-system/gw-ingress-shop-acme-io');
      expect(shop.hops[0].detail).toMatch(
        /HTTP:80 redirects to HTTPS \(HTTPRoute istio-system\/gw-ingress-http-redirect, 301\)/,
      );
    }
    // The sample's workload is in the manifests: its policy admits the gateway's principal.
    const yelb = r.hops.find((p) => p.host === 'yelb.example.com')!;
    expect(yelb.hops[4].label).toBe('Service yelb/yelb-ui -> Deployment yelb/yelb-ui');
    if (gatewayApi === 'gatewayApi')
      expect(yelb.hops[4].detail).toMatch(
        /ALLOW from cluster\.local\/ns\/istio-system\/sa\/yelb-gateway-istio on port/,
      );
  });
});

describe('broken twins of the Gateway API stack: the verdict names the broken hop', () => {
  const broken = (objects: K8sObject[], step: string, reason: RegExp) => {
    const r = checkRules(objects);
    const [path] = r.hops;
    const hop = path.hops.find((h) => h.state !== 'encrypted')!;
    expect(hop.step).toBe(step);
    expect(hop.reason).toMatch(reason);
    expect(r.verdict.encrypted).toBe(false);
    expect(r.verdict.line).toContain(hop.reason);
  };

  test('the stack itself: yes, through the ALB Gateway, the class-istio listener and the HTTPRoute', () => {
    const r = checkRules(stackWith());
    expect(r.verdict.line).toBe('end-to-end encrypted: yes');
    expect(r.hops.map(hopList)).toEqual([
      [
        'listener encrypted ALB Gateway istio-ingress/yelb-alb listener HTTP:80 + HTTPS:443',
        'target-group encrypted target group HTTPS -> Service istio-ingress/yelb-gateway-istio:443',
        'gateway-server encrypted Gateway istio-ingress/yelb-gateway listener https 443 HTTPS',
        'route encrypted HTTPRoute yelb/yelb rule PathPrefix / -> yelb-ui:80',
        'workload encrypted Service yelb/yelb-ui -> Deployment yelb/yelb-ui',
      ],
    ]);
  });

  test('a TargetGroupConfiguration without protocol HTTPS: the target group is plaintext', () => {
    broken(stackWith('gwapi-target-group-protocol/broken.yaml'), 'target-group', /the ALB sends plain HTTP to Service/);
  });

  test('no TargetGroupConfiguration: the controller infers HTTP', () => {
    const o = stackWith().filter((x) => x.kind !== 'TargetGroupConfiguration');
    broken(o, 'target-group', /no TargetGroupConfiguration targets Service istio-ingress\/yelb-gateway-istio/);
  });

  test('the Istio listener in Passthrough mode', () => {
    broken(
      stackWith('gwapi-istio-listener-tls/broken.yaml'),
      'gateway-server',
      /tls\.mode Passthrough does not terminate TLS/,
    );
  });

  test('the Istio listener with a hostname', () => {
    broken(stackWith('gwapi-istio-listener-hostname/broken.yaml'), 'gateway-server', /SNI-less ALB handshake fails/);
  });

  test('an ALB HTTPRoute to port 80 of the Istio gateway', () => {
    broken(stackWith('gwapi-backend-port/broken.yaml'), 'gateway-server', /has no port 80: its ports are 15021, 443/);
  });

  test('the app route attached to the HTTP listener too', () => {
    broken(stackWith('gwapi-app-route-http-listener/broken.yaml'), 'listener', /attached to the HTTP:80 listener/);
  });

  test('an HTTPRoute the listener does not admit: the gateway answers 404', () => {
    const o = stackWith();
    find(o, 'Gateway', 'yelb-gateway').spec.listeners[0].allowedRoutes.namespaces.selector.matchLabels[
      'kubernetes.io/metadata.name'
    ] = 'other';
    broken(
      o,
      'route',
      /no HTTPRoute attached to Gateway istio-ingress\/yelb-gateway listener 'https' admits host yelb\.example\.com/,
    );
  });

  test('an AuthorizationPolicy that does not admit the <gateway>-istio principal: every request gets 403', () => {
    const o = stackWith();
    find(o, 'AuthorizationPolicy', 'yelb-ui-from-gateway').spec.rules[0].from[0].source.principals = [
      'cluster.local/ns/istio-ingress/sa/istio-ingressgateway',
    ];
    broken(
      o,
      'route',
      /no AuthorizationPolicy allows the gateway cluster\.local\/ns\/istio-ingress\/sa\/yelb-gateway-istio/,
    );
  });

  test('the name of the principal follows the service-account annotation', () => {
    const o = stackWith();
    find(o, 'Gateway', 'yelb-gateway').metadata.annotations['gateway.istio.io/service-account'] = 'edge';
    broken(o, 'route', /sa\/edge to call Deployment yelb\/yelb-ui/);
  });
});

test('cost stays linear: 4,000 hosts, each with its ALB route and its app HTTPRoute, cost about 10 times 400', () => {
  const base = stackWith();
  const build = (n: number) => {
    const o: K8sObject[] = JSON.parse(JSON.stringify(base));
    const albRoute = find(o, 'HTTPRoute', 'yelb-https');
    const appRoute = find(o, 'HTTPRoute', 'yelb');
    for (let i = 0; i < n; i++) {
      const a = JSON.parse(JSON.stringify(albRoute));
      a.metadata.name = `alb-${i}`;
      a.spec.hostnames = [`app${i}.example.com`];
      const b = JSON.parse(JSON.stringify(appRoute));
      b.metadata.name = `app-${i}`;
      b.spec.hostnames = [`app${i}.example.com`];
      o.push(a, b);
    }
    return o;
  };
  const time = (o: K8sObject[]) => {
    const started = process.hrtime.bigint();
    const r = checkRules(o);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(r.hops).toHaveLength((o.length - base.length) / 2 + 1);
    expect(r.verdict.encrypted).toBe(true);
    return ms;
  };
  const [small, large] = [build(400), build(4000)];
  // Timed in turn, fastest of each: a busy machine slows both alike.
  let [s, l] = [Infinity, Infinity];
  for (let i = 0; i < 2; i++) {
    s = Math.min(s, time(small));
    l = Math.min(l, time(large));
  }
  // Ten times the hosts: linear is ~10x; quadratic would be ~100x.
  expect(l / s).toBeLessThan(40);
});
