/**
 * The traffic path of the Gateway API edge (gateway-api-rules.md): the ALB the load balancer controller builds from a
 * Gateway of its class (listeners from the Gateway and its LoadBalancerConfiguration, the redirect route of the HTTP
 * listener, the target group of the backend Service's TargetGroupConfiguration), and Istio's Gateway API gateway
 * behind any ALB (the listener on the target port, the HTTPRoutes attached to it, the workloads behind them, called
 * as the gateway's ServiceAccount). Every lookup goes through an index built once, so the cost stays linear.
 */
import { DEFAULT_SSL_POLICY, DEFAULT_DEREGISTRATION_DELAY, DEREGISTRATION_DELAY } from './alb-model';
import { Caller, principalOf, workloadEdges } from './authz';
import {
  attachedListeners,
  attaches,
  gatewayApiModel,
  GatewayApiModel,
  GatewayListener,
  httpsRedirect,
  istioServiceAccount,
  istioServiceName,
  istioServiceType,
  listeners,
  RouteBackend,
  serviceKey,
} from './gateway-api-model';
import { AuthzEdge, statusPortHop, workloadHops, worst } from './hops-mesh';
import { Obj } from './identity';
import { Inventory } from './inventory';
import type { GatewayTarget } from './gateway-target';
import { WorkloadInfo } from './services-workloads';
import { Hop, HostPath } from './types';
import { append, arr, at, hostMatches, rec, str, wildcardPatterns } from './util';
import { GATEWAY_STATUS_PORT } from '../ports';

/** Items indexed by the hostnames of their route: exact (lower case), wildcard, or none (every host). */
interface ByHost<T> {
  readonly entries: { readonly item: T; readonly seq: number; readonly hosts: string[] }[];
  readonly exact: Map<string, number[]>;
  readonly wildcard: Map<string, number[]>;
  readonly anyHost: number[];
}

function byHost<T>(items: { item: T; hosts: string[] }[]): ByHost<T> {
  const out: ByHost<T> = { entries: [], exact: new Map(), wildcard: new Map(), anyHost: [] };
  items.forEach(({ item, hosts }, seq) => {
    out.entries.push({ item, seq, hosts });
    if (!hosts.length) out.anyHost.push(seq);
    for (const h of new Set(hosts)) {
      if (h === '*' || h.startsWith('*.')) append(out.wildcard, h, seq);
      else append(out.exact, h.toLowerCase(), seq);
    }
  });
  return out;
}

/** The items whose hostnames admit a host, in their order: looked up, unless the host is itself a wildcard. */
function lookup<T>(index: ByHost<T>, host: string): T[] {
  if (host.startsWith('*'))
    return index.entries.filter((e) => !e.hosts.length || e.hosts.some((h) => hostMatches(h, host))).map((e) => e.item);
  const seqs = new Set<number>(index.anyHost);
  for (const s of index.exact.get(host.toLowerCase()) ?? []) seqs.add(s);
  for (const pattern of wildcardPatterns(host)) for (const s of index.wildcard.get(pattern) ?? []) seqs.add(s);
  return [...seqs].sort((a, b) => a - b).map((s) => index.entries[s].item);
}

function hostnamesOf(route: Obj): string[] {
  return arr(at(route.raw.spec, 'hostnames')).filter((h): h is string => typeof h === 'string');
}

const listenerName = (l: GatewayListener) => `${(l.protocol ?? '?').toUpperCase()}:${l.port ?? '?'}`;

/** A route that only redirects: every rule a RequestRedirect to https, none with a backend. */
function redirectStatus(route: Obj): { status: number | undefined } | undefined {
  const rules = arr(at(route.raw.spec, 'rules'));
  if (!rules.length) return undefined;
  let status: number | undefined;
  for (const rule of rules) {
    if (arr(rec(rule).backendRefs).length) return undefined;
    // The first RequestRedirect filter of the rule decides.
    const redirect = httpsRedirect(arr(rec(rule).filters).find((x) => str(rec(x).type) === 'RequestRedirect'));
    if (!redirect) return undefined;
    status = typeof redirect.statusCode === 'number' ? redirect.statusCode : undefined;
  }
  return { status };
}

/** What the controller builds from an ALB Gateway, apart from its target groups: once per Gateway. */
interface AlbGatewayView {
  readonly gw: Obj;
  readonly listeners: GatewayListener[];
  /** listenerConfigurations of the LoadBalancerConfiguration by upper-case `PROTOCOL:port`. */
  readonly configs: Map<string, Record<string, unknown>>;
  /** The redirect part of the listener detail, e.g. `HTTP:80 redirects to HTTPS (HTTPRoute ns/x, 301)`. */
  readonly redirects: string[];
  /** Routes with backends on the Gateway's HTTP listeners, by their hostnames: these serve plaintext. */
  readonly plainForwards: ByHost<{ route: Obj; listener: GatewayListener }>;
}

function albGatewayView(inv: Inventory, m: GatewayApiModel, gw: Obj): AlbGatewayView {
  return inv.memoOn(gw, 'albGatewayView', () => {
    const ls = listeners(gw);
    const configs = new Map<string, Record<string, unknown>>();
    const ref = rec(at(gw.raw.spec, 'infrastructure.parametersRef'));
    const name = str(ref.name);
    const config =
      name !== undefined && str(ref.kind) === 'LoadBalancerConfiguration'
        ? inv.find('LoadBalancerConfiguration', gw.namespace, name, 'gateway.k8s.aws')
        : undefined;
    for (const e of arr(at(config?.raw.spec, 'listenerConfigurations'))) {
      const pp = str(rec(e).protocolPort)?.toUpperCase();
      if (pp !== undefined && !configs.has(pp)) configs.set(pp, rec(e));
    }
    const redirectsBy = new Map<GatewayListener, string[]>();
    const forwards: { item: { route: Obj; listener: GatewayListener }; hosts: string[] }[] = [];
    for (const a of m.attachments.get(serviceKey(gw.namespace, gw.name)) ?? []) {
      const redirect = redirectStatus(a.route);
      for (const l of attachedListeners(inv, gw, a)) {
        if ((l.protocol ?? '').toUpperCase() !== 'HTTP') continue;
        if (redirect) append(redirectsBy, l, `${a.route.ref}, ${redirect.status ?? '302 (statusCode unset)'}`);
        else if ((m.backendsByRoute.get(a.route) ?? []).length)
          forwards.push({ item: { route: a.route, listener: l }, hosts: hostnamesOf(a.route) });
      }
    }
    const redirects = ls
      .filter((l) => (l.protocol ?? '').toUpperCase() === 'HTTP')
      .map((l) => {
        const r = redirectsBy.get(l);
        return r
          ? `${listenerName(l)} redirects to HTTPS (${r.join('; ')})`
          : `${listenerName(l)} has no redirect route`;
      });
    return { gw, listeners: ls, configs, redirects, plainForwards: byHost(forwards) };
  });
}

function albListenerHop(view: AlbGatewayView, attached: GatewayListener[], route: Obj, host: string): Hop {
  const label = `ALB ${view.gw.ref} listener ${view.listeners.map(listenerName).join(' + ')}`;
  const https = attached.filter((l) => (l.protocol ?? '').toUpperCase() === 'HTTPS');
  const parts = [`${route.ref} on ${attached.map((l) => l.name ?? listenerName(l)).join(', ')}`];
  let missingCertificate: GatewayListener | undefined;
  for (const l of https) {
    const c = view.configs.get(listenerName(l));
    const arn = str(c?.defaultCertificate);
    const extra = arr(c?.certificates).length;
    const hosts = l.hostname ? [l.hostname] : hostnamesOf(route);
    if (arn) parts.push(`certificate ACM ${arn}${extra ? ` (+${extra} SNI)` : ''}`);
    else if (hosts.length) parts.push(`certificate ACM, discovered for ${hosts.join(', ')}`);
    else missingCertificate ??= l;
    const policy = str(c?.sslPolicy);
    parts.push(
      policy ? `ssl-policy ${policy}` : `ssl-policy ${DEFAULT_SSL_POLICY} (controller default, allows TLS 1.0)`,
    );
  }
  for (const r of view.redirects) parts.push(r);
  const detail = parts.join('; ');
  const plain = attached.find((l) => (l.protocol ?? '').toUpperCase() === 'HTTP');
  if (plain)
    return {
      step: 'listener',
      label,
      detail,
      state: 'plaintext',
      reason: `${route.ref} is attached to the ${listenerName(plain)} listener: the ALB serves ${host} in plaintext`,
    };
  const other = lookup(view.plainForwards, host)[0];
  if (other)
    return {
      step: 'listener',
      label,
      detail,
      state: 'plaintext',
      reason: `the ${listenerName(other.listener)} listener forwards ${host} in plaintext (${other.route.ref})`,
    };
  if (!https.length)
    return {
      step: 'listener',
      label,
      detail,
      state: 'unknown',
      reason: `${route.ref} is attached to no HTTPS listener of ${view.gw.ref}`,
    };
  if (missingCertificate)
    return {
      step: 'listener',
      label,
      detail,
      state: 'unknown',
      reason: `the ${listenerName(missingCertificate)} listener has no certificate: no defaultCertificate in the LoadBalancerConfiguration and no hostname for ACM discovery`,
    };
  return { step: 'listener', label, detail, state: 'encrypted' };
}

/** The Service type of a target: the manifests' Service, or the one Istio creates for a Gateway of its class. */
function serviceTypeOf(inv: Inventory, m: GatewayApiModel, namespace: string, name: string): string | undefined {
  const svc = inv.service(namespace, name);
  if (svc) return svc.type;
  const gw = m.istioGatewayByService.get(serviceKey(namespace, name));
  if (!gw) return undefined;
  const set = istioServiceType(inv, gw);
  return set === null ? undefined : (set.type ?? 'LoadBalancer');
}

function albTargetGroupHop(inv: Inventory, m: GatewayApiModel, b: RouteBackend): Hop {
  const key = serviceKey(b.namespace, b.name);
  const tgc = inv.inOrder(m.targetGroupConfigs.get(key) ?? [])[0];
  const conf = rec(at(tgc?.raw.spec, 'defaultConfiguration'));
  const written = str(conf.protocol);
  const protocol = (written ?? 'HTTP').toUpperCase();
  const target = `Service ${key}:${b.port ?? '?'}`;
  const label = `target group ${protocol} -> ${target}`;
  const hc = rec(conf.healthCheckConfig);
  const hcProtocol = (str(hc.healthCheckProtocol) ?? protocol).toUpperCase();
  const hcPort = hc.healthCheckPort === undefined ? 'traffic-port' : String(hc.healthCheckPort);
  const hcPath = str(hc.healthCheckPath) ?? '/';
  const type = serviceTypeOf(inv, m, b.namespace, b.name);
  const delay = arr(conf.targetGroupAttributes)
    .map(rec)
    .find((a) => str(a.key) === DEREGISTRATION_DELAY)?.value;
  const detail = [
    tgc ? tgc.ref : 'no TargetGroupConfiguration',
    `target-type ${str(conf.targetType) ?? 'instance'}${type ? ` (Service ${type})` : ''}`,
    `health check ${hcProtocol} ${hcPort} ${hcPath}`,
    delay === undefined
      ? `deregistration ${DEFAULT_DEREGISTRATION_DELAY}s (AWS default)`
      : `deregistration ${String(delay)}s`,
  ].join('; ');
  if (!tgc)
    return {
      step: 'target-group',
      label,
      detail,
      state: 'plaintext',
      reason: `no TargetGroupConfiguration targets Service ${key}: the ALB infers HTTP and sends plaintext to port ${b.port ?? '?'}`,
    };
  if (protocol !== 'HTTPS')
    return {
      step: 'target-group',
      label,
      detail,
      state: 'plaintext',
      reason: `the ALB sends plain HTTP to ${target} (${tgc.ref} protocol ${written ?? 'unset'})`,
    };
  if (b.namespace !== b.route.namespace && !m.granted(b.namespace, b.route.namespace, b.name))
    return {
      step: 'target-group',
      label,
      detail,
      state: 'unknown',
      reason: `no ReferenceGrant in ${b.namespace} lets ${b.route.ref} reference ${target}: the rule gets no target group`,
    };
  return { step: 'target-group', label, detail, state: 'encrypted' };
}

function ruleSummary(rule: unknown): string {
  const matches = arr(rec(rule).matches).map((m) => {
    const path = rec(rec(m).path);
    return `${str(path.type) ?? 'PathPrefix'} ${str(path.value) ?? '/'}`;
  });
  // A rule without matches matches every request, as PathPrefix / does.
  return matches.length ? matches.join(' | ') : 'PathPrefix /';
}

/**
 * Host paths through every ALB Gateway: one per hostname of each HTTPRoute attached to it and backend of the route.
 * `behind` gives the hops past the target group (the Istio gateway and on), as for an Ingress backend.
 */
export function traceAlbGateways(inv: Inventory, behind: (inv: Inventory, t: GatewayTarget) => Hop[]): HostPath[] {
  const m = gatewayApiModel(inv);
  const out: HostPath[] = [];
  for (const gw of m.albGateways) {
    const view = albGatewayView(inv, m, gw);
    for (const a of m.attachments.get(serviceKey(gw.namespace, gw.name)) ?? []) {
      const backends = m.backendsByRoute.get(a.route) ?? [];
      if (!backends.length) continue;
      const attached = attachedListeners(inv, gw, a);
      if (!attached.length) continue;
      const hosts = hostnamesOf(a.route);
      // The listener hop depends on the host only, the target group hop on the backend only.
      const targetGroupHops = backends.map((b) => albTargetGroupHop(inv, m, b));
      for (const host of hosts.length ? hosts : ['*']) {
        const listenerHop = albListenerHop(view, attached, a.route, host);
        backends.forEach((b, i) => {
          const service = inv.service(b.namespace, b.name);
          const target: GatewayTarget = {
            host,
            namespace: b.namespace,
            serviceName: b.name,
            port: b.port,
            service,
            servicePort: service?.ports.find((p) => p.port === b.port),
          };
          const hops = [listenerHop, targetGroupHops[i]];
          for (const hop of behind(inv, target)) hops.push(hop);
          out.push({
            host,
            ingress: a.route.ref,
            backend: `${ruleSummary(b.rule)} -> ${b.name}:${b.port ?? '?'}`,
            hops,
            state: worst(hops.map((h) => h.state)),
          });
        });
      }
    }
  }
  return out;
}

/** The Gateway of class istio whose Service (`<gateway>-istio`) a target names, if any. */
export function istioGatewayOfService(inv: Inventory, namespace: string, name: string): Obj | undefined {
  return gatewayApiModel(inv).istioGatewayByService.get(serviceKey(namespace, name));
}

/** The listener of an Istio gateway on a Service port, its hop, and the routes attached to it by host. */
interface IstioPortView {
  readonly listener?: GatewayListener;
  readonly hop: Hop;
  readonly routes: ByHost<Obj>;
}

function istioPortView(inv: Inventory, gw: Obj, port: number | undefined): IstioPortView {
  return inv.memoOn(gw, `istioPort\u0000${port}`, () => {
    const m = gatewayApiModel(inv);
    const onPort = listeners(gw).filter((l) => l.port === port);
    const protocolOf = (l: GatewayListener) => (l.protocol ?? '').toUpperCase();
    const listener =
      onPort.find((l) => protocolOf(l) === 'HTTPS') ?? onPort.find((l) => protocolOf(l) === 'TLS') ?? onPort[0];
    const routes: { item: Obj; hosts: string[] }[] = [];
    if (listener) {
      for (const a of m.attachments.get(serviceKey(gw.namespace, gw.name)) ?? []) {
        if (attaches(inv, gw, listener, a)) routes.push({ item: a.route, hosts: hostnamesOf(a.route) });
      }
    }
    return { listener, hop: istioListenerHop(gw, listener, port), routes: byHost(routes) };
  });
}

function istioListenerHop(gw: Obj, l: GatewayListener | undefined, port: number | undefined): Hop {
  const service = `Service ${gw.namespace}/${istioServiceName(gw)}`;
  if (!l) {
    const ports = [GATEWAY_STATUS_PORT, ...new Set(listeners(gw).map((x) => x.port))].join(', ');
    const reason = `${service} (created by Istio for ${gw.ref}) has no port ${port ?? '?'}: its ports are ${ports}`;
    return { step: 'gateway-server', label: `${gw.ref} listener`, detail: reason, state: 'unknown', reason };
  }
  const protocol = (l.protocol ?? '?').toUpperCase();
  const name = `'${l.name ?? l.index}'`;
  const label = `${gw.ref} listener ${l.name ?? l.index} ${l.port ?? '?'} ${protocol}`;
  const credential = l.certificateRefs.length
    ? `secret ${l.certificateRefs.join(',')}`
    : l.hasTlsOptions
      ? 'tls options'
      : 'no certificateRefs';
  const detail = `tls ${l.tlsMode ?? 'unset'}, ${credential}, ${l.hostname ? `hostname ${l.hostname}` : 'no hostname'}; ${service} and ServiceAccount ${istioServiceAccount(gw)} created by Istio`;
  const unknown = (reason: string): Hop => ({ step: 'gateway-server', label, detail, state: 'unknown', reason });
  if (protocol === 'HTTP')
    return {
      step: 'gateway-server',
      label,
      detail,
      state: 'plaintext',
      reason: `${gw.ref} listener ${name} serves plain HTTP on ${l.port ?? '?'}`,
    };
  if (protocol !== 'HTTPS' && protocol !== 'TLS')
    return unknown(`${gw.ref} listener ${name} protocol ${protocol} does not work behind an ALB`);
  if (l.tlsMode !== 'Terminate')
    return unknown(
      `${gw.ref} listener ${name} tls.mode ${l.tlsMode ?? 'unset'} does not terminate TLS behind an ALB: no HTTPRoute serves its requests`,
    );
  if (protocol === 'TLS')
    return unknown(`${gw.ref} listener ${name} protocol TLS takes TLSRoutes, not the ALB's HTTP requests`);
  if (!l.certificateRefs.length && !l.hasTlsOptions)
    return unknown(`${gw.ref} listener ${name} has no certificateRefs: Istio cannot terminate TLS`);
  if (l.hostname !== undefined && l.hostname !== '*')
    return unknown(`${gw.ref} listener ${name} sets hostname ${l.hostname}, so the SNI-less ALB handshake fails`);
  return { step: 'gateway-server', label, detail, state: 'encrypted' };
}

/**
 * The hops through Istio's Gateway API gateway for one host on one Service port: its listener, then the HTTPRoutes
 * attached to the listener whose hostnames admit the host, then the workloads behind them.
 */
export function istioGatewayHops(inv: Inventory, gw: Obj, port: number | undefined, host: string): Hop[] {
  if (port === GATEWAY_STATUS_PORT) return [statusPortHop()];
  const view = istioPortView(inv, gw, port);
  const hops: Hop[] = [view.hop];
  const protocol = (view.listener?.protocol ?? '').toUpperCase();
  if (!view.listener || (protocol !== 'HTTPS' && protocol !== 'HTTP') || view.listener.tlsMode === 'Passthrough')
    return hops;
  const routes = lookup(view.routes, host);
  if (!routes.length) {
    const reason = `no HTTPRoute attached to ${gw.ref} listener '${view.listener.name ?? view.listener.index}' admits host ${host}: the gateway answers 404`;
    hops.push({ step: 'route', label: 'HTTPRoute', detail: reason, state: 'unknown', reason });
    return hops;
  }
  for (const route of routes) for (const hop of httpRouteHops(inv, gw, route)) hops.push(hop);
  return hops;
}

/** The gateway's identity: the ServiceAccount Istio gives the pods of a Gateway of its class (G22). */
function istioCaller(inv: Inventory, gw: Obj): Caller {
  return {
    namespace: gw.namespace,
    principal: principalOf(inv, gw.namespace, istioServiceAccount(gw)),
  };
}

/** The hops of every backend of an HTTPRoute behind an Istio gateway: once per route and gateway. */
function httpRouteHops(inv: Inventory, gw: Obj, route: Obj): readonly Hop[] {
  return inv.memoOn(route, `gatewayApiRouteHops\u0000${gw.namespace}/${gw.name}`, () => {
    const m = gatewayApiModel(inv);
    const caller = istioCaller(inv, gw);
    const hops: Hop[] = [];
    for (const b of m.backendsByRoute.get(route) ?? []) {
      const where = b.namespace === route.namespace ? '' : `${b.namespace}/`;
      const label = `${route.ref} rule ${ruleSummary(b.rule)} -> ${where}${b.name}${b.port === undefined ? '' : `:${b.port}`}`;
      if (b.namespace !== route.namespace && !m.granted(b.namespace, route.namespace, b.name)) {
        const reason = `no ReferenceGrant in ${b.namespace} lets ${route.ref} reference Service ${b.name}: Istio drops the backend`;
        hops.push({ step: 'route', label, detail: reason, state: 'unknown', reason });
        continue;
      }
      const edges = new Map<WorkloadInfo, AuthzEdge[]>();
      const svc = inv.service(b.namespace, b.name);
      if (svc) for (const e of workloadEdges(inv, svc, b.port, [{ caller }])) append(edges, e.workload, e);
      for (const hop of workloadHops(inv, label, { namespace: b.namespace, name: b.name }, edges)) hops.push(hop);
    }
    return hops;
  });
}
