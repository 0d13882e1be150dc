/**
 * The targets behind an ALB: each backend's Service and port, the protocol the ALB speaks to it, its health check, the
 * pod readiness gate for ip targets, and LoadBalancer Services that bypass the ALB or duplicate it.
 */
import { checkAlbAnnotations } from './alb-annotations';
import { ALB, AlbBackend, AlbIngress, albGatewayWorkloads, defaultHealthPath, portSpeaks } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { gatewayServersOnPort, isTlsServer, meshNamespace } from './mesh-model';
import { ServiceInfo } from './services-workloads';
import { annotationField, strMap } from './util';
import { GATEWAY_HEALTH_PATH as HEALTH_PATH, GATEWAY_STATUS_PORT as STATUS_PORT } from '../ports';

const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/**
 * The gateway Service is installed elsewhere (Istio's chart), so its port is matched by number to the servers of the
 * Istio Gateways in the manifests, as the traffic path does: plain HTTP to a TLS server is the plaintext hop the
 * verdict reports, and an error here too.
 */
function checkProtocolByPort(inv: Inventory, ing: Obj, b: AlbBackend, f: Findings): void {
  if (typeof b.port !== 'number') return;
  const servers = gatewayServersOnPort(inv, b.port);
  if (servers.length === 0) return;
  const matched = {
    server: servers[0].gateway.ref,
    note: ' (matched by port: the gateway Service is not in the manifests)',
  };
  reportProtocolMismatch(ing, b, servers.some(isTlsServer) ? 'tls' : 'plain', `${b.serviceName}:${b.port}`, f, matched);
}

/** The protocol the ALB speaks to the targets: the annotation, HTTP by default. */
const backendProtocol = (b: AlbBackend) => (b.annotations[`${ALB}backend-protocol`] ?? 'HTTP').toUpperCase();

/** Plain HTTP to a TLS port, or TLS to a plain one. */
function reportProtocolMismatch(
  ing: Obj,
  b: AlbBackend,
  speaks: 'tls' | 'plain' | 'unknown',
  target: string,
  f: Findings,
  { server = 'the gateway', note = '' } = {},
): void {
  const protocol = backendProtocol(b);
  if (speaks === 'tls' && protocol === 'HTTP') {
    f.add(
      'backend-protocol',
      ing,
      annotationField(`${ALB}backend-protocol`),
      `the ALB sends plain HTTP to ${target}, where ${server} expects TLS${note}`,
      `set ${ALB}backend-protocol: HTTPS`,
    );
  } else if (speaks === 'plain' && protocol === 'HTTPS') {
    f.add(
      'backend-protocol',
      ing,
      `${b.field}.service.port`,
      `the ALB opens TLS to ${target}, which serves plain HTTP: the handshake fails (502)${note}`,
      `route traffic to the gateway's HTTPS port (443), not to port ${target.split(':').pop()}`,
    );
  }
}

export function checkBackend(inv: Inventory, ing: Obj, b: AlbBackend, targetType: string, f: Findings): void {
  const ann = b.annotations;
  const svc = b.service;
  if (!svc) {
    const elsewhere = inv.servicesNamed(b.serviceName);
    if (elsewhere.length) {
      f.add(
        'ingress-namespace',
        ing,
        `${b.field}.service.name`,
        `backend Service '${b.serviceName}' is in namespace ${elsewhere.map((s) => s.namespace).join(', ')}, not in the Ingress namespace ${ing.namespace}`,
        `move the Ingress to metadata.namespace: ${elsewhere[0].namespace} (an Ingress can only reach Services of its own namespace)`,
      );
    } else {
      checkProtocolByPort(inv, ing, b, f);
      f.add(
        'not-verifiable',
        ing,
        `${b.field}.service.name`,
        `backend Service ${ing.namespace}/${b.serviceName} is not in the manifests`,
        'check it exists in the cluster, or include it in the checked manifests',
        { missing: true, istioCode: null },
      );
    }
    return;
  }
  if (!b.servicePort) {
    f.add(
      'ingress-backend-port',
      ing,
      `${b.field}.service.port`,
      `port ${JSON.stringify(b.port)} is not a port of ${svc.ref} (ports: ${svc.ports.map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port))).join(', ') || 'none'})`,
      `set the backend port to the Service's HTTPS port (e.g. number: 443)`,
    );
  }
  const svcTarget = svc.obj ?? svc.installer;
  if (svcTarget) {
    const fieldOf = (key: string) =>
      svc.obj || !svc.annotationsField ? annotationField(key) : `${svc.annotationsField}['${key}']`;
    // Once per Service, not per backend: every host of the gateway's Ingresses names the same Service.
    inv.memoOn(svc, 'albAnnotationsChecked', () => checkAlbAnnotations(svcTarget, fieldOf, svc.annotations, f));
  }
  if (svc.obj) {
    const ingAnnotations = strMap(ing.raw.metadata?.annotations);
    const own = Object.keys(svc.annotations).filter(
      (k) => k.startsWith(ALB) && ingAnnotations[k] !== svc.annotations[k],
    );
    if (own.length) {
      f.add(
        'service-alb-annotations',
        svc.obj,
        annotationField(own[0]),
        `${own.join(', ')} on the Service override the Ingress ${ing.ref}`,
        'keep alb.* annotations on the Ingress only',
      );
    }
  }
  if (targetType === 'instance' && svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') {
    f.add(
      'target-type-service-type',
      ing,
      annotationField(`${ALB}target-type`),
      `target-type instance needs a NodePort Service, but ${svc.ref} is ${svc.type}`,
      `set ${ALB}target-type: ip (works with ClusterIP), or make the gateway Service NodePort`,
    );
  }
  const workloads = inv.workloadsOf(svc);
  const isGateway = workloads.some((w) => w.gateway);
  if (workloads.length && !isGateway) {
    // Straight to application pods is the plain ALB design; only pods in the mesh answer it with 502.
    if (!meshNamespace(inv, svc.namespace)) return;
    f.add(
      'ingress-backend-gateway',
      ing,
      `${b.field}.service.name`,
      `${svc.ref} selects application pods, not the Istio ingress gateway: the ALB bypasses the gateway and STRICT mTLS answers 502`,
      'point the backend at the ingress gateway Service (e.g. istio-ingressgateway, port 443)',
    );
    return;
  }

  // Protocol the ALB speaks to the target versus what the port serves.
  const protocol = backendProtocol(b);
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    f.add(
      'alb-annotation-invalid',
      ing,
      annotationField(`${ALB}backend-protocol`),
      `backend-protocol '${protocol}' is neither HTTP nor HTTPS`,
      `set ${ALB}backend-protocol: HTTPS`,
    );
  }
  const version = ann[`${ALB}backend-protocol-version`];
  if (version?.toUpperCase() === 'GRPC') {
    f.add(
      'backend-protocol-version',
      ing,
      annotationField(`${ALB}backend-protocol-version`),
      'GRPC target groups need a gRPC health check, which the gateway does not serve',
      `remove ${ALB}backend-protocol-version (HTTP1 default) or set HTTP2`,
    );
  }
  if (b.servicePort && isGateway) {
    reportProtocolMismatch(ing, b, portSpeaks(inv, svc, b.servicePort), `${svc.name}:${b.servicePort.port}`, f);
  }
  if (isGateway || !workloads.length) checkHealth(ing, b, svc, targetType, protocol, f);
}

function checkHealth(
  ing: Obj,
  b: AlbBackend,
  svc: ServiceInfo,
  targetType: string,
  protocol: string,
  f: Findings,
): void {
  const ann = b.annotations;
  const portKey = `${ALB}healthcheck-port`;
  const rawPort = ann[portKey];
  const fix = `set ${portKey}: status-port, ${ALB}healthcheck-protocol: HTTP, ${ALB}healthcheck-path: ${HEALTH_PATH}`;
  const status =
    svc.ports.find((p) => p.name === 'status-port') ??
    svc.ports.find((p) => p.port === STATUS_PORT || p.targetPort === STATUS_PORT);
  let portOk = false;
  if (rawPort === undefined || rawPort === 'traffic-port') {
    f.add(
      'health-check-port',
      ing,
      annotationField(portKey),
      `${rawPort === undefined ? 'no healthcheck-port, so the controller probes traffic-port' : 'healthcheck-port traffic-port probes the traffic port'}, which does not serve ${HEALTH_PATH}: every target stays unhealthy`,
      fix,
    );
  } else if (/^\d+$/.test(rawPort)) {
    const n = Number(rawPort);
    if (targetType === 'instance') {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `numeric healthcheck-port ${n} with instance targets probes port ${n} on the node, where nothing listens`,
        fix,
      );
    } else if (status && typeof status.targetPort === 'number' && status.targetPort !== n) {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `healthcheck-port ${n} is not the gateway status port (${status.targetPort})`,
        fix,
      );
    } else if (!status && n !== STATUS_PORT) {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `healthcheck-port ${n} is not the gateway status port (${STATUS_PORT})`,
        fix,
      );
    } else portOk = true;
  } else {
    const named = svc.ports.find((p) => p.name === rawPort);
    if (!named && svc.ports.length) {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `healthcheck-port '${rawPort}' is not a port name of ${svc.ref}`,
        fix,
      );
    } else if (named && named !== status) {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `healthcheck-port '${rawPort}' is not the gateway status port`,
        fix,
      );
    } else if (named && targetType === 'ip' && typeof named.targetPort === 'string') {
      f.add(
        'health-check-port',
        ing,
        annotationField(portKey),
        `with ip targets a named healthcheck-port needs a numeric targetPort, but '${rawPort}' targets '${named.targetPort}'`,
        `set targetPort: ${STATUS_PORT} on the Service's status-port`,
      );
    } else portOk = true;
  }
  if (!portOk) return;
  const hcProtocol = (ann[`${ALB}healthcheck-protocol`] ?? protocol).toUpperCase();
  if (hcProtocol !== 'HTTP') {
    f.add(
      'health-check-protocol',
      ing,
      annotationField(`${ALB}healthcheck-protocol`),
      `${ann[`${ALB}healthcheck-protocol`] ? '' : 'no healthcheck-protocol: it defaults to the backend protocol, '}${hcProtocol} against the plain-HTTP status port fails`,
      fix,
    );
  }
  const path = ann[`${ALB}healthcheck-path`] ?? defaultHealthPath(ann);
  if (path !== HEALTH_PATH) {
    f.add(
      'health-check-path',
      ing,
      annotationField(`${ALB}healthcheck-path`),
      `healthcheck-path '${path}' is not the gateway readiness endpoint ${HEALTH_PATH}`,
      fix,
    );
  }
}

/** With ip targets the ALB registers pods directly; without the readiness gate a rollout can outpace registration. */
export function checkReadinessGate(inv: Inventory, ing: Obj, f: Findings): void {
  const sources = inv.namespaceLabelSources(ing.namespace);
  // Only a namespace the manifests declare can be judged; otherwise its labels are set elsewhere.
  if (!sources.length || sources.some((s) => s.labels[READINESS_GATE_LABEL] === 'enabled')) return;
  const target = sources[0];
  f.add(
    'readiness-gate-namespace',
    target.obj,
    target.field,
    `${ing.ref} targets the gateway pods by ip, but namespace ${ing.namespace} lacks ${READINESS_GATE_LABEL}=enabled: rollouts can outpace ALB registration (5xx)`,
    `label namespace ${ing.namespace} ${READINESS_GATE_LABEL}=enabled`,
  );
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
    const field = svc.obj
      ? 'spec.type'
      : svc.installer?.kind === 'Application'
        ? 'spec.source.helm.valuesObject.service.type'
        : 'spec';
    const workloads = inv.workloadsOf(svc);
    if (workloads.some((w) => w.gateway)) {
      if (!workloads.some((w) => behindAlb.has(w))) continue;
      f.add(
        'service-load-balancer',
        target,
        field,
        `gateway ${svc.ref}${svc.obj ? '' : ` (${svc.origin})`} is type LoadBalancer: it gets a load balancer of its own next to the ALB`,
        'set the gateway Service type to NodePort (instance targets) or ClusterIP (ip targets)',
      );
    } else if (meshNamespace(inv, svc.namespace)) {
      f.add(
        'service-load-balancer',
        target,
        field,
        `${svc.ref} is type LoadBalancer: it exposes the workload directly, bypassing the ALB and the Istio gateway`,
        'set type: ClusterIP and reach it through the gateway and a VirtualService',
      );
    }
  }
}
