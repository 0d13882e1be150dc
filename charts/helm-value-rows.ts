import { helper } from '../lib/output/helm-names';
import {
  ValueRow, bool, keyValueSentinels, list, marker, num, objectList, oneOf, optional, optionalList, str, value,
} from '../lib/output/helm-value-rows';
import { ValueDocs } from '../lib/output/helm-values-yaml';
import { selfSignedIssuerNameOf } from '../lib/gateway-certificate';
import { resourceNameOf } from '../lib/istio-edge';
import { YELB_WORKLOADS, versionLabelOf } from '../lib/yelb-app';

/*
 * How each config key becomes a chart value (see lib/output/helm-value-rows.ts for the builders): a sentinel the
 * constructs accept, or variants. A config key without a row fails the synth: add a row when adding a key.
 */

const WORKLOADS = YELB_WORKLOADS.map((w) => w.key);
const ISSUER_REF = 'gateway.tls.issuerRef';

export const VALUE_ROWS: readonly ValueRow[] = [
  list('host', 'host', `include "${helper('hosts')}" $ | fromJsonArray`),
  // ACM ARNs in one sentinel region (the constructs require a single region).
  list('certificateArn', 'certificateArn', `include "${helper('certificateArns')}" $ | fromJsonArray`, [],
    [1, 2].map((i) => `arn:aws:acm:zz-helm-value-1:000000000000:certificate/00000000-0000-4000-8000-00000000000${i}`)),
  str('namespace'),
  str('gateway.namespace'),
  str('gateway.name'),
  str('gateway.serviceName'),
  str('gateway.serviceAccount'),
  { path: 'gateway.selector', base: { 'helm-value-selector': 'helm-value-selector' }, map: true },
  str('gateway.credentialName', undefined, [{ js: selfSignedIssuerNameOf, helper: helper('selfSignedIssuerName') }]),
  oneOf('gateway.tls.mode', 'certManager'),
  {
    // Absent in the base (a self-signed Issuer is emitted); then set, with either kind.
    path: ISSUER_REF,
    base: undefined,
    strings: [[marker(`${ISSUER_REF}.name`), value(`${ISSUER_REF}.name`)]],
    variants: [
      { value: { kind: 'Issuer', name: marker(`${ISSUER_REF}.name`) }, cond: [`$.Values.${ISSUER_REF}`] },
      {
        value: { kind: 'ClusterIssuer', name: marker(`${ISSUER_REF}.name`) },
        cond: [`$.Values.${ISSUER_REF}`, `eq $.Values.${ISSUER_REF}.kind "ClusterIssuer"`],
      },
    ],
    covers: ['kind', 'name'],
  },
  oneOf('gateway.tls.keyAlgorithm', 'RSA'),
  // Durations the constructs accept (renewBefore shorter than duration).
  str('gateway.tls.duration', '97531h'),
  str('gateway.tls.renewBefore', '86421h'),
  str('alb.ingressName'),
  oneOf('alb.scheme', 'internet-facing'),
  // ipv4 in the base: the constructs refuse dualstack-without-public-ipv4 in the internal-scheme variant.
  oneOf('alb.ipAddressType', 'ipv4'),
  oneOf('alb.targetType', 'ip'),
  str('alb.sslPolicy', 'ELBSecurityPolicy-helm-value-ssl-policy'),
  optional('alb.groupName'),
  // Joined into one annotation each; an empty list leaves the annotation out.
  ...['alb.loadBalancerAttributes', 'alb.targetGroupAttributes', 'alb.tags'].map((path) =>
    optionalList(list(path, path.split('.')[1], `$.Values.${path}`, [], keyValueSentinels(path)))),
  // Documentation addresses (RFC 5737) the constructs never write.
  optionalList(list('alb.inboundCidrs', 'inboundCidr', '$.Values.alb.inboundCidrs', [], ['203.0.113.91/32', '203.0.113.92/32'])),
  // In the region of the certificate sentinels (the constructs require the ALB's region).
  optional('alb.wafv2AclArn', 'arn:aws:wafv2:zz-helm-value-1:000000000000:regional/webacl/helm-value-waf/helm-value-waf-id'),
  oneOf('mesh.mtlsMode', 'STRICT'),
  oneOf('mesh.mtlsScope', 'namespace'),
  str('mesh.rootNamespace'),
  oneOf('mesh.outboundTrafficPolicy', 'REGISTRY_ONLY'),
  list('mesh.externalHosts', 'externalHost', '$.Values.mesh.externalHosts', [{ js: resourceNameOf, helper: helper('resourceName') }]),
  bool('mesh.authorization'),
  str('mesh.trustDomain'),
  bool('istioEdge.enabled'),
  str('istioEdge.virtualServiceName'),
  objectList('istioEdge.routes', 'route', [1, 2].map((i) => ({
    pathPrefix: `/helm-value-route-${i}-path`, service: `helm-value-route-${i}-service`, port: 65000 + i,
  }))),
  bool('albIngress.enabled'),
  bool('yelb.enabled'),
  ...WORKLOADS.flatMap((w, i) => [
    str(`yelb.${w}.image`, `helm-value.invalid/${w}:helm-value-${w}-tag`, [{ js: versionLabelOf, helper: helper('versionLabel') }]),
    // Numbers and quantities cannot carry a marker: values no default and no construct uses.
    num(`yelb.${w}.replicas`, 9001 + i),
    str(`yelb.${w}.resources.requests.cpu`, `91${i}1m`),
    str(`yelb.${w}.resources.requests.memory`, `92${i}1Mi`),
    str(`yelb.${w}.resources.limits.cpu`, `91${i}2m`),
    str(`yelb.${w}.resources.limits.memory`, `92${i}2Mi`),
  ]),
  bool('dns.externalDns'),
];

/** values.yaml comments of the yelb values, which config/default.yaml does not comment. */
export const VALUE_DOCS: ValueDocs = {
  comments: {
    'yelb': 'The yelb sample application: four Deployments with their Services and ServiceAccounts.',
    'yelb.ui': 'yelb-ui, the web front end.',
    'yelb.appserver': 'yelb-appserver, the API server.',
    'yelb.db': 'yelb-db, PostgreSQL.',
    'yelb.redis': 'redis-server, the cache.',
    'yelb.*.image': 'Container image; its tag is also the pods\' `version` label.',
    'yelb.*.replicas': 'Pod replicas.',
    'yelb.*.resources': 'CPU and memory requests and limits of the container.',
  },
  // Quantities: their keys say what they are.
  uncommented: ['yelb.*.resources'],
};
