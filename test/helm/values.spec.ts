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

/**
 * Values the schema accepts but the constructs reject together: the chart fails with the constructs' message. The
 * example of each rule of charts/cross-field-rules.ts is proven in cross-field-rules.spec.ts; these are other values
 * of some of those rules (a second route, other units, other lists, another mesh service).
 */
const BAD_COMBINATIONS: [string, Record<string, unknown>, RegExp][] = [
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
];

describe('chart values', () => {
  const { dir, cleanup } = scratch('helm-values');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);

  const template = (args: readonly string[]) => helm(['template', 'alb-istio-ingress', chartDir, ...args]);

  describe("values.schema.json rejects bad values at helm template time, with helm's own error", () => {
    // One run with every bad value: helm checks the values against the schema as a whole and lists each violation
    // on a line of its own (the values are of different fields, so none hides another).
    const run = template(BAD_VALUES.flatMap(([, args]) => args));
    const violations = run.then((r) => r.stderr.split('\n').filter((l) => l.startsWith('- ')));
    test('helm fails with the schema error and no output, naming each bad value once', async () => {
      const { code, stdout, stderr } = await run;
      expect(code).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr).toMatch(SCHEMA_ERROR);
      expect(await violations).toHaveLength(BAD_VALUES.length);
    });
    test.each(BAD_VALUES.map(([name], i) => [name, i] as const))('%s', async (_, i) => {
      expect((await violations).filter((l) => BAD_VALUES[i][2].test(l))).toHaveLength(1);
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

  test("the schema is the config schema: the same keys, minus gitops, plus the chart's own and Helm's global", () => {
    const schema = valuesSchema() as any;
    const config = CONFIG_SCHEMA as any;
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        ...Object.keys(config.properties).filter((k) => !NOT_VALUES.includes(k)),
        'certificate_arn',
        'scope',
        'scopeApp',
        'createNamespaces',
        'global',
      ].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.global.type).toBe('object');
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
