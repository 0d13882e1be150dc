import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import {
  ACM_CERTIFICATE_ARN,
  ALB_GROUP_NAME,
  ALB_HOSTNAME,
  DEREGISTRATION_DELAY,
  DEREGISTRATION_DELAY_KEY,
  DNS_LABEL,
  INBOUND_CIDR,
  KEY_VALUE,
  PATH_PREFIX,
  PropError,
  SSL_POLICY,
  WAFV2_ACL_ARN,
  arnPartitionError,
  assertFormat,
  assertNonEmpty,
  assertOneOf,
  assertPort,
  echo,
} from './patterns';
import { GATEWAY_HEALTH_PATH, GATEWAY_HTTPS_PORT, GATEWAY_STATUS_PORT_NAME, HTTPS_PORT, HTTP_PORT } from './ports';

const fail = (error: PropError | undefined): void => {
  if (error !== undefined) throw error;
};

/** The AWS Load Balancer Controller annotation prefix. */
export const ALB_ANNOTATION = 'alb.ingress.kubernetes.io';

/** ALB targets: `instance` (the gateway Service's NodePort) or `ip` (pod IPs). */
export const ALB_TARGET_TYPES = ['instance', 'ip'] as const;
export type AlbTargetType = (typeof ALB_TARGET_TYPES)[number];
export const ALB_SCHEMES = ['internet-facing', 'internal'] as const;
export type AlbScheme = (typeof ALB_SCHEMES)[number];
/** ALB address types: IPv4 only, IPv4 and IPv6, or public IPv6 with private IPv4 (internet-facing ALBs only). */
export const ALB_IP_ADDRESS_TYPES = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'] as const;
export type AlbIpAddressType = (typeof ALB_IP_ADDRESS_TYPES)[number];

/** Drops malformed headers before they reach the gateway (AWS Security Hub control ELB.4). */
export const DEFAULT_LOAD_BALANCER_ATTRIBUTES = ['routing.http.drop_invalid_header_fields.enabled=true'];
/** AWS keeps a deregistered target for 300 s, which makes every gateway rollout that slow; 30 s is plenty for HTTP. */
export const DEFAULT_TARGET_GROUP_ATTRIBUTES = [`${DEREGISTRATION_DELAY_KEY}=30`];
/** What AWS uses when target-group-attributes does not set the deregistration delay. */
export const AWS_DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

/**
 * The first conflict of an ALB's address type with its scheme or inbound CIDRs, else undefined.
 * AWS gives an internal ALB no public addresses, so it cannot have public IPv6 without public IPv4; the controller
 * refuses IPv6 source ranges unless the ALB has IPv6 addresses (either dualstack type).
 */
export function addressTypeError(
  ipAddressType: AlbIpAddressType,
  scheme: string,
  inboundCidrs: readonly string[],
): PropError | undefined {
  if (ipAddressType === 'dualstack-without-public-ipv4' && scheme !== 'internet-facing') {
    return new PropError(
      'ipAddressType',
      (n) =>
        `dualstack-without-public-ipv4 needs '${n('scheme')}' internet-facing, got '${n('scheme')}' ${echo(scheme)}`,
    );
  }
  if (ipAddressType.startsWith('dualstack')) return undefined;
  const i = inboundCidrs.findIndex((c) => c.includes(':'));
  return i < 0
    ? undefined
    : new PropError(
        `inboundCidrs[${i}]`,
        (n) =>
          `must be an IPv4 CIDR unless '${n('ipAddressType')}' is dualstack or ` +
          `dualstack-without-public-ipv4 (the controller rejects IPv6 ones for an IPv4-only ALB), got ${echo(inboundCidrs[i])}`,
      );
}

/** addressTypeError's line. */
export const addressTypeProblem = (
  ipAddressType: AlbIpAddressType,
  scheme: string,
  inboundCidrs: readonly string[],
): string | undefined => addressTypeError(ipAddressType, scheme, inboundCidrs)?.message;

/** The deregistration delay that `attributes` (target-group-attributes entries) give the target group, in seconds. */
export function deregistrationDelaySeconds(attributes: readonly string[]): number {
  const entry = attributes.find((a) => a.startsWith(`${DEREGISTRATION_DELAY_KEY}=`));
  return entry === undefined
    ? AWS_DEFAULT_DEREGISTRATION_DELAY_SECONDS
    : Number(entry.slice(DEREGISTRATION_DELAY_KEY.length + 1));
}

/** Checks the entries of a stringMap annotation: each a key=value pair, no key twice (the controller keeps one). */
function assertKeyValues(field: string, entries: readonly string[]): void {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    assertFormat(`${field}[${i}]`, entry, KEY_VALUE);
    const key = entry.slice(0, entry.indexOf('='));
    if (seen.has(key)) throw new PropError(`${field}[${i}]`, `must not repeat the key ${key}, got ${echo(entry)}`);
    seen.add(key);
  });
}

/**
 * What an ALB in front of the Istio gateway needs, whichever API asks the controller for it (AlbIngress, or the
 * Gateway API's AlbGateway): its hosts and certificates, the gateway Service it re-encrypts to and health-checks,
 * and the load balancer's settings.
 */
export interface AlbOptions {
  /** Hosts the ALB routes (one rule each). */
  readonly hosts: string[];
  /** ACM certificate ARNs; the first is the listener's default certificate, the rest are added for SNI. */
  readonly certificateArns: string[];
  /** Service of the Istio ingress gateway. */
  readonly serviceName: string;
  /** TLS port of the gateway Service. @default 443 */
  readonly servicePort?: number;
  /** Named Service port of the gateway's readiness endpoint, used for ALB health checks. @default 'status-port' */
  readonly healthCheckPort?: string;
  /** Path of the gateway's readiness endpoint. @default '/healthz/ready' */
  readonly healthCheckPath?: string;
  /** `internet-facing` or `internal`. @default 'internet-facing' */
  readonly scheme?: AlbScheme;
  /**
   * Addresses of the ALB: `ipv4`, `dualstack` (IPv4 and IPv6) or `dualstack-without-public-ipv4` (public IPv6 and
   * private IPv4; needs an internet-facing scheme). Always emitted. @default 'ipv4'
   */
  readonly ipAddressType?: AlbIpAddressType;
  /** `instance` (NodePort gateway Service) or `ip` (pod IPs). @default 'instance' */
  readonly targetType?: AlbTargetType;
  /** Listener TLS policy. @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' */
  readonly sslPolicy?: string;
  /**
   * ALB attributes as `key=value`; only those listed are changed. Empty: none set.
   * @default ['routing.http.drop_invalid_header_fields.enabled=true']
   */
  readonly loadBalancerAttributes?: string[];
  /**
   * Target group attributes as `key=value`; `deregistration_delay.timeout_seconds` must be 0 to 3600. Empty: none
   * set. @default ['deregistration_delay.timeout_seconds=30']
   */
  readonly targetGroupAttributes?: string[];
  /** AWS tags of the ALB and its target groups, as `key=value`. @default - no tags */
  readonly tags?: string[];
  /**
   * Source CIDRs allowed to reach the listeners. IPv6 CIDRs need a dualstack `ipAddressType`; the controller rejects
   * them for an IPv4-only ALB. @default - the controller's 0.0.0.0/0
   */
  readonly inboundCidrs?: string[];
  /** Regional WAFv2 web ACL ARN to attach, or `none` to detach one. @default - the ACL is left as it is */
  readonly wafv2AclArn?: string;
}

/** AlbOptions checked, with their defaults. */
export type ResolvedAlbOptions = Required<Omit<AlbOptions, 'wafv2AclArn'>> & Pick<AlbOptions, 'wafv2AclArn'>;

/** Checks the shared ALB options (a PropError naming the first bad one) and applies their defaults. */
export function resolveAlbOptions(props: AlbOptions): ResolvedAlbOptions {
  const servicePort = props.servicePort ?? GATEWAY_HTTPS_PORT;
  const scheme = props.scheme ?? 'internet-facing';
  const ipAddressType = props.ipAddressType ?? 'ipv4';
  const targetType = props.targetType ?? 'instance';
  const sslPolicy = props.sslPolicy ?? 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';
  assertNonEmpty('hosts', props.hosts, 'host');
  props.hosts.forEach((h, i) => assertFormat(`hosts[${i}]`, h, ALB_HOSTNAME));
  assertNonEmpty('certificateArns', props.certificateArns, 'ACM certificate ARN');
  props.certificateArns.forEach((a, i) => {
    assertFormat(`certificateArns[${i}]`, a, ACM_CERTIFICATE_ARN);
    fail(arnPartitionError(`certificateArns[${i}]`, a));
  });
  const regions = new Set(props.certificateArns.map((a) => a.split(':')[3]));
  if (regions.size > 1) {
    throw new PropError('certificateArns', `must all be in the ALB's region, got regions ${[...regions].join(', ')}`);
  }
  assertFormat('serviceName', props.serviceName, DNS_LABEL);
  assertPort('servicePort', servicePort);
  assertOneOf('scheme', scheme, ALB_SCHEMES);
  assertOneOf('ipAddressType', ipAddressType, ALB_IP_ADDRESS_TYPES);
  assertOneOf('targetType', targetType, ALB_TARGET_TYPES);
  assertFormat('sslPolicy', sslPolicy, SSL_POLICY);
  const loadBalancerAttributes = props.loadBalancerAttributes ?? DEFAULT_LOAD_BALANCER_ATTRIBUTES;
  const targetGroupAttributes = props.targetGroupAttributes ?? DEFAULT_TARGET_GROUP_ATTRIBUTES;
  const tags = props.tags ?? [];
  const inboundCidrs = props.inboundCidrs ?? [];
  assertKeyValues('loadBalancerAttributes', loadBalancerAttributes);
  assertKeyValues('targetGroupAttributes', targetGroupAttributes);
  targetGroupAttributes.forEach((a, i) => {
    if (a.startsWith(`${DEREGISTRATION_DELAY_KEY}=`))
      assertFormat(`targetGroupAttributes[${i}]`, a, DEREGISTRATION_DELAY);
  });
  assertKeyValues('tags', tags);
  inboundCidrs.forEach((c, i) => assertFormat(`inboundCidrs[${i}]`, c, INBOUND_CIDR));
  fail(addressTypeError(ipAddressType, scheme, inboundCidrs));
  if (props.wafv2AclArn !== undefined) {
    assertFormat('wafv2AclArn', props.wafv2AclArn, WAFV2_ACL_ARN);
    fail(arnPartitionError('wafv2AclArn', props.wafv2AclArn));
    const region = props.wafv2AclArn.split(':')[3];
    if (region !== undefined && !regions.has(region)) {
      throw new PropError(
        'wafv2AclArn',
        (n) =>
          `must be in the ALB's region, ${[...regions][0]} (that of '${n('certificateArns')}'), got region ${region}`,
      );
    }
  }
  return {
    hosts: props.hosts,
    certificateArns: props.certificateArns,
    serviceName: props.serviceName,
    servicePort,
    healthCheckPort: props.healthCheckPort ?? GATEWAY_STATUS_PORT_NAME,
    healthCheckPath: props.healthCheckPath ?? GATEWAY_HEALTH_PATH,
    scheme,
    ipAddressType,
    targetType,
    sslPolicy,
    loadBalancerAttributes,
    targetGroupAttributes,
    tags,
    inboundCidrs,
    wafv2AclArn: props.wafv2AclArn,
  };
}

export interface AlbIngressProps extends AlbOptions {
  /** Name of the Ingress. @default 'gw-ingress' */
  readonly name?: string;
  /** Namespace of the Ingress: must be the gateway Service's namespace, since a backend cannot cross namespaces. */
  readonly namespace: string;
  /** IngressGroup to share one ALB with other Ingresses. @default - the Ingress gets an ALB of its own */
  readonly groupName?: string;
  /**
   * Extra annotations (for example external-dns or `alb.ingress.kubernetes.io/load-balancer-name`). None may set an
   * annotation the construct computes or has a prop for (see COMPUTED_ANNOTATIONS): that is an error, so a library
   * user cannot silently turn the hop to the gateway into plaintext. @default - none
   */
  readonly extraAnnotations?: Record<string, string>;
  /** Labels and annotations for the Ingress, as cdk8s-plus takes them; annotations follow the extraAnnotations rule. */
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  /** IngressClass of the controller. @default 'alb' */
  readonly ingressClassName?: string;
  /** Path prefixes each host sends to the gateway; Istio routes by path behind it. @default ['/'] */
  readonly paths?: string[];
}

/**
 * Annotations AlbIngress computes or takes from a prop, with what to use instead; extraAnnotations may not set them.
 * The short names are under alb.ingress.kubernetes.io/.
 */
export const COMPUTED_ANNOTATIONS: Readonly<Record<string, string>> = {
  scheme: 'use scheme',
  'ip-address-type': 'use ipAddressType',
  'target-type': 'use targetType',
  'certificate-arn': 'use certificateArns',
  'ssl-policy': 'use sslPolicy',
  'group.name': 'use groupName',
  'healthcheck-port': 'use healthCheckPort',
  'healthcheck-path': 'use healthCheckPath',
  'load-balancer-attributes': 'use loadBalancerAttributes',
  'target-group-attributes': 'use targetGroupAttributes',
  tags: 'use tags',
  'inbound-cidrs': 'use inboundCidrs',
  'wafv2-acl-arn': 'use wafv2AclArn',
  'listen-ports': `computed: HTTP ${HTTP_PORT} and HTTPS ${HTTPS_PORT}`,
  'ssl-redirect': 'computed: HTTP redirects to HTTPS',
  'backend-protocol': 'computed: HTTPS to the gateway',
  'healthcheck-protocol': 'computed: HTTP to the status port',
  'success-codes': 'computed: 200 from the readiness endpoint',
};
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The first extra annotation that would override a computed one, else undefined. */
export function overriddenAnnotationError(
  field: string,
  extra: Readonly<Record<string, string>> | undefined,
): PropError | undefined {
  for (const [key, value] of Object.entries(extra ?? {})) {
    const short = key.startsWith(`${ALB_ANNOTATION}/`) ? key.slice(ALB_ANNOTATION.length + 1) : undefined;
    const why =
      short !== undefined
        ? COMPUTED_ANNOTATIONS[short]
        : key === INGRESS_CLASS_ANNOTATION
          ? 'use ingressClassName: the API server rejects an Ingress with both'
          : undefined;
    if (why !== undefined)
      return new PropError(field, `must not set ${key}, which AlbIngress sets itself (${why}), got ${echo(value)}`);
  }
  return undefined;
}

/** overriddenAnnotationError's line. */
export const overriddenAnnotationProblem = (
  field: string,
  extra: Readonly<Record<string, string>> | undefined,
): string | undefined => overriddenAnnotationError(field, extra)?.message;

/**
 * An ALB Ingress that terminates HTTPS with ACM certificates and re-encrypts to the Istio ingress gateway.
 * It redirects HTTP to HTTPS and health-checks the gateway's status port, which works for both target types: the
 * controller resolves the named port to its NodePort (instance) or its container port, GATEWAY_STATUS_PORT (ip).
 */
export class AlbIngress extends Construct {
  public readonly ingress: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: AlbIngressProps) {
    super(scope, id);
    const name = props.name ?? 'gw-ingress';
    assertFormat('name', name, DNS_LABEL);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    const {
      servicePort,
      scheme,
      ipAddressType,
      targetType,
      sslPolicy,
      loadBalancerAttributes,
      targetGroupAttributes,
      tags,
      inboundCidrs,
      healthCheckPort,
      healthCheckPath,
    } = resolveAlbOptions(props);
    // Each computed annotation has one source, so the checks here see what the controller will see.
    fail(overriddenAnnotationError('extraAnnotations', props.extraAnnotations));
    fail(overriddenAnnotationError('metadata.annotations', props.metadata?.annotations));
    const ingressClassName = props.ingressClassName ?? 'alb';
    assertFormat('ingressClassName', ingressClassName, DNS_LABEL);
    const paths = props.paths ?? ['/'];
    assertNonEmpty('paths', paths, 'path prefix');
    paths.forEach((p, i) => assertFormat(`paths[${i}]`, p, PATH_PREFIX));
    if (props.groupName !== undefined) assertFormat('groupName', props.groupName, ALB_GROUP_NAME);

    const annotations: Record<string, string> = {
      [`${ALB_ANNOTATION}/scheme`]: scheme,
      // Explicit even for ipv4: another IngressGroup member's dualstack then conflicts instead of silently applying.
      [`${ALB_ANNOTATION}/ip-address-type`]: ipAddressType,
      [`${ALB_ANNOTATION}/target-type`]: targetType,
      [`${ALB_ANNOTATION}/listen-ports`]: `[{"HTTP": ${HTTP_PORT}}, {"HTTPS": ${HTTPS_PORT}}]`,
      // The v2.2+ redirect: every HTTP listener answers 301 to HTTPS, no `use-annotation` backend needed.
      [`${ALB_ANNOTATION}/ssl-redirect`]: String(HTTPS_PORT),
      [`${ALB_ANNOTATION}/certificate-arn`]: props.certificateArns.join(','),
      [`${ALB_ANNOTATION}/ssl-policy`]: sslPolicy,
      // Re-encrypt to the gateway; the ALB does not validate target certificates, so a self-signed one is fine.
      [`${ALB_ANNOTATION}/backend-protocol`]: 'HTTPS',
      // The gateway answers readiness over plain HTTP on its status port; probing the TLS port with HTTP fails.
      [`${ALB_ANNOTATION}/healthcheck-port`]: healthCheckPort,
      [`${ALB_ANNOTATION}/healthcheck-protocol`]: 'HTTP',
      [`${ALB_ANNOTATION}/healthcheck-path`]: healthCheckPath,
      [`${ALB_ANNOTATION}/success-codes`]: '200',
    };
    if (props.groupName !== undefined) annotations[`${ALB_ANNOTATION}/group.name`] = props.groupName;
    // stringMap and stringList annotations: one comma-separated line each, absent when empty.
    const joined: [string, readonly string[]][] = [
      ['load-balancer-attributes', loadBalancerAttributes],
      ['target-group-attributes', targetGroupAttributes],
      ['tags', tags],
      ['inbound-cidrs', inboundCidrs],
    ];
    for (const [key, entries] of joined)
      if (entries.length > 0) annotations[`${ALB_ANNOTATION}/${key}`] = entries.join(',');
    if (props.wafv2AclArn !== undefined) annotations[`${ALB_ANNOTATION}/wafv2-acl-arn`] = props.wafv2AclArn;
    Object.assign(annotations, props.metadata?.annotations, props.extraAnnotations);

    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name, namespace: props.namespace, labels: props.metadata?.labels, annotations },
      spec: {
        // The field, never also the deprecated annotation: the API server rejects an Ingress with both.
        ingressClassName,
        rules: props.hosts.map((host) => ({
          host,
          http: {
            paths: paths.map((path) => ({
              path,
              pathType: 'Prefix',
              backend: { service: { name: props.serviceName, port: { number: servicePort } } },
            })),
          },
        })),
      },
    });
  }
}
