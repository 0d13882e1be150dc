import '../support/shared-templates';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import * as yaml from 'js-yaml';
import { loadEnvironments } from '../../lib/config/environments';
import { loadConfig } from '../../lib/config/load';
import { helmValuesOf, renderHelmChart } from '../../lib/output/helm-chart';
import {
  CHART_NAME,
  HELM_LABELS,
  plainObjects,
  scratch,
  sorted,
  template,
  templateMany,
  withoutHelmLabels,
  writeChart,
} from './support';
import { INGRESS_SCOPE_FILE, STACK } from '../../charts';

/*
 * `helm template` of the generated chart against the plain synth, for the same inputs.
 * Equivalent inputs: the values file, read as a config file. The chart-only values differ: `certificate_arn` is
 * read as `certificateArn`; `createNamespaces.app: false` leaves out the app Namespace, and the gateway Namespace
 * is only in the chart with `createNamespaces.gateway: true`; `scope: ingress` keeps only the Ingress file.
 * Equal output: the same set of objects, field by field and type by type, except the labels only Helm sets.
 */

const ARN = (region: string, n: number) =>
  `arn:aws:acm:${region}:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789a${n}`;

interface Case {
  readonly name: string;
  readonly values: Record<string, any>;
}

const CASES: Case[] = [
  { name: 'defaults', values: {} },
  {
    name: 'blog: host and certificate_arn only',
    values: { host: 'blog.example.com', certificate_arn: ARN('us-east-1', 1) },
  },
  {
    name: 'several hosts and certificates, external-dns',
    values: {
      host: ['yelb.example.com', 'www.yelb.example.com', '*.apps.example.com'],
      certificateArn: [ARN('eu-west-1', 1), ARN('eu-west-1', 2)],
      dns: { externalDns: true },
    },
  },
  { name: 'ip targets (gateway namespace declared)', values: { alb: { targetType: 'ip' } } },
  // The app namespace may only be the gateway's when nothing is deployed in it: the Ingress alone, ip targets.
  {
    name: 'ip targets, the Ingress only, app namespace = gateway namespace',
    values: {
      alb: { targetType: 'ip' },
      namespace: 'istio-system',
      yelb: { enabled: false },
      istioEdge: { enabled: false },
    },
  },
  { name: 'yelb off', values: { yelb: { enabled: false } } },
  {
    name: 'istioEdge and yelb off, ip targets',
    values: { istioEdge: { enabled: false }, yelb: { enabled: false }, alb: { targetType: 'ip' } },
  },
  { name: 'albIngress off, ip targets', values: { albIngress: { enabled: false }, alb: { targetType: 'ip' } } },
  {
    name: "the blog chart's scope: the Ingress only",
    values: {
      yelb: { enabled: false },
      istioEdge: { enabled: false },
      host: 'blog.example.com',
      certificate_arn: ARN('us-west-2', 3),
    },
  },
  {
    name: 'workloads: images, replicas, resources; routes; no external hosts',
    values: {
      yelb: {
        ui: {
          image: 'registry.example.com:5000/team/yelb-ui',
          replicas: 3,
          resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: '1.5', memory: '2Gi' } },
        },
        appserver: { image: 'public.ecr.aws/v2k0k1b1/yelb/yelb-appserver@sha256:' + 'ab'.repeat(32), replicas: 0 },
        db: { image: 'postgres:16.4-alpine', replicas: 2 },
        redis: {
          image: 'redis:7.4',
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        },
      },
      istioEdge: {
        virtualServiceName: 'edge',
        routes: [
          { pathPrefix: '/api', service: 'yelb-appserver', port: 4567 },
          { pathPrefix: '/static', service: 'assets', port: 8080 },
          { pathPrefix: '/', service: 'yelb-ui', port: 80 },
        ],
      },
      // A gateway route to the app server needs the authorization policies off (they admit the front end only).
      mesh: { externalHosts: [], authorization: false },
    },
  },
  {
    name: 'mesh-wide mTLS, permissive, open egress, internal ALB, IngressGroup, custom names',
    values: {
      namespace: 'shop',
      gateway: {
        namespace: 'istio-ingress',
        name: 'edge-gw',
        serviceName: 'istio-ingress',
        credentialName: 'edge-tls',
        selector: { istio: 'ingress', 'app.kubernetes.io/name': 'istio-ingress' },
      },
      alb: {
        ingressName: 'edge',
        scheme: 'internal',
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        groupName: 'shared.alb-1',
      },
      mesh: {
        mtlsMode: 'PERMISSIVE',
        mtlsScope: 'mesh',
        rootNamespace: 'istio-root',
        outboundTrafficPolicy: 'ALLOW_ANY',
        externalHosts: ['s3.amazonaws.com', 'api.example.org', `${'a'.repeat(60)}.example.com`],
      },
    },
  },
  {
    name: 'cert-manager, self-signed, ECDSA, a first host too long for the common name',
    values: {
      host: [`${'h'.repeat(60)}.example.com`, 'yelb.example.com'],
      gateway: {
        credentialName: `${'c'.repeat(61)}x`,
        tls: { mode: 'certManager', keyAlgorithm: 'ECDSA', duration: '2160h', renewBefore: '360h30m' },
      },
    },
  },
  {
    name: 'cert-manager with a ClusterIssuer',
    values: { gateway: { tls: { mode: 'certManager', issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } } } },
  },
  {
    name: 'cert-manager with an Issuer, gateway TLS managed elsewhere otherwise',
    values: { gateway: { tls: { mode: 'certManager', issuerRef: { kind: 'Issuer', name: 'my-ca' } } } },
  },
  { name: 'gateway TLS: none', values: { gateway: { tls: { mode: 'none' } } } },
  { name: 'mesh authorization off', values: { mesh: { authorization: false } } },
  {
    name: "authorization: a Helm-installed gateway's service account, another trust domain and namespace",
    values: {
      namespace: 'shop',
      gateway: { namespace: 'istio-ingress', serviceAccount: 'istio-ingress' },
      mesh: { trustDomain: 'corp.example' },
    },
  },
  {
    name: 'ALB attributes, tags, inbound CIDRs and a web ACL',
    values: {
      certificateArn: ARN('eu-west-1', 1),
      alb: {
        loadBalancerAttributes: [
          'routing.http.drop_invalid_header_fields.enabled=true',
          'deletion_protection.enabled=true',
          'access_logs.s3.enabled=true',
          'access_logs.s3.bucket=my-alb-logs',
          'access_logs.s3.prefix=yelb/prod',
        ],
        targetGroupAttributes: ['deregistration_delay.timeout_seconds=0', 'slow_start.duration_seconds=30'],
        tags: ['team=edge', 'cost-center=Platform Team', 'kubernetes.io/cluster=prod'],
        inboundCidrs: ['10.0.0.0/8', '192.168.0.0/16', '203.0.113.7/32'],
        wafv2AclArn:
          'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/yelb-edge/a1b2c3d4-0000-4000-8000-0123456789ab',
      },
    },
  },
  {
    name: 'one attribute each, a web ACL detached',
    values: {
      alb: {
        loadBalancerAttributes: ['idle_timeout.timeout_seconds=120'],
        targetGroupAttributes: ['deregistration_delay.timeout_seconds=3600'],
        tags: ['team=edge'],
        inboundCidrs: ['0.0.0.0/0'],
        wafv2AclArn: 'none',
      },
    },
  },
  {
    name: 'dualstack ALB with IPv6 inbound CIDRs',
    values: { alb: { ipAddressType: 'dualstack', inboundCidrs: ['10.0.0.0/8', '2001:db8::/32', '::/0'] } },
  },
  {
    name: 'dualstack-without-public-ipv4: public IPv6 only, an IPv6 source range, external-dns',
    values: {
      alb: { ipAddressType: 'dualstack-without-public-ipv4', inboundCidrs: ['2001:db8:1234::/48'] },
      dns: { externalDns: true },
    },
  },
  {
    name: 'all four ALB lists empty: no such annotations',
    values: { alb: { loadBalancerAttributes: [], targetGroupAttributes: [], tags: [], inboundCidrs: [] } },
  },
  {
    name: 'namespaces left to the installer',
    values: { alb: { targetType: 'ip' }, createNamespaces: { app: false, gateway: false } },
  },
  {
    name: 'ip targets, the gateway namespace declared by the chart',
    values: { alb: { targetType: 'ip' }, createNamespaces: { gateway: true } },
  },
  {
    name: "scope ingress: the blog chart's scope",
    values: { scope: 'ingress', host: 'blog.example.com', certificate_arn: ARN('us-east-1', 1) },
  },
  {
    name: 'scope ingress with ip targets, cert-manager and external-dns: still only the Ingress',
    values: {
      scope: 'ingress',
      alb: { targetType: 'ip' },
      gateway: { tls: { mode: 'certManager' } },
      dns: { externalDns: true },
    },
  },
  // What an Argo CD Application with the chart as its source passes (gitops.appSource: helm).
  ...loadEnvironments().map((env) => ({
    name: `environment ${env.name}, as Argo CD values`,
    values: helmValuesOf(env.config),
  })),
];

/** The config file equivalent to a values file. */
function configOf(values: Record<string, any>): Record<string, any> {
  const { certificate_arn: certificateArn, createNamespaces, scope, ...config } = values;
  return certificateArn === undefined ? config : { ...config, certificateArn };
}

describe(`helm template of the ${CHART_NAME} chart equals the plain synth`, () => {
  const { dir, cleanup } = scratch('helm-equivalence');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);

  // Every helm run at once: the suite takes as long as the slowest one.
  const rendered = templateMany(
    chartDir,
    dir,
    'cases',
    CASES.map((c) => c.values),
  );
  const renderedCase = async (i: number) => (await rendered)[i];

  test.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_, i) => {
    // GIVEN the values of the case, and the equivalent config file
    const { values } = CASES[i];
    const helmObjects = await renderedCase(i);
    let plain =
      values.scope === 'ingress'
        ? plainObjects(dir, `case-${i}`, configOf(values), INGRESS_SCOPE_FILE)
        : plainObjects(dir, `case-${i}`, configOf(values));
    const appNamespace = values.namespace ?? 'yelb';
    if (values.createNamespaces?.app === false)
      plain = plain.filter((o) => !(o.kind === 'Namespace' && o.metadata.name === appNamespace));
    if (values.createNamespaces?.gateway !== true)
      plain = plain.filter((o) => !(o.kind === 'Namespace' && o.metadata.name !== appNamespace));

    // THEN the same objects; Helm only adds its own labels
    expect(plain.length).toBeGreaterThan(0);
    expect(sorted(withoutHelmLabels(helmObjects))).toEqual(sorted(withoutHelmLabels(plain)));
    for (const o of helmObjects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/instance': 'alb-istio-ingress',
      });
      expect(Object.keys(o.metadata.labels)).toEqual(expect.arrayContaining(HELM_LABELS));
    }
  });

  test('a chart generated from another configuration renders that configuration with no values', async () => {
    // GIVEN a chart generated by `npm run synth -- --config <file>` from a non-default file
    const override = {
      host: 'shop.example.com',
      alb: { targetType: 'ip', groupName: 'shared' },
      gateway: { tls: { mode: 'certManager' } },
    };
    const other = scratch('helm-other-config');
    try {
      const file = join(other.dir, 'config.yaml');
      writeFileSync(file, yaml.dump(override));
      for (const [rel, content] of renderHelmChart(STACK, loadConfig(file))) {
        mkdirSync(dirname(join(other.dir, rel)), { recursive: true });
        writeFileSync(join(other.dir, rel), content);
      }
      // THEN helm template without values gives that file's plain synth
      const helmObjects = await template(join(other.dir, 'helm', CHART_NAME), other.dir, 'no-values', {});
      // (but for the gateway namespace, which the chart leaves to the Istio install by default)
      const plain = plainObjects(other.dir, 'same', override).filter(
        (o) => !(o.kind === 'Namespace' && o.metadata.name === 'istio-system'),
      );
      expect(plain.length).toBeLessThan(plainObjects(other.dir, 'same', override).length);
      expect(sorted(withoutHelmLabels(helmObjects))).toEqual(sorted(withoutHelmLabels(plain)));
    } finally {
      other.cleanup();
    }
  });

  test('the matrix covers every component switch and both target types', async () => {
    const all = await Promise.all(CASES.map((_, i) => renderedCase(i)));
    const kinds = new Set(all.flat().map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'Deployment',
      'Gateway',
      'VirtualService',
      'ServiceEntry',
      'PeerAuthentication',
      'Certificate',
      'Issuer',
      'Ingress',
    ]) {
      expect(kinds).toContain(kind);
    }
  });
});
