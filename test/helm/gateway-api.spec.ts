import '../support/shared-templates';
import { existsSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { STACK } from '../../charts';
import { loadConfig } from '../../lib/config/load';
import { AppConfig } from '../../lib/config/types';
import { synthManifests } from '../../lib/output/plain';
import { renderAll, synth, verifyHelmChart } from '../../lib/synth';
import {
  CHART_NAME,
  lintMany,
  coalesceValues,
  scratch,
  sorted,
  templateMany,
  withoutHelmLabels,
  writeChart,
} from './support';

/*
 * The Gateway API in the chart: alb.api and gateway.api are values whose values swap objects (an Ingress for a
 * Gateway with its configuration and routes; Istio's classic gateway objects for a Gateway API Gateway and HTTPRoutes).
 * `helm template` against the plain synth for the four combinations, with the sample alone, with yelb off and two
 * apps, and on two ALBs, each with ip and instance targets; lint --strict.
 */

const ARN = (n: number) =>
  `arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-${String(n).padStart(12, '0')}`;

const TWO_APPS: AppConfig[] = [
  {
    name: 'shop',
    namespace: 'shop-ns',
    hosts: ['shop.example.com', '*.shop.example.com'],
    certificateArn: [ARN(1), ARN(2)],
    routes: [
      { pathPrefix: '/api', service: 'api', port: 8080, targetPort: 9090 },
      { pathPrefix: '/', service: 'web', port: 80 },
    ],
    allow: [{ workload: 'api', ports: [9090], from: ['web'] }],
  },
  {
    name: 'blog',
    hosts: ['blog.example.com'],
    certificateArn: ARN(3),
    routes: [{ pathPrefix: '/', service: 'wp', port: 80 }],
  },
];

const COMBINATIONS = [
  { alb: 'ingress', gateway: 'istio' },
  { alb: 'gatewayApi', gateway: 'istio' },
  { alb: 'ingress', gateway: 'gatewayApi' },
  { alb: 'gatewayApi', gateway: 'gatewayApi' },
] as const;

const SETS: { name: string; values: Record<string, unknown> }[] = [
  { name: 'the sample only', values: {} },
  { name: 'yelb off with 2 apps', values: { yelb: { enabled: false }, apps: TWO_APPS } },
  {
    name: '2 ALBs',
    values: {
      host: ['yelb.example.com', 'www.example.com'],
      certificateArn: [ARN(10), ARN(11), ARN(12)],
      alb: {
        quotas: { rules: 3 },
        tags: ['team=edge', 'cost=1=2'],
        loadBalancerAttributes: ['idle_timeout.timeout_seconds=60'],
      },
      apps: TWO_APPS,
    },
  },
];

interface Case {
  readonly name: string;
  readonly values: Record<string, any>;
}

const CASES: Case[] = COMBINATIONS.flatMap((c) =>
  SETS.flatMap((s) =>
    (['ip', 'instance'] as const).map((targetType) => ({
      name: `alb.api ${c.alb}, gateway.api ${c.gateway}, ${s.name}, ${targetType} targets`,
      values: coalesceValues(s.values, { alb: { api: c.alb, targetType }, gateway: { api: c.gateway } }),
    })),
  ),
)
  // The sample alone with the default APIs is the defaults and the ip targets of equivalence.spec.ts, value for value.
  .filter((c) => !(c.values.alb.api === 'ingress' && c.values.gateway.api === 'istio' && c.values.apps === undefined))
  .concat(
    COMBINATIONS.filter((c) => c.gateway === 'gatewayApi').map((c) => ({
      name: `alb.api ${c.alb}, gateway.api gatewayApi, createNamespaces.gateway: the gateway namespace`,
      values: { alb: { api: c.alb }, gateway: { api: 'gatewayApi' }, createNamespaces: { gateway: true } },
    })),
  );

/** The plain objects the case's values stand for: the gateway Namespace file only with createNamespaces.gateway. */
function plainOf(dir: string, name: string, c: Case): unknown[] {
  const { createNamespaces, ...config } = c.values;
  const file = join(dir, `${name}.config.yaml`);
  writeFileSync(file, yaml.dump(config));
  return synthManifests(STACK, loadConfig(file))
    .filter((m) => createNamespaces?.gateway || m.fileName !== STACK.gatewayNamespaceFile)
    .flatMap((m) => m.objects);
}

describe('the chart renders the Gateway API as the plain synth does', () => {
  const { dir, cleanup } = scratch('helm-gateway-api');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);
  const rendered = templateMany(
    chartDir,
    dir,
    'cases',
    CASES.map((c) => c.values),
  );

  test.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_, i) => {
    const objects = (await rendered)[i];
    const plain = plainOf(dir, `case-${i}`, CASES[i]);
    expect(plain.length).toBeGreaterThan(0);
    expect(sorted(withoutHelmLabels(objects))).toEqual(sorted(withoutHelmLabels(plain)));
  });

  test('the cases cover every object kind of both APIs', async () => {
    const all = (await rendered).flat();
    const kinds = new Set(all.map((o) => `${o.apiVersion}/${o.kind}`));
    for (const kind of [
      'networking.k8s.io/v1/Ingress',
      'gateway.networking.k8s.io/v1/Gateway',
      'gateway.networking.k8s.io/v1/GatewayClass',
      'gateway.networking.k8s.io/v1/HTTPRoute',
      'gateway.k8s.aws/v1/LoadBalancerConfiguration',
      'gateway.k8s.aws/v1/TargetGroupConfiguration',
      'networking.istio.io/v1/Gateway',
      'v1/Namespace',
    ])
      expect(kinds).toContain(kind);
    const names = new Set(all.map((o) => `${o.kind}/${o.metadata.name}`));
    expect(names).toContain('Gateway/gw-ingress-2');
  });

  test('helm lint --strict passes in every combination', async () => {
    const run = await lintMany(
      chartDir,
      dir,
      'combinations',
      COMBINATIONS.map((c) => coalesceValues(SETS[2].values, { alb: { api: c.alb }, gateway: { api: c.gateway } })),
    );
    expect(`${run.code} ${run.stderr}`).toBe('0 ');
    expect(run.summary).toBe(`${COMBINATIONS.length} chart(s) linted, 0 chart(s) failed`);
  });
});

describe('synth with the Gateway API', () => {
  const { dir, cleanup } = scratch('synth-gateway-api');
  afterAll(cleanup);

  test.each(COMBINATIONS.map((c) => [c.alb, c.gateway] as const))(
    'alb.api %s with gateway.api %s: the helm proof passes',
    async (alb, gateway) => {
      const configFile = join(dir, `${alb}-${gateway}.yaml`);
      writeFileSync(
        configFile,
        yaml.dump(
          coalesceValues(SETS[2].values, { alb: { api: alb }, gateway: { api: gateway, namespace: 'istio-ingress' } }),
        ),
      );
      const outDir = join(dir, `${alb}-${gateway}`);
      const result = await synth(STACK, { configFile, outDir, helmSelfCheck: true });
      expect(existsSync(join(outDir, 'helm', CHART_NAME, 'templates', '30-alb-ingress.yaml'))).toBe(true);
      expect(result.manifests.flatMap((m) => m.objects).map((o) => o.kind)).toContain(
        alb === 'gatewayApi' ? 'LoadBalancerConfiguration' : 'Ingress',
      );
    },
    120_000,
  );

  test('the proof fails when the chart renders something else', async () => {
    const configFile = join(dir, 'broken.yaml');
    writeFileSync(configFile, yaml.dump({ alb: { api: 'gatewayApi' }, gateway: { api: 'gatewayApi' } }));
    const rendered = renderAll(STACK, configFile);
    const path = `helm/${CHART_NAME}/templates/30-alb-ingress.yaml`;
    const files = new Map(rendered.files);
    files.set(path, String(files.get(path)).replace('protocolPort: HTTPS:443', 'protocolPort: HTTPS:8443'));
    await expect(verifyHelmChart({ ...rendered, files })).rejects.toThrow(/protocolPort/);
  });
});
