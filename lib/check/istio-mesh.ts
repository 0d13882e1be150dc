/**
 * The mesh in each application namespace: protocol-named ports, sidecar injection, mTLS, egress through
 * REGISTRY_ONLY sidecars and ServiceEntries, and DestinationRules that turn TLS off.
 */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import {
  injectionOf,
  meshNamespace,
  namespaceMtls,
  namespaceWideSidecar,
  resolveHost,
  serviceEntryFor,
} from './mesh-model';
import { arr, at, rec, str, strMap } from './util';

const PROTOCOL_PORT_NAME = /^(grpc|grpc-web|http|http2|https|mongo|mysql|redis|tcp|tls|udp)(-.*)?$/;

export function checkPortNames(inv: Inventory, f: Findings): void {
  const apps = new Set(inv.appNamespaces());
  for (const svc of inv.services) {
    if (!svc.obj || !apps.has(svc.namespace) || !meshNamespace(inv, svc.namespace)) continue;
    if (inv.workloadsOf(svc).some((w) => w.gateway)) continue;
    svc.ports.forEach((p) => {
      if (p.appProtocol || (p.name && PROTOCOL_PORT_NAME.test(p.name))) return;
      f.add(
        'port-naming',
        svc.obj!,
        `spec.ports[${p.index}].name`,
        `port ${p.port}${p.name ? ` named '${p.name}'` : ' has no name and'} does not declare a protocol; Istio falls back to sniffing`,
        `name it <protocol>[-suffix] (e.g. http-${p.port} or tcp-${p.port}) or set appProtocol`,
      );
    });
  }
}

export function checkMesh(inv: Inventory, f: Findings): void {
  for (const ns of inv.namespaces()) {
    const labels = strMap(ns.raw.metadata?.labels);
    if (labels['istio-injection'] !== undefined && labels['istio.io/rev'] !== undefined) {
      f.add(
        'injection-labels',
        ns,
        'metadata.labels',
        'both istio-injection and istio.io/rev are set; istio-injection wins and the revision is ignored',
        'keep one: istio-injection=enabled, or istio.io/rev=<revision> for canary upgrades',
      );
    }
  }
  for (const ns of inv.appNamespaces()) {
    if (!meshNamespace(inv, ns)) continue;
    const nsObj = inv.namespaceObj(ns);
    const target = nsObj ?? `Namespace ${ns}`;
    // Sidecar injection.
    const workloads = inv.workloadsIn(ns).filter((w) => !w.gateway);
    const states = workloads.map((w) => injectionOf(inv, w));
    if (states.some((s) => s.state === 'no')) {
      const no = states.find((s) => s.state === 'no')!;
      // istioctl: IST0103 for a pod that opts out in an injected namespace, IST0102 for a namespace without injection.
      f.add(
        'namespace-injection',
        target,
        'metadata.labels',
        `application workloads in ${ns} get no sidecar (${no.why}): traffic to them is plaintext`,
        `label the namespace istio-injection=enabled (or istio.io/rev=<revision>)`,
        no.podOptOut ? { istioCode: 'IST0103' } : {},
      );
    } else if (states.some((s) => s.state === 'unknown')) {
      f.add(
        'not-verifiable',
        target,
        'metadata.labels',
        `Namespace ${ns} is not in the manifests: sidecar injection not verifiable`,
        `include the Namespace with label istio-injection=enabled`,
        { missing: true },
      );
    }
    // mTLS.
    const mode = namespaceMtls(inv, ns);
    if (mode.mode !== 'STRICT') {
      // An explicit PERMISSIVE policy is a deliberate migration step; no policy at all, or DISABLE, is a mistake.
      f.add(
        mode.mode === 'PERMISSIVE' && mode.by ? 'mtls-permissive' : 'mtls-not-strict',
        mode.by ?? target,
        mode.by ? 'spec.mtls.mode' : '-',
        `mTLS in ${ns} is ${mode.mode} (${mode.by ? mode.by.ref : 'Istio default: no PeerAuthentication'}): plaintext is accepted, mTLS is not enforced`,
        `add PeerAuthentication 'default' in ${inv.rootNamespace} (mesh-wide) or in ${ns} with spec.mtls.mode: STRICT`,
      );
    }
    for (const pa of inv
      .istioIn('PeerAuthentication', ns)
      .filter((p) => Object.keys(strMap(at(p.raw.spec, 'selector.matchLabels'))).length)) {
      const m = str(at(pa.raw.spec, 'mtls.mode'));
      const weakPorts = Object.entries(rec(at(pa.raw.spec, 'portLevelMtls'))).filter(([, v]) =>
        ['PERMISSIVE', 'DISABLE'].includes(str(rec(v).mode) ?? ''),
      );
      if (m === 'PERMISSIVE' || m === 'DISABLE' || weakPorts.length) {
        f.add(
          'mtls-not-strict',
          pa,
          m === 'PERMISSIVE' || m === 'DISABLE' ? 'spec.mtls.mode' : 'spec.portLevelMtls',
          `workload-level PeerAuthentication relaxes mTLS to ${m === 'PERMISSIVE' || m === 'DISABLE' ? m : weakPorts.map(([p, v]) => `${p}: ${str(rec(v).mode)}`).join(', ')}`,
          'remove the override or set mode: STRICT',
        );
      }
    }
    // Egress.
    const sidecar = namespaceWideSidecar(inv, ns) ?? namespaceWideSidecar(inv, inv.rootNamespace);
    const mode2 = str(at(sidecar?.raw.spec, 'outboundTrafficPolicy.mode'));
    if (mode2 !== 'REGISTRY_ONLY') {
      f.add(
        'sidecar-outbound',
        sidecar ?? target,
        sidecar ? 'spec.outboundTrafficPolicy.mode' : '-',
        `${sidecar ? `outboundTrafficPolicy ${mode2 ?? 'unset'}` : 'no namespace-wide Sidecar'}: workloads in ${ns} may call any external host (ALLOW_ANY)`,
        `add Sidecar 'default' in ${ns} (no workloadSelector) with outboundTrafficPolicy.mode: REGISTRY_ONLY and a ServiceEntry per external host`,
      );
    } else {
      checkEgressHosts(inv, ns, f);
    }
  }
  checkDestinationRules(inv, f);
}

/** With REGISTRY_ONLY, external hosts routed from the namespace need a ServiceEntry or the sidecar drops them. */
function checkEgressHosts(inv: Inventory, ns: string, f: Findings): void {
  const routed: { obj: Obj; field: string; host: string }[] = [];
  for (const vs of inv.istioIn('VirtualService', ns)) {
    // Hosts of gateway-only VirtualServices are what the gateway serves, not egress destinations.
    const gws = arr(at(vs.raw.spec, 'gateways'));
    if (gws.length && !gws.includes('mesh')) continue;
    arr(at(vs.raw.spec, 'hosts')).forEach((h, i) => {
      if (typeof h === 'string') routed.push({ obj: vs, field: `spec.hosts[${i}]`, host: h });
    });
  }
  for (const dr of inv.istioIn('DestinationRule', ns)) {
    const h = str(at(dr.raw.spec, 'host'));
    if (h) routed.push({ obj: dr, field: 'spec.host', host: h });
  }
  for (const r of routed) {
    if (r.host === '*' || r.host.startsWith('*')) continue;
    const key = resolveHost(inv, ns, r.host);
    if ('external' in key && !serviceEntryFor(inv, r.host)) {
      f.add(
        'egress-service-entry',
        r.obj,
        r.field,
        `external host ${r.host} has no ServiceEntry, so REGISTRY_ONLY sidecars in ${ns} block it`,
        `add a ServiceEntry for ${r.host} (location: MESH_EXTERNAL, resolution: DNS, its ports)`,
      );
    }
  }
}

function checkDestinationRules(inv: Inventory, f: Findings): void {
  for (const dr of inv.istio('DestinationRule')) {
    const spec = rec(dr.raw.spec);
    const host = str(spec.host);
    if (!host) continue;
    const key = resolveHost(inv, dr.namespace, host);
    const inMesh = !('external' in key) && !serviceEntryFor(inv, host);
    if (!inMesh) continue;
    const policies: [string, unknown][] = [['spec.trafficPolicy', spec.trafficPolicy]];
    arr(at(spec, 'trafficPolicy.portLevelSettings')).forEach((p, i) =>
      policies.push([`spec.trafficPolicy.portLevelSettings[${i}]`, p]),
    );
    arr(spec.subsets).forEach((s, i) => policies.push([`spec.subsets[${i}].trafficPolicy`, rec(s).trafficPolicy]));
    for (const [field, policy] of policies) {
      if (str(at(policy, 'tls.mode')) === 'DISABLE') {
        f.add(
          'destination-rule-tls',
          dr,
          `${field}.tls.mode`,
          `tls.mode DISABLE sends plaintext to in-mesh host ${host} (and fails against STRICT mTLS)`,
          'remove the tls block (auto mTLS) or set tls.mode: ISTIO_MUTUAL',
        );
      }
    }
  }
}
