import { Obj } from './identity';
import { Inventory } from './inventory';
import { ServiceInfo, WorkloadInfo } from './services-workloads';
import { arr, at, isRec, num, rec, str, strMap } from './util';

/** Facts about the mesh that several rules and the hop report need: injection, mTLS mode, Gateways. */

/** podOptOut: the pod template turns injection off in a namespace that injects (istioctl's IST0103, not IST0102). */
export type Injection = { state: 'yes' | 'no' | 'unknown'; why: string; podOptOut?: boolean };

export function injectionOf(inv: Inventory, w: WorkloadInfo): Injection {
  const podFlag = w.podLabels['sidecar.istio.io/inject'] ?? w.podAnnotations['sidecar.istio.io/inject'];
  const ns = inv.namespaceObj(w.namespace);
  const labels = strMap(ns?.raw.metadata?.labels);
  if (podFlag === 'false') {
    const injecting =
      labels['istio-injection'] === 'enabled' || (labels['istio-injection'] === undefined && !!labels['istio.io/rev']);
    return { state: 'no', why: `${w.ref} sets sidecar.istio.io/inject=false`, podOptOut: injecting };
  }
  // istio-injection wins over istio.io/rev when both are present.
  if (labels['istio-injection'] === 'enabled')
    return { state: 'yes', why: `namespace ${w.namespace} has istio-injection=enabled` };
  if (labels['istio-injection'] === 'disabled')
    return { state: 'no', why: `namespace ${w.namespace} has istio-injection=disabled` };
  if (labels['istio.io/rev'])
    return { state: 'yes', why: `namespace ${w.namespace} has istio.io/rev=${labels['istio.io/rev']}` };
  if (podFlag === 'true') return { state: 'yes', why: `${w.ref} sets sidecar.istio.io/inject=true` };
  if (ns) return { state: 'no', why: `namespace ${w.namespace} has no injection label` };
  return { state: 'unknown', why: `Namespace ${w.namespace} is not in the manifests, injection label unknown` };
}

export type MtlsModeName = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
export interface MtlsMode {
  readonly mode: MtlsModeName;
  /** The PeerAuthentication that decides it, or undefined for Istio's default (PERMISSIVE). */
  readonly by?: Obj;
  /** Port-level overrides weaker than the mode, e.g. `8080: PERMISSIVE`. */
  readonly weakerPorts: string[];
}

function paMode(pa: Obj): MtlsModeName | undefined {
  const m = str(at(pa.raw.spec, 'mtls.mode'));
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : undefined;
}

function paSelector(pa: Obj): Record<string, string> {
  return strMap(at(pa.raw.spec, 'selector.matchLabels'));
}

/** Namespace-wide mode: the namespace's selector-less PeerAuthentication, else the root namespace's, else PERMISSIVE. */
export function namespaceMtls(inv: Inventory, ns: string): MtlsMode {
  return inv.memo(`namespaceMtls\u0000${ns}`, () => {
    for (const scope of [ns, inv.rootNamespace]) {
      const pa = namespaceWidePeerAuthentication(inv, scope);
      const mode = pa && paMode(pa);
      if (pa && mode) return { mode, by: pa, weakerPorts: [] };
    }
    return { mode: 'PERMISSIVE', weakerPorts: [] };
  });
}

/** A namespace's first selector-less PeerAuthentication with a mode: found once per namespace (the root one is asked for every namespace). */
function namespaceWidePeerAuthentication(inv: Inventory, ns: string): Obj | undefined {
  return inv.memo(`namespaceWidePeerAuthentication\u0000${ns}`, () =>
    inv.istioIn('PeerAuthentication', ns).find((p) => Object.keys(paSelector(p)).length === 0 && paMode(p)),
  );
}

/** A namespace's first Sidecar without a workloadSelector: found once per namespace (the root one is asked for every namespace). */
export function namespaceWideSidecar(inv: Inventory, ns: string): Obj | undefined {
  return inv.memo(`namespaceWideSidecar\u0000${ns}`, () =>
    inv.istioIn('Sidecar', ns).find((s) => !isRec(at(s.raw.spec, 'workloadSelector'))),
  );
}

/** The first PeerAuthentication of a namespace that selects each of its workloads: indexed once per namespace. */
function workloadPeerAuthentications(inv: Inventory, ns: string): Map<WorkloadInfo, Obj> {
  return inv.memo(`workloadPeerAuthentications\u0000${ns}`, () => {
    const m = new Map<WorkloadInfo, Obj>();
    for (const pa of inv.istioIn('PeerAuthentication', ns)) {
      for (const w of inv.workloadsSelected(ns, paSelector(pa))) if (!m.has(w)) m.set(w, pa);
    }
    return m;
  });
}

/** The mode a workload's sidecar enforces: a workload-level PeerAuthentication overrides the namespace one. */
export function workloadMtls(inv: Inventory, w: WorkloadInfo): MtlsMode {
  const base = namespaceMtls(inv, w.namespace);
  const pa = workloadPeerAuthentications(inv, w.namespace).get(w);
  if (!pa) return base;
  const mode = paMode(pa) ?? base.mode;
  const weakerPorts = Object.entries(rec(at(pa.raw.spec, 'portLevelMtls')))
    .map(([port, v]) => [port, str(rec(v).mode)] as const)
    .filter(([, m]) => m === 'PERMISSIVE' || m === 'DISABLE')
    .map(([port, m]) => `${port}: ${m}`);
  return { mode, by: paMode(pa) ? pa : base.by, weakerPorts };
}

export function describeMtls(m: MtlsMode): string {
  const by = m.by ? m.by.ref : 'Istio default, no PeerAuthentication';
  const ports = m.weakerPorts.length ? `, port overrides ${m.weakerPorts.join(', ')}` : '';
  return `mTLS ${m.mode} (${by}${ports})`;
}

export interface GatewayServer {
  readonly gateway: Obj;
  readonly index: number;
  readonly port?: number;
  readonly protocol: string;
  readonly hosts: string[];
  readonly tlsMode?: string;
  readonly credentialName?: string;
  readonly httpsRedirect: boolean;
}

const serversMemo = new WeakMap<Obj, GatewayServer[]>();

export function gatewayServers(gw: Obj): GatewayServer[] {
  let servers = serversMemo.get(gw);
  if (!servers) serversMemo.set(gw, (servers = readServers(gw)));
  return servers;
}

function readServers(gw: Obj): GatewayServer[] {
  return arr(at(gw.raw.spec, 'servers'))
    .filter(isRec)
    .map((s, index) => ({
      gateway: gw,
      index,
      port: typeof at(s, 'port.number') === 'number' ? (at(s, 'port.number') as number) : undefined,
      protocol: (str(at(s, 'port.protocol')) ?? '').toUpperCase(),
      hosts: arr(s.hosts).filter((h): h is string => typeof h === 'string'),
      tlsMode: str(at(s, 'tls.mode')) ?? (isRec(s.tls) ? 'SIMPLE' : undefined),
      credentialName: str(at(s, 'tls.credentialName')),
      httpsRedirect: at(s, 'tls.httpsRedirect') === true,
    }));
}

export function isTlsServer(s: GatewayServer): boolean {
  return s.protocol === 'HTTPS' || s.protocol === 'TLS';
}

export function gatewaySelector(gw: Obj): Record<string, string> {
  return strMap(at(gw.raw.spec, 'selector'));
}

/** Gateway workloads (explicit or implied) a Gateway's selector picks. */
export function workloadsOfGateway(inv: Inventory, gw: Obj): WorkloadInfo[] {
  return inv.memoOn(gw, 'workloads', () => inv.gatewayWorkloadsSelected(gatewaySelector(gw)));
}

/** Gateways whose selector picks one of the workloads behind a gateway Service. */
export function gatewaysOfService(inv: Inventory, svc: ServiceInfo): Obj[] {
  return inv.memoOn(svc, 'gateways', () => {
    // Reverse of workloadsOfGateway, built once: the Gateways selecting each gateway workload.
    const byWorkload = inv.memo('gatewaysByWorkload', () => {
      const m = new Map<WorkloadInfo, Obj[]>();
      for (const gw of inv.istio('Gateway'))
        for (const w of workloadsOfGateway(inv, gw)) {
          const list = m.get(w);
          if (list) list.push(gw);
          else m.set(w, [gw]);
        }
      return m;
    });
    return inv.inOrder(
      inv
        .workloadsOf(svc)
        .filter((w) => w.gateway)
        .flatMap((w) => byWorkload.get(w) ?? []),
    );
  });
}

/**
 * The servers on a port of the Gateways selecting a gateway Service's pods: once per Service and port, since every
 * host of the Ingresses names the same Service and port, and one gateway may serve a Gateway per app.
 */
export function serviceServersOnPort(inv: Inventory, svc: ServiceInfo, port: number | undefined): GatewayServer[] {
  return inv.memoOn(svc, `serversOnPort\u0000${port}`, () =>
    gatewaysOfService(inv, svc)
      .flatMap(gatewayServers)
      .filter((s) => s.port === port),
  );
}

/** The Gateway a VirtualService `gateways` entry names, if it is in the manifests. */
export function gatewayByRef(inv: Inventory, vsNamespace: string, ref: string): Obj | undefined {
  const key = gatewayRefKey(vsNamespace, ref);
  // Indexed once by namespace and name; the first in input order wins, as a scan would find it.
  const byName = inv.memo('gatewaysByName', () => {
    const m = new Map<string, Obj>();
    for (const g of inv.istio('Gateway'))
      if (!m.has(`${g.namespace}\u0000${g.name}`)) m.set(`${g.namespace}\u0000${g.name}`, g);
    return m;
  });
  return byName.get(`${key.namespace}\u0000${key.name}`);
}

/** Resolves a VirtualService `gateways` entry: `ns/name`, or a bare name in the VirtualService's namespace. */
export function gatewayRefKey(vsNamespace: string, ref: string): { namespace: string; name: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { namespace: vsNamespace, name: ref } : { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
}

/**
 * Resolves a route destination host to a Service key the way Istio does on Kubernetes:
 * a short name is in the VirtualService's namespace; `name.ns`, `name.ns.svc` and `name.ns.svc.cluster.local` name the namespace.
 * Anything else with dots is an external host.
 */
export function resolveHost(
  inv: Inventory,
  fromNs: string,
  host: string,
): { namespace: string; name: string } | { external: string } {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host);
  if (m) return { namespace: m[2], name: m[1] };
  if (!host.includes('.')) return { namespace: fromNs, name: host };
  const parts = host.split('.');
  if (parts.length === 2 && inv.knowsNamespace(parts[1])) return { namespace: parts[1], name: parts[0] };
  return { external: host };
}

/** ServiceEntry hosts, matched like Istio hosts (wildcards allowed). */
export function serviceEntryFor(inv: Inventory, host: string): Obj | undefined {
  // Indexed once by host: an exact host, `*.suffix` for every domain suffix of the host, or `*`; the first
  // ServiceEntry in input order wins, as a scan would find it.
  const index = inv.memo('serviceEntryHosts', () => {
    const m = new Map<string, Obj>();
    for (const se of inv.istio('ServiceEntry')) {
      for (const h of arr(at(se.raw.spec, 'hosts'))) {
        const p = str(h);
        if (p && !m.has(p)) m.set(p, se);
      }
    }
    return m;
  });
  const candidates = [index.get(host), index.get('*')];
  for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) candidates.push(index.get(`*${host.slice(i)}`));
  const found = candidates.filter((se): se is Obj => !!se);
  return found.length ? inv.inOrder(found)[0] : undefined;
}

/** Whether the manifests involve Istio at all: an Istio object, an Istio install (IstioOperator, Istio chart) or a gateway. */
export function meshPresent(inv: Inventory): boolean {
  return inv.memo(
    'meshPresent',
    () => inv.objects.some((o) => o.group.endsWith('.istio.io')) || inv.gatewayWorkloads().length > 0,
  );
}

/**
 * Whether Istio's mesh rules apply to a namespace: Istio is in the manifests, and the namespace is in the mesh or
 * meant to be: labelled for injection, holding Istio objects, the destination of a route, or under mesh-wide policy
 * (a PeerAuthentication or Sidecar in the root namespace).
 */
export function meshNamespace(inv: Inventory, ns: string): boolean {
  if (!meshPresent(inv)) return false;
  const namespaces = inv.memo('meshNamespaces', () => {
    const out = new Set<string>();
    for (const o of inv.objects) if (o.group.endsWith('.istio.io')) out.add(o.namespace);
    for (const ns of inv.namespaces()) {
      const labels = strMap(ns.raw.metadata?.labels);
      if (labels['istio-injection'] !== undefined || labels['istio.io/rev'] !== undefined) out.add(ns.name);
    }
    for (const vs of inv.istio('VirtualService')) {
      for (const kind of ['http', 'tcp', 'tls']) {
        for (const route of arr(rec(vs.raw.spec)[kind])) {
          for (const dest of arr(rec(route).route)) {
            const host = str(at(dest, 'destination.host'));
            const key = host ? resolveHost(inv, vs.namespace, host) : undefined;
            if (key && !('external' in key)) out.add(key.namespace);
          }
        }
      }
    }
    return out;
  });
  const meshWide =
    inv.istioIn('PeerAuthentication', inv.rootNamespace).length > 0 ||
    inv.istioIn('Sidecar', inv.rootNamespace).length > 0;
  return meshWide || namespaces.has(ns);
}

/** Gateway servers on a port number, over every Gateway: indexed once. */
export function gatewayServersOnPort(inv: Inventory, port: number | undefined): GatewayServer[] {
  const byPort = inv.memo('gatewayServersByPort', () => {
    const m = new Map<number | undefined, GatewayServer[]>();
    for (const s of inv.istio('Gateway').flatMap(gatewayServers)) {
      const list = m.get(s.port);
      if (list) list.push(s);
      else m.set(s.port, [s]);
    }
    return m;
  });
  return byPort.get(port) ?? [];
}

/** The client TLS settings of a DestinationRule that originate TLS without verifying the server (IST0128, IST0129). */
export function unverifiedTls(dr: Obj): { field: string; mode: string; port?: number }[] {
  const spec = rec(dr.raw.spec);
  const withSelector = isRec(spec.workloadSelector);
  const out: { field: string; mode: string; port?: number }[] = [];
  const check = (tls: unknown, field: string, port?: number) => {
    const mode = str(at(tls, 'mode'));
    if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return;
    // A credentialName supplies the CA only for a DestinationRule with a workloadSelector (Istio's own exception).
    if (str(at(tls, 'caCertificates')) || (str(at(tls, 'credentialName')) && withSelector)) return;
    out.push({ field, mode, ...(port !== undefined ? { port } : {}) });
  };
  check(at(spec, 'trafficPolicy.tls'), 'spec.trafficPolicy.tls');
  arr(at(spec, 'trafficPolicy.portLevelSettings')).forEach((p, i) =>
    check(rec(p).tls, `spec.trafficPolicy.portLevelSettings[${i}].tls`, num(at(p, 'port.number'))),
  );
  return out;
}
