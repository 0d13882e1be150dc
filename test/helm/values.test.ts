import '../support/shared-templates';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CONFIG_SCHEMA } from '../../lib/config/schema';
import { loadConfig } from '../../lib/config/load';
import * as yaml from 'js-yaml';
import { CHART_NAME, helmValuesOf, renderHelmChart } from '../../lib/output/helm-chart';
import { VALUE_ROWS } from '../../charts/helm-value-rows';
import { NOT_VALUES, unmappedKeys } from '../../lib/output/helm-value-rows';
import { valuesSchema } from '../../lib/output/helm-values-schema';
import { SynthError, synthManifests } from '../../lib/output/plain';
import { configWith } from '../support';
import { helm, plainObjects, scratch, writeChart } from './support';
import { STACK } from '../../charts';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab';
const SCHEMA_ERROR =
  /values don't meet the specifications of the schema\(s\) in the following chart\(s\):\neks-alb-istio-tls:/;

/** Bad values: `--set`/`--set-json` arguments, and the field helm's schema error must name. */
const BAD_VALUES: [string, string[], RegExp][] = [
  [
    'replicas as a word',
    ['--set', 'yelb.ui.replicas=two'],
    /- yelb.ui.replicas: Invalid type. Expected: integer, given: string/,
  ],
  ['negative replicas', ['--set', 'yelb.db.replicas=-1'], /- yelb.db.replicas: /],
  [
    'a switch as a string',
    ['--set-string', 'yelb.enabled=yes'],
    /- yelb.enabled: Invalid type. Expected: boolean, given: string/,
  ],
  ['an unknown targetType', ['--set', 'alb.targetType=pod'], /- alb.targetType: /],
  ['an unknown top-level key', ['--set', 'hosts=blog.example.com'], /Additional property hosts is not allowed/],
  [
    'an unknown nested key',
    ['--set', 'alb.certificateArn=x'],
    /- alb: Additional property certificateArn is not allowed/,
  ],
  [
    'a route to port 0',
    ['--set-json', 'istioEdge.routes=[{"pathPrefix":"/","service":"yelb-ui","port":0}]'],
    /- istioEdge.routes.0.port: /,
  ],
  ['an empty gateway selector', ['--set', 'gateway.selector.istio=null'], /- gateway.selector: /],
  ['an unknown gateway TLS mode', ['--set', 'gateway.tls.mode=vault'], /- gateway.tls.mode: /],
  [
    'load-balancer attributes as one string',
    ['--set', 'alb.loadBalancerAttributes=a.enabled=true'],
    /- alb.loadBalancerAttributes: Invalid type. Expected: array, given: string/,
  ],
  ['the same tag twice', ['--set-json', 'alb.tags=["team=a","team=a"]'], /- alb.tags: /],
  ['an unknown ip address type', ['--set', 'alb.ipAddressType=ipv6'], /- alb.ipAddressType: /],
  [
    'a git setting, which is not a chart value',
    ['--set', 'gitops.repoURL=https://example.com/x.git'],
    /Additional property gitops is not allowed/,
  ],
];

/** Values the schema accepts but the constructs reject together: the chart fails with the constructs' message. */
const BAD_COMBINATIONS: [string, Record<string, unknown>, RegExp][] = [
  [
    'certificates in two regions',
    { certificateArn: [ARN, ARN.replace('us-east-1', 'eu-west-1')] },
    /'certificateArn' must all be in the ALB's region, got regions us-east-1, eu-west-1/,
  ],
  [
    'a route to a yelb Service on the wrong port',
    { istioEdge: { routes: [{ pathPrefix: '/', service: 'yelb-ui', port: 8080 }] } },
    /'istioEdge.routes\[0\].port' must be 80, the port of Service yelb-ui, got 8080/,
  ],
  [
    'a gateway route to a yelb Service the authorization policies deny',
    {
      istioEdge: {
        routes: [
          { pathPrefix: '/api', service: 'yelb-appserver', port: 4567 },
          { pathPrefix: '/', service: 'yelb-ui', port: 80 },
        ],
      },
    },
    /'istioEdge.routes\[0\].service' must be yelb-ui while mesh.authorization is on, got "yelb-appserver"/,
  ],
  [
    'a gateway VirtualService named like a mesh service',
    { istioEdge: { virtualServiceName: 'yelb-db' } },
    /'istioEdge.virtualServiceName' must differ from the mesh service names, got "yelb-db"/,
  ],
  [
    'renewal after the lifetime',
    { gateway: { tls: { mode: 'certManager', duration: '24h', renewBefore: '1440m' } } },
    /'gateway.tls.renewBefore' must be shorter than 'gateway.tls.duration' \(24h\), got "1440m"/,
  ],
  [
    'one load-balancer attribute key twice',
    { alb: { loadBalancerAttributes: ['idle_timeout.timeout_seconds=60', 'idle_timeout.timeout_seconds=120'] } },
    /'alb.loadBalancerAttributes\[1\]' must not repeat the key idle_timeout.timeout_seconds, got "idle_timeout.timeout_seconds=120"/,
  ],
  [
    'two deregistration delays',
    {
      alb: {
        targetGroupAttributes: ['deregistration_delay.timeout_seconds=30', 'deregistration_delay.timeout_seconds=0'],
      },
    },
    /'alb.targetGroupAttributes\[1\]' must not repeat the key deregistration_delay.timeout_seconds, got "deregistration_delay.timeout_seconds=0"/,
  ],
  [
    'one tag key with two values',
    { alb: { tags: ['team=a', 'team=b'] } },
    /'alb.tags\[1\]' must not repeat the key team, got "team=b"/,
  ],
  [
    'an IPv6 inbound CIDR on an IPv4 ALB',
    { alb: { ipAddressType: 'ipv4', inboundCidrs: ['10.0.0.0/8', '2001:db8::/32'] } },
    /'alb.inboundCidrs\[1\]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 \(the controller rejects IPv6 ones for an IPv4-only ALB\), got "2001:db8::\/32"/,
  ],
  [
    'no public IPv4 on an internal ALB',
    { alb: { scheme: 'internal', ipAddressType: 'dualstack-without-public-ipv4' } },
    /'alb.ipAddressType' dualstack-without-public-ipv4 needs 'alb.scheme' internet-facing, got 'alb.scheme' "internal"/,
  ],
  [
    'a web ACL in another region than the certificates',
    { alb: { wafv2AclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/0000-1111' } },
    /'alb.wafv2AclArn' must be in the ALB's region, us-east-1 \(that of 'certificateArn'\), got region eu-west-1/,
  ],
  [
    'a lifetime under an hour',
    { gateway: { tls: { mode: 'certManager', duration: '59m', renewBefore: '10m' } } },
    /'gateway.tls.duration' must be at least 1h, got "59m"/,
  ],
];

describe('chart values', () => {
  const { dir, cleanup } = scratch('helm-values');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);

  const template = (args: readonly string[]) => helm(['template', 'alb-istio-ingress', chartDir, ...args]);

  describe("values.schema.json rejects bad values at helm template time, with helm's own error", () => {
    const runs = Promise.all(BAD_VALUES.map(([, args]) => template(args)));
    test.each(BAD_VALUES.map(([name], i) => [name, i] as const))('%s', async (_, i) => {
      const run = (await runs)[i];
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(SCHEMA_ERROR);
      expect(run.stderr).toMatch(BAD_VALUES[i][2]);
    });
  });

  describe('values that only the constructs reject together fail helm template with the same message as the synth', () => {
    const runs = Promise.all(
      BAD_COMBINATIONS.map(([, values], i) => {
        const file = join(dir, `bad-${i}.json`);
        writeFileSync(file, JSON.stringify(values));
        return template(['-f', file]);
      }),
    );
    test.each(BAD_COMBINATIONS.map(([name], i) => [name, i] as const))('%s', async (_, i) => {
      const [, values, message] = BAD_COMBINATIONS[i];
      const run = (await runs)[i];
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/execution error at \(eks-alb-istio-tls\/templates\/validate.yaml/);
      expect(run.stderr).toMatch(message);
      expect(() => plainObjects(dir, `bad-${i}`, values)).toThrow(message);
    });
  });

  test("the schema is the config schema: the same keys, minus gitops, plus the chart's own", () => {
    const schema = valuesSchema() as any;
    const config = CONFIG_SCHEMA as any;
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        ...Object.keys(config.properties).filter((k) => !NOT_VALUES.includes(k)),
        'certificate_arn',
        'scope',
        'scopeApp',
        'createNamespaces',
      ].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.alb.properties.targetType).toEqual(config.properties.alb.properties.targetType);
    // Formats are checked by validate.yaml (Helm's schema error would print the raw regex): no pattern is left.
    expect(schema.properties.host.anyOf[0]).toEqual({
      type: 'string',
      description: config.properties.host.anyOf[0].expected,
    });
    expect(JSON.stringify(schema)).not.toMatch(/"pattern"/);
    expect(JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'))).toEqual(schema);
  });

  test('every config key is a chart value with a mapping, except gitops', () => {
    expect(unmappedKeys(VALUE_ROWS)).toEqual([]);
    // A key added to the config without a row is reported.
    expect(unmappedKeys(VALUE_ROWS.filter((r) => r.path !== 'alb.sslPolicy'))).toEqual(['alb.sslPolicy']);
    expect(unmappedKeys([...VALUE_ROWS, { path: 'alb.noSuchKey', base: 'x' }])).toEqual(['alb.noSuchKey']);
  });

  test('values.yaml holds the configuration the chart was generated from, optional keys included', async () => {
    // GIVEN charts generated from an environment and from a config with the optional keys set
    const prod = loadConfig(join(__dirname, '..', '..', 'config', 'environments', 'prod.yaml'));
    const optional = configWith({
      alb: { groupName: 'shared', wafv2AclArn: 'none' },
      gateway: { tls: { mode: 'certManager', issuerRef: { kind: 'ClusterIssuer', name: 'ca' } } },
    });
    for (const config of [prod, optional]) {
      const text = String(renderHelmChart(STACK, config).get(`helm/${CHART_NAME}/values.yaml`));
      // THEN its values are that config's (without gitops), every key with its comment
      expect(yaml.load(text)).toEqual({
        ...helmValuesOf(config),
        scope: 'all',
        createNamespaces: { app: true, gateway: false },
      });
      expect(yaml.load(text)).not.toHaveProperty('gitops');
      expect(() => synthManifests(STACK, config)).not.toThrow(SynthError);
    }
    const text = String(renderHelmChart(STACK, optional).get(`helm/${CHART_NAME}/values.yaml`));
    expect(text).toMatch(/# IngressGroup: .*\n  groupName: shared\n/);
    expect(text).toMatch(/# Regional WAFv2 web ACL .*\n  wafv2AclArn: none\n/);
    // unset, they are commented-out examples
    const defaults = String(renderHelmChart(STACK, loadConfig()).get(`helm/${CHART_NAME}/values.yaml`));
    expect(defaults).toMatch(
      /\n  # groupName: shared-alb\n  # Regional WAFv2 web ACL .*\n  # wafv2AclArn: arn:aws:wafv2:<region>:/,
    );
    expect(defaults).toMatch(
      /\n  targetGroupAttributes:\n    - deregistration_delay.timeout_seconds=30\n  # AWS tags .*\n  tags: \[\]\n/,
    );
    expect(text).toMatch(
      /# certManager only: the Issuer .*\n    issuerRef:\n      # One of Issuer, ClusterIssuer.\n      kind: ClusterIssuer\n      # A DNS label .*\n      name: ca\n/,
    );
  });
});
