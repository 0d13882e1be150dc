/**
 * Rules of the Gateway API edge (gateway-api-rules.md, G numbers): the ALB the AWS Load Balancer Controller builds
 * from a Gateway of its class, and Istio's Gateway API gateway behind it. Each rule reads the model
 * (gateway-api-model.ts) and fires only where its premise holds: an ALB rule needs a GatewayClass with the
 * controller's controllerName in the manifests, an Istio rule a Gateway of class `istio` that the ALB routes to.
 */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  attachedListeners,
  GATEWAY_API,
  GatewayApiModel,
  gatewayApiModel,
  httpsRedirect,
  istioServiceType,
  ISTIO_SERVICE_TYPE,
  LBC_GATEWAY,
  listeners,
  RouteBackend,
  serviceKey,
} from './gateway-api-model';
import { arr, at, rec, str } from './util';
import { GATEWAY_STATUS_PORT } from '../ports';

const STATUS_PORT = 'status-port';
const STATUS_PORT_NUMBER = String(GATEWAY_STATUS_PORT);
const READY_PATH = '/healthz/ready';
/** Longest value a message repeats (one-line findings). */
const ECHO = 100;

const echo = (v: unknown): string => {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > ECHO ? `${s.slice(0, ECHO)}...` : s;
};

export function checkGatewayApi(inv: Inventory, f: Findings): void {
  const m = gatewayApiModel(inv);
  checkLbcApiVersions(inv, f);
  for (const gw of m.albGateways) {
    checkAlbListeners(gw, f);
    checkListenerConfigurations(inv, gw, f);
    checkAlbRoutes(inv, m, gw, f);
  }
  checkTargetGroups(m, f);
  checkBackendPorts(inv, m, f);
  checkIstioGateways(inv, m, f);
  checkBackendTlsPolicies(inv, m, f);
  checkCrossNamespaceBackends(inv, m, f);
}

/** G3: v1 is the storage version since controller v3.5.0; v1beta1 disappears with the next CRD cleanup. */
function checkLbcApiVersions(inv: Inventory, f: Findings): void {
  for (const kind of ['LoadBalancerConfiguration', 'TargetGroupConfiguration', 'ListenerRuleConfiguration']) {
    for (const o of inv.of(kind, LBC_GATEWAY)) {
      if (o.version === 'v1beta1') {
        f.add(
          'gwapi-lbc-api-version',
          o,
          'apiVersion',
          `apiVersion '${o.apiVersion}': controller v3.5.0 stores ${LBC_GATEWAY}/v1, and its gateway support starts only when the v1 CRDs are installed`,
          `set apiVersion: ${LBC_GATEWAY}/v1 (apply the v3.5.0 gateway CRDs first)`,
        );
      }
    }
  }
}

/** G6: the controller takes certificates from the LoadBalancerConfiguration, not from listener tls; hostname narrows the listener. */
function checkAlbListeners(gw: Obj, f: Findings): void {
  for (const l of listeners(gw)) {
    if (l.hasTls) {
      f.add(
        'gwapi-alb-listener-tls',
        gw,
        `spec.listeners[${l.index}].tls`,
        `ALB listener '${l.name ?? l.index}' sets tls, which the load balancer controller ignores (no certificateRefs, no TLS options)`,
        'remove tls; put the ACM certificate and sslPolicy in the LoadBalancerConfiguration listenerConfigurations',
      );
    }
    if (l.hostname !== undefined) {
      f.add(
        'gwapi-alb-listener-tls',
        gw,
        `spec.listeners[${l.index}].hostname`,
        `ALB listener '${l.name ?? l.index}' sets hostname '${echo(l.hostname)}'`,
        'remove hostname from the ALB listener; restrict hosts with HTTPRoute.hostnames',
      );
    }
  }
}

/** G7: a listenerConfigurations entry whose protocolPort matches no listener of the Gateway is silently ignored. */
function checkListenerConfigurations(inv: Inventory, gw: Obj, f: Findings): void {
  const ref = rec(at(gw.raw.spec, 'infrastructure.parametersRef'));
  const name = str(ref.name);
  if (name === undefined || str(ref.group) !== LBC_GATEWAY || str(ref.kind) !== 'LoadBalancerConfiguration') return;
  const config = inv.find('LoadBalancerConfiguration', gw.namespace, name, LBC_GATEWAY);
  if (!config) return;
  const ls = listeners(gw);
  const offered = ls.map((l) => `${l.protocol ?? ''}:${l.port ?? ''}`).join(', ');
  // `port` and `PROTOCOL:port` of every listener, so each entry is a lookup (a Gateway may have a listener per host).
  const served = new Set<string>();
  for (const l of ls) served.add(String(l.port)).add(`${(l.protocol ?? '').toUpperCase()}:${String(l.port)}`);
  arr(at(config.raw.spec, 'listenerConfigurations')).forEach((entry, i) => {
    const protocolPort = str(rec(entry).protocolPort);
    const parsed = protocolPort === undefined ? undefined : /^([A-Za-z_]*):(\d+)$/.exec(protocolPort);
    if (!parsed) return; // the schema reports a malformed protocolPort
    const [, protocol, port] = parsed;
    // Without a protocol the entry is matched by port only: the rule then stays silent rather than guess.
    const matches = served.has(protocol === '' ? port : `${protocol.toUpperCase()}:${port}`);
    if (!matches) {
      f.add(
        'gwapi-listener-config-unmatched',
        config,
        `spec.listenerConfigurations[${i}].protocolPort`,
        `protocolPort '${echo(protocolPort)}' matches no listener of Gateway ${gw.namespace}/${gw.name} (${offered || 'none'}): the controller silently ignores its certificate and TLS policy`,
        "set protocolPort to a listener's PROTOCOL:port, e.g. HTTPS:443",
      );
    }
  });
}

/**
 * G9: the ALB serves the app on HTTPS only; its HTTP listener only redirects, permanently (301: RequestRedirect
 * defaults to 302, which browsers and caches treat as temporary).
 */
function checkAlbRoutes(inv: Inventory, m: GatewayApiModel, gw: Obj, f: Findings): void {
  const redirectsChecked = new Set<Obj>();
  for (const a of m.attachments.get(serviceKey(gw.namespace, gw.name)) ?? []) {
    const plain = attachedListeners(inv, gw, a).filter((l) => (l.protocol ?? '').toUpperCase() === 'HTTP');
    if (plain.length && (m.backendsByRoute.get(a.route) ?? []).length) {
      const l = plain[0];
      f.add(
        'gwapi-app-route-http-listener',
        a.route,
        a.sectionName === undefined ? `spec.parentRefs[${a.index}]` : `spec.parentRefs[${a.index}].sectionName`,
        `HTTPRoute with backendRefs attaches to ALB listener '${l.name ?? l.index}' (HTTP:${l.port ?? '?'}) of Gateway ${gw.namespace}/${gw.name}: the ALB serves its hosts in plaintext`,
        `set sectionName to the HTTPS listener (e.g. https); redirect HTTP with a RequestRedirect route {scheme: https, statusCode: 301}`,
      );
    }
    if (redirectsChecked.has(a.route)) continue;
    redirectsChecked.add(a.route);
    arr(at(a.route.raw.spec, 'rules')).forEach((rule, i) => {
      arr(rec(rule).filters).forEach((filter, j) => {
        const redirect = httpsRedirect(filter);
        if (!redirect || redirect.statusCode === 301) return;
        const code = redirect.statusCode;
        f.add(
          'gwapi-redirect-status',
          a.route,
          `spec.rules[${i}].filters[${j}].requestRedirect.statusCode`,
          `the redirect to https has statusCode ${code === undefined ? 'unset (302, a temporary redirect, is the default)' : echo(code)}: browsers keep trying HTTP first`,
          'set requestRedirect.statusCode: 301',
        );
      });
    });
  }
}

/** G10, G18: the port of an ALB backendRef must be a port of the Service: Istio's gives the status port and the listener ports. */
function checkBackendPorts(inv: Inventory, m: GatewayApiModel, f: Findings): void {
  for (const [key, routeBackends] of m.albBackends) {
    const [namespace, name] = [routeBackends[0].namespace, routeBackends[0].name];
    const svc = inv.service(namespace, name);
    const istio = svc ? undefined : m.istioGatewayByService.get(key);
    const ports = svc
      ? svc.ports.map((p) => p.port)
      : istio
        ? [GATEWAY_STATUS_PORT, ...listeners(istio).map((l) => l.port)]
        : undefined;
    if (!ports) continue;
    const known = new Set(ports.filter((p): p is number => p !== undefined));
    for (const b of routeBackends) {
      if (b.port !== undefined && known.has(b.port)) continue;
      f.add(
        'gwapi-backend-port',
        b.route,
        `${b.field}.port`,
        `backendRef port ${b.port ?? '(unset)'} is not a port of Service ${key} (${[...known].join(', ') || 'none'}${istio ? `, created by Istio for Gateway ${istio.namespace}/${istio.name}` : ''}): the rule gets no target group`,
        `set port to the gateway Service's HTTPS port, e.g. ${[...known].find((p) => p !== GATEWAY_STATUS_PORT) ?? 443}`,
      );
    }
  }
}

/** G11, G12: the target group of each Service the ALB routes to re-encrypts, and its health check reaches the status port. */
function checkTargetGroups(m: GatewayApiModel, f: Findings): void {
  for (const [key, routeBackends] of m.albBackends) {
    const configs = m.targetGroupConfigs.get(key) ?? [];
    if (!configs.length) {
      const b = routeBackends[0];
      f.add(
        'not-verifiable',
        b.route,
        `${b.field}.name`,
        `no TargetGroupConfiguration in the manifests targets Service ${key}: without one the ALB infers protocol HTTP and sends plaintext to port ${b.port ?? '(unset)'}`,
        `add a TargetGroupConfiguration in ${b.namespace} with targetReference.name: ${b.name} and defaultConfiguration.protocol: HTTPS`,
        { missing: true, istioCode: null },
      );
    }
    for (const tgc of configs) checkTargetGroupConfig(tgc, key, f);
  }
}

function checkTargetGroupConfig(tgc: Obj, key: string, f: Findings): void {
  const conf = rec(at(tgc.raw.spec, 'defaultConfiguration'));
  const protocol = str(conf.protocol);
  if (protocol?.toUpperCase() !== 'HTTPS') {
    f.add(
      'gwapi-target-group-protocol',
      tgc,
      'spec.defaultConfiguration.protocol',
      `protocol ${protocol === undefined ? 'unset (the controller infers HTTP)' : `'${echo(protocol)}'`}: the ALB sends plaintext to Service ${key}, whose gateway port expects TLS`,
      'set spec.defaultConfiguration.protocol: HTTPS',
    );
  }
  const hc = rec(conf.healthCheckConfig);
  const base = 'spec.defaultConfiguration.healthCheckConfig';
  const hcProtocol = str(hc.healthCheckProtocol);
  if ((hcProtocol ?? protocol ?? 'HTTP').toUpperCase() !== 'HTTP') {
    f.add(
      'gwapi-health-check',
      tgc,
      `${base}.healthCheckProtocol`,
      `healthCheckProtocol ${hcProtocol === undefined ? `unset, inherits '${echo(protocol)}'` : `'${echo(hcProtocol)}'`}: the gateway status port ${STATUS_PORT_NUMBER} speaks plain HTTP, so targets stay unhealthy`,
      'set healthCheckProtocol: HTTP',
    );
  }
  const port = hc.healthCheckPort === undefined ? undefined : String(hc.healthCheckPort);
  const ip = str(conf.targetType) === 'ip';
  // A named port resolves for both target types; a number only for ip targets (instance targets need the NodePort).
  if (port !== STATUS_PORT && !(ip && port === STATUS_PORT_NUMBER)) {
    f.add(
      'gwapi-health-check',
      tgc,
      `${base}.healthCheckPort`,
      `healthCheckPort ${port === undefined ? 'unset (traffic-port)' : `'${echo(port)}'`} does not reach the gateway status port`,
      `set healthCheckPort: ${STATUS_PORT}`,
    );
  }
  const path = str(hc.healthCheckPath);
  if (path !== READY_PATH) {
    f.add(
      'gwapi-health-check',
      tgc,
      `${base}.healthCheckPath`,
      `healthCheckPath ${path === undefined ? "unset ('/')" : `'${echo(path)}'`} is not the gateway readiness path`,
      `set healthCheckPath: ${READY_PATH}`,
    );
  }
}

/** G17, G20: an Istio Gateway API gateway behind the ALB. */
function checkIstioGateways(inv: Inventory, m: GatewayApiModel, f: Findings): void {
  for (const [key, gw] of m.istioGatewayByService) {
    if (!m.albBackends.has(key) && !m.targetGroupConfigs.has(key)) continue;
    for (const l of listeners(gw)) {
      // Only a TLS listener matches SNI; an HTTP listener's hostname matches the Host header.
      if (
        l.hostname !== undefined &&
        l.hostname !== '*' &&
        ['HTTPS', 'TLS'].includes((l.protocol ?? '').toUpperCase())
      ) {
        f.add(
          'gwapi-istio-listener-hostname',
          gw,
          `spec.listeners[${l.index}].hostname`,
          `listener '${l.name ?? l.index}' hostname '${echo(l.hostname)}' makes Istio match SNI, but the ALB sends none: the handshake finds no filter chain (502)`,
          'remove the listener hostname; restrict hosts with HTTPRoute.hostnames',
        );
      }
    }
    checkIstioListenerTls(gw, m.albBackends.get(key) ?? [], f);
    const set = istioServiceType(inv, gw);
    if (set === null) continue;
    const { type, field } = set;
    if (type === undefined || type === 'LoadBalancer') {
      f.add(
        'gwapi-istio-service-load-balancer',
        gw,
        field,
        `Istio creates Service ${key} as ${type === undefined ? 'type LoadBalancer (the default)' : "'LoadBalancer'"}: a second load balancer next to the ALB`,
        `annotate the Gateway ${ISTIO_SERVICE_TYPE}: ClusterIP (ip targets) or NodePort (instance targets)`,
      );
    }
  }
}

/** G19: the listener on a port the ALB targets terminates TLS (HTTPS, mode Terminate), or HTTPRoutes find nothing. */
function checkIstioListenerTls(gw: Obj, routeBackends: RouteBackend[], f: Findings): void {
  const ports = new Set(routeBackends.map((b) => b.port));
  for (const l of listeners(gw)) {
    if (l.port === undefined || !ports.has(l.port)) continue;
    const protocol = (l.protocol ?? '').toUpperCase();
    if (protocol === 'HTTPS' && l.tlsMode === 'Terminate') continue;
    f.add(
      'gwapi-istio-listener-tls',
      gw,
      protocol === 'HTTPS' ? `spec.listeners[${l.index}].tls.mode` : `spec.listeners[${l.index}].protocol`,
      `listener '${l.name ?? l.index}' on port ${l.port}, which the ALB targets over HTTPS, is ${protocol === 'HTTPS' ? `HTTPS with tls.mode '${echo(l.tlsMode ?? 'unset')}'` : `protocol '${echo(l.protocol ?? 'unset')}'${l.tlsMode ? ` with tls.mode '${echo(l.tlsMode)}'` : ''}`}: it does not terminate the ALB's TLS for HTTPRoutes`,
      'use protocol: HTTPS with tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: <gateway secret>}]}',
    );
  }
}

/** G14: the load balancer controller ignores BackendTLSPolicy; re-encryption is the TargetGroupConfiguration's protocol. */
function checkBackendTlsPolicies(inv: Inventory, m: GatewayApiModel, f: Findings): void {
  for (const p of inv.of('BackendTLSPolicy', GATEWAY_API)) {
    arr(at(p.raw.spec, 'targetRefs')).forEach((t, i) => {
      const r = rec(t);
      const name = str(r.name);
      if (
        name === undefined ||
        (str(r.group) ?? '') !== '' ||
        str(r.kind) !== 'Service' ||
        !m.albBackends.has(serviceKey(p.namespace, name))
      )
        return;
      f.add(
        'gwapi-backend-tls-policy-ignored',
        p,
        `spec.targetRefs[${i}]`,
        `BackendTLSPolicy targets Service ${p.namespace}/${name}, an ALB backend: the load balancer controller ignores it, so it neither encrypts nor verifies that hop`,
        'remove the BackendTLSPolicy; set protocol: HTTPS in the TargetGroupConfiguration of the Service',
      );
    });
  }
}

/** G13: a backendRef to another namespace needs a ReferenceGrant there. */
function checkCrossNamespaceBackends(inv: Inventory, m: GatewayApiModel, f: Findings): void {
  for (const b of m.backends) {
    if (b.namespace === b.route.namespace || m.granted(b.namespace, b.route.namespace, b.name)) continue;
    const message = `backendRef to Service ${b.namespace}/${b.name} from namespace ${b.route.namespace} has no ReferenceGrant in ${b.namespace}: the route gets RefNotPermitted and no backend`;
    const fix = grantFix(b);
    if (inv.knowsNamespace(b.namespace))
      f.add('gwapi-backend-reference-grant', b.route, `${b.field}.namespace`, message, fix);
    else f.add('not-verifiable', b.route, `${b.field}.namespace`, message, fix, { missing: true, istioCode: null });
  }
}

function grantFix(b: RouteBackend): string {
  return `add a ReferenceGrant in ${b.namespace} from {group: ${GATEWAY_API}, kind: HTTPRoute, namespace: ${b.route.namespace}} to {group: "", kind: Service, name: ${b.name}}, or move the route next to the Service`;
}
