/**
 * The mesh end of a traffic path, shared by the Ingress and the Gateway API edge: from a gateway route to the
 * workloads behind its destination (sidecar, mTLS, DestinationRule TLS, the authorization of the gateway's calls).
 */
import { destinationEdges, Edge } from './authz';
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  describeMtls,
  injectionOf,
  namespaceMtls,
  resolveHost,
  serviceEntryFor,
  unverifiedTls,
  workloadMtls,
} from './mesh-model';
import { WorkloadInfo } from './services-workloads';
import { Hop, HopState } from './types';
import { append, arr, at, rec, str, strMap, unique } from './util';

export function worst(states: HopState[]): HopState {
  if (states.includes('plaintext')) return 'plaintext';
  if (states.includes('unknown')) return 'unknown';
  return 'encrypted';
}

/** A target on the gateway's status port: the ALB's health check endpoint, not a path of the app's traffic. */
export function statusPortHop(): Hop {
  return {
    step: 'gateway-server',
    label: 'gateway status port',
    detail: 'health endpoint, plain HTTP',
    state: 'unknown',
    reason: 'the status port is not a traffic port',
  };
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
export function meshHops(inv: Inventory, vs: Obj, kind: string, route: unknown, dest: unknown): Hop[] {
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
  // No edges when the Service is not in the manifests: workloadHops then reports it deployed apart.
  const edges = new Map<WorkloadInfo, AuthzEdge[]>();
  for (const e of destinationEdges(inv, vs, dest)) append(edges, e.workload, e);
  return workloadHops(inv, routeLabel, key, edges);
}

/** The gateway's call to one workload, as far as authorization goes. */
export type AuthzEdge = Pick<Edge, 'caller' | 'workload' | 'port' | 'authz'>;

/**
 * The route hop and one hop per workload behind an in-mesh Service: sidecar, mTLS and the authorization of the
 * gateway's calls (`edges`, by workload).
 */
export function workloadHops(
  inv: Inventory,
  routeLabel: string,
  key: { namespace: string; name: string },
  edges: ReadonlyMap<WorkloadInfo, AuthzEdge[]>,
): Hop[] {
  const svc = inv.service(key.namespace, key.name);
  if (!svc) return deployedApartHops(inv, routeLabel, key);
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

/**
 * A destination Service the manifests do not hold (an app deployed on its own): its namespace decides. Pods of a
 * namespace that injects sidecars and enforces STRICT mTLS only take mTLS, whatever workload they belong to.
 */
function deployedApartHops(inv: Inventory, routeLabel: string, key: { namespace: string; name: string }): Hop[] {
  const missing = `Service ${key.namespace}/${key.name} is not in the manifests`;
  const ns = inv.namespaceObj(key.namespace);
  const labels = strMap(ns?.raw.metadata?.labels);
  const injects =
    labels['istio-injection'] === 'enabled' || (labels['istio-injection'] === undefined && !!labels['istio.io/rev']);
  const mtls = namespaceMtls(inv, key.namespace);
  if (!injects || mtls.mode !== 'STRICT')
    return [{ step: 'route', label: routeLabel, detail: missing, state: 'unknown', reason: missing }];
  const detail = `${missing}; namespace ${key.namespace} injects sidecars (${labels['istio-injection'] === 'enabled' ? 'istio-injection=enabled' : `istio.io/rev=${labels['istio.io/rev']}`}); ${describeMtls(mtls)}; authz not checked`;
  return [
    { step: 'route', label: routeLabel, detail: 'gateway -> sidecar (auto mTLS)', state: 'encrypted' },
    {
      step: 'workload',
      label: `Service ${key.namespace}/${key.name} -> pods deployed apart`,
      detail,
      state: 'encrypted',
    },
  ];
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
function isDenied(e: AuthzEdge): boolean {
  return !!e.caller.principal && e.authz.decision === 'deny';
}

function deniedReason(e: AuthzEdge): string {
  const call = `the gateway ${e.caller.principal} to call ${e.workload.ref}${e.port === undefined ? '' : ` on port ${e.port}`}`;
  return e.authz.denyPolicy
    ? `${e.authz.denyPolicy.ref} denies ${call}, so every request gets 403`
    : `no AuthorizationPolicy allows ${call}, so every request gets 403`;
}
