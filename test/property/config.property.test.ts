import '../support/shared-templates';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { CONFIG_SCHEMA } from '../../lib/config/schema';
import { ConfigError, loadConfig } from '../../lib/config/load';
import { renderAll, synth, verifyRendered } from '../../lib/synth';
import { fileHashes } from '../support';
import { scratch, sorted, templateMany, withoutHelmLabels, writeChart } from '../helm/support';
import { STACK } from '../../charts';

/*
 * Property-based tests of the configuration: every config the schema accepts renders, checks clean and gives the
 * same objects through the Helm chart; every schema-breaking mutation of one is a one-line error naming its key,
 * with the output left as it was. PROPERTY_RUNS sets the number of runs (fewer in CI).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 12 : 30));

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const arn = (region: string, n: number) =>
  `arn:aws:acm:${region}:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-${String(n).padStart(12, '0')}`;
const HOSTS = ['yelb.example.com', 'www.yelb.example.com', '*.apps.example.com', 'shop.example.org'];
const distinct = <T>(items: readonly T[], max = items.length) =>
  fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: max });

const quantities = fc.record({
  requests: fc.record({ cpu: fc.constantFrom('100m', '256m'), memory: fc.constantFrom('64Mi', '256Mi') }),
  limits: fc.record({ cpu: fc.constantFrom('512m', '1', '1.5'), memory: fc.constantFrom('512Mi', '1Gi') }),
});
const workload = fc.record({ replicas: fc.integer({ min: 0, max: 5 }), resources: quantities }, { requiredKeys: [] });

/** Overrides of the built-in config that the schema and the cross-field rules accept, built field by field. */
const validOverride = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    certificates: fc.integer({ min: 1, max: 3 }),
    host: distinct(HOSTS, 3),
    namespace: fc.constantFrom('yelb', 'shop', 'team-a'),
    targetType: fc.constantFrom('instance', 'ip'),
    scheme: fc.constantFrom('internet-facing', 'internal'),
    ipAddressType: fc.constantFrom('ipv4', 'dualstack', 'dualstack-without-public-ipv4'),
    inboundCidrs: fc.subarray(['10.0.0.0/8', '192.168.0.0/16']),
    ipv6Cidr: fc.boolean(),
    groupName: fc.option(fc.constantFrom('shared', 'edge.prod'), { nil: undefined }),
    tags: fc.subarray(['team=edge', 'cost-center=42']),
    mtlsMode: fc.constantFrom('STRICT', 'PERMISSIVE'),
    mtlsScope: fc.constantFrom('namespace', 'mesh'),
    outbound: fc.constantFrom('REGISTRY_ONLY', 'ALLOW_ANY'),
    externalHosts: fc.subarray(['www.themealdb.com', 'api.example.net']),
    authorization: fc.boolean(),
    extraRoute: fc.boolean(),
    tlsMode: fc.constantFrom('existingSecret', 'certManager', 'none'),
    keyAlgorithm: fc.constantFrom('RSA', 'ECDSA'),
    yelbEnabled: fc.boolean(),
    istioEdgeEnabled: fc.boolean(),
    albIngressEnabled: fc.boolean(),
    externalDns: fc.boolean(),
    albApi: fc.constantFrom('ingress', 'gatewayApi'),
    gatewayApi: fc.constantFrom('istio', 'gatewayApi'),
    ui: workload,
    redis: workload,
  })
  .map((v) => {
    const dualstack = v.ipAddressType !== 'ipv4';
    return {
      host: v.host.length === 1 ? v.host[0] : v.host,
      certificateArn: Array.from({ length: v.certificates }, (_, i) => arn(v.region, i + 1)),
      namespace: v.namespace,
      gateway: { api: v.gatewayApi, tls: { mode: v.tlsMode, keyAlgorithm: v.keyAlgorithm } },
      alb: {
        api: v.albApi,
        targetType: v.targetType,
        // an IPv6-only public ALB must face the internet
        scheme: v.ipAddressType === 'dualstack-without-public-ipv4' ? 'internet-facing' : v.scheme,
        ipAddressType: v.ipAddressType,
        inboundCidrs: [...v.inboundCidrs, ...(dualstack && v.ipv6Cidr ? ['2001:db8::/32'] : [])],
        // IngressGroups are an Ingress feature: config/semantics.ts refuses a groupName with the ALB Gateway
        ...(v.groupName && v.albApi === 'ingress' ? { groupName: v.groupName } : {}),
        tags: v.tags,
      },
      mesh: {
        mtlsMode: v.mtlsMode,
        mtlsScope: v.mtlsScope,
        outboundTrafficPolicy: v.outbound,
        externalHosts: v.externalHosts,
        authorization: v.authorization,
      },
      istioEdge: {
        // yelb needs the Istio objects (its PeerAuthentication); config/semantics.ts refuses yelb without them
        enabled: v.istioEdgeEnabled || v.yelbEnabled,
        // a route to another team's Service; with authorization on, the gateway may only call yelb-ui
        routes: [
          ...(v.extraRoute && !v.authorization ? [{ pathPrefix: '/static', service: 'assets', port: 8080 }] : []),
          { pathPrefix: '/', service: 'yelb-ui', port: 80 },
        ],
      },
      albIngress: { enabled: v.albIngressEnabled },
      yelb: { enabled: v.yelbEnabled, ui: v.ui, redis: v.redis },
      dns: { externalDns: v.externalDns },
    };
  });

describe('any configuration the schema accepts', () => {
  const { dir, cleanup } = scratch('property-valid');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);

  test('synthesizes, checks with no error, and helm template of the chart with the same values gives the same objects', async () => {
    // The synth and the check inside the property (fast-check shrinks a failing config); helm afterwards, every run's
    // values in one helm run (templateMany), each compared with its synth.
    const runs: { override: object; inChart: object[] }[] = [];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(validOverride, async (override) => {
        const file = join(dir, `run-${n++}.yaml`);
        writeFileSync(file, yaml.dump(override));
        const result = renderAll(STACK, file);
        await expect(verifyRendered(result, false)).resolves.toBeDefined();
        const plain = result.manifests.flatMap((m) => m.objects);
        // The chart leaves the gateway namespace (plain YAML: ip targets only) to the Istio install by default.
        const appNamespace = (override as { namespace?: string }).namespace ?? 'yelb';
        runs.push({
          override,
          inChart: plain.filter((o) => !(o.kind === 'Namespace' && o.metadata?.name !== appNamespace)),
        });
      }),
      { numRuns: RUNS },
    );
    expect(runs).toHaveLength(RUNS);
    const rendered = await templateMany(
      chartDir,
      dir,
      'runs',
      runs.map((r) => r.override),
    );
    runs.forEach(({ override, inChart }, i) =>
      expect({ override, objects: sorted(withoutHelmLabels(rendered[i])) }).toEqual({
        override,
        objects: sorted(withoutHelmLabels(inChart)),
      }),
    );
  });
});

/** A value of a type the schema never accepts at `schema`'s place. */
function wrongTypeFor(schema: any): unknown {
  const type =
    schema.type ?? schema.anyOf?.[0]?.type ?? (schema.enum ? 'string' : undefined) ?? schema.allOf?.[0]?.type;
  switch (type) {
    case 'boolean':
      return 'yes';
    case 'integer':
    case 'number':
      return 'many';
    case 'object':
      return 42;
    default:
      return { not: 'this' };
  }
}

/** Leaf and object places of the config, with their schema: [path parts, schema]. */
function places(schema: any, value: unknown, path: (string | number)[] = []): [(string | number)[], any][] {
  const here: [(string | number)[], any][] = path.length ? [[path, schema]] : [];
  if (schema.type === 'object' && schema.properties && value && typeof value === 'object') {
    return [
      ...here,
      ...Object.entries(value).flatMap(([k, v]) =>
        schema.properties[k] ? places(schema.properties[k], v, [...path, k]) : [],
      ),
    ];
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items?.type === 'object') {
    return [...here, ...value.flatMap((v, i) => places(schema.items, v, [...path, i]))];
  }
  return here;
}

/** `['istioEdge', 'routes', 0, 'port']` -> `istioEdge.routes[0].port`, as the config errors name keys. */
const keyName = (path: (string | number)[]) =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

function setAt(target: any, path: (string | number)[], value: unknown): void {
  let node = target;
  for (const p of path.slice(0, -1)) node = node[p];
  node[path[path.length - 1]] = value;
}

describe('any schema-breaking mutation of a valid configuration', () => {
  const { dir, cleanup } = scratch('property-invalid');
  const out = join(dir, 'out');
  afterAll(cleanup);

  test('gives one line naming the key, and leaves the output as it was', async () => {
    mkdirSync(out);
    writeFileSync(join(dir, 'base.yaml'), '{}\n');
    await synth(STACK, { configFile: join(dir, 'base.yaml'), outDir: out, schemaCheck: false, helmSelfCheck: false });
    const before = fileHashes(out);
    const mutation = validOverride.chain((override) => {
      const resolved = loadConfig(writeOverride(dir, 'resolved', override));
      const spots = places(CONFIG_SCHEMA, resolved);
      return fc.record({
        override: fc.constant(override),
        spot: fc.constantFrom(...spots),
        kind: fc.constantFrom('wrong type', 'unknown key'),
      });
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async ({ override, spot: [path, schema], kind }) => {
        const resolved: any = loadConfig(writeOverride(dir, 'resolved', override));
        let expected: string;
        if (kind === 'unknown key' && schema.type === 'object' && schema.additionalProperties === false) {
          setAt(resolved, [...path, 'unknownKey'], true);
          expected = `'${keyName([...path, 'unknownKey'])}' is not a known key`;
        } else {
          setAt(resolved, path, wrongTypeFor(schema));
          expected = `'${keyName(path)}' must be`;
        }
        const file = writeOverride(dir, `bad-${n++}`, resolved);
        const error = await synth(STACK, {
          configFile: file,
          outDir: out,
          schemaCheck: false,
          helmSelfCheck: false,
        }).then(
          () => undefined,
          (e) => e,
        );
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).not.toMatch(/\n/);
        expect(error.message.startsWith(expected)).toBe(true);
        expect(error.message.length).toBeLessThan(600);
        expect(fileHashes(out)).toEqual(before);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

function writeOverride(dir: string, name: string, override: unknown): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml.dump(override));
  return file;
}
