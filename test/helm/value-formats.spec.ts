import '../support/shared-templates';
import { writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { loadConfig } from '../../lib/config/load';
import { helm, indexesOf, refusalsOf, scratch, templateRun, writeChart } from './support';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab';
const ACM =
  'an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>), or a non-empty list of them';
const HOST =
  'a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them';
const KEY_VALUE = 'a key=value pair (key of A-Z a-z 0-9 _ . : / + @ -, value not empty and without commas)';
const LONG_HOST = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;

/**
 * Values of the wrong form: helm template fails in validate.yaml with the synth's own message (key, expected form, value),
 * never with a raw regular expression. Cases marked chartOnly have no config key.
 */
const CASES: [string, Record<string, unknown>, string, 'chartOnly'?][] = [
  [
    'an ARN that is not an ACM certificate',
    { certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' },
    `'certificateArn' must be ${ACM}, got "arn:aws:iam::123456789012:server-certificate/x"`,
  ],
  [
    'the blog alias with a malformed ARN',
    { certificate_arn: 'arn:aws:acm:us-east-1:1234:certificate/abc' },
    `'certificate_arn' must be ${ACM}, got "arn:aws:acm:us-east-1:1234:certificate/abc"`,
    'chartOnly',
  ],
  ['a host with upper case', { host: 'Blog.Example.com' }, `'host' must be ${HOST}, got "Blog.Example.com"`],
  [
    'a host with a scheme',
    { host: 'https://blog.example.com' },
    `'host' must be ${HOST}, got "https://blog.example.com"`,
  ],
  [
    'a bad host in a list',
    { host: ['blog.example.com', 'Blog'] },
    `'host' must be ${HOST}, got ["blog.example.com","Blog"]`,
  ],
  [
    'a host over 253 characters, cut in the message',
    { host: LONG_HOST },
    `'host' must be ${HOST}, got "${LONG_HOST.slice(0, 99)}... (257 characters)`,
  ],
  [
    'an app namespace with upper case',
    { namespace: 'Yelb' },
    `'namespace' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "Yelb"`,
  ],
  [
    'a gateway selector key with a space',
    { gateway: { selector: { 'bad key': 'x' } } },
    `'gateway.selector' must be a Kubernetes label key ([prefix/]name), got "bad key"`,
  ],
  [
    'a gateway selector label value with a space',
    { gateway: { selector: { istio: 'ingress gateway' } } },
    `'gateway.selector.istio' must be a Kubernetes label value (at most 63 of A-Z a-z 0-9 - _ .), got "ingress gateway"`,
  ],
  [
    'a certificate lifetime in days',
    { gateway: { tls: { duration: '365d' } } },
    `'gateway.tls.duration' must be a duration in hours, minutes or seconds such as 8760h or 720h30m, got "365d"`,
  ],
  [
    'an image reference with a space',
    { yelb: { redis: { image: 'redis 7' } } },
    `'yelb.redis.image' must be a container image reference such as redis:4.0.2, got "redis 7"`,
  ],
  [
    'a CPU quantity in words',
    { yelb: { ui: { resources: { requests: { cpu: 'half' } } } } },
    `'yelb.ui.resources.requests.cpu' must be a CPU quantity such as 256m or 1, got "half"`,
  ],
  [
    'a memory quantity in decimal units',
    { yelb: { ui: { resources: { limits: { memory: '1G' } } } } },
    `'yelb.ui.resources.limits.memory' must be a memory quantity such as 256Mi or 2Gi, got "1G"`,
  ],
  [
    'a trust domain with a scheme',
    { mesh: { trustDomain: 'spiffe://cluster.local' } },
    `'mesh.trustDomain' must be a trust domain such as cluster.local (lowercase letters, digits, ".", "-" and "_"), got "spiffe://cluster.local"`,
  ],
  [
    'a wildcard external host',
    { mesh: { externalHosts: ['www.themealdb.com', '*.themealdb.com'] } },
    `'mesh.externalHosts[1]' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "*.themealdb.com"`,
  ],
  [
    'a route path without its slash',
    { istioEdge: { routes: [{ pathPrefix: 'api', service: 'yelb-ui', port: 80 }] } },
    `'istioEdge.routes[0].pathPrefix' must be an absolute URL path such as / or /api, got "api"`,
  ],
  [
    'an IngressGroup name in upper case',
    { alb: { groupName: 'Shared' } },
    `'alb.groupName' must be at most 63 characters of [a-z0-9.-], got "Shared"`,
  ],
  [
    'a TLS policy of another product',
    { alb: { sslPolicy: 'TLSv1.2_2021' } },
    `'alb.sslPolicy' must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, got "TLSv1.2_2021"`,
  ],
  [
    'a load-balancer attribute without a value',
    { alb: { loadBalancerAttributes: ['deletion_protection.enabled'] } },
    `'alb.loadBalancerAttributes[0]' must be ${KEY_VALUE}, got "deletion_protection.enabled"`,
  ],
  [
    'a deregistration delay over an hour',
    { alb: { targetGroupAttributes: ['deregistration_delay.timeout_seconds=7200'] } },
    `'alb.targetGroupAttributes[0]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=7200"`,
  ],
  [
    'a negative deregistration delay',
    { alb: { targetGroupAttributes: ['deregistration_delay.timeout_seconds=-5'] } },
    `'alb.targetGroupAttributes[0]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=-5"`,
  ],
  ['a tag value with a comma', { alb: { tags: ['team=a,b'] } }, `'alb.tags[0]' must be ${KEY_VALUE}, got "team=a,b"`],
  [
    'an inbound CIDR without a prefix length',
    { alb: { inboundCidrs: ['10.0.0.1'] } },
    `'alb.inboundCidrs[0]' must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32, got "10.0.0.1"`,
  ],
  [
    'a global (CloudFront) web ACL',
    { alb: { wafv2AclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0000-1111' } },
    `'alb.wafv2AclArn' must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<12-digit account>:regional/webacl/<name>/<id>) or none, got "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0000-1111"`,
  ],
  // Values whose form is right but which AWS, Kubernetes or Istio reject (lib/config/semantics.ts); the example of
  // each rule of charts/cross-field-rules.ts is in cross-field-rules.spec.ts, these are other branches of them
  [
    'the app namespace is the mesh root namespace',
    { namespace: 'istio-system' },
    `'namespace' must be a namespace of its own, not the mesh root namespace (mesh.rootNamespace), whose policies apply to the whole mesh, got "istio-system"`,
  ],
  [
    'the app namespace is the gateway namespace',
    { namespace: 'ingress', gateway: { namespace: 'ingress' } },
    `'namespace' must be a namespace of its own, not the gateway namespace (gateway.namespace), as allow-nothing and the Sidecar would apply to the gateway, got "ingress"`,
  ],
  [
    'the app namespace is kube-public',
    { namespace: 'kube-public' },
    `'namespace' must be a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-public"`,
  ],
  [
    'a CPU request above its limit',
    { yelb: { ui: { resources: { requests: { cpu: 1 } } } } },
    `'yelb.ui.resources.requests.cpu' must not exceed yelb.ui.resources.limits.cpu (512m), got "1"`,
  ],
  [
    'an aws certificate in a China region, second in a list',
    {
      certificateArn: [
        ARN.replace('us-east-1', 'cn-north-1').replace('arn:aws:', 'arn:aws-cn:'),
        ARN.replace('us-east-1', 'cn-north-1'),
      ],
    },
    `'certificateArn[1]' must name a region other than cn-* and us-gov-*, as its partition is aws, got "${ARN.replace('us-east-1', 'cn-north-1')}"`,
  ],
  [
    'an aws-us-gov web ACL outside GovCloud',
    { alb: { wafv2AclArn: 'arn:aws-us-gov:wafv2:us-east-1:123456789012:regional/webacl/edge/0000-1111' } },
    `'alb.wafv2AclArn' must name a us-gov-* region, as its partition is aws-us-gov, got "arn:aws-us-gov:wafv2:us-east-1:123456789012:regional/webacl/edge/0000-1111"`,
  ],
];

describe("values of the wrong form fail helm template with the synth's message, not a regular expression", () => {
  const { dir, cleanup } = scratch('helm-formats');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);
  // Every case's refusal in one helm run; real failing runs of the whole chart for one case of each helper.
  const refusals = refusalsOf(
    chartDir,
    dir,
    'formats',
    CASES.map(([, values]) => values),
  );
  const REAL_RUNS = indexesOf(CASES, ([name]) => name, [
    'an ARN that is not an ACM certificate',
    'the blog alias with a malformed ARN',
    'a CPU request above its limit',
    'an aws certificate in a China region, second in a list',
  ]);
  const runs = Promise.all(REAL_RUNS.map((i) => templateRun(chartDir, dir, `format-${i}`, CASES[i][1])));

  test.each(CASES.map(([name], i) => [name, i] as const))('%s', async (_, i) => {
    const [, values, message, chartOnly] = CASES[i];
    expect((await refusals)[i]).toBe(message);
    if (chartOnly) return;
    // the synth says the same of the same value
    const file = join(dir, `format-${i}.config.yaml`);
    writeFileSync(file, yaml.dump(values));
    expect(() => loadConfig(file)).toThrow(new Error(message));
  });

  test('helm template of the chart fails with that line: the match, partition and cross-value refusals', async () => {
    for (const [k, run] of (await runs).entries()) {
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toBe(
        `Error: execution error at (eks-alb-istio-tls/templates/validate.yaml:2:4): ${CASES[REAL_RUNS[k]][2]}`,
      );
      expect(run.stderr).not.toMatch(/pattern/);
    }
  });

  test('27 certificates: helm template refuses them as the synth does, unless alb.quotas.certificates allows them', async () => {
    const certificateArn = Array.from({ length: 27 }, (_, i) => ARN.replace('6f1c0e5e', String(i).padStart(8, '0')));
    const file = join(dir, 'many.yaml');
    writeFileSync(file, yaml.dump({ certificateArn }));
    const raised = join(dir, 'many-raised.yaml');
    writeFileSync(raised, yaml.dump({ certificateArn, alb: { quotas: { certificates: 26 } } }));
    const [refused, allowed] = await Promise.all([file, raised].map((f) => helm(['template', 'r', chartDir, '-f', f])));
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0].replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      "'certificateArn' needs 26 certificates besides the ALB's default, over alb.quotas.certificates (Certificates per Application Load Balancer (excluding default certificates), adjustable): 25 (app yelb (top-level keys))",
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(certificateArn.join(','));
  });
});
