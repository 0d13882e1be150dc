import { ALB, AlbBackend, AlbIngress, DEFAULT_SSL_POLICY, defaultHealthPath, portSpeaks } from './alb-model';
import { Findings } from './findings';
import { istioGatewayOfService, istioGatewayHops, traceAlbGateways } from './gateway-api-path';
import { meshHops, statusPortHop, worst } from './hops-mesh';
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  GatewayServer,
  meshNamespace,
  gatewayRefKey,
  gatewayServersOnPort,
  gatewaysOfService,
  isTlsServer,
  namespaceMtls,
  serviceServersOnPort,
  workloadsOfGateway,
} from './mesh-model';
import { targetDrain } from './rollout';
import { GatewayTarget } from './gateway-target';
import { Hop, HostPath, Verdict } from './types';
import { append, arr, at, hostMatches, rec, unique, wildcardPatterns } from './util';
import { GATEWAY_STATUS_PORT, GATEWAY_STATUS_PORT_NAME } from '../ports';

function listenerHop(alb: AlbIngress): Hop {
  const https = alb.listeners.filter((l) => l.protocol === 'HTTPS');
  const http = alb.listeners.filter((l) => l.protocol === 'HTTP');
  const label = `ALB listener ${alb.listeners.map((l) => `${l.protocol}:${l.port}`).join(' + ')}`;
  const policy = alb.sslPolicy
    ? `ssl-policy ${alb.sslPolicy}`
    : `ssl-policy ${DEFAULT_SSL_POLICY} (controller default, allows TLS 1.0)`;
  const redirect = http.length
    ? alb.redirect === 'none'
      ? 'HTTP forwards plaintext'
      : `HTTP redirects to HTTPS (${alb.redirect === 'annotation' ? 'ssl-redirect' : 'legacy action'})`
    : '';
  const detail = [https.length ? `certificate ${alb.certificateSource}` : '', https.length ? policy : '', redirect]
    .filter(Boolean)
    .join('; ');
  if (!https.length)
    return { step: 'listener', label, detail, state: 'plaintext', reason: 'the ALB listens on HTTP only' };
  if (alb.invalidCertificate)
    return {
      step: 'listener',
      label,
      detail,
      state: 'unknown',
      reason: 'the HTTPS listener has no valid ACM certificate ARN',
    };
  if (http.length && alb.redirect === 'none') {
    return {
      step: 'listener',
      label,
      detail,
      state: 'plaintext',
      reason: `the HTTP:${http[0].port} listener forwards plaintext (no redirect)`,
    };
  }
  return { step: 'listener', label, detail, state: 'encrypted' };
}

function targetGroupHop(inv: Inventory, alb: AlbIngress, b: AlbBackend): Hop {
  const protocol = (b.annotations[`${ALB}backend-protocol`] ?? 'HTTP').toUpperCase();
  const target = `${b.service ? b.service.ref : `Service ${alb.obj.namespace}/${b.serviceName}`}:${b.port ?? '?'}`;
  const hcPort = b.annotations[`${ALB}healthcheck-port`] ?? 'traffic-port';
  const hcProtocol = (b.annotations[`${ALB}healthcheck-protocol`] ?? protocol).toUpperCase();
  const hcPath = b.annotations[`${ALB}healthcheck-path`] ?? defaultHealthPath(b.annotations);
  const { drain, text } = targetDrain(inv, b);
  const detail = `target-type ${alb.targetType}${b.service ? ` (Service ${b.service.type})` : ''}; health check ${hcProtocol} ${hcPort} ${hcPath}; ${text}`;
  const label = `target group ${protocol} -> ${target}`;
  if (protocol !== 'HTTPS')
    return {
      step: 'target-group',
      label,
      detail,
      state: 'plaintext',
      reason: `the ALB sends plain HTTP to ${target} (backend-protocol ${protocol})`,
      drain,
    };
  if (b.service && b.servicePort && portSpeaks(inv, b.service, b.servicePort) === 'plain') {
    return {
      step: 'target-group',
      label,
      detail,
      state: 'unknown',
      reason: `the ALB opens TLS to ${target}, which serves plain HTTP, so requests fail`,
      drain,
    };
  }
  return { step: 'target-group', label, detail, state: 'encrypted', drain };
}

/** Gateway servers the ALB backend port lands on. */
function serversFor(inv: Inventory, b: GatewayTarget): { servers: GatewayServer[]; note: string } {
  const port = b.servicePort?.port ?? (typeof b.port === 'number' ? b.port : undefined);
  if (b.service) return { servers: serviceServersOnPort(inv, b.service, port), note: '' };
  // Gateway Service unknown: the best available match is any Gateway server on the same port number.
  return { servers: gatewayServersOnPort(inv, port), note: ' (matched by port: gateway Service not in the manifests)' };
}

function gatewayHop(inv: Inventory, server: GatewayServer | undefined, note: string, missing: string): Hop {
  if (!server)
    return { step: 'gateway-server', label: 'gateway server', detail: missing, state: 'unknown', reason: missing };
  // Once per server: every Ingress host through it gets the same hop, and a server may list many hosts.
  return inv.memoOn(server, `hop\u0000${note}`, () => serverHop(inv, server, note));
}

function serverHop(inv: Inventory, server: GatewayServer, note: string): Hop {
  const label = `${server.gateway.ref} server ${server.port} ${server.protocol}`;
  if (!isTlsServer(server))
    return {
      step: 'gateway-server',
      label,
      detail: `plain ${server.protocol}${note}`,
      state: 'plaintext',
      reason: `${server.gateway.ref} serves plain ${server.protocol} on ${server.port}`,
    };
  const secretNs =
    unique(workloadsOfGateway(inv, server.gateway).map((w) => w.namespace)).join('|') || server.gateway.namespace;
  const secret = server.credentialName
    ? `secret ${server.credentialName.includes('/') ? server.credentialName : `${secretNs}/${server.credentialName}`}`
    : 'no credentialName';
  const detail = `tls ${server.tlsMode ?? 'unset'}, ${secret}, hosts ${server.hosts.join(',')}${note}`;
  if (server.tlsMode !== 'SIMPLE')
    return {
      step: 'gateway-server',
      label,
      detail,
      state: 'unknown',
      reason: `${server.gateway.ref} tls.mode ${server.tlsMode} does not work behind an ALB`,
    };
  if (server.hosts.some((h) => h !== '*' && !/^[^/]+\/\*$/.test(h))) {
    return {
      step: 'gateway-server',
      label,
      detail,
      state: 'unknown',
      reason: `${server.gateway.ref} lists specific hosts, so the SNI-less ALB handshake fails`,
    };
  }
  return { step: 'gateway-server', label, detail, state: 'encrypted' };
}

export function tracePaths(inv: Inventory, albs: AlbIngress[], f: Findings): HostPath[] {
  const out: HostPath[] = [];
  for (const alb of albs) {
    for (const b of alb.backends) {
      const hops: Hop[] = [listenerHop(alb), targetGroupHop(inv, alb, b)];
      const target = { ...b, namespace: alb.obj.namespace };
      const report = { f, obj: alb.obj, portField: `${b.field}.service.port`, hostField: b.hostField };
      for (const hop of gatewayHops(inv, target, report)) hops.push(hop);
      out.push({
        host: b.host,
        ingress: alb.obj.ref,
        backend: `${b.path} -> ${b.serviceName}:${b.port ?? '?'}`,
        hops,
        state: worst(hops.map((h) => h.state)),
      });
    }
  }
  for (const p of traceAlbGateways(inv, gatewayHops)) out.push(p);
  return out;
}

/** Where the findings of a target's hops go: the Ingress whose backend it is (a Gateway API route reports its own). */
interface TargetReport {
  readonly f: Findings;
  readonly obj: Obj;
  readonly portField: string;
  readonly hostField: string;
}

/**
 * The hops behind a target group: the Istio gateway on the target port (an Istio Gateway's server, or the listener
 * of a Gateway API gateway of class istio), then the routes it has for the host and the workloads behind them.
 */
function gatewayHops(inv: Inventory, t: GatewayTarget, report?: TargetReport): Hop[] {
  const workloads = t.service ? inv.workloadsOf(t.service) : [];
  const appBackend = workloads.length > 0 && !workloads.some((w) => w.gateway);
  const isStatus = t.servicePort?.name === GATEWAY_STATUS_PORT_NAME || t.servicePort?.port === GATEWAY_STATUS_PORT;
  if (appBackend) {
    return [
      {
        step: 'gateway-server',
        label: 'no gateway',
        detail: `${t.service!.ref} selects application pods`,
        state: 'unknown',
        reason: 'the ALB bypasses the Istio gateway',
      },
    ];
  }
  if (isStatus) return [statusPortHop()];
  // Istio deploys the Service of a Gateway of its class itself, so it is rarely in the manifests.
  const istio = workloads.length ? undefined : istioGatewayOfService(inv, t.namespace, t.serviceName);
  if (istio) return istioGatewayHops(inv, istio, typeof t.port === 'number' ? t.port : undefined, t.host);
  const { servers, note } = serversFor(inv, t);
  const server = servers.find(isTlsServer) ?? servers[0];
  const port = t.servicePort?.port ?? t.port;
  const missing = `no Gateway server on port ${port ?? '?'}`;
  // Only when Gateways do select this gateway: a selector that matches nothing is gateway-selector's finding,
  // and an unknown Service port is ingress-backend-port's.
  const gws = t.service ? gatewaysOfService(inv, t.service) : [];
  if (report && !server && gws.length && t.servicePort) {
    report.f.add(
      'gateway-server-port',
      report.obj,
      report.portField,
      `no server of ${gws.map((g) => g.ref).join(', ')} listens on port ${port}`,
      `add a Gateway server {port: {number: ${port}, name: https, protocol: HTTPS}, tls: {mode: SIMPLE, credentialName: ...}, hosts: ["*"]}`,
    );
  }
  const hops = [gatewayHop(inv, server, note, missing)];
  if (server) for (const hop of routeHops(inv, t.host, servers, report)) hops.push(hop);
  return hops;
}

function routeHops(inv: Inventory, host: string, servers: GatewayServer[], report?: TargetReport): Hop[] {
  const bound = boundToServers(inv, servers);
  const candidates: Obj[] = [];
  // A wildcard Ingress host can match any VirtualService host: those are filtered. An exact one is looked up: its own
  // host, `*`, and `*.suffix` for each domain suffix, which are exactly the hosts hostMatches accepts for it.
  const wildcardHost = host.startsWith('*');
  if (wildcardHost) for (const vs of bound.all) candidates.push(vs);
  else {
    for (const vs of bound.exact.get(host.toLowerCase()) ?? []) candidates.push(vs);
    for (const pattern of wildcardPatterns(host))
      for (const vs of bound.wildcard.get(pattern) ?? []) candidates.push(vs);
  }
  const ordered = inv.inOrder(candidates);
  const matching = wildcardHost
    ? ordered.filter((vs) => arr(at(vs.raw.spec, 'hosts')).some((h) => typeof h === 'string' && hostMatches(h, host)))
    : ordered;
  if (!matching.length) {
    const gws = bound.gateways;
    const reason = `no VirtualService bound to ${bound.names} matches host ${host}`;
    report?.f.add(
      'host-route',
      report.obj,
      report.hostField,
      `${reason}: the gateway answers 404`,
      `add a VirtualService with hosts: ["${host}"] and gateways: ["${gws[0].namespace}/${gws[0].name}"]`,
    );
    return [{ step: 'route', label: 'VirtualService route', detail: reason, state: 'unknown', reason }];
  }
  const hops: Hop[] = [];
  for (const vs of matching) for (const hop of virtualServiceHops(inv, vs)) hops.push(hop);
  return hops;
}

interface BoundToServers extends BoundVirtualServices {
  /** The Gateways of the servers, each once. */
  readonly gateways: Obj[];
  /** Their references, for messages. */
  readonly names: string;
}

/**
 * The VirtualServices bound to the Gateways of some servers, indexed by host: once per set of servers (the servers of
 * a gateway Service's port), since every Ingress host through that port asks, and the gateway may serve a Gateway
 * per app.
 */
function boundToServers(inv: Inventory, servers: GatewayServer[]): BoundToServers {
  return inv.memoOn(servers, 'boundVirtualServices', () => {
    const gateways = unique(servers.map((s) => s.gateway));
    const index = boundVirtualServices(inv);
    const out = {
      gateways,
      names: gateways.map((g) => g.ref).join(', '),
      all: [] as Obj[],
      exact: new Map<string, Obj[]>(),
      wildcard: new Map<string, Obj[]>(),
    };
    for (const gw of gateways) {
      const entry = index.get(`${gw.namespace}/${gw.name}`);
      if (!entry) continue;
      for (const vs of entry.all) out.all.push(vs);
      for (const [host, list] of entry.exact) for (const vs of list) append(out.exact, host, vs);
      for (const [host, list] of entry.wildcard) for (const vs of list) append(out.wildcard, host, vs);
    }
    return out;
  });
}

/**
 * The hops of every route destination of a VirtualService, computed once per VirtualService: every Ingress host it
 * serves shows the same hops, so many hosts on one VirtualService with many routes cost hosts + routes, not their
 * product.
 */
function virtualServiceHops(inv: Inventory, vs: Obj): readonly Hop[] {
  return inv.memoOn(vs, 'routeHops', () => {
    const hops: Hop[] = [];
    for (const kind of ['http', 'tls', 'tcp']) {
      for (const route of arr(rec(vs.raw.spec)[kind])) {
        for (const dest of arr(rec(route).route)) hops.push(...meshHops(inv, vs, kind, route, dest));
      }
    }
    return hops;
  });
}

interface BoundVirtualServices {
  readonly all: Obj[];
  /** By lower-case exact host. */
  readonly exact: Map<string, Obj[]>;
  /** By wildcard host as written (`*`, `*.example.com`), matched case-sensitively as hostMatches does. */
  readonly wildcard: Map<string, Obj[]>;
}

/** VirtualServices by the Gateway (`ns/name`) they are bound to, and by host within it: built once per check. */
function boundVirtualServices(inv: Inventory): Map<string, BoundVirtualServices> {
  return inv.memo('boundVirtualServices', () => {
    const out = new Map<string, BoundVirtualServices>();
    for (const vs of inv.istio('VirtualService')) {
      const hosts = arr(at(vs.raw.spec, 'hosts')).filter((h): h is string => typeof h === 'string');
      const keys = unique(
        arr(at(vs.raw.spec, 'gateways'))
          .filter((g): g is string => typeof g === 'string')
          .map((g) => {
            const key = gatewayRefKey(vs.namespace, g);
            return `${key.namespace}/${key.name}`;
          }),
      );
      for (const key of keys) {
        let entry = out.get(key);
        if (!entry) out.set(key, (entry = { all: [], exact: new Map(), wildcard: new Map() }));
        entry.all.push(vs);
        // `*` and `*.suffix` match other hosts; any other host starting with `*` only itself, which no exact Ingress
        // host is.
        for (const h of unique(hosts.filter((x) => x === '*' || x.startsWith('*.')))) append(entry.wildcard, h, vs);
        for (const h of unique(hosts.filter((x) => !x.startsWith('*')).map((x) => x.toLowerCase())))
          append(entry.exact, h, vs);
      }
    }
    return out;
  });
}

export function verdictOf(inv: Inventory, paths: HostPath[]): Verdict {
  const reasons: string[] = [];
  if (!paths.length) reasons.push('no ALB Ingress routes traffic to a backend in these manifests');
  for (const p of paths) {
    const hop = p.hops.find((h) => h.state !== 'encrypted');
    if (hop?.reason) reasons.push(hop.reason);
  }
  // Mesh-internal hops (workload to workload) count too, also for namespaces no host path reaches.
  const reported = new Set(
    reasons.map((r) => /^mTLS is not enforced in (\S+) /.exec(r)?.[1]).filter((ns) => ns !== undefined),
  );
  for (const ns of inv.appNamespaces()) {
    if (!meshNamespace(inv, ns)) continue;
    const m = namespaceMtls(inv, ns);
    if (m.mode !== 'STRICT' && !reported.has(ns)) {
      reasons.push(
        `mTLS is not enforced in ${ns} (${m.mode}${m.by ? ` by ${m.by.ref}` : ', no PeerAuthentication'}): plaintext is accepted`,
      );
    }
  }
  const uniq = unique(reasons);
  const shown = uniq.slice(0, 3).join('; ') + (uniq.length > 3 ? `; +${uniq.length - 3} more` : '');
  const encrypted = uniq.length === 0;
  return {
    encrypted,
    reasons: uniq,
    line: encrypted ? 'end-to-end encrypted: yes' : `end-to-end encrypted: no (because ${shown})`,
  };
}
