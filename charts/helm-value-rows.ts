import { helper } from '../lib/output/helm-names';
import {
  SentinelSet,
  ValueRow,
  bool,
  kept,
  labelMap,
  list,
  num,
  objectList,
  oneOf,
  optional,
  optionalList,
  sentinelAt,
  str,
  value,
  shapeBy,
  withShapes,
} from '../lib/output/helm-value-rows';
import { ValueDocs } from '../lib/output/helm-values-yaml';
import { keyValueList, keyValueMap } from '../lib/alb-gateway-values';
import { selfSignedIssuerNameOf } from '../lib/gateway-certificate';
import { resourceNameOf } from '../lib/istio-edge';
import { YELB_WORKLOADS, versionLabelOf } from '../lib/yelb-app';

/*
 * How each config key becomes a chart value (see lib/output/helm-value-rows.ts for the builders): a sentinel the
 * constructs accept, made by the key's value format, or variants. A config key without a row fails the synth: add a
 * row when adding a key.
 */

const WORKLOADS = YELB_WORKLOADS.map((w) => w.key);
const ISSUER_REF = 'gateway.tls.issuerRef';
const ISSUER_NAME = sentinelAt(`${ISSUER_REF}.name`)(0);

/**
 * Relations the constructs check between two values, which sentinels made one key at a time cannot know: cert-manager
 * refuses a renewBefore not shorter than the duration, the API server a request above its limit. The larger value's
 * sentinel is the smaller one's with a 0 appended to its digits: ten times it, and longer than any format's digits.
 */
const tenTimes = (path: string) => (set: SentinelSet) =>
  sentinelAt(path)(set).replace(/^[0-9]+/, (digits) => `${digits}0`);

export const VALUE_ROWS: readonly ValueRow[] = [
  // The teams' apps: the repeated file of charts/helm-app-file.ts (the main synths keep none, so the sample is on).
  kept('apps'),
  // A host names the Gateway API's HTTPRoute of the ALB (lib/alb-gateway.ts) as a ServiceEntry's name.
  list('host', 'host', `include "${helper('hosts')}" $ | fromJsonArray`, [
    { js: resourceNameOf, helper: helper('resourceName') },
  ]),
  list('certificateArn', 'certificateArn', `include "${helper('certificateArns')}" $ | fromJsonArray`),
  // The namespaces whose routes the Gateway API gateway admits: the sample's alone in the main synths, which keep
  // no app; the named template adds the apps'.
  withShapes(str('namespace'), [
    { js: (ns: string) => [ns], expr: `include "${helper('routeNamespaces')}" $ | fromJsonArray` },
  ]),
  str('gateway.namespace'),
  str('gateway.name'),
  str('gateway.serviceName'),
  str('gateway.serviceAccount'),
  labelMap('gateway.selector'),
  // Istio's classic gateway or a Gateway API Gateway: other objects, so each value is a base of its own.
  oneOf('gateway.api', 'istio', { replacing: true }),
  str('gateway.credentialName', undefined, [{ js: selfSignedIssuerNameOf, helper: helper('selfSignedIssuerName') }]),
  oneOf('gateway.tls.mode', 'certManager'),
  {
    // Absent in the base (a self-signed Issuer is emitted); then set, with either kind.
    path: ISSUER_REF,
    base: undefined,
    strings: [[ISSUER_NAME, value(`${ISSUER_REF}.name`)]],
    variants: [
      { value: { kind: 'Issuer', name: ISSUER_NAME }, cond: [`$.Values.${ISSUER_REF}`] },
      {
        value: { kind: 'ClusterIssuer', name: ISSUER_NAME },
        cond: [`$.Values.${ISSUER_REF}`, `eq $.Values.${ISSUER_REF}.kind "ClusterIssuer"`],
      },
    ],
    covers: ['kind', 'name'],
  },
  oneOf('gateway.tls.keyAlgorithm', 'RSA'),
  str('gateway.tls.duration', tenTimes('gateway.tls.renewBefore')),
  str('gateway.tls.renewBefore'),
  str('alb.ingressName'),
  // Ingresses or Gateways with their configurations and routes: each value a base of its own.
  oneOf('alb.api', 'ingress', { replacing: true }),
  oneOf('alb.scheme', 'internet-facing'),
  // ipv4 in the base: the constructs refuse dualstack-without-public-ipv4 in the internal-scheme variant.
  oneOf('alb.ipAddressType', 'ipv4'),
  oneOf('alb.targetType', 'ip'),
  str('alb.sslPolicy'),
  optional('alb.groupName'),
  // Joined into one annotation each; an empty list leaves the annotation out.
  // The Gateway API's configurations take them as {key, value} lists, the tags as a map (lib/alb-gateway.ts).
  ...['alb.loadBalancerAttributes', 'alb.targetGroupAttributes', 'alb.tags'].map((path) =>
    optionalList(
      withShapes(list(path, path.split('.')[1], `$.Values.${path}`), [
        shapeBy(path, keyValueList, helper('keyValueList'), true),
        ...(path === 'alb.tags' ? [shapeBy(path, keyValueMap, helper('keyValueMap'), false)] : []),
      ]),
    ),
  ),
  optionalList(list('alb.inboundCidrs', 'inboundCidr', '$.Values.alb.inboundCidrs')),
  optional('alb.wafv2AclArn'),
  // Read by the albPlan named template (charts/alb-plan-template.ts).
  kept('alb.quotas'),
  oneOf('mesh.mtlsMode', 'STRICT'),
  oneOf('mesh.mtlsScope', 'namespace'),
  str('mesh.rootNamespace'),
  oneOf('mesh.outboundTrafficPolicy', 'REGISTRY_ONLY'),
  list('mesh.externalHosts', 'externalHost', '$.Values.mesh.externalHosts', [
    { js: resourceNameOf, helper: helper('resourceName') },
  ]),
  bool('mesh.authorization'),
  str('mesh.trustDomain'),
  bool('istioEdge.enabled'),
  str('istioEdge.virtualServiceName'),
  // Ports are numbers, which carry no marker: ones no default and no construct uses.
  objectList('istioEdge.routes', 'route', { port: (set) => (set === 0 ? [65001, 65002] : [65011, 65012]) }),
  bool('albIngress.enabled'),
  bool('yelb.enabled'),
  ...WORKLOADS.flatMap((w, i) => {
    const resources = `yelb.${w}.resources`;
    return [
      str(`yelb.${w}.image`, undefined, [{ js: versionLabelOf, helper: helper('versionLabel') }]),
      // Replicas within the schema's 0-100 that no default and no construct uses (the synth checks both).
      num(`yelb.${w}.replicas`, (set) => 91 + i + 4 * set),
      str(`${resources}.requests.cpu`),
      str(`${resources}.requests.memory`),
      str(`${resources}.limits.cpu`, tenTimes(`${resources}.requests.cpu`)),
      str(`${resources}.limits.memory`, tenTimes(`${resources}.requests.memory`)),
    ];
  }),
  bool('dns.externalDns'),
];

/** values.yaml comments of the yelb values, which config/default.yaml does not comment. */
export const VALUE_DOCS: ValueDocs = {
  comments: {
    yelb: 'The yelb sample application: four Deployments with their Services and ServiceAccounts.',
    'yelb.ui': 'yelb-ui, the web front end.',
    'yelb.appserver': 'yelb-appserver, the API server.',
    'yelb.db': 'yelb-db, PostgreSQL.',
    'yelb.redis': 'redis-server, the cache.',
    'yelb.*.image': "Container image; its tag is also the pods' `version` label.",
    'yelb.*.replicas': 'Pod replicas.',
    'yelb.*.resources': 'CPU and memory requests and limits of the container.',
  },
  // Quantities: their keys say what they are.
  uncommented: ['yelb.*.resources'],
};
