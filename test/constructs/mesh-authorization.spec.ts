import { Testing } from 'cdk8s';
import {
  MeshAuthorization,
  MeshAuthorizationProps,
  WorkloadAuthorization,
  spiffePrincipal,
} from '../../lib/mesh-authorization';
import { find, newChart } from '../support';

const web: WorkloadAuthorization = {
  name: 'web',
  selector: { app: 'web' },
  fromPrincipals: ['cluster.local/ns/istio-ingress/sa/gw'],
  ports: [8080],
};
const api: WorkloadAuthorization = {
  name: 'api',
  selector: { app: 'api', tier: 'backend' },
  fromPrincipals: ['cluster.local/ns/shop/sa/web', 'corp.example/ns/batch/sa/jobs'],
  ports: [9000, 9090],
};

function synthAuthz(props: Partial<MeshAuthorizationProps> = {}): any[] {
  const chart = newChart();
  new MeshAuthorization(chart, 'Authz', { namespace: 'shop', policies: [web, api], ...props });
  return Testing.synth(chart);
}

describe('MeshAuthorization (rule B.23)', () => {
  test('allow-nothing: an empty spec in the namespace, v1 API', () => {
    const deny = find(synthAuthz(), 'AuthorizationPolicy', 'allow-nothing');
    expect(deny.apiVersion).toBe('security.istio.io/v1');
    expect(deny.metadata).toEqual({ name: 'allow-nothing', namespace: 'shop' });
    expect(deny.spec).toEqual({});
  });

  test('one ALLOW per workload: selector, principals, container ports as strings', () => {
    const objects = synthAuthz();
    expect(objects.map((o) => o.metadata.name)).toEqual(['allow-nothing', 'web', 'api']);
    expect(find(objects, 'AuthorizationPolicy', 'web')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/gw'] } }],
            to: [{ operation: { ports: ['8080'] } }],
          },
        ],
      },
    });
    expect(find(objects, 'AuthorizationPolicy', 'api').spec).toEqual({
      selector: { matchLabels: { app: 'api', tier: 'backend' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/shop/sa/web', 'corp.example/ns/batch/sa/jobs'] } }],
          to: [{ operation: { ports: ['9000', '9090'] } }],
        },
      ],
    });
  });

  test('without policies, only allow-nothing', () => {
    expect(synthAuthz({ policies: undefined }).map((o) => o.metadata.name)).toEqual(['allow-nothing']);
  });

  test('spiffePrincipal', () => {
    expect(spiffePrincipal('cluster.local', 'istio-system', 'istio-ingressgateway-service-account')).toBe(
      'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    );
    expect(() => spiffePrincipal('Cluster.Local', 'a', 'b')).toThrow(
      /^'trustDomain' must be a trust domain such as cluster.local .*got "Cluster.Local"$/,
    );
  });

  test.each<[string, Partial<MeshAuthorizationProps>, string]>([
    [
      'namespace',
      { namespace: 'Shop' },
      `'namespace' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "Shop"`,
    ],
    [
      'name',
      { policies: [{ ...web, name: 'Web' }] },
      `'policies[0].name' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "Web"`,
    ],
    [
      'duplicate name',
      { policies: [web, { ...api, name: 'web' }] },
      `'policies[1].name' must be unique and not allow-nothing, got "web"`,
    ],
    [
      'name allow-nothing',
      { policies: [{ ...web, name: 'allow-nothing' }] },
      `'policies[0].name' must be unique and not allow-nothing, got "allow-nothing"`,
    ],
    [
      'empty selector',
      { policies: [{ ...web, selector: {} }] },
      `'policies[0].selector' must list at least one label, got []`,
    ],
    [
      'selector key',
      { policies: [{ ...web, selector: { 'a b': 'x' } }] },
      `'policies[0].selector key' must be a Kubernetes label key ([prefix/]name), got "a b"`,
    ],
    [
      'selector value',
      { policies: [{ ...web, selector: { app: 'a b' } }] },
      `'policies[0].selector.app' must be a Kubernetes label value (at most 63 of A-Z a-z 0-9 - _ .), got "a b"`,
    ],
    [
      'no principals',
      { policies: [web, { ...api, fromPrincipals: [] }] },
      `'policies[1].fromPrincipals' must list at least one principal, got []`,
    ],
    [
      'bad principal',
      { policies: [web, { ...api, fromPrincipals: ['cluster.local/ns/shop/sa/web', 'x'] }] },
      `'policies[1].fromPrincipals[1]' must be a SPIFFE principal (<trust-domain>/ns/<ns>/sa/<sa>), got "x"`,
    ],
    [
      'principal with scheme',
      { policies: [{ ...web, fromPrincipals: ['spiffe://cluster.local/ns/a/sa/b'] }] },
      `'policies[0].fromPrincipals[0]' must be a SPIFFE principal (<trust-domain>/ns/<ns>/sa/<sa>), got "spiffe://cluster.local/ns/a/sa/b"`,
    ],
    ['no ports', { policies: [{ ...web, ports: [] }] }, `'policies[0].ports' must list at least one port, got []`],
    [
      'port out of range',
      { policies: [{ ...web, ports: [80, 70000] }] },
      `'policies[0].ports[1]' must be a port number from 1 to 65535, got 70000`,
    ],
  ])('rejects a bad %s', (_name, props, message) => {
    expect(() => synthAuthz(props)).toThrow(message);
  });
});
