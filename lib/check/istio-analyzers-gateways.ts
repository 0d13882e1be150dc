/**
 * istioctl's Gateway analyzers: server ports no gateway Service exposes, overlapping hosts and shared certificates
 * on one proxy, VirtualService hosts a bound Gateway does not serve.
 */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { gatewayByRef, gatewaySelector, gatewayServers, workloadsOfGateway } from './mesh-model';
import { append, arr, at, listSome, selectorText, unique } from './util';

/** A Gateway server host without its `namespace/` part (the part limits which VirtualServices bind, not the host). */
const bareHost = (h: string) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

/**
 * IST0162: a Gateway server port that no Service selecting its gateway pods exposes. istioctl compares with the
 * target ports only; istiod also maps a server port equal to a Service port onto its target port (istioctl's
 * gateway on 443 -> 8443 serves a Gateway on 443), so both count here and such a Gateway is not reported.
 */
export function checkGatewayServicePorts(inv: Inventory, f: Findings): void {
  for (const gw of inv.istio('Gateway')) {
    const workloads = workloadsOfGateway(inv, gw);
    const services = unique(workloads.flatMap((w) => inv.servicesOfWorkload(w)));
    // Without a Service for the gateway pods in the manifests there is nothing to compare against (open world).
    if (!services.length) continue;
    const offered = new Set<number>();
    for (const svc of services)
      for (const p of svc.ports) {
        if (typeof p.targetPort === 'number' && p.targetPort !== 0) offered.add(p.targetPort);
        if (p.port !== undefined) offered.add(p.port);
      }
    for (const s of gatewayServers(gw)) {
      if (s.port === undefined || offered.has(s.port)) continue;
      f.add(
        'gateway-port-not-on-service',
        gw,
        `spec.servers[${s.index}].port.number`,
        `port ${s.port} is neither a port nor a target port of ${listSome(services.map((x) => x.ref))} (${[...offered].sort((a, b) => a - b).join(', ')}), which select the pods of selector ${selectorText(gatewaySelector(gw))}: no traffic reaches this server through the gateway Service`,
        `set port.number to a port the gateway Service exposes (${[...offered].sort((a, b) => a - b).join(', ')}), or add the port to the Service`,
      );
    }
  }
}

/** Keys that name one gateway proxy: its workloads when the manifests hold them, else the selector. */
function proxyKeys(inv: Inventory, gw: Obj): string[] {
  const workloads = workloadsOfGateway(inv, gw);
  return workloads.length ? workloads.map((w) => w.ref) : [`selector ${selectorText(gatewaySelector(gw))}`];
}

/**
 * IST0145: Gateways of one proxy and port whose server hosts overlap. Hosts are indexed per proxy and port (exact
 * hosts, `*.suffix` wildcards, `*`), so each host looks up its overlaps instead of comparing every pair.
 */
export function checkConflictingGateways(inv: Inventory, f: Findings): void {
  interface Entry {
    gw: Obj;
    host: string;
    field: string;
  }
  const buckets = new Map<string, Entry[]>();
  for (const gw of inv.istio('Gateway')) {
    for (const s of gatewayServers(gw)) {
      if (s.port === undefined) continue;
      for (const key of proxyKeys(inv, gw)) {
        s.hosts.forEach((h) =>
          append(buckets, `${key}\u0000${s.port}`, {
            gw,
            host: bareHost(h).toLowerCase(),
            field: `spec.servers[${s.index}].hosts`,
          }),
        );
      }
    }
  }
  for (const [key, entries] of buckets) {
    if (new Set(entries.map((e) => e.gw)).size < 2) continue;
    // Each host indexed as itself and under each of its domain suffixes, so an overlap is a lookup.
    const byHost = new Map<string, Entry[]>();
    const bySuffix = new Map<string, Entry[]>();
    const firstOf = new Map<Obj, Entry>();
    for (const e of entries) {
      append(byHost, e.host, e);
      for (let i = e.host.indexOf('.'); i >= 0; i = e.host.indexOf('.', i + 1)) append(bySuffix, e.host.slice(i), e);
      if (!firstOf.has(e.gw)) firstOf.set(e.gw, e);
    }
    const firsts = [...firstOf.values()];
    const port = key.split('\u0000')[1];
    const otherThan = (list: Entry[] | undefined, gw: Obj) => list?.find((c) => c.gw !== gw);
    for (const e of entries) {
      // Overlapping: the same host, `*` (either side), a wildcard above e.host, or a host under e.host's wildcard.
      let other = otherThan(byHost.get(e.host), e.gw) ?? otherThan(byHost.get('*'), e.gw);
      for (let i = e.host.indexOf('.'); !other && i >= 0; i = e.host.indexOf('.', i + 1))
        other = otherThan(byHost.get(`*${e.host.slice(i)}`), e.gw);
      if (!other && e.host === '*') other = firsts.find((c) => c.gw !== e.gw);
      if (!other && e.host.startsWith('*.')) other = otherThan(bySuffix.get(e.host.slice(1)), e.gw);
      if (!other) continue;
      f.add(
        'gateway-conflict',
        e.gw,
        e.field,
        `${e.gw.ref} and ${other.gw.ref} serve the same proxy (${key.split('\u0000')[0]}) on port ${port} with overlapping hosts ${e.host} and ${other.host}: only one of them takes effect`,
        'merge the servers into one Gateway, or give each Gateway distinct hosts or ports',
      );
    }
  }
}

/** IST0138: one certificate (credentialName) on servers of several Gateways of the same proxy. */
export function checkDuplicateCertificates(inv: Inventory, f: Findings): void {
  const byCert = new Map<string, Set<Obj>>();
  const fieldOf = new Map<string, string>();
  for (const gw of inv.istio('Gateway')) {
    for (const s of gatewayServers(gw)) {
      if (!s.credentialName) continue;
      for (const key of proxyKeys(inv, gw)) {
        const k = `${key}\u0000${s.credentialName}`;
        byCert.set(k, (byCert.get(k) ?? new Set()).add(gw));
        fieldOf.set(`${k}\u0000${gw.ref}`, `spec.servers[${s.index}].tls.credentialName`);
      }
    }
  }
  for (const [k, set] of byCert) {
    if (set.size < 2) continue;
    const gws = [...set];
    const credential = k.split('\u0000')[1];
    const names = listSome(gws.map((g) => g.ref));
    for (const gw of gws) {
      f.add(
        'gateway-duplicate-certificate',
        gw,
        fieldOf.get(`${k}\u0000${gw.ref}`)!,
        `certificate ${credential} is used by Gateways ${names} of one proxy: a client reusing an HTTP/2 connection across their hosts gets 404`,
        'serve these hosts from one Gateway server, or give each Gateway its own certificate',
      );
    }
  }
}

/** Hosts of a set of Gateway servers, indexed so that whether a host overlaps one of them is a few lookups. */
class HostIndex {
  /** A `*` host: it overlaps every host. */
  private all = false;
  private readonly exact = new Set<string>();
  /** `.suffix` of every `*.suffix` wildcard. */
  private readonly wildcards = new Set<string>();
  /** Every `.suffix` of every host, for a wildcard looking for hosts under it. */
  private readonly suffixes = new Set<string>();
  /** The first hosts, for messages (a message never lists a whole Gateway). */
  readonly shown: string[] = [];

  add(host: string): void {
    const h = host.toLowerCase();
    if (this.shown.length < 3) this.shown.push(h);
    if (h === '*') this.all = true;
    else if (h.startsWith('*.')) this.wildcards.add(h.slice(1));
    else this.exact.add(h);
    for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) this.suffixes.add(h.slice(i));
  }

  overlaps(host: string): boolean {
    const h = host.toLowerCase();
    if (this.all || h === '*' || this.exact.has(h)) return true;
    for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) if (this.wildcards.has(h.slice(i))) return true;
    return h.startsWith('*.') && this.suffixes.has(h.slice(1));
  }
}

/** A Gateway's server hosts by the namespace part that admits VirtualServices (`*`, `.`, a namespace, or none). */
function gatewayHostIndex(inv: Inventory, gw: Obj): Map<string, HostIndex> {
  return inv.memoOn(gw, 'hostIndex', () => {
    const m = new Map<string, HostIndex>();
    for (const h of gatewayServers(gw).flatMap((s) => s.hosts)) {
      const ns = h.includes('/') ? h.slice(0, h.indexOf('/')) : '*';
      let index = m.get(ns);
      if (!index) m.set(ns, (index = new HostIndex()));
      index.add(bareHost(h));
    }
    return m;
  });
}

/** IST0132: VirtualService hosts that no server of a Gateway it binds to serves. */
export function checkVirtualServiceGatewayHosts(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    const hosts = arr(at(vs.raw.spec, 'hosts')).filter((h): h is string => typeof h === 'string');
    arr(at(vs.raw.spec, 'gateways')).forEach((ref, i) => {
      if (typeof ref !== 'string' || ref === 'mesh') return;
      const gw = gatewayByRef(inv, vs.namespace, ref);
      if (!gw) return; // vs-gateway-ref / not-verifiable
      // The server hosts whose namespace part admits this VirtualService's namespace.
      const byNs = gatewayHostIndex(inv, gw);
      const admitting = ['*', vs.namespace, ...(gw.namespace === vs.namespace ? ['.'] : [])]
        .map((ns) => byNs.get(ns))
        .filter((x): x is HostIndex => !!x);
      const missing = hosts.filter((h) => !admitting.some((index) => index.overlaps(h)));
      if (!missing.length) return;
      const served = unique(admitting.flatMap((index) => index.shown)).slice(0, 3);
      f.add(
        'vs-host-not-in-gateway',
        vs,
        `spec.gateways[${i}]`,
        `host${missing.length > 1 ? 's' : ''} ${listSome(missing)} of ${vs.ref} ${missing.length > 1 ? 'are' : 'is'} not served by ${gw.ref} (hosts it serves to namespace ${vs.namespace}: ${served.length ? `${served.join(', ')}...` : 'none'}): the gateway ignores ${missing.length > 1 ? 'them' : 'it'}`,
        `add the host to a server of ${gw.ref} (or ${vs.namespace}/* there), or remove it from the VirtualService`,
      );
    });
  }
}
