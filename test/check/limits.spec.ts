import { checkRules, Finding, K8sObject } from '../../lib/check';
import { find, objects } from './helpers';
import { LIMIT_CASES } from './limit-cases';

/** The findings of the good stack with one case's breakage, as `field: message`. */
function findingsOf(what: string): Finding[] {
  const c = LIMIT_CASES.find((x) => x.what === what)!;
  const o = objects('good');
  c.broken(o);
  return checkRules(o).findings;
}

const line = (f: Finding) => `${f.ruleId} ${f.object} ${f.field}: ${f.message}`;

describe('limits of AWS, the API server and Istio: exact findings', () => {
  test.each([
    [
      'a 133-character host',
      `alb-host-length Ingress istio-system/yelb spec.rules[0].host: host '${'a'.repeat(59)}.${'b'.repeat(40)}... (133 characters)' has 133 characters; an ALB host condition takes at most 128, so the controller cannot create the rule`,
    ],
    [
      '27 certificates on one listener',
      "alb-certificate-quota Ingress istio-system/yelb metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']: 27 certificates on the HTTPS listener of the ALB: AWS allows the default plus 25 (26) unless the quota is raised",
    ],
    [
      'an aws-cn certificate in us-east-1',
      'arn-partition-region Ingress istio-system/yelb metadata.annotations[\'alb.ingress.kubernetes.io/certificate-arn\']: certificate-arn must name a cn-* region, as its partition is aws-cn, got "arn:aws-cn:acm:us-east-1:210987654321:certificate/00000001-1a2b-4c5d-8e9f-0a1b2c3d4e5f"',
    ],
    [
      'an aws web ACL in a GovCloud region',
      'arn-partition-region Ingress istio-system/yelb metadata.annotations[\'alb.ingress.kubernetes.io/wafv2-acl-arn\']: wafv2-acl-arn must name a region other than cn-* and us-gov-*, as its partition is aws, got "arn:aws:wafv2:us-gov-west-1:123456789012:regional/webacl/yelb/0000-1111"',
    ],
    [
      'a CPU request of 1 over a 512m limit',
      'resources-request-above-limit Deployment yelb/yelb-ui spec.template.spec.containers[0].resources: container yelb-ui: resources.requests.cpu must not exceed resources.limits.cpu (512m), got "1"; the API server rejects the object',
    ],
    [
      'a memory request of 1.5Gi over a 1024Mi limit',
      'resources-request-above-limit Deployment yelb/yelb-ui spec.template.spec.containers[0].resources: container yelb-ui: resources.requests.memory must not exceed resources.limits.memory (1024Mi), got "1.5Gi"; the API server rejects the object',
    ],
    [
      'a wildcard host resolved by DNS',
      "service-entry-wildcard-dns ServiceEntry yelb/www.themealdb.com spec.hosts[0]: host '*.themealdb.com' is a wildcard, which Istio rejects with resolution DNS and no endpoints",
    ],
    [
      'an application Deployment in istio-system',
      'root-namespace-workload Deployment istio-system/reporting metadata.namespace: Deployment istio-system/reporting runs in the mesh root namespace istio-system, where namespace-wide Sidecar, PeerAuthentication and AuthorizationPolicy objects apply to the whole mesh',
    ],
  ])('%s', (what, expected) => {
    expect(findingsOf(what).map(line)).toEqual([expected]);
  });

  test('requests are compared as quantities: 1 CPU equals 1000m, 1Gi equals 1024Mi, an init container counts too', () => {
    const o = objects('good');
    const spec = find(o, 'Deployment', 'yelb-ui').spec.template.spec;
    spec.containers[0].resources = {
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '1000m', memory: '1024Mi' },
    };
    expect(checkRules(o).findings).toEqual([]);
    spec.initContainers = [
      { name: 'init', image: 'busybox:1.36', resources: { requests: { cpu: 0.5 }, limits: { cpu: '499m' } } },
    ];
    expect(checkRules(o).findings.map((f) => `${f.ruleId} ${f.field}`)).toEqual([
      'resources-request-above-limit spec.template.spec.initContainers[0].resources',
    ]);
  });

  test('a wildcard ServiceEntry host is fine with endpoints, and an exact host with DNS is fine', () => {
    const o = objects('good');
    find(o, 'ServiceEntry', 'www.themealdb.com').spec.hosts = ['*.themealdb.com'];
    find(o, 'ServiceEntry', 'www.themealdb.com').spec.endpoints = [{ address: 'www.themealdb.com' }];
    expect(checkRules(o).findings).toEqual([]);
  });

  test('the certificates of an IngressGroup add up on its ALB', () => {
    const o = objects('good');
    const ing = find(o, 'Ingress', 'yelb');
    const mate = JSON.parse(JSON.stringify(ing)) as K8sObject & { metadata: any };
    mate.metadata.name = 'yelb-admin';
    const arns = (from: number) =>
      Array.from(
        { length: 14 },
        (_, i) =>
          `arn:aws:acm:us-east-1:210987654321:certificate/${String(from + i).padStart(8, '0')}-1a2b-4c5d-8e9f-0a1b2c3d4e5f`,
      ).join(',');
    for (const [x, from] of [
      [ing, 0],
      [mate, 100],
    ] as const) {
      x.metadata.annotations['alb.ingress.kubernetes.io/group.name'] = 'shop';
      x.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn'] = arns(from);
    }
    o.push(mate);
    const quota = checkRules(o).findings.filter((f) => f.ruleId === 'alb-certificate-quota');
    expect(quota.map((f) => f.message)).toEqual([
      "28 certificates on the HTTPS listener of the ALB of IngressGroup 'shop': AWS allows the default plus 25 (26) unless the quota is raised",
    ]);
  });
});

describe('a huge value in a manifest gives a short finding', () => {
  test('a 50 000-character ssl-policy is cut to its first 100 characters', () => {
    const o = objects('good');
    find(o, 'Ingress', 'yelb').metadata.annotations['alb.ingress.kubernetes.io/ssl-policy'] = 'x'.repeat(50_000);
    const [f] = checkRules(o).findings.filter((x) => x.ruleId === 'ssl-policy');
    expect(f.message).toBe(`ssl-policy '${'x'.repeat(99)}... (50002 characters) is not a TLS 1.3 policy`);
  });

  test('a 50 000-character host is cut in every finding', () => {
    const o = objects('good');
    const host = `${'a'.repeat(50_000)}.example.com`;
    find(o, 'Ingress', 'yelb').spec.rules[0].host = host;
    const findings = checkRules(o).findings;
    expect(findings.map((f) => f.ruleId)).toContain('alb-host-length');
    for (const f of findings) expect(f.message.length + f.fix.length).toBeLessThan(600);
  });
});
