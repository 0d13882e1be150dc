import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { checkRules } from '../../lib/check';
import { manifestsOf } from '../support/manifests';
import { schemaErrors } from '../support';

// Made at load: the describe blocks below render while jest collects the tests.
const dir = mkdtempSync(join(tmpdir(), 'gwapi-'));
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
const COMBINATIONS = [
  ['ingress', 'istio'],
  ['ingress', 'gatewayApi'],
  ['gatewayApi', 'istio'],
  ['gatewayApi', 'gatewayApi'],
] as const;

function objectsOf(albApi: string, gatewayApi: string, extra: object = {}): any[] {
  const file = join(dir, `${albApi}-${gatewayApi}.yaml`);
  writeFileSync(
    file,
    yaml.dump({ alb: { api: albApi, targetType: 'ip' }, gateway: { api: gatewayApi }, apps: APPS, ...extra }),
  );
  return manifestsOf(file, join(dir, 'none')).flatMap((m) => m.objects as any[]);
}
const named = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe.each(COMBINATIONS)('alb.api %s with gateway.api %s', (albApi, gatewayApi) => {
  const objects = objectsOf(albApi, gatewayApi);
  const gatewayWorkload = gatewayApi === 'gatewayApi' ? 'yelb-gateway-istio' : 'istio-ingressgateway';

  test('every object is valid against its schema (Kubernetes 1.33, Istio, Gateway API v1.6.1, controller v3.5.0)', () => {
    expect(schemaErrors(objects)).toEqual([]);
  });

  test("the checker's rules find no error", () => {
    expect(checkRules(objects).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('the ALB re-encrypts to the gateway Service on 443 and health-checks its status port over HTTP', () => {
    if (albApi === 'ingress') {
      const [ingress] = named(objects, 'Ingress');
      expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
        name: gatewayWorkload,
        port: { number: 443 },
      });
      expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol']).toBe('HTTPS');
    } else {
      const [group] = named(objects, 'TargetGroupConfiguration');
      expect(group.spec.targetReference).toEqual({ name: gatewayWorkload });
      expect(group.spec.defaultConfiguration).toMatchObject({ protocol: 'HTTPS', targetType: 'ip' });
      expect(group.spec.defaultConfiguration.healthCheckConfig).toMatchObject({
        healthCheckPort: 'status-port',
        healthCheckProtocol: 'HTTP',
      });
      const hosts = named(objects, 'HTTPRoute')
        .filter((r) => r.metadata.namespace === 'istio-system' && r.spec.hostnames)
        .map((r) => [r.spec.hostnames[0], r.spec.rules[0].backendRefs[0]]);
      expect(hosts).toEqual([
        ['yelb.example.com', { name: gatewayWorkload, port: 443 }],
        ['shop.acme.io', { name: gatewayWorkload, port: 443 }],
        ['blog.acme.io', { name: gatewayWorkload, port: 443 }],
      ]);
    }
  });

  test("each app is bound to the gateway its own way, and its policy allows the gateway's principal", () => {
    const principal = `cluster.local/ns/istio-system/sa/${gatewayApi === 'gatewayApi' ? 'yelb-gateway-istio' : 'istio-ingressgateway-service-account'}`;
    for (const [name, namespace] of [
      ['shop', 'shop'],
      ['blog', 'team-blog'],
    ]) {
      const binding = objects.find(
        (o) =>
          (o.kind === 'VirtualService' || o.kind === 'HTTPRoute') &&
          o.metadata.name === name &&
          o.metadata.namespace === namespace,
      );
      if (gatewayApi === 'gatewayApi') {
        expect(binding.kind).toBe('HTTPRoute');
        expect(binding.spec.parentRefs).toEqual([
          { name: 'yelb-gateway', namespace: 'istio-system', sectionName: 'https' },
        ]);
      } else {
        expect(binding.kind).toBe('VirtualService');
        expect(binding.spec.gateways).toEqual(['istio-system/yelb-gateway']);
      }
      const policy = objects.find(
        (o) =>
          o.kind === 'AuthorizationPolicy' &&
          o.metadata.namespace === namespace &&
          o.metadata.name.startsWith('gateway-to-'),
      );
      expect(policy.spec.rules[0].from[0].source.principals).toEqual([principal]);
    }
  });

  test('the Istio gateway: an Istio Gateway, or a Gateway of class istio with no hostname, ClusterIP for ip targets', () => {
    const gateways = objects.filter((o) => o.kind === 'Gateway' && o.metadata.name === 'yelb-gateway');
    expect(gateways).toHaveLength(1);
    const [gateway] = gateways;
    if (gatewayApi === 'istio') {
      expect(gateway.apiVersion).toBe('networking.istio.io/v1');
      return;
    }
    expect(gateway.spec.gatewayClassName).toBe('istio');
    expect(gateway.metadata.annotations['networking.istio.io/service-type']).toBe('ClusterIP');
    expect(gateway.spec.listeners).toHaveLength(1);
    expect(gateway.spec.listeners[0].hostname).toBeUndefined();
    expect(gateway.spec.listeners[0].tls).toEqual({
      mode: 'Terminate',
      certificateRefs: [{ kind: 'Secret', name: 'tls-secret' }],
    });
    expect(gateway.spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].values).toEqual([
      'shop',
      'team-blog',
      'yelb',
    ]);
  });
});

test('alb.groupName with alb.api gatewayApi is refused', () => {
  expect(() => objectsOf('gatewayApi', 'istio', { alb: { api: 'gatewayApi', groupName: 'edge' } })).toThrow(
    '\'alb.groupName\' must be unset with alb.api gatewayApi (each Gateway is an ALB of its own; IngressGroups are an Ingress feature), got "edge"',
  );
});

test('instance targets make the Istio Gateway API Service NodePort', () => {
  const objects = objectsOf('gatewayApi', 'gatewayApi', { alb: { api: 'gatewayApi', targetType: 'instance' } });
  const gateway = objects.find((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'istio');
  expect(gateway.metadata.annotations['networking.istio.io/service-type']).toBe('NodePort');
});
