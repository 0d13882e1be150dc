import { Testing } from 'cdk8s';
import { MeshApp, MeshAppProps } from '../../lib/mesh-app';
import { find, newChart } from '../support';

const base: MeshAppProps = {
  name: 'shop',
  hosts: ['shop.example.com', '*.shop.example.com'],
  routes: [
    { pathPrefix: '/api', service: 'api', port: 8080 },
    { pathPrefix: '/', service: 'web', port: 80, targetPort: 8080 },
  ],
  gateway: 'istio-ingress/edge',
  gatewayServiceAccount: 'edge-gateway',
};

function synthApp(props: Partial<MeshAppProps> = {}): any[] {
  const chart = newChart();
  new MeshApp(chart, 'App', { ...base, ...props });
  return Testing.synth(chart);
}

const GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/edge-gateway';

describe('MeshApp', () => {
  test('emits, in order, the namespace and the app objects, all in its namespace', () => {
    const objects = synthApp();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/shop',
      'VirtualService/shop',
      'Sidecar/default',
      'PeerAuthentication/default',
      'AuthorizationPolicy/allow-nothing',
      'AuthorizationPolicy/gateway-to-api',
      'AuthorizationPolicy/gateway-to-web',
    ]);
    expect(new Set(objects.slice(1).map((o) => o.metadata.namespace))).toEqual(new Set(['shop']));
    expect(find(objects, 'Namespace').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('the VirtualService binds its hosts to the shared gateway and routes first match first', () => {
    const vs = find(synthApp(), 'VirtualService');
    expect(vs.spec).toEqual({
      hosts: ['shop.example.com', '*.shop.example.com'],
      gateways: ['istio-ingress/edge'],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          route: [{ destination: { host: 'api.shop.svc.cluster.local', port: { number: 8080 } } }],
        },
        {
          match: [{ uri: { prefix: '/' } }],
          route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } } }],
        },
      ],
    });
  });

  test('STRICT mTLS and a REGISTRY_ONLY Sidecar by default; ServiceEntries for its external hosts', () => {
    const objects = synthApp({ externalHosts: ['api.stripe.com'] });
    expect(find(objects, 'PeerAuthentication').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(find(objects, 'Sidecar').spec).toEqual({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const entry = find(objects, 'ServiceEntry', 'api-stripe-com');
    expect(entry.metadata.namespace).toBe('shop');
    expect(entry.spec).toMatchObject({ hosts: ['api.stripe.com'], location: 'MESH_EXTERNAL', resolution: 'DNS' });
  });

  test('mtlsMode null leaves the PeerAuthentication to a mesh-wide one; overrides are applied', () => {
    expect(synthApp({ mtlsMode: null }).filter((o) => o.kind === 'PeerAuthentication')).toEqual([]);
    const objects = synthApp({ mtlsMode: 'PERMISSIVE', outboundTrafficPolicy: 'ALLOW_ANY', namespace: 'team-shop' });
    expect(find(objects, 'PeerAuthentication').spec.mtls.mode).toBe('PERMISSIVE');
    expect(find(objects, 'Sidecar').spec.outboundTrafficPolicy.mode).toBe('ALLOW_ANY');
    expect(find(objects, 'Namespace').metadata.name).toBe('team-shop');
    expect(find(objects, 'VirtualService').metadata).toMatchObject({ name: 'shop', namespace: 'team-shop' });
  });

  test('authorization: allow-nothing, the gateway principal to each routed workload on its container ports', () => {
    const objects = synthApp({ trustDomain: 'corp.example', workloadLabel: 'app.kubernetes.io/name' });
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing').spec).toEqual({});
    expect(find(objects, 'AuthorizationPolicy', 'gateway-to-web').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['corp.example/ns/istio-ingress/sa/edge-gateway'] } }],
          to: [{ operation: { ports: ['8080'] } }],
        },
      ],
    });
  });

  test('routes to one workload share its policy; in-app callers get one policy per workload', () => {
    const objects = synthApp({
      routes: [
        { pathPrefix: '/v2', service: 'api-v2', port: 80, targetPort: 9090, workload: 'api' },
        { pathPrefix: '/', service: 'api', port: 8080 },
      ],
      allow: [{ workload: 'db', ports: [5432], from: ['api', 'batch/loader'] }],
    });
    const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy').map((o) => o.metadata.name);
    expect(policies).toEqual(['allow-nothing', 'gateway-to-api', 'callers-of-db']);
    expect(find(objects, 'AuthorizationPolicy', 'gateway-to-api').spec.rules[0]).toEqual({
      from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }],
      to: [{ operation: { ports: ['9090', '8080'] } }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'callers-of-db').spec).toMatchObject({
      selector: { matchLabels: { app: 'db' } },
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/shop/sa/api', 'cluster.local/ns/batch/sa/loader'] } }],
          to: [{ operation: { ports: ['5432'] } }],
        },
      ],
    });
  });

  test('authorization false leaves every AuthorizationPolicy out', () => {
    expect(synthApp({ authorization: false }).filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test.each([
    [{ name: 'Shop' }, `'name' must be a DNS label of at most 32 characters`],
    [{ namespace: 'istio-ingress' }, `'namespace' must be a namespace of its own, not the gateway's (of 'gateway')`],
    [{ namespace: 'kube-system' }, `'namespace' must not be a Kubernetes system namespace`],
    [{ gateway: 'edge' }, `'gateway' must be a Gateway as <namespace>/<name>`],
    [
      { routes: [...base.routes, { pathPrefix: '/api', service: 'old', port: 80 }] },
      `'routes[2].pathPrefix' repeats the prefix of routes[0], which always matches first, got "/api"`,
    ],
    [{ allow: [{ workload: 'db', ports: [5432], from: ['a/b/c'] }] }, `'allow[0].from[0]' must be a ServiceAccount`],
    [{ hosts: [] }, `'hosts' must`],
  ] as [Partial<MeshAppProps>, string][])('refuses %j', (props, message) => {
    expect(() => synthApp(props)).toThrow(message);
  });
});
