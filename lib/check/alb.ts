import * as net from 'net';
import { Findings } from './findings';
import { Inventory } from './inventory';
import { Obj } from './identity';
import { ServiceInfo, ServicePortInfo } from './services-workloads';
import { albGatewayWorkloads } from './istio';
import { gatewayServers, gatewaysOfService, isTlsServer, meshNamespace } from './mesh-model';
import { annotationField, append, arr, at, isRec, rec, str, strMap } from './util';
import { GATEWAY_HEALTH_PATH as HEALTH_PATH, GATEWAY_STATUS_PORT as STATUS_PORT } from '../ports';
import { ALB_GROUP_NAME } from '../patterns';

export const ALB = 'alb.ingress.kubernetes.io/';
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** What the controller uses when no ssl-policy is set. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';
const ACM_ARN = /^arn:aws(?:-cn|-us-gov)?:acm:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An IAM server certificate, which a listener accepts too; IAM is global, so it has no region. */
const IAM_SERVER_CERTIFICATE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:server-certificate\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,128}$/;
const CERTIFICATE_FORM = 'use arn:aws:acm:<region>:<12-digit account>:certificate/<uuid> (or an IAM arn:aws:iam::<account>:server-certificate/<name>)';
/** What the controller uses for a gRPC target group's health check when healthcheck-path is not set. */
const GRPC_HEALTH_PATH = '/AWS.ALB/healthcheck';

/** The region of a listener certificate ARN; '' for an IAM server certificate; undefined when it is neither. */
function certificateRegion(arn: string): string | undefined {
  if (IAM_SERVER_CERTIFICATE_ARN.test(arn)) return '';
  return ACM_ARN.exec(arn)?.[1];
}

/** The health-check path the controller uses when healthcheck-path is not set: gRPC target groups have their own. */
export function defaultHealthPath(ann: Record<string, string>): string {
  return ann[`${ALB}backend-protocol-version`]?.toUpperCase() === 'GRPC' ? GRPC_HEALTH_PATH : '/';
}
/** An ALB can only use regional web ACLs; `global/webacl` ones belong to CloudFront. */
const WAFV2_ARN = /^arn:aws(?:-cn|-us-gov)?:wafv2:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(regional|global)\/webacl\/[\w-]{1,128}\/[\w-]+$/;
const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';
export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';
/** What a target group waits for in-flight requests when target-group-attributes does not say (AWS default). */
export const DEFAULT_DEREGISTRATION_DELAY = 300;
const MAX_DEREGISTRATION_DELAY = 3600;
const DROP_INVALID_HEADERS = 'routing.http.drop_invalid_header_fields.enabled';
/**
 * Annotations whose MergeBehavior is Exclusive (LBC-ann): one value per IngressGroup. Each maps to the
 * IngressClassParams field that replaces the annotation for the Ingresses of that class, when there is one.
 * load-balancer-attributes is Exclusive per attribute key and handled on its own.
 */
const EXCLUSIVE_ANNOTATIONS: Record<string, string | undefined> = {
  'load-balancer-name': undefined, 'ip-address-type': 'ipAddressType', scheme: 'scheme', subnets: 'subnets',
  'security-groups': undefined, 'customer-owned-ipv4-pool': undefined, 'wafv2-acl-arn': 'wafv2AclArn', 'waf-acl-id': undefined,
  'shield-advanced-protection': undefined, 'ssl-redirect': 'sslRedirectPort', 'inbound-cidrs': 'inboundCIDRs', 'ssl-policy': 'sslPolicy',
};
const LIST_ANNOTATIONS = new Set(['subnets', 'security-groups', 'inbound-cidrs']);

export interface Listener {
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
}

/** One backend of an ALB Ingress rule, with what it resolves to. */
export interface AlbBackend {
  readonly host: string;
  readonly path: string;
  /** Field path of the backend in the Ingress. */
  readonly field: string;
  /** Field path of the rule's host. */
  readonly hostField: string;
  readonly serviceName: string;
  readonly port: number | string | undefined;
  readonly service?: ServiceInfo;
  readonly servicePort?: ServicePortInfo;
  /** Ingress alb.* annotations with the backend Service's alb.* annotations on top (the Service wins). */
  readonly annotations: Record<string, string>;
}

export interface AlbIngress {
  readonly obj: Obj;
  readonly listeners: Listener[];
  readonly redirect: 'annotation' | 'legacy-action' | 'none';
  readonly certificateArns: string[];
  readonly certificateSource: string;
  /** A certificate ARN is malformed, or an HTTPS listener has none to use: the controller cannot build the listener. */
  readonly invalidCertificate: boolean;
  readonly sslPolicy?: string;
  readonly sslPolicyFrom: string;
  readonly targetType: string;
  readonly backends: AlbBackend[];
}

function isAlbIngress(inv: Inventory, ing: Obj): boolean {
  const ann = strMap(ing.raw.metadata?.annotations);
  const className = str(at(ing.raw.spec, 'ingressClassName'));
  if (className === 'alb' || ann[CLASS_ANNOTATION] === 'alb') return true;
  if (className) {
    const ic = inv.find('IngressClass', '', className);
    return str(at(ic?.raw.spec, 'controller')) === 'ingress.k8s.aws/alb';
  }
  return Object.keys(ann).some((k) => k.startsWith(ALB));
}

export function classParams(inv: Inventory, ing: Obj): Obj | undefined {
  const className = str(at(ing.raw.spec, 'ingressClassName')) ?? strMap(ing.raw.metadata?.annotations)[CLASS_ANNOTATION];
  if (!className) return undefined;
  const params = rec(at(inv.find('IngressClass', '', className)?.raw.spec, 'parameters'));
  const name = str(params.name);
  return name && str(params.kind) === 'IngressClassParams' ? inv.find('IngressClassParams', '', name) : undefined;
}

function parseListenPorts(raw: string): Listener[] | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
    const out: Listener[] = [];
    for (const entry of parsed) {
      if (!isRec(entry)) return undefined;
      for (const [protocol, port] of Object.entries(entry)) {
        if ((protocol !== 'HTTP' && protocol !== 'HTTPS') || typeof port !== 'number') return undefined;
        out.push({ protocol, port });
      }
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Hosts the controller can use to discover an ACM certificate when no certificate-arn is set. */
function discoveryHosts(ing: Obj): string[] {
  const tlsHosts = arr(at(ing.raw.spec, 'tls')).flatMap((t) => arr(rec(t).hosts)).filter((h): h is string => typeof h === 'string');
  if (tlsHosts.length) return tlsHosts;
  return arr(at(ing.raw.spec, 'rules')).map((r) => str(rec(r).host)).filter((h): h is string => !!h);
}

function backendsOf(inv: Inventory, ing: Obj, ann: Record<string, string>): AlbBackend[] {
  const out: AlbBackend[] = [];
  const add = (host: string, path: string, field: string, hostField: string, backend: unknown) => {
    const svc = rec(at(backend, 'service'));
    const serviceName = str(svc.name);
    if (!serviceName) return;
    const portRec = rec(svc.port);
    const port = typeof portRec.number === 'number' ? portRec.number : str(portRec.name);
    if (port === 'use-annotation') return; // an ALB action, not a Service
    const service = inv.service(ing.namespace, serviceName);
    const servicePort = service?.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    const svcAlb = Object.fromEntries(Object.entries(service?.annotations ?? {}).filter(([k]) => k.startsWith(ALB)));
    out.push({ host, path, field, hostField, serviceName, port, service, servicePort, annotations: { ...ann, ...svcAlb } });
  };
  arr(at(ing.raw.spec, 'rules')).forEach((r, i) => {
    const host = str(rec(r).host) ?? '*';
    arr(at(r, 'http.paths')).forEach((p, j) => {
      add(host, str(rec(p).path) ?? '/', `spec.rules[${i}].http.paths[${j}].backend`, `spec.rules[${i}].host`, rec(p).backend);
    });
  });
  if (isRec(at(ing.raw.spec, 'defaultBackend'))) add('*', '(default)', 'spec.defaultBackend', 'spec.defaultBackend', at(ing.raw.spec, 'defaultBackend'));
  return out;
}

/** What a gateway Service port speaks: the status port is plain HTTP, other ports follow the Gateway servers on them. */
export function portSpeaks(inv: Inventory, svc: ServiceInfo, sp: ServicePortInfo): 'tls' | 'plain' | 'unknown' {
  if (sp.name === 'status-port' || sp.port === STATUS_PORT) return 'plain';
  const servers = gatewaysOfService(inv, svc).flatMap(gatewayServers).filter((s) => s.port === sp.port);
  if (servers.some(isTlsServer)) return 'tls';
  if (servers.length) return 'plain';
  return 'unknown';
}

export function analyseAlbIngresses(inv: Inventory, f: Findings): AlbIngress[] {
  const out: AlbIngress[] = [];
  const regions: { obj: Obj; field: string; region: string }[] = [];
  for (const ing of inv.of('Ingress', 'networking.k8s.io')) {
    if (!isAlbIngress(inv, ing)) continue;
    const ann = strMap(ing.raw.metadata?.annotations);
    const params = classParams(inv, ing);
    const pspec = rec(params?.raw.spec);
    checkClass(inv, ing, ann, f);

    // Listeners and redirect.
    const certRaw = ann[`${ALB}certificate-arn`];
    const paramArns = arr(pspec.certificateArn).filter((a): a is string => typeof a === 'string');
    const hasTls = arr(at(ing.raw.spec, 'tls')).length > 0;
    let listeners: Listener[] = certRaw || paramArns.length || hasTls ? [{ protocol: 'HTTPS', port: 443 }] : [{ protocol: 'HTTP', port: 80 }];
    const lpRaw = ann[`${ALB}listen-ports`];
    if (lpRaw !== undefined) {
      const parsed = parseListenPorts(lpRaw);
      if (parsed) listeners = parsed;
      else f.add('alb-annotation-invalid', ing, annotationField(`${ALB}listen-ports`), `listen-ports '${lpRaw}' is not a JSON list like [{"HTTP": 80}, {"HTTPS": 443}]`, `set ${ALB}listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'`);
    }
    const httpsPorts = listeners.filter((l) => l.protocol === 'HTTPS').map((l) => l.port);
    const hasHttp = listeners.some((l) => l.protocol === 'HTTP');
    const redirectRaw = ann[`${ALB}ssl-redirect`] ?? str(pspec.sslRedirectPort);
    // The controller reads actions.<name> only for a backend {service.name: <name>, port.name: use-annotation}; a
    // referenced action without its annotation becomes a fixed 503. Either half alone redirects nothing.
    const action = ann[`${ALB}actions.ssl-redirect`];
    const referenced = arr(at(ing.raw.spec, 'rules')).some((r) => arr(at(r, 'http.paths')).some((p) => str(at(p, 'backend.service.port.name')) === 'use-annotation' && str(at(p, 'backend.service.name')) === 'ssl-redirect'));
    const legacy = action !== undefined && referenced;
    if (legacy) {
      f.add('ssl-redirect-legacy', ing, annotationField(`${ALB}actions.ssl-redirect`),
        'uses the v2.0 redirect pattern (actions.ssl-redirect plus a use-annotation backend that must stay the first rule)',
        `remove actions.ssl-redirect and the ssl-redirect backend; set ${ALB}ssl-redirect: '443'`);
    }
    if (redirectRaw !== undefined && !httpsPorts.includes(Number(redirectRaw))) {
      f.add('ssl-redirect-port', ing, annotationField(`${ALB}ssl-redirect`),
        `ssl-redirect '${redirectRaw}' is not an HTTPS listen port (HTTPS ports: ${httpsPorts.join(', ') || 'none'})`,
        `set ${ALB}listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]' and ${ALB}ssl-redirect: '443'`);
    }
    // A wrong ssl-redirect port is its own error (the controller rejects the Ingress), not a plaintext listener.
    const redirect = redirectRaw !== undefined ? 'annotation' : legacy ? 'legacy-action' : 'none';
    if (hasHttp && redirect === 'none') {
      const why = action !== undefined ? ` (actions.ssl-redirect does nothing: no backend names it with service.name: ssl-redirect and port.name: use-annotation)`
        : referenced ? ' (the ssl-redirect use-annotation backend has no actions.ssl-redirect annotation, so the controller answers it with a fixed 503)' : '';
      f.add('http-listener-plaintext', ing, annotationField(`${ALB}listen-ports`),
        `an HTTP listener forwards requests unencrypted instead of redirecting them to HTTPS${why}`,
        `set ${ALB}ssl-redirect: '443' (with an HTTPS 443 listen port)${action !== undefined || referenced ? ' and remove the actions.ssl-redirect annotation and backend' : ''}`);
    }

    // Certificates.
    let certificateArns: string[] = [];
    let certificateSource = 'none';
    let invalidCertificate = false;
    if (certRaw !== undefined) {
      const field = annotationField(`${ALB}certificate-arn`);
      // The controller splits on commas and trims each part, so a | block or line breaks after commas are fine;
      // ARNs separated by line breaks alone stay one part, which no certificate matches.
      certificateArns = certRaw.split(',').map((s) => s.trim()).filter(Boolean);
      for (const arn of certificateArns) {
        const region = certificateRegion(arn);
        if (region === undefined && /\s/.test(arn) && arn.split(/\s+/).every((a) => certificateRegion(a) !== undefined)) {
          invalidCertificate = true;
          f.add('certificate-arn-multiline', ing, field, `certificate-arn separates ARNs by line breaks, not commas: the controller reads '${arn.slice(0, 100)}' as one ARN, which matches no certificate`,
            'separate the ARNs with commas (line breaks around the commas are fine)');
        } else if (region === undefined) {
          invalidCertificate = true;
          f.add('certificate-arn-format', ing, field, `'${arn.slice(0, 100)}' is not an ACM or IAM server certificate ARN`, `${CERTIFICATE_FORM}, several separated by commas`);
        } else if (region) regions.push({ obj: ing, field, region });
      }
      certificateSource = `ACM ${certificateArns.join(', ')}`;
    } else if (paramArns.length && params) {
      certificateArns = paramArns;
      paramArns.forEach((arn, i) => {
        const region = certificateRegion(arn.trim());
        if (region === undefined) {
          invalidCertificate = true;
          f.add('certificate-arn-format', params, `spec.certificateArn[${i}]`, `'${arn.slice(0, 100)}' is not an ACM or IAM server certificate ARN`, CERTIFICATE_FORM);
        } else if (region) regions.push({ obj: params, field: `spec.certificateArn[${i}]`, region });
      });
      certificateSource = `ACM ${paramArns.join(', ')} (from ${params.ref})`;
    } else if (httpsPorts.length) {
      const hosts = discoveryHosts(ing);
      if (hosts.length) certificateSource = `ACM, discovered for ${hosts.join(', ')}`;
      else {
        invalidCertificate = true;
        f.add('listener-certificate', ing, annotationField(`${ALB}certificate-arn`), 'HTTPS listener has no certificate-arn and no host to discover a certificate for',
          `set ${ALB}certificate-arn to the ACM certificate ARN`);
      }
    }

    // TLS policy.
    const sslPolicy = str(pspec.sslPolicy) ?? ann[`${ALB}ssl-policy`];
    const sslPolicyFrom = pspec.sslPolicy ? params!.ref : sslPolicy ? 'annotation' : 'controller default';
    if (httpsPorts.length && !(sslPolicy ?? '').includes('TLS13')) {
      f.add('ssl-policy', ing, annotationField(`${ALB}ssl-policy`),
        sslPolicy ? `ssl-policy '${sslPolicy}' is not a TLS 1.3 policy` : `no ssl-policy: the controller uses ${DEFAULT_SSL_POLICY}, which allows TLS 1.0 and 1.1`,
        `set ${ALB}ssl-policy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (or ELBSecurityPolicy-TLS13-1-2-2021-06)`);
    }

    const targetType = str(pspec.targetType) ?? ann[`${ALB}target-type`] ?? 'instance';
    if (targetType !== 'instance' && targetType !== 'ip') {
      f.add('alb-annotation-invalid', ing, annotationField(`${ALB}target-type`), `target-type '${targetType}' is neither instance nor ip`, `set ${ALB}target-type: ip`);
    }
    checkLoadBalancerAnnotations(ing, ann, params, f);
    const backends = backendsOf(inv, ing, ann);
    for (const b of backends) checkBackend(inv, ing, b, targetType, f);
    if (targetType === 'ip' && backends.some((b) => mayBeGateway(inv, b))) checkReadinessGate(inv, ing, f);
    out.push({ obj: ing, listeners, redirect, certificateArns, certificateSource, invalidCertificate, sslPolicy, sslPolicyFrom, targetType, backends });
  }
  const distinct = [...new Set(regions.map((r) => r.region))];
  if (distinct.length > 1) {
    const first = regions[0].region;
    for (const r of regions.filter((x) => x.region !== first)) {
      f.add('certificate-arn-region', r.obj, r.field, `certificate ARNs name several regions (${distinct.join(', ')}); an ALB can only use ACM certificates of its own region`,
        `use certificates issued in the ALB's region (${first}?) for every listener`);
    }
  }
  checkIngressGroups(inv, out.map((a) => a.obj), f);
  checkInvalidHeaderFields(inv, out.map((a) => a.obj), f);
  return out;
}

/** The IngressGroup an Ingress joins (IngressClassParams first, then the annotation), if any. */
export function groupName(inv: Inventory, ing: Obj): string | undefined {
  return str(at(classParams(inv, ing)?.raw.spec, 'group.name')) ?? strMap(ing.raw.metadata?.annotations)[`${ALB}group.name`];
}

/**
 * Security Hub control ELB.4: an ALB should drop header fields that are not valid HTTP (request smuggling and
 * desync hardening). A warning, not an error: the ALB works without it, but it fails a standard security control
 * and the fix is one attribute, so `--strict` pipelines should hold it back the way they do a weak ssl-policy.
 * The attribute belongs to the ALB, so the Ingresses of one IngressGroup share it; an IngressClassParams key wins.
 */
function checkInvalidHeaderFields(inv: Inventory, ingresses: Obj[], f: Findings): void {
  const albs = new Map<string, Obj[]>();
  for (const ing of ingresses) {
    const group = groupName(inv, ing);
    const key = group ? `group ${group}` : ing.ref;
    append(albs, key, ing);
  }
  for (const [key, members] of albs) {
    const group = key.startsWith('group ') ? ` (the ALB of IngressGroup '${key.slice(6)}')` : '';
    const fix = `add ${DROP_INVALID_HEADERS}=true to ${ALB}load-balancer-attributes${group ? ' of one Ingress of the group' : ''}`;
    // The IngressClassParams attribute, when one of the ALB's classes sets it: read once.
    let params: Obj | undefined;
    let value: unknown;
    for (const ing of members) {
      const p = classParams(inv, ing);
      const attribute = arr(at(p?.raw.spec, 'loadBalancerAttributes')).map(rec).find((a) => str(a.key) === DROP_INVALID_HEADERS);
      if (p && attribute) {
        [params, value] = [p, attribute.value];
        break;
      }
    }
    if (params) {
      if (value !== 'true') {
        f.add('drop-invalid-headers', params, 'spec.loadBalancerAttributes', `${DROP_INVALID_HEADERS} is '${String(value)}'${group}: the ALB forwards requests with invalid header fields (Security Hub ELB.4)`,
          `set {key: ${DROP_INVALID_HEADERS}, value: 'true'} in spec.loadBalancerAttributes`);
      }
      continue;
    }
    const raw = members.map((ing) => strMap(ing.raw.metadata?.annotations)[`${ALB}load-balancer-attributes`]);
    const parsed = raw.map((r) => (r === undefined ? {} : parseStringMap(r)));
    // An unreadable annotation or a group conflict is reported by its own rule.
    if (parsed.some((p) => !p)) continue;
    const values = new Set(parsed.map((p) => p![DROP_INVALID_HEADERS]).filter((v): v is string => v !== undefined));
    if (values.size > 1 || values.has('true')) continue;
    const set = values.size ? `is '${[...values][0]}'` : 'is not set (AWS default false)';
    // An explicit value is fixed where it is written; otherwise on each Ingress of the ALB.
    const where = values.size ? members.filter((_, i) => parsed[i]![DROP_INVALID_HEADERS] !== undefined) : members;
    for (const ing of where) {
      f.add('drop-invalid-headers', ing, annotationField(`${ALB}load-balancer-attributes`),
        `${DROP_INVALID_HEADERS} ${set}${group}: the ALB forwards requests with invalid header fields to the gateway (Security Hub ELB.4)`, fix);
    }
  }
}

/**
 * Parses a stringMap annotation (`k1=v1,k2=v2`) the way the controller does: empty entries are skipped, every other
 * entry needs `=` and a key. An empty value is rejected too, since AWS refuses attributes without a value.
 */
export function parseStringMap(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf('=');
    if (i < 0) return undefined;
    const key = entry.slice(0, i).trim();
    const value = entry.slice(i + 1).trim();
    if (!key || !value) return undefined;
    out[key] = value;
  }
  return out;
}

function checkWafv2Arn(target: Obj, field: string, arn: string, f: Findings): void {
  const value = arn.trim();
  if (value === 'none') return;
  const m = WAFV2_ARN.exec(value);
  if (m?.[1] === 'regional') return;
  f.add('wafv2-acl-arn-format', target, field,
    m ? `'${value}' is a global (CloudFront) web ACL; an ALB can only use a regional one` : `'${value}' is not a WAFv2 web ACL ARN`,
    'use arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> of the ALB\'s region, or none to detach the ACL');
}

/** Load-balancer-level annotations the controller must parse before it builds the ALB. */
function checkLoadBalancerAnnotations(ing: Obj, ann: Record<string, string>, params: Obj | undefined, f: Findings): void {
  const waf = ann[`${ALB}wafv2-acl-arn`];
  if (waf !== undefined) checkWafv2Arn(ing, annotationField(`${ALB}wafv2-acl-arn`), waf, f);
  const paramsWaf = str(at(params?.raw.spec, 'wafv2AclArn'));
  if (params && paramsWaf !== undefined) checkWafv2Arn(params, 'spec.wafv2AclArn', paramsWaf, f);
  const attrs = ann[`${ALB}load-balancer-attributes`];
  if (attrs !== undefined && !parseStringMap(attrs)) {
    f.add('load-balancer-attributes-format', ing, annotationField(`${ALB}load-balancer-attributes`),
      `load-balancer-attributes '${attrs}' is not a list of key=value pairs separated by commas`,
      `write it as ${ALB}load-balancer-attributes: ${DROP_INVALID_HEADERS}=true,deletion_protection.enabled=true`);
  }
  checkAlbAnnotations(ing, annotationField, ann, f);
  // IngressClassParams settings take precedence over the Ingress annotations.
  const ipAddressType = str(at(params?.raw.spec, 'ipAddressType')) ?? ann[`${ALB}ip-address-type`] ?? 'ipv4';
  const cidrs = ann[`${ALB}inbound-cidrs`];
  if (cidrs !== undefined) checkInboundCidrs(ing, annotationField(`${ALB}inbound-cidrs`), cidrs.split(','), ipAddressType, f);
  const paramsCidrs = arr(at(params?.raw.spec, 'inboundCIDRs'));
  if (params && paramsCidrs.length) checkInboundCidrs(params, 'spec.inboundCIDRs', paramsCidrs.map((c) => String(c)), ipAddressType, f);
}

/**
 * target-group-attributes and tags, wherever the controller reads them for a target group: the Ingress, and the
 * backend Service (or the installer values that render it), whose annotations override the Ingress (A7).
 */
function checkAlbAnnotations(target: Obj, fieldOf: (key: string) => string, ann: Record<string, string>, f: Findings): void {
  const tga = ann[`${ALB}target-group-attributes`];
  if (tga !== undefined) checkTargetGroupAttributes(target, fieldOf(`${ALB}target-group-attributes`), tga, f);
  const tags = ann[`${ALB}tags`];
  if (tags !== undefined) checkTags(target, fieldOf(`${ALB}tags`), tags, f);
}

function checkTargetGroupAttributes(target: Obj, field: string, raw: string, f: Findings): void {
  const attrs = parseStringMap(raw);
  if (!attrs) {
    f.add('target-group-attributes-format', target, field, `target-group-attributes '${raw}' is not a list of key=value pairs separated by commas`,
      `write it as ${ALB}target-group-attributes: ${DEREGISTRATION_DELAY}=30`);
    return;
  }
  const delay = attrs[DEREGISTRATION_DELAY];
  if (delay !== undefined && parseDeregistrationDelay(delay) === undefined) {
    f.add('deregistration-delay-range', target, field, `${DEREGISTRATION_DELAY} '${delay}' is not a whole number of seconds from 0 to ${MAX_DEREGISTRATION_DELAY}: AWS rejects the target group`,
      `set ${DEREGISTRATION_DELAY} to a number of seconds from 0 to ${MAX_DEREGISTRATION_DELAY} (e.g. 30)`);
  }
}

/**
 * The deregistration delay of a backend's target group: target-group-attributes of the Service if it has it,
 * else of the Ingress, else AWS's 300 s. `seconds` is undefined when the annotation cannot be read.
 */
export function deregistrationDelay(b: AlbBackend): { seconds?: number; from: 'Ingress' | 'Service' | 'default' } {
  const key = `${ALB}target-group-attributes`;
  const raw = b.annotations[key];
  const attrs = raw === undefined ? {} : parseStringMap(raw);
  if (!attrs) return { from: b.service?.annotations[key] !== undefined ? 'Service' : 'Ingress' };
  const value = attrs[DEREGISTRATION_DELAY];
  if (value === undefined) return { seconds: DEFAULT_DEREGISTRATION_DELAY, from: 'default' };
  return { seconds: parseDeregistrationDelay(value), from: b.service?.annotations[key] !== undefined ? 'Service' : 'Ingress' };
}

function parseDeregistrationDelay(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= MAX_DEREGISTRATION_DELAY ? n : undefined;
}

/** AWS tag limits: keys of 1-128 characters outside the reserved `aws:` prefix, values of at most 256 (empty allowed). */
function checkTags(target: Obj, field: string, raw: string, f: Findings): void {
  const fix = `write it as ${ALB}tags: team=platform,environment=prod (keys up to 128 characters, not starting with aws:; values up to 256)`;
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf('=');
    const key = i < 0 ? '' : entry.slice(0, i).trim();
    const value = i < 0 ? '' : entry.slice(i + 1).trim();
    const problem = i < 0 || !key ? 'is not key=value'
      : /^aws:/i.test(key) ? 'uses the reserved aws: prefix'
        : key.length > 128 ? 'has a key longer than 128 characters'
          : value.length > 256 ? 'has a value longer than 256 characters' : undefined;
    if (problem) {
      f.add('tags-format', target, field, `tag '${entry}' ${problem}: the controller cannot tag the ALB and its target groups`, fix);
      return;
    }
  }
}

/** A CIDR as the controller parses it (Go's net.ParseCIDR): an IPv4 or IPv6 address without zone, and a prefix length. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const family = net.isIP(address);
  if (!family || address.includes('%') || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function checkInboundCidrs(target: Obj, field: string, cidrs: string[], ipAddressType: string, f: Findings): void {
  const listed = cidrs.map((c) => c.trim()).filter((c) => c);
  const bad = listed.filter((c) => !isCidr(c));
  if (bad.length) {
    f.add('inbound-cidrs-format', target, field, `${bad.map((c) => `'${c}'`).join(', ')} ${bad.length > 1 ? 'are not CIDRs' : 'is not a CIDR'}: the controller rejects the Ingress`,
      'list IPv4 or IPv6 CIDRs separated by commas, e.g. 203.0.113.0/24,2001:db8::/32');
    return;
  }
  // The controller refuses IPv6 source ranges for an IPv4-only ALB ("unsupported v6 cidr ... when lb is not dualstack").
  const v6 = listed.filter((c) => c.includes(':'));
  if (v6.length && !ipAddressType.startsWith('dualstack')) {
    f.add('inbound-cidrs-format', target, field,
      `${v6.map((c) => `'${c}'`).join(', ')} ${v6.length > 1 ? 'are IPv6 CIDRs' : 'is an IPv6 CIDR'}, but the ALB's ip-address-type is ${ipAddressType}: the controller rejects the Ingress`,
      `set ${ALB}ip-address-type: dualstack, or list only IPv4 CIDRs`);
  }
}

/**
 * Whether a backend's targets are, or may be, the gateway pods in the Ingress namespace: not when it selects
 * application pods or lives in another namespace (other rules report those).
 */
export function mayBeGateway(inv: Inventory, b: AlbBackend): boolean {
  if (!b.service) return !inv.servicesNamed(b.serviceName).length;
  const workloads = inv.workloadsOf(b.service);
  return !workloads.length || workloads.some((w) => w.gateway);
}

/** With ip targets the ALB registers pods directly; without the readiness gate a rollout can outpace registration. */
function checkReadinessGate(inv: Inventory, ing: Obj, f: Findings): void {
  const sources = inv.namespaceLabelSources(ing.namespace);
  // Only a namespace the manifests declare can be judged; otherwise its labels are set elsewhere.
  if (!sources.length || sources.some((s) => s.labels[READINESS_GATE_LABEL] === 'enabled')) return;
  const target = sources[0];
  f.add('readiness-gate-namespace', target.obj, target.field,
    `${ing.ref} targets the gateway pods by ip, but namespace ${ing.namespace} lacks ${READINESS_GATE_LABEL}=enabled: rollouts can outpace ALB registration (5xx)`,
    `label namespace ${ing.namespace} ${READINESS_GATE_LABEL}=enabled`);
}

/** An Exclusive annotation's value as the controller compares it: lists split and trimmed, subnets in any order. */
function exclusiveValue(key: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) && raw.every((x) => typeof x === 'string');
  if (typeof raw !== 'string' && !list) return JSON.stringify(raw);
  if (typeof raw === 'string' && !LIST_ANNOTATIONS.has(key)) return raw.trim();
  const items = (list ? (raw as string[]) : (raw as string).split(',')).map((x) => x.trim()).filter(Boolean);
  return (key === 'subnets' ? [...items].sort() : items).join(',');
}

/** IngressGroups: name and order syntax, and one value per Exclusive annotation across the group's Ingresses. */
function checkIngressGroups(inv: Inventory, ingresses: Obj[], f: Findings): void {
  const groups = new Map<string, { ing: Obj; params?: Obj }[]>();
  for (const ing of ingresses) {
    const ann = strMap(ing.raw.metadata?.annotations);
    const params = classParams(inv, ing);
    const pinned = str(at(params?.raw.spec, 'group.name'));
    const rawName = ann[`${ALB}group.name`];
    if (!pinned && rawName !== undefined) {
      if (!ALB_GROUP_NAME.pattern.test(rawName)) {
        f.add('group-name-format', ing, annotationField(`${ALB}group.name`),
          `group.name '${rawName}' is not a valid group name (at most 63 of a-z, 0-9, '-', '.', alphanumeric at both ends): the controller rejects the Ingress`,
          'rename the group with at most 63 lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit');
      } else {
        f.add('group-membership-unpinned', ing, annotationField(`${ALB}group.name`),
          `joins IngressGroup '${rawName}' by annotation: anyone allowed to edit Ingresses can join it and add rules to this ALB`,
          'pin the group in the IngressClassParams (spec.group.name, with spec.namespaceSelector) instead of the annotation');
      }
    }
    const rawOrder = ann[`${ALB}group.order`];
    if (rawOrder !== undefined && (!/^[+-]?\d+$/.test(rawOrder.trim()) || Math.abs(Number(rawOrder)) > 1000)) {
      f.add('group-order-range', ing, annotationField(`${ALB}group.order`), `group.order '${rawOrder}' is not an integer from -1000 to 1000`,
        `set ${ALB}group.order to an integer from -1000 to 1000 (lower is evaluated first)`);
    }
    const name = pinned ?? rawName;
    if (name) append(groups, name, { ing, params });
  }
  for (const [name, members] of groups) {
    if (members.length < 2) continue;
    const conflict = (annotation: string, what: string, set: { ing: Obj; value: string }[]) => {
      const byValue = new Map<string, Obj[]>();
      for (const m of set) append(byValue, m.value, m.ing);
      if (byValue.size < 2) return;
      // Each finding names at most a few of the other values, so a large group costs linear time, not quadratic.
      const sample = [...byValue].slice(0, 3).map(([value, ings]) => `'${value}' on ${ings[0].ref}${ings.length > 1 ? ` (+${ings.length - 1} more)` : ''}`);
      for (const m of set) {
        const shown = [...byValue.keys()].slice(0, 3);
        const others = sample.filter((_, i) => shown[i] !== m.value).join(', ') + (byValue.size > 3 ? `, +${byValue.size - 3} more values` : '');
        f.add('group-exclusive-conflict', m.ing, annotationField(`${ALB}${annotation}`),
          `${what} is '${m.value}' here but ${others} in IngressGroup '${name}': the controller stops reconciling the whole group`,
          `set the same ${what} on every Ingress of the group, or on one Ingress only`);
      }
    };
    for (const [key, paramsField] of Object.entries(EXCLUSIVE_ANNOTATIONS)) {
      const set: { ing: Obj; value: string }[] = [];
      for (const { ing, params } of members) {
        // An IngressClassParams value replaces the annotation for every Ingress of that class.
        const fromParams = paramsField ? at(params?.raw.spec, paramsField) : undefined;
        const value = exclusiveValue(key, fromParams ?? strMap(ing.raw.metadata?.annotations)[`${ALB}${key}`]);
        if (value !== undefined) set.push({ ing, value });
      }
      conflict(key, key, set);
    }
    // load-balancer-attributes merge per key; a key the IngressClassParams set resolves the conflict.
    const byKey = new Map<string, { ing: Obj; value: string }[]>();
    for (const { ing, params } of members) {
      const attrs = parseStringMap(strMap(ing.raw.metadata?.annotations)[`${ALB}load-balancer-attributes`] ?? '') ?? {};
      const pinnedKeys = new Set(arr(at(params?.raw.spec, 'loadBalancerAttributes')).map((a) => str(rec(a).key)));
      for (const [k, v] of Object.entries(attrs)) if (!pinnedKeys.has(k)) append(byKey, k, { ing, value: v });
    }
    for (const [k, set] of byKey) conflict('load-balancer-attributes', `load-balancer-attributes key ${k}`, set);
  }
}

function checkClass(inv: Inventory, ing: Obj, ann: Record<string, string>, f: Findings): void {
  const className = str(at(ing.raw.spec, 'ingressClassName'));
  const annotated = ann[CLASS_ANNOTATION];
  const field = annotationField(CLASS_ANNOTATION);
  if (className && annotated !== undefined) {
    f.add('ingress-class-conflict', ing, field, `both spec.ingressClassName '${className}' and ${CLASS_ANNOTATION} '${annotated}' are set; the API server rejects this`,
      `remove the ${CLASS_ANNOTATION} annotation and keep spec.ingressClassName: alb`);
  } else if (annotated !== undefined) {
    f.add('ingress-class-annotation', ing, field, `uses the deprecated ${CLASS_ANNOTATION} annotation, which the controller can be told to ignore`,
      `replace the annotation with spec.ingressClassName: alb`);
  } else if (!className) {
    const defaultClass = inv.memo('albDefaultClass', () => inv.of('IngressClass', 'networking.k8s.io').some((ic) => strMap(ic.raw.metadata?.annotations)['ingressclass.kubernetes.io/is-default-class'] === 'true'
      && str(at(ic.raw.spec, 'controller')) === 'ingress.k8s.aws/alb'));
    if (!defaultClass) {
      f.add('ingress-class-missing', ing, 'spec.ingressClassName', 'Ingress carries alb.* annotations but names no ingress class, so no controller may reconcile it',
        'set spec.ingressClassName: alb');
    }
  }
}

function checkBackend(inv: Inventory, ing: Obj, b: AlbBackend, targetType: string, f: Findings): void {
  const ann = b.annotations;
  const svc = b.service;
  if (!svc) {
    const elsewhere = inv.servicesNamed(b.serviceName);
    if (elsewhere.length) {
      f.add('ingress-namespace', ing, `${b.field}.service.name`,
        `backend Service '${b.serviceName}' is in namespace ${elsewhere.map((s) => s.namespace).join(', ')}, not in the Ingress namespace ${ing.namespace}`,
        `move the Ingress to metadata.namespace: ${elsewhere[0].namespace} (an Ingress can only reach Services of its own namespace)`);
    } else {
      f.add('not-verifiable', ing, `${b.field}.service.name`, `backend Service ${ing.namespace}/${b.serviceName} is not in the manifests`,
        'check it exists in the cluster, or include it in the checked manifests', { missing: true, istioCode: null });
    }
    return;
  }
  if (!b.servicePort) {
    f.add('ingress-backend-port', ing, `${b.field}.service.port`,
      `port ${JSON.stringify(b.port)} is not a port of ${svc.ref} (ports: ${svc.ports.map((p) => p.name ? `${p.name}/${p.port}` : String(p.port)).join(', ') || 'none'})`,
      `set the backend port to the Service's HTTPS port (e.g. number: 443)`);
  }
  const svcTarget = svc.obj ?? svc.installer;
  if (svcTarget) {
    const fieldOf = (key: string) => (svc.obj || !svc.annotationsField ? annotationField(key) : `${svc.annotationsField}['${key}']`);
    checkAlbAnnotations(svcTarget, fieldOf, svc.annotations, f);
  }
  if (svc.obj) {
    const own = Object.keys(svc.annotations).filter((k) => k.startsWith(ALB) && strMap(ing.raw.metadata?.annotations)[k] !== svc.annotations[k]);
    if (own.length) {
      f.add('service-alb-annotations', svc.obj, annotationField(own[0]), `${own.join(', ')} on the Service override the Ingress ${ing.ref}`,
        'keep alb.* annotations on the Ingress only');
    }
  }
  if (targetType === 'instance' && svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') {
    f.add('target-type-service-type', ing, annotationField(`${ALB}target-type`), `target-type instance needs a NodePort Service, but ${svc.ref} is ${svc.type}`,
      `set ${ALB}target-type: ip (works with ClusterIP), or make the gateway Service NodePort`);
  }
  const workloads = inv.workloadsOf(svc);
  const isGateway = workloads.some((w) => w.gateway);
  if (workloads.length && !isGateway) {
    // Straight to application pods is the plain ALB design; only pods in the mesh answer it with 502.
    if (!meshNamespace(inv, svc.namespace)) return;
    f.add('ingress-backend-gateway', ing, `${b.field}.service.name`, `${svc.ref} selects application pods, not the Istio ingress gateway: the ALB bypasses the gateway and STRICT mTLS answers 502`,
      'point the backend at the ingress gateway Service (e.g. istio-ingressgateway, port 443)');
    return;
  }

  // Protocol the ALB speaks to the target versus what the port serves.
  const protocol = (ann[`${ALB}backend-protocol`] ?? 'HTTP').toUpperCase();
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    f.add('alb-annotation-invalid', ing, annotationField(`${ALB}backend-protocol`), `backend-protocol '${protocol}' is neither HTTP nor HTTPS`, `set ${ALB}backend-protocol: HTTPS`);
  }
  const version = ann[`${ALB}backend-protocol-version`];
  if (version?.toUpperCase() === 'GRPC') {
    f.add('backend-protocol-version', ing, annotationField(`${ALB}backend-protocol-version`), 'GRPC target groups need a gRPC health check, which the gateway does not serve',
      `remove ${ALB}backend-protocol-version (HTTP1 default) or set HTTP2`);
  }
  if (b.servicePort && isGateway) {
    const speaks = portSpeaks(inv, svc, b.servicePort);
    if (speaks === 'tls' && protocol === 'HTTP') {
      f.add('backend-protocol', ing, annotationField(`${ALB}backend-protocol`), `the ALB sends plain HTTP to ${svc.name}:${b.servicePort.port}, where the gateway expects TLS`,
        `set ${ALB}backend-protocol: HTTPS`);
    } else if (speaks === 'plain' && protocol === 'HTTPS') {
      f.add('backend-protocol', ing, `${b.field}.service.port`, `the ALB opens TLS to ${svc.name}:${b.servicePort.port}, which serves plain HTTP: the handshake fails (502)`,
        `route traffic to the gateway's HTTPS port (443), not to port ${b.servicePort.port}`);
    }
  }
  if (isGateway || !workloads.length) checkHealth(ing, b, svc, targetType, protocol, f);
}

function checkHealth(ing: Obj, b: AlbBackend, svc: ServiceInfo, targetType: string, protocol: string, f: Findings): void {
  const ann = b.annotations;
  const portKey = `${ALB}healthcheck-port`;
  const rawPort = ann[portKey];
  const fix = `set ${portKey}: status-port, ${ALB}healthcheck-protocol: HTTP, ${ALB}healthcheck-path: ${HEALTH_PATH}`;
  const status = svc.ports.find((p) => p.name === 'status-port') ?? svc.ports.find((p) => p.port === STATUS_PORT || p.targetPort === STATUS_PORT);
  let portOk = false;
  if (rawPort === undefined || rawPort === 'traffic-port') {
    f.add('health-check-port', ing, annotationField(portKey),
      `${rawPort === undefined ? 'no healthcheck-port, so the controller probes traffic-port' : 'healthcheck-port traffic-port probes the traffic port'}, which does not serve ${HEALTH_PATH}: every target stays unhealthy`, fix);
  } else if (/^\d+$/.test(rawPort)) {
    const n = Number(rawPort);
    if (targetType === 'instance') {
      f.add('health-check-port', ing, annotationField(portKey), `numeric healthcheck-port ${n} with instance targets probes port ${n} on the node, where nothing listens`, fix);
    } else if (status && typeof status.targetPort === 'number' && status.targetPort !== n) {
      f.add('health-check-port', ing, annotationField(portKey), `healthcheck-port ${n} is not the gateway status port (${status.targetPort})`, fix);
    } else if (!status && n !== STATUS_PORT) {
      f.add('health-check-port', ing, annotationField(portKey), `healthcheck-port ${n} is not the gateway status port (${STATUS_PORT})`, fix);
    } else portOk = true;
  } else {
    const named = svc.ports.find((p) => p.name === rawPort);
    if (!named && svc.ports.length) {
      f.add('health-check-port', ing, annotationField(portKey), `healthcheck-port '${rawPort}' is not a port name of ${svc.ref}`, fix);
    } else if (named && named !== status) {
      f.add('health-check-port', ing, annotationField(portKey), `healthcheck-port '${rawPort}' is not the gateway status port`, fix);
    } else if (named && targetType === 'ip' && typeof named.targetPort === 'string') {
      f.add('health-check-port', ing, annotationField(portKey), `with ip targets a named healthcheck-port needs a numeric targetPort, but '${rawPort}' targets '${named.targetPort}'`,
        `set targetPort: ${STATUS_PORT} on the Service's status-port`);
    } else portOk = true;
  }
  if (!portOk) return;
  const hcProtocol = (ann[`${ALB}healthcheck-protocol`] ?? protocol).toUpperCase();
  if (hcProtocol !== 'HTTP') {
    f.add('health-check-protocol', ing, annotationField(`${ALB}healthcheck-protocol`),
      `${ann[`${ALB}healthcheck-protocol`] ? '' : 'no healthcheck-protocol: it defaults to the backend protocol, '}${hcProtocol} against the plain-HTTP status port fails`, fix);
  }
  const path = ann[`${ALB}healthcheck-path`] ?? defaultHealthPath(ann);
  if (path !== HEALTH_PATH) {
    f.add('health-check-path', ing, annotationField(`${ALB}healthcheck-path`), `healthcheck-path '${path}' is not the gateway readiness endpoint ${HEALTH_PATH}`, fix);
  }
}

/**
 * LoadBalancer Services next to an ALB: a gateway one the ALB targets gets its own load balancer next to the ALB,
 * an application one in the mesh bypasses ALB and gateway. A gateway no ALB targets may well be fronted by its NLB.
 */
export function checkLoadBalancerServices(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  if (!albs.length) return;
  const behindAlb = new Set(albGatewayWorkloads(inv, albs));
  for (const svc of inv.services) {
    if (svc.type !== 'LoadBalancer') continue;
    const target = svc.obj ?? svc.installer;
    if (!target) continue;
    const field = svc.obj ? 'spec.type' : svc.installer?.kind === 'Application' ? 'spec.source.helm.valuesObject.service.type' : 'spec';
    const workloads = inv.workloadsOf(svc);
    if (workloads.some((w) => w.gateway)) {
      if (!workloads.some((w) => behindAlb.has(w))) continue;
      f.add('service-load-balancer', target, field, `gateway ${svc.ref}${svc.obj ? '' : ` (${svc.origin})`} is type LoadBalancer: it gets a load balancer of its own next to the ALB`,
        'set the gateway Service type to NodePort (instance targets) or ClusterIP (ip targets)');
    } else if (meshNamespace(inv, svc.namespace)) {
      f.add('service-load-balancer', target, field, `${svc.ref} is type LoadBalancer: it exposes the workload directly, bypassing the ALB and the Istio gateway`,
        'set type: ClusterIP and reach it through the gateway and a VirtualService');
    }
  }
}
