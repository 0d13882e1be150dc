import { ALB, AlbBackend, AlbIngress, DEFAULT_SSL_POLICY, defaultHealthPath, portSpeaks } from './alb-model';
import { destinationEdges, Edge } from './authz';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  describeMtls,
  GatewayServer,
  meshNamespace,
  gatewayRefKey,
  gatewayServersOnPort,
  gatewaysOfService,
  injectionOf,
  isTlsServer,
  namespaceMtls,
  resolveHost,
  serviceEntryFor,
  serviceServersOnPort,
  unverifiedTls,
  workloadMtls,
  workloadsOfGateway,
} from './mesh-model';
import { targetDrain } from './rollout';
import { WorkloadInfo } from './services-workloads';
import { Hop, HopState, HostPath, Verdict } from './types';
import { append, arr, at, hostMatches, rec, str, unique } from './util';
import { GATEWAY_STATUS_PORT, GATEWAY_STATUS_PORT_NAME } from '../ports';

function worst(states: HopState[]): HopState {
  if (states.includes('plaintext')) return 'plaintext';
  if (states.includes('unknown')) return 'unknown';
  return 'encrypted';
}

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
function serversFor(inv: Inventory, b: AlbBackend): { servers: GatewayServer[]; note: string } {
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

function routeSummary(route: unknown): string {
  const matches = arr(rec(route).match).map((m) => {
    const uri = rec(rec(m).uri);
    const [kind, value] = Object.entries(uri)[0] ?? [];
    const port = rec(m).port;
    return kind ? `${kind} ${String(value)}` : port !== undefined ? `port ${String(port)}` : 'match';
  });
  return matches.length ? matches.join(' | ') : 'all';
}

/** Hops from a gateway-bound VirtualService route to the workloads behind its destination. */
function meshHops(inv: Inventory, vs: Obj, kind: string, route: unknown, dest: unknown): Hop[] {
  const host = str(at(dest, 'destination.host')) ?? '?';
  const port = at(dest, 'destination.port.number');
  const routeLabel = `${vs.ref} ${kind} ${routeSummary(route)} -> ${host}${typeof port === 'number' ? `:${port}` : ''}`;
  const key = resolveHost(inv, vs.namespace, host);
  if ('external' in key || serviceEntryFor(inv, host)) {
    const unverified = unverifiedTlsHosts(inv).get(host);
    const reason = unverified
      ? `${unverified.ref} originates TLS to ${host} without caCertificates: encrypted, but the server is not authenticated (IST0128)`
      : `${host} is outside the mesh; encryption depends on the external service`;
    return [{ step: 'route', label: routeLabel, detail: 'external destination', state: 'unknown', reason }];
  }
  const svc = inv.service(key.namespace, key.name);
  if (!svc) {
    const reason = `Service ${key.namespace}/${key.name} is not in the manifests`;
    return [{ step: 'route', label: routeLabel, detail: reason, state: 'unknown', reason }];
  }
  const workloads = inv.workloadsOf(svc).filter((w) => !w.gateway);
  const disabled = tlsDisabledServices(inv).has(`${svc.namespace}/${svc.name}`);
  const unverified = unverifiedTlsHosts(inv).get(`${svc.namespace}/${svc.name}`);
  if (!workloads.length) {
    const reason = `no workload selected by ${svc.ref} in the manifests`;
    return [
      { step: 'route', label: routeLabel, detail: 'gateway -> sidecar', state: 'unknown', reason },
      { step: 'workload', label: `${svc.ref} -> ?`, detail: reason, state: 'unknown', reason },
    ];
  }
  const edges = new Map<WorkloadInfo, Edge[]>();
  for (const e of destinationEdges(inv, vs, dest)) append(edges, e.workload, e);
  const hops: Hop[] = [];
  for (const w of workloads) {
    const authz = edges.get(w) ?? [];
    const denied = authz.find(isDenied);
    const inj = injectionOf(inv, w);
    const mtls = workloadMtls(inv, w);
    let state: HopState = 'encrypted';
    let reason: string | undefined;
    if (inj.state === 'no') [state, reason] = ['plaintext', `${w.ref} has no sidecar (${inj.why})`];
    else if (disabled) [state, reason] = ['plaintext', `a DestinationRule disables TLS to ${svc.ref}`];
    else if (mtls.mode === 'DISABLE') [state, reason] = ['plaintext', `mTLS is disabled for ${w.ref}`];
    // SIMPLE/MUTUAL instead of ISTIO_MUTUAL: the gateway encrypts, but checks no certificate of the server (istioctl IST0128/IST0129).
    else if (unverified)
      [state, reason] = [
        'unknown',
        `${unverified.ref} originates TLS to ${svc.ref} without caCertificates: encrypted, but the server is not authenticated (IST0128)`,
      ];
    // A route that only ever gets 403 is broken before its encryption matters.
    else if (denied) [state, reason] = ['unknown', deniedReason(denied)];
    else if (mtls.mode !== 'STRICT' || mtls.weakerPorts.length) {
      [state, reason] = [
        'unknown',
        `mTLS is not enforced in ${w.namespace} (${mtls.mode}${mtls.by ? ` by ${mtls.by.ref}` : ', no PeerAuthentication'}): plaintext is accepted`,
      ];
    } else if (inj.state === 'unknown')
      [state, reason] = ['unknown', `sidecar injection of ${w.ref} is unknown (${inj.why})`];
    const notes = unique(authz.map((e) => e.authz.note));
    const detail =
      `sidecar ${inj.state === 'yes' ? 'injected' : inj.state === 'no' ? 'not injected' : 'unknown'} (${inj.why}); ${describeMtls(mtls)}` +
      (notes.length ? `; ${notes.join('; ')}` : '');
    if (!hops.length)
      hops.push({
        step: 'route',
        label: routeLabel,
        detail: 'gateway -> sidecar (auto mTLS)',
        state,
        ...(reason ? { reason } : {}),
      });
    hops.push({ step: 'workload', label: `${svc.ref} -> ${w.ref}`, detail, state, ...(reason ? { reason } : {}) });
  }
  return hops;
}

/** In-mesh Services (`ns/name`) and external hosts a DestinationRule originates unverified TLS to, indexed once. */
function unverifiedTlsHosts(inv: Inventory): Map<string, Obj> {
  return inv.memo('unverifiedTlsHosts', () => {
    const out = new Map<string, Obj>();
    for (const dr of inv.istio('DestinationRule')) {
      const h = str(at(dr.raw.spec, 'host'));
      if (!h || !unverifiedTls(dr).length) continue;
      const k = resolveHost(inv, dr.namespace, h);
      const key = 'external' in k || serviceEntryFor(inv, h) ? h : `${k.namespace}/${k.name}`;
      if (!out.has(key)) out.set(key, dr);
    }
    return out;
  });
}

/** Services (`ns/name`) a DestinationRule sends plaintext to (trafficPolicy.tls.mode DISABLE), indexed once. */
function tlsDisabledServices(inv: Inventory): Set<string> {
  return inv.memo('tlsDisabledServices', () => {
    const out = new Set<string>();
    for (const dr of inv.istio('DestinationRule')) {
      const h = str(at(dr.raw.spec, 'host'));
      const k = h ? resolveHost(inv, dr.namespace, h) : undefined;
      if (k && !('external' in k) && str(at(dr.raw.spec, 'trafficPolicy.tls.mode')) === 'DISABLE')
        out.add(`${k.namespace}/${k.name}`);
    }
    return out;
  });
}

/** What authz-gateway-denied reports: the gateway's identity is known and no request gets through. */
function isDenied(e: Edge): boolean {
  return !!e.caller.principal && e.authz.decision === 'deny';
}

function deniedReason(e: Edge): string {
  const call = `the gateway ${e.caller.principal} to call ${e.workload.ref}${e.port === undefined ? '' : ` on port ${e.port}`}`;
  return e.authz.denyPolicy
    ? `${e.authz.denyPolicy.ref} denies ${call}, so every request gets 403`
    : `no AuthorizationPolicy allows ${call}, so every request gets 403`;
}

export function tracePaths(inv: Inventory, albs: AlbIngress[], f: Findings): HostPath[] {
  const out: HostPath[] = [];
  for (const alb of albs) {
    for (const b of alb.backends) {
      const hops: Hop[] = [listenerHop(alb), targetGroupHop(inv, alb, b)];
      const workloads = b.service ? inv.workloadsOf(b.service) : [];
      const appBackend = workloads.length > 0 && !workloads.some((w) => w.gateway);
      const isStatus = b.servicePort?.name === GATEWAY_STATUS_PORT_NAME || b.servicePort?.port === GATEWAY_STATUS_PORT;
      if (appBackend) {
        hops.push({
          step: 'gateway-server',
          label: 'no gateway',
          detail: `${b.service!.ref} selects application pods`,
          state: 'unknown',
          reason: 'the ALB bypasses the Istio gateway',
        });
      } else if (isStatus) {
        hops.push({
          step: 'gateway-server',
          label: 'gateway status port',
          detail: 'health endpoint, plain HTTP',
          state: 'unknown',
          reason: 'the status port is not a traffic port',
        });
      } else {
        const { servers, note } = serversFor(inv, b);
        const server = servers.find(isTlsServer) ?? servers[0];
        const port = b.servicePort?.port ?? b.port;
        const missing = `no Gateway server on port ${port ?? '?'}`;
        // Only when Gateways do select this gateway: a selector that matches nothing is gateway-selector's finding,
        // and an unknown Service port is ingress-backend-port's.
        const gws = b.service ? gatewaysOfService(inv, b.service) : [];
        if (!server && gws.length && b.servicePort) {
          f.add(
            'gateway-server-port',
            alb.obj,
            `${b.field}.service.port`,
            `no server of ${gws.map((g) => g.ref).join(', ')} listens on port ${port}`,
            `add a Gateway server {port: {number: ${port}, name: https, protocol: HTTPS}, tls: {mode: SIMPLE, credentialName: ...}, hosts: ["*"]}`,
          );
        }
        hops.push(gatewayHop(inv, server, note, missing));
        if (server) for (const hop of routeHops(inv, alb, b, servers, f)) hops.push(hop);
      }
      out.push({
        host: b.host,
        ingress: alb.obj.ref,
        backend: `${b.path} -> ${b.serviceName}:${b.port ?? '?'}`,
        hops,
        state: worst(hops.map((h) => h.state)),
      });
    }
  }
  return out;
}

function routeHops(inv: Inventory, alb: AlbIngress, b: AlbBackend, servers: GatewayServer[], f: Findings): Hop[] {
  const bound = boundToServers(inv, servers);
  const candidates: Obj[] = [];
  // A wildcard Ingress host can match any VirtualService host: those are filtered. An exact one is looked up: its own
  // host, `*`, and `*.suffix` for each domain suffix, which are exactly the hosts hostMatches accepts for it.
  const wildcardHost = b.host.startsWith('*');
  if (wildcardHost) for (const vs of bound.all) candidates.push(vs);
  else {
    for (const vs of bound.exact.get(b.host.toLowerCase()) ?? []) candidates.push(vs);
    for (const pattern of wildcardPatterns(b.host))
      for (const vs of bound.wildcard.get(pattern) ?? []) candidates.push(vs);
  }
  const ordered = inv.inOrder(candidates);
  const matching = wildcardHost
    ? ordered.filter((vs) => arr(at(vs.raw.spec, 'hosts')).some((h) => typeof h === 'string' && hostMatches(h, b.host)))
    : ordered;
  if (!matching.length) {
    const gws = bound.gateways;
    const reason = `no VirtualService bound to ${bound.names} matches host ${b.host}`;
    f.add(
      'host-route',
      alb.obj,
      b.hostField,
      `${reason}: the gateway answers 404`,
      `add a VirtualService with hosts: ["${b.host}"] and gateways: ["${gws[0].namespace}/${gws[0].name}"]`,
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

/** `*` and `*.suffix` for every domain suffix of a host: the wildcard hosts that match it. */
function wildcardPatterns(host: string): string[] {
  const out = ['*'];
  for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) out.push(`*${host.slice(i)}`);
  return out;
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
