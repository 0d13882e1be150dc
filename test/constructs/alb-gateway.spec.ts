import { Testing } from 'cdk8s';
import { AlbGateway, AlbGatewayProps } from '../../lib/alb-gateway';
import { checkRules } from '../../lib/check';
import { find, newChart, schemaErrors } from '../support';

const ARN = 'arn:aws:acm:us-east-1:210987654321:certificate/6f1c0e5e-0000-4000-8000-000000000001';
const ARN2 = ARN.replace('0001', '0002');
const base: AlbGatewayProps = {
  namespace: 'istio-ingress',
  hosts: ['shop.acme.io', '*.blog.acme.io'],
  certificateArns: [ARN, ARN2],
  serviceName: 'istio-ingressgateway',
};

function synthAlb(props: Partial<AlbGatewayProps> = {}): any[] {
  const chart = newChart();
  new AlbGateway(chart, 'Alb', { ...base, ...props });
  return Testing.synth(chart);
}

describe('AlbGateway', () => {
  test('emits the GatewayClass, LoadBalancerConfiguration, TargetGroupConfiguration, Gateway and routes in order', () => {
    expect(synthAlb().map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'gateway.networking.k8s.io/v1 GatewayClass/alb',
      'gateway.k8s.aws/v1 LoadBalancerConfiguration/gw-alb',
      'gateway.k8s.aws/v1 TargetGroupConfiguration/istio-ingressgateway',
      'gateway.networking.k8s.io/v1 Gateway/gw-alb',
      'gateway.networking.k8s.io/v1 HTTPRoute/gw-alb-shop-acme-io',
      'gateway.networking.k8s.io/v1 HTTPRoute/gw-alb-wildcard-blog-acme-io',
      'gateway.networking.k8s.io/v1 HTTPRoute/gw-alb-http-redirect',
    ]);
  });

  test('every object is valid against the v1.6.1 and controller v3.5.0 CRD schemas, in the gateway namespace', () => {
    const objects = synthAlb({ tags: ['team=edge'], inboundCidrs: ['10.0.0.0/8'] });
    expect(schemaErrors(objects)).toEqual([]);
    expect(objects.filter((o) => o.kind !== 'GatewayClass').map((o) => o.metadata.namespace)).toEqual(
      Array(objects.length - 1).fill('istio-ingress'),
    );
  });

  test('GatewayClass of the controller (G4)', () => {
    expect(find(synthAlb(), 'GatewayClass').spec).toEqual({ controllerName: 'gateway.k8s.aws/alb' });
  });

  test('listeners HTTP 80 and HTTPS 443 without tls or hostname, parameters from the LoadBalancerConfiguration (G6)', () => {
    expect(find(synthAlb(), 'Gateway').spec).toEqual({
      gatewayClassName: 'alb',
      infrastructure: {
        parametersRef: { group: 'gateway.k8s.aws', kind: 'LoadBalancerConfiguration', name: 'gw-alb' },
      },
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP' },
        { name: 'https', port: 443, protocol: 'HTTPS' },
      ],
    });
  });

  test('the listener certificates and TLS 1.3 policy on protocolPort HTTPS:443; scheme, addresses, attributes (G7, G8)', () => {
    const spec = find(
      synthAlb({ tags: ['team=edge', 'cost=shared'], inboundCidrs: ['10.0.0.0/8'], wafv2AclArn: undefined }),
      'LoadBalancerConfiguration',
    ).spec;
    expect(spec).toEqual({
      scheme: 'internet-facing',
      ipAddressType: 'ipv4',
      listenerConfigurations: [
        {
          protocolPort: 'HTTPS:443',
          defaultCertificate: ARN,
          certificates: [ARN2],
          sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        },
      ],
      loadBalancerAttributes: [{ key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' }],
      tags: { team: 'edge', cost: 'shared' },
      sourceRanges: ['10.0.0.0/8'],
    });
  });

  test('the target group: HTTPS HTTP1 to the gateway, health check HTTP on status-port /healthz/ready (G11, G12)', () => {
    expect(find(synthAlb({ targetType: 'ip' }), 'TargetGroupConfiguration').spec).toEqual({
      targetReference: { name: 'istio-ingressgateway' },
      defaultConfiguration: {
        targetType: 'ip',
        protocol: 'HTTPS',
        protocolVersion: 'HTTP1',
        healthCheckConfig: {
          healthCheckPort: 'status-port',
          healthCheckProtocol: 'HTTP',
          healthCheckPath: '/healthz/ready',
          matcher: { httpCode: '200' },
        },
        targetGroupAttributes: [{ key: 'deregistration_delay.timeout_seconds', value: '30' }],
      },
    });
  });

  test('a route per host to the gateway Service port 443 on the https listener; the redirect 301 on http (G9, G10)', () => {
    const objects = synthAlb();
    expect(find(objects, 'HTTPRoute', 'gw-alb-wildcard-blog-acme-io').spec).toEqual({
      parentRefs: [{ name: 'gw-alb', sectionName: 'https' }],
      hostnames: ['*.blog.acme.io'],
      rules: [{ backendRefs: [{ name: 'istio-ingressgateway', port: 443 }] }],
    });
    expect(find(objects, 'HTTPRoute', 'gw-alb-http-redirect').spec).toEqual({
      parentRefs: [{ name: 'gw-alb', sectionName: 'http' }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('a second ALB leaves out the GatewayClass and the TargetGroupConfiguration', () => {
    const kinds = synthAlb({ name: 'gw-alb-2', gatewayClass: false, targetGroupConfiguration: false }).map(
      (o) => o.kind,
    );
    expect(kinds).not.toContain('GatewayClass');
    expect(kinds).not.toContain('TargetGroupConfiguration');
  });

  test("the checker's Gateway API rules pass it (with the gateway Service it targets)", () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-ingress' },
      spec: {
        type: 'NodePort',
        selector: { istio: 'ingressgateway' },
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'https', port: 443, targetPort: 443 },
        ],
      },
    };
    const errorsOf = (objects: any[]) =>
      checkRules([...objects, service])
        .findings.filter((f) => f.severity === 'error')
        .map((f) => f.ruleId);
    expect(errorsOf(synthAlb())).toEqual([]);
    // The same objects with the target group left to infer HTTP: the rule that guards re-encryption fires.
    const plaintext = synthAlb().map((o) =>
      o.kind === 'TargetGroupConfiguration'
        ? { ...o, spec: { ...o.spec, defaultConfiguration: { ...o.spec.defaultConfiguration, protocol: undefined } } }
        : o,
    );
    expect(errorsOf(plaintext)).toContain('gwapi-target-group-protocol');
  });

  test.each([
    [{ wafv2AclArn: 'none' }, `'wafv2AclArn' must be a web ACL ARN with the Gateway API`],
    [{ name: 'GW' }, `'name' must be a DNS label`],
    [{ hosts: [] }, `'hosts' must`],
    [
      { certificateArns: [ARN, ARN.replace('us-east-1', 'eu-west-1')] },
      `'certificateArns' must all be in the ALB's region`,
    ],
  ] as [Partial<AlbGatewayProps>, string][])('refuses %j', (props, message) => {
    expect(() => synthAlb(props)).toThrow(message);
  });
});
