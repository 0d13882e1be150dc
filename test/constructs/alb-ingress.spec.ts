import { Testing } from 'cdk8s';
import { newChart } from '../support';
import { AlbIngress, AlbIngressProps, deregistrationDelaySeconds } from '../../lib/alb-ingress';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
const ARN2 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-4111-8111-111111111111';
const WAF = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/yelb-edge/a1b2c3d4-5678-90ab-cdef-000000000001';
const base: AlbIngressProps = {
  namespace: 'istio-system',
  hosts: ['yelb.example.com'],
  certificateArns: [ARN],
  serviceName: 'istio-ingressgateway',
};

function synthIngress(props: Partial<AlbIngressProps> = {}) {
  const chart = newChart();
  new AlbIngress(chart, 'Alb', { ...base, ...props });
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}
const ann = (ingress: any, key: string) => ingress.metadata.annotations[`alb.ingress.kubernetes.io/${key}`];

describe('AlbIngress', () => {
  test('uses the ingressClassName field and never the deprecated class annotation (rule A.2)', () => {
    const ingress = synthIngress();
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations['kubernetes.io/ingress.class']).toBeUndefined();
  });

  test('lives in the gateway namespace and targets the gateway Service port 443 (rule A.3)', () => {
    const ingress = synthIngress();
    expect(ingress.metadata.namespace).toBe('istio-system');
    expect(ingress.metadata.name).toBe('gw-ingress');
    const path = ingress.spec.rules[0].http.paths[0];
    expect(path).toEqual({
      path: '/',
      pathType: 'Prefix',
      backend: { service: { name: 'istio-ingressgateway', port: { number: 443 } } },
    });
  });

  test('redirects HTTP to HTTPS with ssl-redirect and both listeners, not actions.ssl-redirect (rule A.4)', () => {
    const ingress = synthIngress();
    expect(ann(ingress, 'ssl-redirect')).toBe('443');
    expect(JSON.parse(ann(ingress, 'listen-ports'))).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(ann(ingress, 'actions.ssl-redirect')).toBeUndefined();
    expect(ingress.spec.rules[0].http.paths).toHaveLength(1);
  });

  test('target type defaults to instance and can be ip (rule A.5)', () => {
    expect(ann(synthIngress(), 'target-type')).toBe('instance');
    expect(ann(synthIngress({ targetType: 'ip' }), 'target-type')).toBe('ip');
  });

  test.each(['instance', 'ip'] as const)(
    'health check hits /healthz/ready on the named status-port over HTTP (%s targets, rule A.6)',
    (targetType) => {
      const ingress = synthIngress({ targetType });
      expect(ann(ingress, 'healthcheck-port')).toBe('status-port');
      expect(ann(ingress, 'healthcheck-protocol')).toBe('HTTP');
      expect(ann(ingress, 'healthcheck-path')).toBe('/healthz/ready');
      expect(ann(ingress, 'success-codes')).toBe('200');
    },
  );

  test('re-encrypts to the gateway with HTTPS and leaves the protocol version at its default (rule A.7)', () => {
    const ingress = synthIngress();
    expect(ann(ingress, 'backend-protocol')).toBe('HTTPS');
    expect(ann(ingress, 'backend-protocol-version')).toBeUndefined();
  });

  test('joins several certificates on one line, default certificate first (rule A.8)', () => {
    const ingress = synthIngress({ certificateArns: [ARN, ARN2] });
    expect(ann(ingress, 'certificate-arn')).toBe(`${ARN},${ARN2}`);
    expect(ann(ingress, 'certificate-arn')).not.toMatch(/\n/);
  });

  test('defaults to a TLS 1.3 listener policy (rule A.9)', () => {
    expect(ann(synthIngress(), 'ssl-policy')).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    expect(ann(synthIngress({ sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }), 'ssl-policy')).toBe(
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
    );
  });

  test('one rule per host, group name and extra annotations when asked (rules A.10, A.14)', () => {
    const ingress = synthIngress({
      hosts: ['a.example.com', 'b.example.com'],
      groupName: 'shared.edge',
      extraAnnotations: { 'external-dns.alpha.kubernetes.io/hostname': 'a.example.com' },
    });
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['a.example.com', 'b.example.com']);
    expect(ann(ingress, 'group.name')).toBe('shared.edge');
    expect(ingress.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('a.example.com');
    expect(ann(synthIngress(), 'group.name')).toBeUndefined();
  });

  test('drops invalid header fields and shortens the deregistration delay by default (rules A.12, C.32)', () => {
    const ingress = synthIngress();
    expect(ann(ingress, 'load-balancer-attributes')).toBe('routing.http.drop_invalid_header_fields.enabled=true');
    expect(ann(ingress, 'target-group-attributes')).toBe('deregistration_delay.timeout_seconds=30');
    for (const key of ['tags', 'inbound-cidrs', 'wafv2-acl-arn']) expect(ann(ingress, key)).toBeUndefined();
  });

  test('joins attributes, tags and CIDRs on one line each, in the order given (rules A.12, A.13)', () => {
    const ingress = synthIngress({
      loadBalancerAttributes: [
        'deletion_protection.enabled=true',
        'access_logs.s3.enabled=true',
        'access_logs.s3.bucket=my-logs',
      ],
      targetGroupAttributes: ['deregistration_delay.timeout_seconds=0', 'slow_start.duration_seconds=30'],
      tags: ['team=edge', 'aws-cost:center=Platform Team', 'path=/a/b+c@d'],
      inboundCidrs: ['10.0.0.0/8', '192.168.1.0/24'],
    });
    expect(ann(ingress, 'load-balancer-attributes')).toBe(
      'deletion_protection.enabled=true,access_logs.s3.enabled=true,access_logs.s3.bucket=my-logs',
    );
    expect(ann(ingress, 'target-group-attributes')).toBe(
      'deregistration_delay.timeout_seconds=0,slow_start.duration_seconds=30',
    );
    expect(ann(ingress, 'tags')).toBe('team=edge,aws-cost:center=Platform Team,path=/a/b+c@d');
    expect(ann(ingress, 'inbound-cidrs')).toBe('10.0.0.0/8,192.168.1.0/24');
  });

  test('an empty list leaves its annotation out', () => {
    const ingress = synthIngress({ loadBalancerAttributes: [], targetGroupAttributes: [], tags: [], inboundCidrs: [] });
    for (const key of ['load-balancer-attributes', 'target-group-attributes', 'tags', 'inbound-cidrs']) {
      expect(ann(ingress, key)).toBeUndefined();
    }
  });

  test("attaches a regional WAFv2 web ACL of the ALB's region, or detaches one with none (rule A.11)", () => {
    expect(ann(synthIngress({ wafv2AclArn: WAF }), 'wafv2-acl-arn')).toBe(WAF);
    expect(ann(synthIngress({ wafv2AclArn: 'none' }), 'wafv2-acl-arn')).toBe('none');
  });

  test('states the address type explicitly, ipv4 by default', () => {
    expect(ann(synthIngress(), 'ip-address-type')).toBe('ipv4');
    expect(ann(synthIngress({ ipAddressType: 'dualstack' }), 'ip-address-type')).toBe('dualstack');
    expect(ann(synthIngress({ ipAddressType: 'dualstack-without-public-ipv4' }), 'ip-address-type')).toBe(
      'dualstack-without-public-ipv4',
    );
  });

  test.each(['dualstack', 'dualstack-without-public-ipv4'] as const)(
    'IPv6 inbound CIDRs need a dualstack ALB, as the controller requires: %s',
    (ipAddressType) => {
      const ingress = synthIngress({ ipAddressType, inboundCidrs: ['10.0.0.0/8', '2001:db8::/32', '::/0'] });
      expect(ann(ingress, 'inbound-cidrs')).toBe('10.0.0.0/8,2001:db8::/32,::/0');
      expect(ann(ingress, 'ip-address-type')).toBe(ipAddressType);
    },
  );

  test('extra annotations cannot override the address type that the IPv6 check relies on', () => {
    const extraAnnotations = { 'alb.ingress.kubernetes.io/ip-address-type': 'dualstack' };
    // Not even to the value of the prop: the prop is the one place the address type is set.
    for (const props of [
      { extraAnnotations },
      { ipAddressType: 'dualstack' as const, extraAnnotations, inboundCidrs: ['2001:db8::/32'] },
    ]) {
      expect(() => synthIngress(props)).toThrow(
        /^'extraAnnotations' must not set alb.ingress.kubernetes.io\/ip-address-type, which AlbIngress sets itself \(use ipAddressType\), got "dualstack"$/,
      );
    }
    // Other extra annotations still merge after the computed ones.
    const ingress = synthIngress({
      extraAnnotations: { 'external-dns.alpha.kubernetes.io/hostname': 'yelb.example.com' },
    });
    expect(ingress.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('yelb.example.com');
  });

  test.each([
    ['backend-protocol', 'HTTP', 'computed: HTTPS to the gateway'],
    ['ssl-redirect', '80', 'computed: HTTP redirects to HTTPS'],
    ['listen-ports', '[{"HTTP": 80}]', 'computed: HTTP 80 and HTTPS 443'],
    ['healthcheck-protocol', 'HTTPS', 'computed: HTTP to the status port'],
    ['certificate-arn', 'arn:aws:acm:us-east-1:210987654321:certificate/x', 'use certificateArns'],
    ['scheme', 'internal', 'use scheme'],
    ['group.name', 'shared', 'use groupName'],
  ])('extraAnnotations may not override %s, which would silently change the ALB', (key, value, why) => {
    const message = `'extraAnnotations' must not set alb.ingress.kubernetes.io/${key}, which AlbIngress sets itself (${why}), got ${JSON.stringify(value)}`;
    expect(() => synthIngress({ extraAnnotations: { [`alb.ingress.kubernetes.io/${key}`]: value } })).toThrow(message);
    expect(() => synthIngress({ metadata: { annotations: { [`alb.ingress.kubernetes.io/${key}`]: value } } })).toThrow(
      message.replace("'extraAnnotations'", "'metadata.annotations'"),
    );
  });

  test('the deprecated class annotation is refused: the API server rejects it beside ingressClassName', () => {
    expect(() => synthIngress({ extraAnnotations: { 'kubernetes.io/ingress.class': 'alb' } })).toThrow(
      /^'extraAnnotations' must not set kubernetes.io\/ingress.class, which AlbIngress sets itself \(use ingressClassName: the API server rejects an Ingress with both\), got "alb"$/,
    );
  });

  test('annotations the construct does not compute pass through; metadata labels too; class and paths are optional props', () => {
    const ingress = synthIngress({
      extraAnnotations: { 'alb.ingress.kubernetes.io/load-balancer-name': 'edge' },
      metadata: {
        labels: { team: 'edge' },
        annotations: { 'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '10' },
      },
      ingressClassName: 'alb-internal',
      paths: ['/shop', '/api'],
    });
    expect(ann(ingress, 'load-balancer-name')).toBe('edge');
    expect(ann(ingress, 'healthcheck-interval-seconds')).toBe('10');
    expect(ann(ingress, 'backend-protocol')).toBe('HTTPS');
    expect(ingress.metadata.labels).toEqual({ team: 'edge' });
    expect(ingress.spec.ingressClassName).toBe('alb-internal');
    expect(ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType])).toEqual([
      ['/shop', 'Prefix'],
      ['/api', 'Prefix'],
    ]);
    expect(() => synthIngress({ paths: [] })).toThrow("'paths' must list at least one path prefix, got []");
    expect(() => synthIngress({ paths: ['api'] })).toThrow(
      /^'paths\[0\]' must be an absolute URL path such as \/ or \/api, got "api"$/,
    );
  });

  test("the effective deregistration delay: the attribute, else AWS's 300 s", () => {
    expect(deregistrationDelaySeconds(['deregistration_delay.timeout_seconds=30'])).toBe(30);
    expect(
      deregistrationDelaySeconds(['slow_start.duration_seconds=60', 'deregistration_delay.timeout_seconds=0']),
    ).toBe(0);
    expect(deregistrationDelaySeconds(['slow_start.duration_seconds=60'])).toBe(300);
    expect(deregistrationDelaySeconds([])).toBe(300);
  });

  test.each([
    [
      { certificateArns: ['arn:aws:acm:xxxxxx:999999999999:certificate/xxxxxxxxx'] },
      /'certificateArns\[0\]' must be an ACM certificate ARN .*got "arn:aws:acm:xxxxxx/,
    ],
    [{ certificateArns: [] }, /'certificateArns' must list at least one ACM certificate ARN/],
    [
      { certificateArns: [ARN, ARN2.replace('us-east-1', 'eu-west-1')] },
      /'certificateArns' must all be in the ALB's region, got regions us-east-1, eu-west-1/,
    ],
    [
      { hosts: ['https://yelb.example.com'] },
      /'hosts\[0\]' must be a lowercase DNS name .*got "https:\/\/yelb.example.com"/,
    ],
    [{ hosts: ['Yelb.Example.com'] }, /'hosts\[0\]' must be a lowercase DNS name/],
    [{ hosts: [] }, /'hosts' must list at least one host/],
    [{ namespace: 'Istio_System' }, /'namespace' must be a DNS label/],
    [{ serviceName: '' }, /'serviceName' must be a DNS label/],
    [{ servicePort: 70000 }, /'servicePort' must be a port number from 1 to 65535, got 70000/],
    [{ targetType: 'pod' as any }, /'targetType' must be one of instance, ip, got "pod"/],
    [{ scheme: 'public' as any }, /'scheme' must be one of internet-facing, internal, got "public"/],
    [{ sslPolicy: 'TLS13' }, /'sslPolicy' must be an ELB security policy name/],
    [{ groupName: 'Bad_Group' }, /'groupName' must be at most 63 characters of \[a-z0-9.-\], got "Bad_Group"/],
    [
      { loadBalancerAttributes: ['deletion_protection.enabled'] },
      /^'loadBalancerAttributes\[0\]' must be a key=value pair \(key of A-Z a-z 0-9 _ . : \/ \+ @ -, value not empty and without commas\), got "deletion_protection.enabled"$/,
    ],
    [
      { loadBalancerAttributes: ['idle_timeout.timeout_seconds='] },
      /^'loadBalancerAttributes\[0\]' must be a key=value pair .*got "idle_timeout.timeout_seconds="$/,
    ],
    [
      { loadBalancerAttributes: ['a=1,b=2'] },
      /^'loadBalancerAttributes\[0\]' must be a key=value pair .*got "a=1,b=2"$/,
    ],
    [{ loadBalancerAttributes: ['=true'] }, /^'loadBalancerAttributes\[0\]' must be a key=value pair .*got "=true"$/],
    [
      { loadBalancerAttributes: ['x.enabled=true', 'x.enabled=false'] },
      /^'loadBalancerAttributes\[1\]' must not repeat the key x.enabled, got "x.enabled=false"$/,
    ],
    [
      { targetGroupAttributes: ['deregistration_delay.timeout_seconds=3601'] },
      /^'targetGroupAttributes\[0\]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=3601"$/,
    ],
    [
      { targetGroupAttributes: ['deregistration_delay.timeout_seconds=-1'] },
      /^'targetGroupAttributes\[0\]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>/,
    ],
    [
      { targetGroupAttributes: ['deregistration_delay.timeout_seconds=30s'] },
      /^'targetGroupAttributes\[0\]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>/,
    ],
    [
      { targetGroupAttributes: ['deregistration_delay.timeout_seconds=30', 'deregistration_delay.timeout_seconds=60'] },
      /^'targetGroupAttributes\[1\]' must not repeat the key deregistration_delay.timeout_seconds, got "deregistration_delay.timeout_seconds=60"$/,
    ],
    [{ targetGroupAttributes: ['stickiness enabled=true'] }, /^'targetGroupAttributes\[0\]' must be a key=value pair/],
    [{ tags: ['team'] }, /^'tags\[0\]' must be a key=value pair .*got "team"$/],
    [{ tags: ['team=a', 'team=b'] }, /^'tags\[1\]' must not repeat the key team, got "team=b"$/],
    [
      { inboundCidrs: ['10.0.0.0'] },
      /^'inboundCidrs\[0\]' must be an IPv4 or IPv6 CIDR such as 10.0.0.0\/8 or 2001:db8::\/32, got "10.0.0.0"$/,
    ],
    [{ inboundCidrs: ['10.0.0.0/33'] }, /^'inboundCidrs\[0\]' must be an IPv4 or IPv6 CIDR .*got "10.0.0.0\/33"$/],
    [{ inboundCidrs: ['256.0.0.0/8'] }, /^'inboundCidrs\[0\]' must be an IPv4 or IPv6 CIDR/],
    [
      { inboundCidrs: ['10.0.0.0/8', '2001:db8::/129'] },
      /^'inboundCidrs\[1\]' must be an IPv4 or IPv6 CIDR .*got "2001:db8::\/129"$/,
    ],
    [
      { inboundCidrs: ['2001:db8::/32'] },
      /^'inboundCidrs\[0\]' must be an IPv4 CIDR unless 'ipAddressType' is dualstack or dualstack-without-public-ipv4 \(the controller rejects IPv6 ones for an IPv4-only ALB\), got "2001:db8::\/32"$/,
    ],
    [
      { ipAddressType: 'ipv4', inboundCidrs: ['10.0.0.0/8', '::/0'] },
      /^'inboundCidrs\[1\]' must be an IPv4 CIDR unless 'ipAddressType' is dualstack .*got "::\/0"$/,
    ],
    [
      { ipAddressType: 'ipv6' as any },
      /^'ipAddressType' must be one of ipv4, dualstack, dualstack-without-public-ipv4, got "ipv6"$/,
    ],
    [
      { ipAddressType: 'dualstack-without-public-ipv4', scheme: 'internal' },
      /^'ipAddressType' dualstack-without-public-ipv4 needs 'scheme' internet-facing, got 'scheme' "internal"$/,
    ],
    [
      { wafv2AclArn: WAF.replace('regional', 'global') },
      /^'wafv2AclArn' must be a regional WAFv2 web ACL ARN \(arn:aws:wafv2:<region>:<12-digit account>:regional\/webacl\/<name>\/<id>\) or none, got "arn:aws:wafv2:us-east-1:123456789012:global/,
    ],
    [{ wafv2AclArn: 'arn:aws:waf::123456789012:webacl/abc' }, /^'wafv2AclArn' must be a regional WAFv2 web ACL ARN/],
    [{ wafv2AclArn: '' }, /^'wafv2AclArn' must be a regional WAFv2 web ACL ARN .* or none, got ""$/],
    [
      { wafv2AclArn: WAF.replace('us-east-1', 'eu-west-1') },
      /^'wafv2AclArn' must be in the ALB's region, us-east-1 \(that of 'certificateArns'\), got region eu-west-1$/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => synthIngress(props as Partial<AlbIngressProps>)).toThrow(message);
  });
});
