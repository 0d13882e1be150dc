import { Testing } from 'cdk8s';
import { IstioEdge, IstioEdgeProps } from '../../lib/istio-edge';
import { find, newChart } from '../support';

const base: IstioEdgeProps = {
  namespace: 'shop',
  hosts: ['shop.example.com'],
  routes: [
    { pathPrefix: '/api', service: 'api', port: 8080 },
    { pathPrefix: '/', service: 'web', port: 80 },
  ],
  gatewayName: 'edge',
  gatewayNamespace: 'istio-ingress',
  gatewaySelector: { istio: 'ingressgateway' },
  credentialName: 'edge-cert',
};

function synthEdge(props: Partial<IstioEdgeProps> = {}): any[] {
  const chart = newChart();
  new IstioEdge(chart, 'Edge', { ...base, ...props });
  return Testing.synth(chart);
}

describe('IstioEdge', () => {
  test('emits only v1 Istio APIs (rule B.15)', () => {
    const versions = new Set(synthEdge().map((o) => o.apiVersion));
    expect([...versions].sort()).toEqual(['networking.istio.io/v1', 'security.istio.io/v1']);
  });

  test('Gateway: HTTPS 443, SIMPLE TLS with credentialName, hosts "*" for the SNI-less ALB (rules B.16-B.18)', () => {
    const gateway = find(synthEdge(), 'Gateway');
    expect(gateway.metadata).toMatchObject({ name: 'edge', namespace: 'istio-ingress' });
    expect(gateway.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gateway.spec.servers).toEqual([
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName: 'edge-cert' },
        hosts: ['*'],
      },
    ]);
  });

  test('edge VirtualService binds the hosts to the gateway as namespace/name and routes in order (rule B.19)', () => {
    const vs = find(synthEdge(), 'VirtualService', 'edge');
    expect(vs.metadata.namespace).toBe('shop');
    expect(vs.spec.hosts).toEqual(['shop.example.com']);
    expect(vs.spec.gateways).toEqual(['istio-ingress/edge']);
    expect(vs.spec.exportTo).toBeUndefined();
    expect(vs.spec.http.map((h: any) => [h.match[0].uri.prefix, h.route[0].destination])).toEqual([
      ['/api', { host: 'api.shop.svc.cluster.local', port: { number: 8080 } }],
      ['/', { host: 'web.shop.svc.cluster.local', port: { number: 80 } }],
    ]);
  });

  test('routes can reach Services of other namespaces', () => {
    const vs = find(
      synthEdge({ routes: [{ pathPrefix: '/', service: 'web', port: 80, namespace: 'front' }] }),
      'VirtualService',
    );
    expect(vs.spec.http[0].route[0].destination.host).toBe('web.front.svc.cluster.local');
  });

  test('PeerAuthentication STRICT in the app namespace by default, mesh-wide in the root namespace as an option (rule B.20)', () => {
    const ns = find(synthEdge(), 'PeerAuthentication');
    expect(ns.metadata).toMatchObject({ name: 'default', namespace: 'shop' });
    expect(ns.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const mesh = find(synthEdge({ mtlsScope: 'mesh' }), 'PeerAuthentication');
    expect(mesh.metadata).toMatchObject({ name: 'default', namespace: 'istio-system' });
    expect(
      find(synthEdge({ mtlsScope: 'mesh', rootNamespace: 'mesh-root' }), 'PeerAuthentication').metadata.namespace,
    ).toBe('mesh-root');
    expect(find(synthEdge({ mtlsMode: 'PERMISSIVE' }), 'PeerAuthentication').spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('mesh services: HTTP by prefix, TCP by port, keepalive DestinationRule without a tls block (rule B.21)', () => {
    const objects = synthEdge({
      meshServices: [
        { name: 'api', port: 8080, protocol: 'http', pathPrefix: '/api' },
        { name: 'cache', port: 6379, protocol: 'tcp', tcpKeepalive: { time: '7200s', interval: '75s' } },
      ],
    });
    expect(find(objects, 'VirtualService', 'api').spec.http[0]).toEqual({
      match: [{ uri: { prefix: '/api' } }],
      route: [{ destination: { host: 'api.shop.svc.cluster.local', port: { number: 8080 } } }],
    });
    expect(find(objects, 'VirtualService', 'cache').spec.tcp[0]).toEqual({
      match: [{ port: 6379 }],
      route: [{ destination: { host: 'cache.shop.svc.cluster.local', port: { number: 6379 } } }],
    });
    const dr = find(objects, 'DestinationRule', 'cache');
    expect(dr.spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { tcpKeepalive: { time: '7200s', interval: '75s' } } },
    });
    expect(objects.filter((o) => o.kind === 'DestinationRule')).toHaveLength(1);
  });

  test('Sidecar "default" without selector and a MESH_EXTERNAL ServiceEntry per external host (rule B.22)', () => {
    const objects = synthEdge({ externalHosts: ['www.themealdb.com', 'api.example.org'] });
    const sidecar = find(objects, 'Sidecar');
    expect(sidecar.metadata).toMatchObject({ name: 'default', namespace: 'shop' });
    expect(sidecar.spec).toEqual({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const entry = find(objects, 'ServiceEntry', 'www-themealdb-com');
    expect(entry.spec).toEqual({
      hosts: ['www.themealdb.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [
        { number: 80, name: 'http', protocol: 'HTTP' },
        { number: 443, name: 'https', protocol: 'HTTPS' },
      ],
    });
    expect(objects.filter((o) => o.kind === 'ServiceEntry')).toHaveLength(2);
    expect(find(synthEdge({ outboundTrafficPolicy: 'ALLOW_ANY' }), 'Sidecar').spec.outboundTrafficPolicy.mode).toBe(
      'ALLOW_ANY',
    );
  });

  test.each([
    [{ hosts: [] }, /'hosts' must list at least one host, got \[\]/],
    [{ hosts: ['shop.example.com/path'] }, /'hosts\[0\]' must be a lowercase DNS name/],
    [{ routes: [] }, /'routes' must list at least one route, got \[\]/],
    [
      { routes: [{ pathPrefix: 'api', service: 'api', port: 80 }] },
      /'routes\[0\].pathPrefix' must be an absolute URL path .*got "api"/,
    ],
    [{ routes: [{ pathPrefix: '/', service: 'Api', port: 80 }] }, /'routes\[0\].service' must be a DNS label/],
    [{ routes: [{ pathPrefix: '/', service: 'api', port: 0 }] }, /'routes\[0\].port' must be a port number/],
    [{ gatewaySelector: {} }, /'gatewaySelector' must list at least one label/],
    [{ gatewaySelector: { istio: 'bad value!' } }, /'gatewaySelector.istio' must be a Kubernetes label value/],
    [{ credentialName: 'Bad_Secret' }, /'credentialName' must be a DNS label/],
    [{ gatewayNamespace: '' }, /'gatewayNamespace' must be a DNS label/],
    [{ externalHosts: ['http://x.com'] }, /'externalHosts\[0\]' must be an exact lowercase DNS name/],
    [{ mtlsMode: 'DISABLE' as any }, /'mtlsMode' must be one of STRICT, PERMISSIVE, got "DISABLE"/],
    [{ mtlsScope: 'cluster' as any }, /'mtlsScope' must be one of namespace, mesh, got "cluster"/],
    [{ outboundTrafficPolicy: 'DENY' as any }, /'outboundTrafficPolicy' must be one of REGISTRY_ONLY, ALLOW_ANY/],
    [
      { meshServices: [{ name: 'edge', port: 80, protocol: 'http' as const }] },
      /'virtualServiceName' must differ from the mesh service names, got "edge"/,
    ],
    [
      { meshServices: [{ name: 'db', port: 5432, protocol: 'udp' as any }] },
      /'meshServices\[0\].protocol' must be one of http, tcp, got "udp"/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => synthEdge(props as Partial<IstioEdgeProps>)).toThrow(message);
  });
});
