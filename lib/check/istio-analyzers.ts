/**
 * The `istioctl analyze` analyzers that concern an edge and its mesh and have no project rule of their own, with
 * Istio's notion of when each applies (istio/istio pkg/config/analysis/analyzers/, cited per rule in rules.ts).
 * Every check indexes once and looks up; none scans the objects inside a loop.
 */
import { Findings } from './findings';
import { Inventory } from './inventory';
import { Obj } from './identity';
import { WorkloadInfo } from './services-workloads';
import { gatewayByRef, gatewaySelector, gatewayServers, meshPresent, resolveHost, workloadsOfGateway } from './mesh-model';
import { append, arr, at, isRec, num, rec, str, strMap, unique } from './util';

const selectorText = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).sort().join(',');
/** Names shown in a finding: a few, then a count. */
const few = (refs: string[]) => (refs.length > 3 ? `${refs.slice(0, 3).join(', ')} and ${refs.length - 3} more` : refs.join(', '));
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
    for (const svc of services) for (const p of svc.ports) {
      if (typeof p.targetPort === 'number' && p.targetPort !== 0) offered.add(p.targetPort);
      if (p.port !== undefined) offered.add(p.port);
    }
    for (const s of gatewayServers(gw)) {
      if (s.port === undefined || offered.has(s.port)) continue;
      f.add('gateway-port-not-on-service', gw, `spec.servers[${s.index}].port.number`,
        `port ${s.port} is neither a port nor a target port of ${few(services.map((x) => x.ref))} (${[...offered].sort((a, b) => a - b).join(', ')}), which select the pods of selector ${selectorText(gatewaySelector(gw))}: no traffic reaches this server through the gateway Service`,
        `set port.number to a port the gateway Service exposes (${[...offered].sort((a, b) => a - b).join(', ')}), or add the port to the Service`);
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
  interface Entry { gw: Obj; host: string; field: string }
  const buckets = new Map<string, Entry[]>();
  for (const gw of inv.istio('Gateway')) {
    for (const s of gatewayServers(gw)) {
      if (s.port === undefined) continue;
      for (const key of proxyKeys(inv, gw)) {
        s.hosts.forEach((h) => append(buckets, `${key}\u0000${s.port}`, { gw, host: bareHost(h).toLowerCase(), field: `spec.servers[${s.index}].hosts` }));
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
      for (let i = e.host.indexOf('.'); !other && i >= 0; i = e.host.indexOf('.', i + 1)) other = otherThan(byHost.get(`*${e.host.slice(i)}`), e.gw);
      if (!other && e.host === '*') other = firsts.find((c) => c.gw !== e.gw);
      if (!other && e.host.startsWith('*.')) other = otherThan(bySuffix.get(e.host.slice(1)), e.gw);
      if (!other) continue;
      f.add('gateway-conflict', e.gw, e.field,
        `${e.gw.ref} and ${other.gw.ref} serve the same proxy (${key.split('\u0000')[0]}) on port ${port} with overlapping hosts ${e.host} and ${other.host}: only one of them takes effect`,
        'merge the servers into one Gateway, or give each Gateway distinct hosts or ports');
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
    const names = few(gws.map((g) => g.ref));
    for (const gw of gws) {
      f.add('gateway-duplicate-certificate', gw, fieldOf.get(`${k}\u0000${gw.ref}`)!,
        `certificate ${credential} is used by Gateways ${names} of one proxy: a client reusing an HTTP/2 connection across their hosts gets 404`,
        'serve these hosts from one Gateway server, or give each Gateway its own certificate');
    }
  }
}

/** Hosts of a set of Gateway servers, indexed so that whether a host overlaps one of them is a few lookups. */
class HostIndex {
  private any = false;
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
    if (h === '*') this.any = true;
    else if (h.startsWith('*.')) this.wildcards.add(h.slice(1));
    else this.exact.add(h);
    for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) this.suffixes.add(h.slice(i));
  }

  overlaps(host: string): boolean {
    const h = host.toLowerCase();
    if (this.any || h === '*' || this.exact.has(h)) return true;
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
      const admitting = ['*', vs.namespace, ...(gw.namespace === vs.namespace ? ['.'] : [])].map((ns) => byNs.get(ns)).filter((x): x is HostIndex => !!x);
      const missing = hosts.filter((h) => !admitting.some((index) => index.overlaps(h)));
      if (!missing.length) return;
      const served = unique(admitting.flatMap((index) => index.shown)).slice(0, 3);
      f.add('vs-host-not-in-gateway', vs, `spec.gateways[${i}]`,
        `host${missing.length > 1 ? 's' : ''} ${few(missing)} of ${vs.ref} ${missing.length > 1 ? 'are' : 'is'} not served by ${gw.ref} (hosts it serves to namespace ${vs.namespace}: ${served.length ? `${served.join(', ')}...` : 'none'}): the gateway ignores ${missing.length > 1 ? 'them' : 'it'}`,
        `add the host to a server of ${gw.ref} (or ${vs.namespace}/* there), or remove it from the VirtualService`);
    });
  }
}

/** A VirtualService host as Istio resolves it: short names in the VirtualService's namespace. */
function fqdn(inv: Inventory, ns: string, host: string): string {
  if (host.includes('*')) return host;
  const key = resolveHost(inv, ns, host);
  return 'external' in key ? host.toLowerCase() : `${key.name}.${key.namespace}.svc.cluster.local`;
}

/** IST0109: several VirtualServices of the mesh gateway define the same host (only one is applied). */
export function checkMeshHostConflicts(inv: Inventory, f: Findings): void {
  const byHost = new Map<string, { vs: Obj; field: string }[]>();
  for (const vs of inv.istio('VirtualService')) {
    const gws = arr(at(vs.raw.spec, 'gateways'));
    if (gws.length && !gws.includes('mesh')) continue;
    const exportTo = arr(at(vs.raw.spec, 'exportTo')).map(str);
    // A VirtualService exported only to its own namespace conflicts only with its namespace.
    const scope = exportTo.length && exportTo.every((e) => e === '.') ? vs.namespace : '*';
    arr(at(vs.raw.spec, 'hosts')).forEach((h, i) => {
      if (typeof h === 'string' && h !== '*') append(byHost, `${scope}\u0000${fqdn(inv, vs.namespace, h)}`, { vs, field: `spec.hosts[${i}]` });
    });
  }
  for (const [key, entries] of byHost) {
    const vss = unique(entries.map((e) => e.vs));
    if (vss.length < 2) continue;
    const names = few(vss.map((v) => v.ref));
    for (const e of entries) {
      f.add('vs-mesh-host-conflict', e.vs, e.field,
        `host ${key.split('\u0000')[1]} is defined for the mesh by ${names}: sidecars apply only one of them`,
        'merge the routes into one VirtualService per host');
    }
  }
}

/** Canonical text of a match, for spotting repeats (key order does not matter; `name` is only a label). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRec(v)) return `{${Object.keys(v).filter((k) => k !== 'name').sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** IST0130, IST0131: rules after a catch-all rule, rules whose matches all repeat earlier ones, and single repeated matches. */
export function checkVirtualServiceMatches(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    for (const kind of ['http', 'tcp', 'tls']) {
      const rules = arr(rec(vs.raw.spec)[kind]);
      const seen = new Map<string, number>();
      let catchAll: number | undefined;
      rules.forEach((r, i) => {
        const field = `spec.${kind}[${i}]`;
        if (catchAll !== undefined) {
          f.add('vs-unreachable-rule', vs, field, `${kind} rule ${i} is never used: rule ${catchAll} has no match and takes every request (only the last rule can have no matches)`,
            'put the catch-all rule last, or merge the rules (e.g. fault and mirror belong in one rule)');
          return;
        }
        const matches = arr(rec(r).match);
        if (!matches.length) {
          catchAll = i;
          return;
        }
        const keys = matches.map(canonical);
        const repeated = keys.map((k) => seen.get(k));
        if (repeated.every((d) => d !== undefined)) {
          f.add('vs-unreachable-rule', vs, `${field}.match`, `${kind} rule ${i} is never used: rule ${unique(repeated).join(', ')} already has every one of its matches`,
            'remove the rule, or make its match more specific and move it before the broader rule');
        } else {
          repeated.forEach((d, j) => {
            if (d !== undefined) {
              f.add('vs-ineffective-match', vs, `${field}.match[${j}]`, `match ${j} of ${kind} rule ${i} repeats a match of rule ${d}, so it never applies here`,
                'remove the repeated match');
            }
          });
        }
        keys.forEach((k) => { if (!seen.has(k)) seen.set(k, i); });
      });
    }
  }
}

/** IST0140: a gateway route to a host without a subset, while another VirtualService routes that host by subsets. */
export function checkIngressSubsets(inv: Inventory, f: Findings): void {
  const subsetRoutes = new Map<string, Set<Obj>>();
  for (const vs of inv.istio('VirtualService')) {
    for (const route of arr(at(vs.raw.spec, 'http'))) {
      for (const dest of arr(rec(route).route)) {
        const host = str(at(dest, 'destination.host'));
        if (host && str(at(dest, 'destination.subset'))) subsetRoutes.set(host, (subsetRoutes.get(host) ?? new Set()).add(vs));
      }
    }
  }
  if (!subsetRoutes.size) return;
  for (const vs of inv.istio('VirtualService')) {
    if (!arr(at(vs.raw.spec, 'gateways')).length) continue;
    arr(at(vs.raw.spec, 'http')).forEach((route, i) => {
      arr(rec(route).route).forEach((dest, j) => {
        const host = str(at(dest, 'destination.host'));
        if (!host || str(at(dest, 'destination.subset'))) return;
        // The first few others are enough to name (not every VirtualService of a much-routed host).
        const others: Obj[] = [];
        for (const o of subsetRoutes.get(host) ?? []) if (o !== vs && others.push(o) >= 4) break;
        if (!others.length) return;
        f.add('vs-ingress-subset-ignored', vs, `spec.http[${i}].route[${j}].destination`,
          `the subset routing of ${others.slice(0, 3).map((o) => o.ref).join(', ')}${others.length > 3 ? ' and more' : ''} for ${host} has no effect on requests through the gateway: ${vs.ref} sends them to every version`,
          `add the subset to this destination, or add the gateway to the gateways of ${others[0].ref}`);
      });
    });
  }
}

const PROTOCOLS = /^(grpc|grpc-web|http|http2|https|mongo|mysql|redis|tcp|tls|udp)(-.*)?$/i;

/** IST0150: an ExternalName Service port named `tcp` or with no protocol in its name (the project's port-naming covers IST0118). */
export function checkExternalNamePorts(inv: Inventory, f: Findings): void {
  if (!meshPresent(inv)) return;
  for (const svc of inv.services) {
    if (!svc.obj || svc.type !== 'ExternalName') continue;
    for (const p of svc.ports) {
      if (p.appProtocol || (p.name !== 'tcp' && p.name && PROTOCOLS.test(p.name))) continue;
      f.add('external-name-port-name', svc.obj, `spec.ports[${p.index}].name`,
        `ExternalName port ${p.port}${p.name ? ` named '${p.name}'` : ' without a name'}: sidecars may not forward its TCP traffic to ${str(at(svc.obj.raw.spec, 'externalName')) ?? 'the external name'}`,
        `name it after its protocol, e.g. https-${p.port} or tls-${p.port} (not plain tcp), or set appProtocol`);
    }
  }
}

/** IST0101, IST0110, IST0111: Sidecar selectors that match nothing or the same workloads, several namespace-wide Sidecars. */
export function checkSidecarSelectors(inv: Inventory, f: Findings): void {
  const byNamespace = new Map<string, Obj[]>();
  for (const sc of inv.istio('Sidecar')) append(byNamespace, sc.namespace, sc);
  for (const [ns, sidecars] of byNamespace) {
    const wide = sidecars.filter((s) => !isRec(at(s.raw.spec, 'workloadSelector')));
    if (wide.length > 1) {
      const names = few(wide.map((w) => w.ref));
      for (const s of wide) {
        f.add('sidecar-default-multiple', s, 'spec.workloadSelector', `${names} have no workloadSelector: which one applies in ${ns} is undefined`,
          'keep one namespace-wide Sidecar and give the others a workloadSelector');
      }
    }
    const chosen = new Map<WorkloadInfo, Obj[]>();
    for (const s of sidecars) {
      const selector = strMap(at(s.raw.spec, 'workloadSelector.labels'));
      if (!isRec(at(s.raw.spec, 'workloadSelector')) || !Object.keys(selector).length) continue;
      const picked = inv.workloadsSelected(ns, selector);
      for (const w of picked) append(chosen, w, s);
      if (picked.length) continue;
      if (inv.workloadsIn(ns).length || f.closedWorld) {
        f.add('sidecar-selector', s, 'spec.workloadSelector.labels', `workloadSelector ${selectorText(selector)} matches no workload in namespace ${ns}`,
          'set workloadSelector.labels to the pod labels of a workload in the namespace');
      } else {
        f.add('not-verifiable', s, 'spec.workloadSelector.labels', `no workload of namespace ${ns} in the manifests to match workloadSelector ${selectorText(selector)} against`,
          'check a workload in the namespace carries these pod labels', { missing: true });
      }
    }
    for (const [w, list] of chosen) {
      if (list.length < 2) continue;
      const names = few(list.map((x) => x.ref));
      for (const s of list) {
        f.add('sidecar-selector-conflict', s, 'spec.workloadSelector.labels', `${names} all select ${w.ref}: which one applies is undefined`,
          'make the selectors pick disjoint workloads, or merge the Sidecars');
      }
    }
  }
}

/** IST0127, IST0101: AuthorizationPolicy selectors that match no workload, and source namespaces that do not exist. */
export function checkAuthorizationPolicyRefs(inv: Inventory, f: Findings): void {
  for (const ap of inv.istio('AuthorizationPolicy')) {
    const selector = strMap(at(ap.raw.spec, 'selector.matchLabels'));
    if (Object.keys(selector).length) {
      // In the root namespace a selector picks workloads of every namespace.
      const count = ap.namespace === inv.rootNamespace
        ? Math.min(...Object.entries(selector).map(([k, v]) => inv.labelCarriers(undefined, k, v)))
        : inv.workloadsSelected(ap.namespace, selector).length;
      const known = ap.namespace === inv.rootNamespace ? inv.workloads.length > 0 : inv.workloadsIn(ap.namespace).length > 0;
      if (count === 0 && (known || f.closedWorld)) {
        f.add('authz-no-workload', ap, 'spec.selector.matchLabels', `selector ${selectorText(selector)} matches no workload${ap.namespace === inv.rootNamespace ? '' : ` in namespace ${ap.namespace}`}: the policy applies to nothing`,
          'set selector.matchLabels to the pod labels of the workload to protect');
      }
    }
    if (!f.closedWorld) continue; // open world: the namespaces may exist outside these manifests
    arr(at(ap.raw.spec, 'rules')).forEach((r, i) => {
      arr(rec(r).from).forEach((from, j) => {
        arr(at(from, 'source.namespaces')).forEach((ns, k) => {
          if (typeof ns !== 'string' || ns.includes('*') || inv.knowsNamespace(ns)) return;
          f.add('authz-namespace-missing', ap, `spec.rules[${i}].from[${j}].source.namespaces[${k}]`, `namespace ${ns} is not in the manifests, so no request comes from it`,
            `fix the namespace name, or add Namespace ${ns}`);
        });
      });
    });
  }
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
  arr(at(spec, 'trafficPolicy.portLevelSettings')).forEach((p, i) => check(rec(p).tls, `spec.trafficPolicy.portLevelSettings[${i}].tls`, num(at(p, 'port.number'))));
  return out;
}

export function checkDestinationRuleCa(inv: Inventory, f: Findings): void {
  for (const dr of inv.istio('DestinationRule')) {
    const host = str(at(dr.raw.spec, 'host')) ?? '?';
    for (const u of unverifiedTls(dr)) {
      f.add('destination-rule-ca', dr, `${u.field}.caCertificates`,
        `tls.mode ${u.mode} to ${host}${u.port !== undefined ? ` port ${u.port}` : ''} without caCertificates: the server certificate is not verified, so the connection is encrypted but not authenticated`,
        'set tls.caCertificates to the CA bundle path (or credentialName with a workloadSelector), or use ISTIO_MUTUAL for in-mesh hosts',
        u.port !== undefined ? { istioCode: 'IST0129' } : {});
    }
  }
}

/** IST0002: deprecated fields istioctl names (VirtualService fault.delay.percent, Sidecar outboundTrafficPolicy.egressProxy). */
export function checkDeprecatedFields(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    arr(at(vs.raw.spec, 'http')).forEach((r, i) => {
      const percent = num(at(r, 'fault.delay.percent'));
      if (percent !== undefined && percent > 0) {
        f.add('deprecated-field', vs, `spec.http[${i}].fault.delay.percent`, 'fault.delay.percent is deprecated',
          `use fault.delay.percentage.value: ${percent}`);
      }
    });
  }
  for (const sc of inv.istio('Sidecar')) {
    if (at(sc.raw.spec, 'outboundTrafficPolicy.egressProxy') !== undefined) {
      f.add('deprecated-field', sc, 'spec.outboundTrafficPolicy.egressProxy', 'outboundTrafficPolicy.egressProxy is deprecated and ignored',
        'remove egressProxy; route egress through an egress gateway with a VirtualService');
    }
  }
}

export function checkIstioAnalyzers(inv: Inventory, f: Findings): void {
  checkGatewayServicePorts(inv, f);
  checkConflictingGateways(inv, f);
  checkDuplicateCertificates(inv, f);
  checkVirtualServiceGatewayHosts(inv, f);
  checkMeshHostConflicts(inv, f);
  checkVirtualServiceMatches(inv, f);
  checkIngressSubsets(inv, f);
  checkExternalNamePorts(inv, f);
  checkSidecarSelectors(inv, f);
  checkAuthorizationPolicyRefs(inv, f);
  checkDestinationRuleCa(inv, f);
  checkDeprecatedFields(inv, f);
}
