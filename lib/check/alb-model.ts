/**
 * The ALB the load balancer controller builds from the manifests: which Ingresses it reconciles, their listeners,
 * redirect, certificates, TLS policy and target groups (backends), and which gateways they reach. No findings here:
 * the rules (alb-*.ts) read this model.
 */
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  gatewayServersOnPort,
  gatewaysOfService,
  isTlsServer,
  serviceServersOnPort,
  workloadsOfGateway,
} from './mesh-model';
import { ServiceInfo, ServicePortInfo, WorkloadInfo } from './services-workloads';
import { annotationField, arr, at, isRec, rec, str, strMap, unique } from './util';
import { GATEWAY_STATUS_PORT as STATUS_PORT } from '../ports';

export const ALB = 'alb.ingress.kubernetes.io/';
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** What the controller uses when no ssl-policy is set. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';
const ACM_ARN =
  /^arn:aws(?:-cn|-us-gov)?:acm:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An IAM server certificate, which a listener accepts too; IAM is global, so it has no region. */
const IAM_SERVER_CERTIFICATE_ARN =
  /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:server-certificate\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,128}$/;

/** What the controller uses for a gRPC target group's health check when healthcheck-path is not set. */
const GRPC_HEALTH_PATH = '/AWS.ALB/healthcheck';
export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';

/** What a target group waits for in-flight requests when target-group-attributes does not say (AWS default). */
export const DEFAULT_DEREGISTRATION_DELAY = 300;
export const MAX_DEREGISTRATION_DELAY = 3600;
export const DROP_INVALID_HEADERS = 'routing.http.drop_invalid_header_fields.enabled';

/** The region of a listener certificate ARN; '' for an IAM server certificate; undefined when it is neither. */
function certificateRegion(arn: string): string | undefined {
  if (IAM_SERVER_CERTIFICATE_ARN.test(arn)) return '';
  return ACM_ARN.exec(arn)?.[1];
}

/** The health-check path the controller uses when healthcheck-path is not set: gRPC target groups have their own. */
export function defaultHealthPath(ann: Record<string, string>): string {
  return ann[`${ALB}backend-protocol-version`]?.toUpperCase() === 'GRPC' ? GRPC_HEALTH_PATH : '/';
}

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

/** A listener certificate ARN, where it is written, and what the controller makes of it. */
export interface CertificateArn {
  readonly arn: string;
  /** The Ingress (certificate-arn annotation) or its IngressClassParams (spec.certificateArn). */
  readonly obj: Obj;
  readonly field: string;
  readonly from: 'annotation' | 'params';
  /** The region of the ARN: '' for an IAM server certificate, undefined when it is no certificate ARN. */
  readonly region: string | undefined;
  /** Certificate ARNs separated by line breaks instead of commas: the controller reads them as one ARN. */
  readonly lineSeparated: boolean;
}

export interface AlbIngress {
  readonly obj: Obj;
  /** The Ingress's annotations. */
  readonly annotations: Record<string, string>;
  /** The IngressClassParams of the Ingress's class, whose settings take precedence over the annotations. */
  readonly params?: Obj;
  readonly listeners: Listener[];
  /** listen-ports as written when the controller cannot parse it; the listeners are then the default ones. */
  readonly invalidListenPorts?: string;
  readonly redirect: 'annotation' | 'legacy-action' | 'none';
  /** ssl-redirect as written: the annotation, else the IngressClassParams sslRedirectPort. */
  readonly sslRedirect?: string;
  /** The two halves of the v2.0 redirect: an actions.ssl-redirect annotation, and a use-annotation backend naming it. */
  readonly redirectAction: boolean;
  readonly redirectBackend: boolean;
  readonly certificateArns: string[];
  readonly certificates: CertificateArn[];
  /** Where the HTTPS listener's certificates come from; none without an HTTPS listener, or with one and nothing to use. */
  readonly certificateFrom: 'annotation' | 'params' | 'discovery' | 'none';
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
  const className =
    str(at(ing.raw.spec, 'ingressClassName')) ?? strMap(ing.raw.metadata?.annotations)[CLASS_ANNOTATION];
  if (!className) return undefined;
  const params = rec(at(inv.find('IngressClass', '', className)?.raw.spec, 'parameters'));
  const name = str(params.name);
  return name && str(params.kind) === 'IngressClassParams' ? inv.find('IngressClassParams', '', name) : undefined;
}

/** The IngressGroup an Ingress joins (IngressClassParams first, then the annotation), if any. */
export function groupName(inv: Inventory, ing: Obj): string | undefined {
  return (
    str(at(classParams(inv, ing)?.raw.spec, 'group.name')) ?? strMap(ing.raw.metadata?.annotations)[`${ALB}group.name`]
  );
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
  const tlsHosts = arr(at(ing.raw.spec, 'tls'))
    .flatMap((t) => arr(rec(t).hosts))
    .filter((h): h is string => typeof h === 'string');
  if (tlsHosts.length) return tlsHosts;
  return arr(at(ing.raw.spec, 'rules'))
    .map((r) => str(rec(r).host))
    .filter((h): h is string => !!h);
}

function backendsOf(inv: Inventory, ing: Obj, ann: Record<string, string>): AlbBackend[] {
  const out: AlbBackend[] = [];
  // The merged annotations once per Service, not per backend: an Ingress may have many hosts and many annotations.
  const merged = new Map<ServiceInfo | undefined, Record<string, string>>();
  const annotationsFor = (service: ServiceInfo | undefined) => {
    let m = merged.get(service);
    if (!m) {
      const svcAlb = Object.entries(service?.annotations ?? {}).filter(([k]) => k.startsWith(ALB));
      merged.set(service, (m = svcAlb.length ? { ...ann, ...Object.fromEntries(svcAlb) } : ann));
    }
    return m;
  };
  const add = (host: string, path: string, field: string, hostField: string, backend: unknown) => {
    const svc = rec(at(backend, 'service'));
    const serviceName = str(svc.name);
    if (!serviceName) return;
    const portRec = rec(svc.port);
    const port = typeof portRec.number === 'number' ? portRec.number : str(portRec.name);
    if (port === 'use-annotation') return; // an ALB action, not a Service
    const service = inv.service(ing.namespace, serviceName);
    const servicePort = service?.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    out.push({
      host,
      path,
      field,
      hostField,
      serviceName,
      port,
      service,
      servicePort,
      annotations: annotationsFor(service),
    });
  };
  arr(at(ing.raw.spec, 'rules')).forEach((r, i) => {
    const host = str(rec(r).host) ?? '*';
    arr(at(r, 'http.paths')).forEach((p, j) => {
      add(
        host,
        str(rec(p).path) ?? '/',
        `spec.rules[${i}].http.paths[${j}].backend`,
        `spec.rules[${i}].host`,
        rec(p).backend,
      );
    });
  });
  if (isRec(at(ing.raw.spec, 'defaultBackend')))
    add('*', '(default)', 'spec.defaultBackend', 'spec.defaultBackend', at(ing.raw.spec, 'defaultBackend'));
  return out;
}

/** The Ingresses the load balancer controller reconciles, in input order, as the ALB it builds from each. */
export function albIngresses(inv: Inventory): AlbIngress[] {
  return inv
    .of('Ingress', 'networking.k8s.io')
    .filter((ing) => isAlbIngress(inv, ing))
    .map((ing) => albIngress(inv, ing));
}

function albIngress(inv: Inventory, ing: Obj): AlbIngress {
  const ann = strMap(ing.raw.metadata?.annotations);
  const params = classParams(inv, ing);
  const pspec = rec(params?.raw.spec);

  // Listeners and redirect.
  const certRaw = ann[`${ALB}certificate-arn`];
  const paramArns = arr(pspec.certificateArn).filter((a): a is string => typeof a === 'string');
  const hasTls = arr(at(ing.raw.spec, 'tls')).length > 0;
  let listeners: Listener[] =
    certRaw || paramArns.length || hasTls ? [{ protocol: 'HTTPS', port: 443 }] : [{ protocol: 'HTTP', port: 80 }];
  const lpRaw = ann[`${ALB}listen-ports`];
  const parsed = lpRaw === undefined ? undefined : parseListenPorts(lpRaw);
  if (parsed) listeners = parsed;
  const invalidListenPorts = lpRaw !== undefined && !parsed ? lpRaw : undefined;
  const hasHttps = listeners.some((l) => l.protocol === 'HTTPS');
  const sslRedirect = ann[`${ALB}ssl-redirect`] ?? str(pspec.sslRedirectPort);
  // The controller reads actions.<name> only for a backend {service.name: <name>, port.name: use-annotation}; a
  // referenced action without its annotation becomes a fixed 503. Either half alone redirects nothing.
  const redirectAction = ann[`${ALB}actions.ssl-redirect`] !== undefined;
  const redirectBackend = arr(at(ing.raw.spec, 'rules')).some((r) =>
    arr(at(r, 'http.paths')).some(
      (p) =>
        str(at(p, 'backend.service.port.name')) === 'use-annotation' &&
        str(at(p, 'backend.service.name')) === 'ssl-redirect',
    ),
  );
  // A wrong ssl-redirect port is its own error (the controller rejects the Ingress), not a plaintext listener.
  const redirect =
    sslRedirect !== undefined ? 'annotation' : redirectAction && redirectBackend ? 'legacy-action' : 'none';

  // Certificates.
  let certificateArns: string[] = [];
  const certificates: CertificateArn[] = [];
  let certificateFrom: AlbIngress['certificateFrom'] = 'none';
  let certificateSource = 'none';
  if (certRaw !== undefined) {
    const field = annotationField(`${ALB}certificate-arn`);
    // The controller splits on commas and trims each part, so a | block or line breaks after commas are fine;
    // ARNs separated by line breaks alone stay one part, which no certificate matches.
    certificateArns = certRaw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const arn of certificateArns) {
      const region = certificateRegion(arn);
      const lineSeparated =
        region === undefined && /\s/.test(arn) && arn.split(/\s+/).every((a) => certificateRegion(a) !== undefined);
      certificates.push({ arn, obj: ing, field, from: 'annotation', region, lineSeparated });
    }
    certificateFrom = 'annotation';
    certificateSource = `ACM ${certificateArns.join(', ')}`;
  } else if (paramArns.length && params) {
    certificateArns = paramArns;
    paramArns.forEach((arn, i) => {
      certificates.push({
        arn,
        obj: params,
        field: `spec.certificateArn[${i}]`,
        from: 'params',
        region: certificateRegion(arn.trim()),
        lineSeparated: false,
      });
    });
    certificateFrom = 'params';
    certificateSource = `ACM ${paramArns.join(', ')} (from ${params.ref})`;
  } else if (hasHttps) {
    const hosts = discoveryHosts(ing);
    if (hosts.length) {
      certificateFrom = 'discovery';
      certificateSource = `ACM, discovered for ${hosts.join(', ')}`;
    }
  }
  const invalidCertificate =
    certificates.some((c) => c.region === undefined) || (hasHttps && certificateFrom === 'none');

  // TLS policy: the IngressClassParams value wins over the annotation.
  const sslPolicy = str(pspec.sslPolicy) ?? ann[`${ALB}ssl-policy`];
  const sslPolicyFrom = params && pspec.sslPolicy ? params.ref : sslPolicy ? 'annotation' : 'controller default';
  const targetType = str(pspec.targetType) ?? ann[`${ALB}target-type`] ?? 'instance';
  return {
    obj: ing,
    annotations: ann,
    params,
    listeners,
    invalidListenPorts,
    redirect,
    sslRedirect,
    redirectAction,
    redirectBackend,
    certificateArns,
    certificates,
    certificateFrom,
    certificateSource,
    invalidCertificate,
    sslPolicy,
    sslPolicyFrom,
    targetType,
    backends: backendsOf(inv, ing, ann),
  };
}

/** What a gateway Service port speaks: the status port is plain HTTP, other ports follow the Gateway servers on them. */
export function portSpeaks(inv: Inventory, svc: ServiceInfo, sp: ServicePortInfo): 'tls' | 'plain' | 'unknown' {
  if (sp.name === 'status-port' || sp.port === STATUS_PORT) return 'plain';
  const servers = serviceServersOnPort(inv, svc, sp.port);
  if (servers.some(isTlsServer)) return 'tls';
  if (servers.length) return 'plain';
  return 'unknown';
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

/**
 * Gateways an ALB reaches: those selecting a gateway workload behind an ALB backend and, for a backend Service that
 * is not in the manifests, those with a server on the backend's port number. None without an ALB.
 */
export function gatewaysBehindAlb(inv: Inventory, albs: AlbIngress[]): Obj[] {
  const picked: Obj[] = [];
  const unresolvedPorts = new Set<number>();
  // Each Service once: its Gateways are the same for every backend (host) that names it.
  const services = new Set<ServiceInfo>();
  for (const b of albs.flatMap((a) => a.backends)) {
    if (b.service) {
      if (services.has(b.service)) continue;
      services.add(b.service);
      for (const gw of gatewaysOfService(inv, b.service)) picked.push(gw);
    } else if (typeof b.port === 'number' && !inv.servicesNamed(b.serviceName).length) unresolvedPorts.add(b.port);
  }
  for (const port of unresolvedPorts) for (const s of gatewayServersOnPort(inv, port)) picked.push(s.gateway);
  return inv.inOrder(picked);
}

/** Gateway workloads an ALB reaches: behind an ALB backend, or selected by a Gateway behind one. */
export function albGatewayWorkloads(inv: Inventory, albs: AlbIngress[]): WorkloadInfo[] {
  const direct = albs
    .flatMap((a) => a.backends)
    .flatMap((b) => (b.service ? inv.workloadsOf(b.service) : []))
    .filter((w) => w.gateway);
  return unique([...direct, ...gatewaysBehindAlb(inv, albs).flatMap((gw) => workloadsOfGateway(inv, gw))]);
}

/**
 * Parses a stringMap annotation (`k1=v1,k2=v2`) the way the controller does: empty entries are skipped, every other
 * entry needs `=` and a key. An empty value is rejected too, since AWS refuses attributes without a value.
 */
export function parseStringMap(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const i = entry.indexOf('=');
    if (i < 0) return undefined;
    const key = entry.slice(0, i).trim();
    const value = entry.slice(i + 1).trim();
    if (!key || !value) return undefined;
    out[key] = value;
  }
  return out;
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
  return {
    seconds: parseDeregistrationDelay(value),
    from: b.service?.annotations[key] !== undefined ? 'Service' : 'Ingress',
  };
}

export function parseDeregistrationDelay(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= MAX_DEREGISTRATION_DELAY ? n : undefined;
}
