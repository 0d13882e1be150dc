import {
  ACM_CERTIFICATE_ARN,
  APP_NAME,
  SERVICE_ACCOUNT_REF,
  ALB_GROUP_NAME,
  ALB_HOSTNAME,
  EXTERNAL_HOSTNAME,
  CPU,
  DEREGISTRATION_DELAY,
  DEREGISTRATION_DELAY_KEY,
  DNS_LABEL,
  EXACT_VERSION,
  GIT_REPO_URL,
  GIT_REVISION,
  GITOPS_NAME,
  GO_DURATION,
  HTTPS_URL,
  IMAGE,
  INBOUND_CIDR,
  KEY_VALUE,
  LABEL_KEY,
  LABEL_VALUE,
  MEMORY,
  PATH_PREFIX,
  REPO_PATH,
  SSL_POLICY,
  TRUST_DOMAIN,
  ValueFormat,
  WAFV2_ACL_ARN,
} from '../patterns';
import { ALB_IP_ADDRESS_TYPES, ALB_SCHEMES, ALB_TARGET_TYPES } from '../alb-ingress';
import { ISSUER_KINDS, KEY_ALGORITHMS } from '../gateway-certificate';
import { MTLS_MODES, MTLS_SCOPES, OUTBOUND_POLICIES } from '../istio-edge';
import { ALB_APIS, APP_SOURCES, GATEWAY_APIS, GATEWAY_TLS_MODES, ISTIO_AUTOSCALING } from './types';

/**
 * JSON Schema of the resolved configuration. `expected` is our own keyword: the form shown in error messages.
 * Every object is closed (`additionalProperties: false`) so a misspelt key is an error, not a silent default.
 */
const str = (format: ValueFormat) => ({ type: 'string', pattern: format.pattern.source, expected: format.expected });
const oneOrMany = (format: ValueFormat) => ({
  anyOf: [str(format), { type: 'array', items: str(format), minItems: 1, uniqueItems: true }],
  expected: `${format.expected}, or a non-empty list of them`,
});
const closed = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});
const port = { type: 'integer', minimum: 1, maximum: 65535, expected: 'a port number from 1 to 65535' };
// YAML reads `cpu: 1` as a number; accept it (the loader turns it into the quantity string "1").
const cpu = { anyOf: [str(CPU), { type: 'number', exclusiveMinimum: 0 }], expected: CPU.expected };
const quantities = (format: ValueFormat) => closed({ cpu, memory: str(format) });
const workload = closed({
  image: str(IMAGE),
  replicas: { type: 'integer', minimum: 0, maximum: 100, expected: 'an integer from 0 to 100' },
  resources: closed({ requests: quantities(MEMORY), limits: quantities(MEMORY) }),
});
const bool = { type: 'boolean' };
/** A list of `key=value` entries for a stringMap annotation; empty leaves the annotation out. */
const keyValues = (item: object = str(KEY_VALUE)) => ({
  type: 'array',
  items: item,
  uniqueItems: true,
  expected: 'a list of distinct key=value pairs (possibly empty)',
});
// The deregistration delay AWS accepts; an entry with that key must also match the range (no lookahead in RE2).
const targetGroupAttribute = {
  allOf: [
    str(KEY_VALUE),
    {
      if: { type: 'string', pattern: `^${DEREGISTRATION_DELAY_KEY.replace(/\./g, '\\.')}=` },
      then: str(DEREGISTRATION_DELAY),
    },
  ],
};
const labelMap = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: LABEL_KEY.pattern.source, expected: LABEL_KEY.expected },
  additionalProperties: str(LABEL_VALUE),
  expected: 'a non-empty map of label keys to values',
};

const distinctList = (item: object, expected: string, minItems = 0) => ({
  type: 'array',
  items: item,
  uniqueItems: true,
  ...(minItems > 0 ? { minItems } : {}),
  expected,
});
const route = { pathPrefix: str(PATH_PREFIX), service: str(DNS_LABEL), port };
const quota = { type: 'integer', minimum: 1, maximum: 10000, expected: 'a whole number from 1 to 10000' };
/** One team's app (see config/default.yaml for what each key does). */
const app = closed(
  {
    name: str(APP_NAME),
    enabled: bool,
    namespace: str(DNS_LABEL),
    hosts: distinctList(str(ALB_HOSTNAME), `a non-empty list of distinct hosts, each ${ALB_HOSTNAME.expected}`, 1),
    certificateArn: oneOrMany(ACM_CERTIFICATE_ARN),
    routes: {
      type: 'array',
      minItems: 1,
      expected: 'a non-empty list of {pathPrefix, service, port}',
      items: closed({ ...route, targetPort: port, workload: str(DNS_LABEL) }, ['targetPort', 'workload']),
    },
    externalHosts: distinctList(str(EXTERNAL_HOSTNAME), 'a list of distinct external hosts (possibly empty)'),
    mtlsMode: { enum: MTLS_MODES },
    outboundTrafficPolicy: { enum: OUTBOUND_POLICIES },
    authorization: bool,
    workloadLabel: str(LABEL_KEY),
    allow: {
      type: 'array',
      expected: 'a list of {workload, ports, from} (possibly empty)',
      items: closed({
        workload: str(DNS_LABEL),
        ports: distinctList(port, 'a non-empty list of distinct port numbers', 1),
        from: distinctList(str(SERVICE_ACCOUNT_REF), `a non-empty list of distinct ServiceAccounts`, 1),
      }),
    },
  },
  [
    'enabled',
    'namespace',
    'certificateArn',
    'externalHosts',
    'mtlsMode',
    'outboundTrafficPolicy',
    'authorization',
    'workloadLabel',
    'allow',
  ],
);

export const CONFIG_SCHEMA = closed({
  apps: { type: 'array', items: app, expected: 'a list of apps, each {name, hosts, routes, ...}' },
  host: oneOrMany(ALB_HOSTNAME),
  certificateArn: oneOrMany(ACM_CERTIFICATE_ARN),
  namespace: str(DNS_LABEL),
  gateway: closed({
    api: { enum: GATEWAY_APIS },
    namespace: str(DNS_LABEL),
    name: str(DNS_LABEL),
    serviceName: str(DNS_LABEL),
    serviceAccount: str(DNS_LABEL),
    selector: labelMap,
    credentialName: str(DNS_LABEL),
    tls: closed(
      {
        mode: { enum: GATEWAY_TLS_MODES },
        issuerRef: closed({ kind: { enum: ISSUER_KINDS }, name: str(DNS_LABEL) }),
        keyAlgorithm: { enum: KEY_ALGORITHMS },
        duration: str(GO_DURATION),
        renewBefore: str(GO_DURATION),
      },
      ['issuerRef'],
    ),
  }),
  alb: closed(
    {
      api: { enum: ALB_APIS },
      ingressName: str(DNS_LABEL),
      scheme: { enum: ALB_SCHEMES },
      ipAddressType: { enum: ALB_IP_ADDRESS_TYPES },
      targetType: { enum: ALB_TARGET_TYPES },
      sslPolicy: str(SSL_POLICY),
      groupName: str(ALB_GROUP_NAME),
      loadBalancerAttributes: keyValues(),
      targetGroupAttributes: keyValues(targetGroupAttribute),
      tags: keyValues(),
      inboundCidrs: {
        type: 'array',
        items: str(INBOUND_CIDR),
        uniqueItems: true,
        expected: 'a list of distinct CIDRs (possibly empty)',
      },
      wafv2AclArn: str(WAFV2_ACL_ARN),
      quotas: closed({ certificates: quota, rules: quota, albs: quota }),
    },
    ['groupName', 'wafv2AclArn'],
  ),
  mesh: closed({
    mtlsMode: { enum: MTLS_MODES },
    mtlsScope: { enum: MTLS_SCOPES },
    rootNamespace: str(DNS_LABEL),
    outboundTrafficPolicy: { enum: OUTBOUND_POLICIES },
    externalHosts: { type: 'array', items: str(EXTERNAL_HOSTNAME), uniqueItems: true },
    authorization: bool,
    trustDomain: str(TRUST_DOMAIN),
  }),
  istioEdge: closed({
    enabled: { type: 'boolean' },
    virtualServiceName: str(DNS_LABEL),
    routes: {
      type: 'array',
      minItems: 1,
      expected: 'a non-empty list of {pathPrefix, service, port}',
      items: closed(route),
    },
  }),
  albIngress: closed({ enabled: { type: 'boolean' } }),
  yelb: closed({ enabled: { type: 'boolean' }, ui: workload, appserver: workload, db: workload, redis: workload }),
  dns: closed({ externalDns: bool }),
  gitops: closed(
    {
      repoURL: str(GIT_REPO_URL),
      targetRevision: str(GIT_REVISION),
      distPath: str(REPO_PATH),
      project: str(DNS_LABEL),
      argocdNamespace: str(DNS_LABEL),
      name: str(GITOPS_NAME),
      destinationServer: str(HTTPS_URL),
      automatedSync: bool,
      prune: bool,
      selfHeal: bool,
      appSource: { enum: APP_SOURCES },
      helmChartPath: str(REPO_PATH),
      istioVersion: str(EXACT_VERSION),
      istioChartRepoURL: str(HTTPS_URL),
      autoscaling: { enum: ISTIO_AUTOSCALING },
    },
    ['helmChartPath'],
  ),
});
