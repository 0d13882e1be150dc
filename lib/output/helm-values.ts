import { readFileSync } from 'fs';
import * as yaml from 'js-yaml';
import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load';
import { CONFIG_SCHEMA } from '../config/schema';
import { Config } from '../config/types';
import { PRODUCT_NAME } from '../product';
import { YELB_WORKLOADS, versionLabelOf } from '../yelb-app';
import { resourceNameOf } from '../istio-edge';
import { selfSignedIssuerNameOf } from '../gateway-certificate';
import { ListSpec, Ref, Sentinels } from './helm-template';

/*
 * How the configuration becomes chart values. Every config key except `gitops.*` (which only shapes the Argo CD
 * objects) is a value under the same path. The table below says, per key, how the writer finds where the key
 * shows in the synthesized objects:
 *  - a sentinel: the key is set to a recognizable value that the constructs accept (`helm-value-...`, an unusual
 *    number) and every occurrence in the output becomes `.Values.<key>`. Lists get two sentinel elements, so that
 *    repeated items become a `range` and joined strings a `join`;
 *  - variants: for enums, booleans and optional keys, extra synths with the key changed; what changes between them
 *    becomes conditional (see helm-template.ts). The base synth uses the values that emit the most objects
 *    (every component on, cert-manager, ip targets, ...), so that variants only ever remove things.
 * A config key without a row is an error at synth time: add a row when adding a key.
 */

export const CHART_NAME = PRODUCT_NAME;
/** Name of a named template in `_helpers.tpl`. */
export const helper = (name: string) => `${CHART_NAME}.${name}`;

/** Keys that are not chart values. */
export const NOT_VALUES = ['gitops'];

export interface VariantSpec {
  /** Value of the key in this synth; undefined: the key is absent. */
  readonly value: unknown;
  /** Conjuncts of the Go-template condition that holds exactly when the values select this variant. */
  readonly cond: readonly string[];
}

export interface ValueRow {
  /** Config key, which is also the value's path. */
  readonly path: string;
  /** Value in the base synth; undefined: absent. */
  readonly base: unknown;
  readonly strings?: readonly (readonly [string, Ref])[];
  readonly numbers?: readonly (readonly [number, Ref])[];
  /** The whole map value is printed with toYaml. */
  readonly map?: boolean;
  readonly list?: ListSpec;
  readonly variants?: readonly VariantSpec[];
  /** Sub-keys handled by this row. */
  readonly covers?: readonly string[];
}

const value = (path: string): Ref => ({ t: 'value', path });
const marker = (path: string) => `helm-value-${path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A derived string: the constructs compute it from the value; `_helpers.tpl` has the same function. */
interface Derivation {
  readonly js: (s: string) => string;
  readonly helper: string;
}
const derived = (sentinel: string, of: Ref, derivations: readonly Derivation[]) =>
  derivations.map((d) => [d.js(sentinel), { t: 'derived', helper: d.helper, of }] as const);

const str = (path: string, sentinel = marker(path), derivations: readonly Derivation[] = []): ValueRow =>
  ({ path, base: sentinel, strings: [[sentinel, value(path)], ...derived(sentinel, value(path), derivations)] });

const num = (path: string, sentinel: number): ValueRow => ({ path, base: sentinel, numbers: [[sentinel, value(path)]] });

function list(path: string, variable: string, expr: string, derivations: readonly Derivation[] = [],
  sentinels = [1, 2].map((i) => `${marker(path)}-${i}.invalid`)): ValueRow {
  return {
    path,
    base: sentinels,
    list: { variable, expr },
    strings: sentinels.flatMap((s, index) => {
      const ref: Ref = { t: 'elem', list: path, index };
      return [[s, ref] as const, ...derived(s, ref, derivations)];
    }),
  };
}

function objectList(path: string, variable: string, elements: readonly Record<string, string | number>[]): ValueRow {
  const strings: [string, Ref][] = [];
  const numbers: [number, Ref][] = [];
  elements.forEach((element, index) => {
    for (const [field, v] of Object.entries(element)) {
      const ref: Ref = { t: 'elem', list: path, index, field };
      if (typeof v === 'number') numbers.push([v, ref]); else strings.push([v, ref]);
    }
  });
  return { path, base: elements, list: { variable, expr: `$.Values.${path}` }, strings, numbers };
}

function schemaAt(path: string): Record<string, any> {
  return path.split('.').reduce((s: any, k) => s.properties[k], CONFIG_SCHEMA);
}

/** An enum: one variant per other allowed value. */
function oneOf(path: string, base: string): ValueRow {
  const values = schemaAt(path).enum as string[];
  if (!values.includes(base)) throw new Error(`${path}: ${base} is not one of ${values.join(', ')}`);
  return {
    path, base,
    variants: values.filter((v) => v !== base).map((v) => ({ value: v, cond: [`eq $.Values.${path} ${JSON.stringify(v)}`] })),
  };
}

/** A switch: on in the base. */
const bool = (path: string): ValueRow => ({ path, base: true, variants: [{ value: false, cond: [`not $.Values.${path}`] }] });

/** An optional string: set in the base, absent in the variant. */
const optional = (path: string, sentinel?: string): ValueRow =>
  ({ ...str(path, sentinel), variants: [{ value: undefined, cond: [`not $.Values.${path}`] }] });

/** A list whose empty value leaves something out (an annotation): two sentinels in the base, empty in the variant. */
const optionalList = (row: ValueRow): ValueRow => ({ ...row, variants: [{ value: [], cond: [`not $.Values.${row.path}`] }] });
/** Sentinels of a `key=value` list, which the constructs accept as such. */
const keyValueSentinels = (path: string) => [1, 2].map((i) => `${marker(path)}-${i}=helm-value-${i}`);

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

/** Config keys with no row: every leaf of the config schema must be a value or listed in NOT_VALUES. */
export function unmappedKeys(rows: readonly ValueRow[] = VALUE_ROWS): string[] {
  const covered = new Set(rows.flatMap((r) => [r.path, ...(r.covers ?? []).map((c) => `${r.path}.${c}`)]));
  const missing: string[] = [];
  const walk = (schema: any, path: string) => {
    if (covered.has(path)) return;
    if (schema.properties && schema.additionalProperties === false) {
      for (const [k, s] of Object.entries(schema.properties)) {
        const sub = path ? `${path}.${k}` : k;
        if (!NOT_VALUES.includes(sub)) walk(s, sub);
      }
    } else {
      missing.push(path);
    }
  };
  walk(CONFIG_SCHEMA, '');
  return missing.concat([...covered].filter((p) => !p.split('.').reduce((s: any, k) => s?.properties?.[k], CONFIG_SCHEMA)));
}

function setPath(target: Record<string, any>, path: string, v: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((o, k) => (o[k] ??= {}), target);
  if (v === undefined) delete parent[keys[keys.length - 1]];
  else parent[keys[keys.length - 1]] = structuredClone(v);
}

/** The base synth's config: the built-in default with every row's base value. */
export function sentinelConfig(rows: readonly ValueRow[] = VALUE_ROWS): Config {
  const config = structuredClone(loadConfig()) as unknown as Record<string, any>;
  for (const row of rows) setPath(config, row.path, row.base);
  return config as unknown as Config;
}

/** `config` with one key changed. */
export function withValue(config: Config, path: string, v: unknown): Config {
  const copy = structuredClone(config) as unknown as Record<string, any>;
  setPath(copy, path, v);
  return copy as unknown as Config;
}

export function sentinelsOf(rows: readonly ValueRow[] = VALUE_ROWS): Sentinels {
  const strings = new Map<string, Ref>();
  const numbers = new Map<number, Ref>();
  const maps = new Map<string, Ref>();
  for (const row of rows) {
    for (const [s, ref] of row.strings ?? []) {
      if (strings.has(s)) throw new Error(`sentinel ${s} is used twice`);
      strings.set(s, ref);
    }
    for (const [n, ref] of row.numbers ?? []) {
      if (numbers.has(n)) throw new Error(`sentinel ${n} is used twice`);
      numbers.set(n, ref);
    }
    if (row.map) maps.set(JSON.stringify(row.base), value(row.path));
  }
  return { strings, numbers, maps };
}

export function listsOf(rows: readonly ValueRow[] = VALUE_ROWS): Map<string, ListSpec> {
  return new Map(rows.filter((r) => r.list).map((r) => [r.path, r.list!]));
}

// ---------------------------------------------------------------------------------------------------------------
// values.yaml, values.schema.json

/** The chart values of a configuration: the config without the keys that are not values. */
export function helmValuesOf(config: Config): Record<string, unknown> {
  const values = structuredClone(config) as unknown as Record<string, unknown>;
  for (const k of NOT_VALUES) delete values[k];
  return values;
}

/** Values the chart has on top of the configuration's. */
export const HELM_ONLY_VALUES = {
  scope: 'all',
  createNamespaces: { app: true, gateway: false },
};

/** Comments for values whose config key has none in config/default.yaml, and for the chart's own values. */
const EXTRA_COMMENTS: Record<string, string> = {
  'gateway': 'The Istio ingress gateway the ALB sends its re-encrypted traffic to.',
  'alb': 'The ALB, as annotations of the Ingress that the AWS Load Balancer Controller reconciles.',
  'mesh': 'Mesh policy for the app namespace.',
  'istioEdge': 'Istio objects: Gateway, VirtualServices, ServiceEntries, Sidecar, PeerAuthentication.',
  'albIngress': 'The ALB Ingress.',
  'yelb': 'The yelb sample application: four Deployments with their Services and ServiceAccounts.',
  'yelb.ui': 'yelb-ui, the web front end.',
  'yelb.appserver': 'yelb-appserver, the API server.',
  'yelb.db': 'yelb-db, PostgreSQL.',
  'yelb.redis': 'redis-server, the cache.',
  'yelb.*.image': 'Container image; its tag is also the pods\' `version` label.',
  'yelb.*.replicas': 'Pod replicas.',
  'yelb.*.resources': 'CPU and memory requests and limits of the container.',
  'dns': 'DNS records for host.',
  'alb.groupName': 'IngressGroup: Ingresses with the same group share one ALB (at most 63 characters of [a-z0-9.-]).',
  'alb.wafv2AclArn': 'Regional WAFv2 web ACL to attach, or none to detach one; unset leaves the ALB\'s ACL as it is.',
  'gateway.tls.issuerRef': 'certManager only: the Issuer (in gateway.namespace) or ClusterIssuer that signs the certificate.',
  'scope': 'What the chart installs. all: the app namespace, yelb, the Istio objects and the ALB Ingress (each\n'
    + 'switched by its enabled value); ingress: only the ALB Ingress, the scope of the ALB-Istio-TLS chart.',
  'createNamespaces': 'Namespace objects (a chart value only: the plain YAML always has them). Helm cannot install a\n'
    + 'Namespace that already exists unless it carries the release\'s ownership label and annotations.',
  'createNamespaces.app': 'Create `namespace`, labelled istio-injection=enabled. Set false if it exists already (label it yourself).',
  'createNamespaces.gateway': 'With alb.targetType ip: declare gateway.namespace, labelled for the readiness gate. Off by default:\n'
    + 'the namespace exists (the Istio install made it) and Helm refuses to install an object it does not own, so\n'
    + 'label it once instead (NOTES.txt prints the command and whether the label is there):\n'
    + '  kubectl label namespace <gateway.namespace> elbv2.k8s.aws/pod-readiness-gate-inject=enabled\n'
    + 'Set true only for a gateway namespace that does not exist yet.',
};

/** Commented-out examples of optional values, printed after the key they follow. */
const OPTIONAL_EXAMPLES: Record<string, { after: string; text: string }> = {
  'certificate_arn': {
    after: 'certificateArn',
    text: 'certificate_arn: the ALB-Istio-TLS chart\'s name for certificateArn, accepted as is (it wins when set):\n'
      + '  --set certificate_arn=arn:aws:acm:<region>:<account>:certificate/<id>',
  },
  'alb.groupName': { after: 'alb.inboundCidrs', text: `${EXTRA_COMMENTS['alb.groupName']}\ngroupName: shared-alb` },
  'alb.wafv2AclArn': {
    after: 'alb.inboundCidrs',
    text: `${EXTRA_COMMENTS['alb.wafv2AclArn']}\nwafv2AclArn: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`,
  },
};

let comments: Map<string, string> | undefined;

/** Comments of config/default.yaml by key path (the yaml library keeps a map's first comment on the map). */
function defaultComments(): Map<string, string> {
  if (comments) return comments;
  comments = new Map<string, string>();
  const found = comments;
  const doc = parseDocument(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (!isScalar(pair.key)) return;
      const keys = ancestors.filter(isPair).map((p) => String((p.key as { value: unknown }).value));
      const path = [...keys, String(pair.key.value)].join('.');
      const parent = ancestors[ancestors.length - 1];
      const first = isMap(parent) && parent.items[0] === pair && keys.length > 0 ? parent.commentBefore : undefined;
      const text = pair.key.commentBefore ?? first;
      // The first key's comment also holds the file's header: keep the last paragraph only.
      if (text) found.set(path, text.split(/\n\s*\n/).pop()!.split('\n').map((l) => l.replace(/^ /, '')).join('\n'));
    },
  });
  return found;
}

/** A key's comment: from config/default.yaml, else the table above, else the form the schema expects. */
function commentFor(path: string, comments: Map<string, string>): string | undefined {
  const schema = path.split('.').reduce((s: any, k) => s?.properties?.[k], CONFIG_SCHEMA);
  const expected = schema?.expected ?? (schema?.enum ? `One of ${schema.enum.join(', ')}.` : undefined);
  return comments.get(path) ?? EXTRA_COMMENTS[path] ?? EXTRA_COMMENTS[path.replace(/^yelb\.[^.]+\./, 'yelb.*.')]
    ?? (expected === undefined ? undefined : `${expected.charAt(0).toUpperCase()}${expected.slice(1)}`);
}

/** Paths whose children need no comment of their own: free-form maps, list items, quantities. */
const uncommentedInside = (path: string) => path === 'gateway.selector' || /^yelb\.[^.]+\.resources$/.test(path);

/** values.yaml: the values with a comment on every key (from config/default.yaml, or the table above). */
export function renderValuesYaml(values: Record<string, unknown>): string {
  const known = defaultComments();
  const lines = [
    `# Values of the ${CHART_NAME} chart. The keys are those of the synth's configuration file (config/default.yaml),`,
    '# with the same meaning; the defaults are those of the configuration the chart was generated from.',
    '# values.schema.json checks every value at helm install/template time.',
    '',
  ];
  const scalar = (v: unknown) => yaml.dump(v, { lineWidth: -1, quotingType: "'" }).trimEnd();
  const comment = (text: string, pad: string) => text.split('\n').map((l) => `${pad}# ${l}`.trimEnd());
  const emit = (obj: Record<string, unknown>, parent: string, indent: number, documented: boolean) => {
    const pad = ' '.repeat(indent);
    for (const [key, v] of Object.entries(obj)) {
      const path = parent ? `${parent}.${key}` : key;
      if (documented) {
        const text = commentFor(path, known);
        if (text === undefined) throw new Error(`values.yaml: no comment for ${path}; add one to config/default.yaml`);
        if (indent === 0 && typeof v === 'object' && !Array.isArray(v) && lines[lines.length - 1] !== '') lines.push('');
        lines.push(...comment(text, pad));
      }
      if (Array.isArray(v)) {
        if (v.length === 0) lines.push(`${pad}${key}: []`);
        else {
          lines.push(`${pad}${key}:`);
          for (const item of v) {
            const dumped = yaml.dump(item, { lineWidth: -1, quotingType: "'" }).trimEnd().split('\n');
            lines.push(`${pad}  - ${dumped[0]}`, ...dumped.slice(1).map((l) => `${pad}    ${l}`));
          }
        }
      } else if (typeof v === 'object' && v !== null) {
        lines.push(`${pad}${key}:`);
        emit(v as Record<string, unknown>, path, indent + 2, documented && !uncommentedInside(path));
      } else {
        lines.push(`${pad}${key}: ${scalar(v)}`);
      }
      for (const [example, { after, text }] of Object.entries(OPTIONAL_EXAMPLES)) {
        if (after === path && !(example.split('.').pop()! in obj)) lines.push(...comment(text, pad));
      }
    }
  };
  emit({ ...values, ...HELM_ONLY_VALUES }, '', 0, true);
  return `${lines.join('\n')}\n`;
}

/**
 * Converts a config-schema node for Helm: `expected` becomes `description`. Patterns (and conditions on them) are left
 * to templates/validate.yaml, which names the expected form where Helm's schema error would print the raw regex.
 */
function forHelm(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forHelm);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'expected') out.description = v;
    else if (k === 'propertyNames') out[k] = { type: 'string' };
    else if (k !== 'pattern' && k !== 'if' && k !== 'then') out[k] = forHelm(v);
  }
  return out;
}

/** The chart's values as a config-schema node (patterns and `expected` included): the config's keys but gitops, and the chart's own. */
export function valuesSourceSchema(): { type: 'object'; properties: Record<string, unknown>; required: string[] } {
  const root = CONFIG_SCHEMA as unknown as { properties: Record<string, unknown>; required: string[] };
  const properties = Object.fromEntries(Object.entries(root.properties).filter(([k]) => !NOT_VALUES.includes(k)));
  return {
    type: 'object',
    required: [...root.required.filter((k) => !NOT_VALUES.includes(k)), 'createNamespaces'],
    properties: {
      ...properties,
      certificate_arn: { ...(properties.certificateArn as object), expected: (properties.certificateArn as { expected: string }).expected },
      // Optional: values.yaml sets it, and Argo CD's inline values may leave it out.
      scope: { enum: ['all', 'ingress'], expected: 'all (everything enabled) or ingress (only the ALB Ingress)' },
      createNamespaces: {
        type: 'object', additionalProperties: false, required: ['app', 'gateway'],
        properties: { app: { type: 'boolean' }, gateway: { type: 'boolean' } },
      },
    },
  };
}

/** values.schema.json: types, enums and closed objects of the values; their formats are checked by validate.yaml. */
export function valuesSchema(): Record<string, unknown> {
  const source = valuesSourceSchema();
  const properties = forHelm(source.properties) as Record<string, Record<string, unknown>>;
  properties.certificate_arn.description = 'the ALB-Istio-TLS name of certificateArn; wins when set';
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Values of the ${CHART_NAME} chart`,
    type: 'object',
    additionalProperties: false,
    required: source.required,
    properties,
  };
}
