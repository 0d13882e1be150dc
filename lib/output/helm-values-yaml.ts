import { readFileSync } from 'fs';
import * as yaml from 'js-yaml';
import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { Config } from '../config/types';
import { CHART_NAME } from './helm-names';
import { configSchemaAt } from './helm-schema-node';
import { NOT_VALUES } from './helm-value-rows';

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

/**
 * Comments for values whose config key has none in config/default.yaml, and for the chart's own values; the stack adds
 * those of its app's keys.
 */
const EXTRA_COMMENTS: Record<string, string> = {
  gateway: 'The Istio ingress gateway the ALB sends its re-encrypted traffic to.',
  alb: 'The ALB that the AWS Load Balancer Controller reconciles: an Ingress, or a Gateway with alb.api gatewayApi.',
  mesh: 'Mesh policy for the app namespace.',
  istioEdge: 'Istio objects: Gateway, VirtualServices, ServiceEntries, Sidecar, PeerAuthentication.',
  albIngress: 'The ALB Ingress.',
  dns: 'DNS records for host.',
  'alb.groupName': 'IngressGroup: Ingresses with the same group share one ALB (at most 63 characters of [a-z0-9.-]).',
  'alb.wafv2AclArn': "Regional WAFv2 web ACL to attach, or none to detach one; unset leaves the ALB's ACL as it is.",
  'gateway.tls.issuerRef':
    'certManager only: the Issuer (in gateway.namespace) or ClusterIssuer that signs the certificate.',
  scope:
    "What the chart installs. all: the app namespace, yelb, the Istio objects, the teams' apps and the ALB\n" +
    'Ingresses (each switched by its enabled value); ingress: only the ALB Ingresses, the scope of the\n' +
    "ALB-Istio-TLS chart; edge: all but the teams' apps (the shared part); app: only the app named by scopeApp.",
  scopeApp: 'With scope app: the name of the app (in apps) to install.',
  createNamespaces:
    'Namespace objects (a chart value only: the plain YAML always has them). Helm cannot install a\n' +
    "Namespace that already exists unless it carries the release's ownership label and annotations.",
  'createNamespaces.app':
    'Create `namespace`, labelled istio-injection=enabled. Set false if it exists already (label it yourself).',
  'createNamespaces.gateway':
    'With alb.targetType ip or gateway.api gatewayApi: declare gateway.namespace (with ip targets labelled for\n' +
    'the readiness gate; with the Gateway API no Istio gateway chart creates it). Off by default:\n' +
    'the namespace exists (the Istio install made it) and Helm refuses to install an object it does not own, so\n' +
    'label it once instead (NOTES.txt prints the command and whether the label is there):\n' +
    '  kubectl label namespace <gateway.namespace> elbv2.k8s.aws/pod-readiness-gate-inject=enabled\n' +
    'Set true only for a gateway namespace that does not exist yet.',
};

/** Commented-out examples of optional values, printed after the key they follow. */
const OPTIONAL_EXAMPLES: Record<string, { after: string; text: string }> = {
  certificate_arn: {
    after: 'certificateArn',
    text:
      "certificate_arn: the ALB-Istio-TLS chart's name for certificateArn, accepted as is (it wins when set):\n" +
      '  --set certificate_arn=arn:aws:acm:<region>:<account>:certificate/<id>',
  },
  scopeApp: { after: 'scope', text: 'With scope app: the name of the app (in apps) to install.\nscopeApp: shop' },
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
      if (text)
        found.set(
          path,
          text
            .split(/\n\s*\n/)
            .pop()!
            .split('\n')
            .map((l) => l.replace(/^ /, ''))
            .join('\n'),
        );
    },
  });
  return found;
}

/** Whether `pattern` (a key path in which `*` stands for one key) names `path`. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('.');
  const have = path.split('.');
  return want.length === have.length && want.every((k, i) => k === '*' || k === have[i]);
}

/** What the stack says of its own values in values.yaml. */
export interface ValueDocs {
  /** Comments of values that config/default.yaml does not comment, by key path (`*` stands for one key). */
  readonly comments: Readonly<Record<string, string>>;
  /** Values (key paths, `*` for one key) whose children need no comment of their own. */
  readonly uncommented: readonly string[];
}

/** A key's comment: from config/default.yaml, else the tables, else the form the schema expects. */
function commentFor(
  path: string,
  comments: Map<string, string>,
  extra: Readonly<Record<string, string>>,
): string | undefined {
  const schema = configSchemaAt(path);
  const expected = schema?.expected ?? (schema?.enum ? `One of ${schema.enum.join(', ')}.` : undefined);
  const wildcard = Object.keys(extra).find((pattern) => pattern.includes('*') && matches(pattern, path));
  return (
    comments.get(path) ??
    extra[path] ??
    (wildcard === undefined ? undefined : extra[wildcard]) ??
    (expected === undefined ? undefined : `${expected.charAt(0).toUpperCase()}${expected.slice(1)}`)
  );
}

/** Paths whose children need no comment of their own: free-form maps, list items, quantities. */
const UNCOMMENTED_INSIDE = ['gateway.selector'];

/** values.yaml: the values with a comment on every key (from config/default.yaml, or the tables). */
export function renderValuesYaml(values: Record<string, unknown>, docs: ValueDocs): string {
  const known = defaultComments();
  const extra = { ...EXTRA_COMMENTS, ...docs.comments };
  const uncommented = [...UNCOMMENTED_INSIDE, ...docs.uncommented];
  const uncommentedInside = (path: string) => uncommented.some((pattern) => matches(pattern, path));
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
        const text = commentFor(path, known, extra);
        if (text === undefined) throw new Error(`values.yaml: no comment for ${path}; add one to config/default.yaml`);
        if (indent === 0 && typeof v === 'object' && !Array.isArray(v) && lines[lines.length - 1] !== '')
          lines.push('');
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
