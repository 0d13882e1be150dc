/**
 * istioctl's analyzers of the configuration that applies to workloads: ExternalName Service ports, Sidecar and
 * AuthorizationPolicy selectors, DestinationRules that do not verify the server, deprecated fields.
 */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { meshPresent, unverifiedTls } from './mesh-model';
import { WorkloadInfo } from './services-workloads';
import { append, arr, at, isRec, listSome, num, rec, selectorText, str, strMap } from './util';

const PROTOCOLS = /^(grpc|grpc-web|http|http2|https|mongo|mysql|redis|tcp|tls|udp)(-.*)?$/i;

/** IST0150: an ExternalName Service port named `tcp` or with no protocol in its name (the project's port-naming covers IST0118). */
export function checkExternalNamePorts(inv: Inventory, f: Findings): void {
  if (!meshPresent(inv)) return;
  for (const svc of inv.services) {
    if (!svc.obj || svc.type !== 'ExternalName') continue;
    for (const p of svc.ports) {
      if (p.appProtocol || (p.name !== 'tcp' && p.name && PROTOCOLS.test(p.name))) continue;
      f.add(
        'external-name-port-name',
        svc.obj,
        `spec.ports[${p.index}].name`,
        `ExternalName port ${p.port}${p.name ? ` named '${p.name}'` : ' without a name'}: sidecars may not forward its TCP traffic to ${str(at(svc.obj.raw.spec, 'externalName')) ?? 'the external name'}`,
        `name it after its protocol, e.g. https-${p.port} or tls-${p.port} (not plain tcp), or set appProtocol`,
      );
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
      const names = listSome(wide.map((w) => w.ref));
      for (const s of wide) {
        f.add(
          'sidecar-default-multiple',
          s,
          'spec.workloadSelector',
          `${names} have no workloadSelector: which one applies in ${ns} is undefined`,
          'keep one namespace-wide Sidecar and give the others a workloadSelector',
        );
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
        f.add(
          'sidecar-selector',
          s,
          'spec.workloadSelector.labels',
          `workloadSelector ${selectorText(selector)} matches no workload in namespace ${ns}`,
          'set workloadSelector.labels to the pod labels of a workload in the namespace',
        );
      } else {
        f.add(
          'not-verifiable',
          s,
          'spec.workloadSelector.labels',
          `no workload of namespace ${ns} in the manifests to match workloadSelector ${selectorText(selector)} against`,
          'check a workload in the namespace carries these pod labels',
          { missing: true },
        );
      }
    }
    for (const [w, list] of chosen) {
      if (list.length < 2) continue;
      const names = listSome(list.map((x) => x.ref));
      for (const s of list) {
        f.add(
          'sidecar-selector-conflict',
          s,
          'spec.workloadSelector.labels',
          `${names} all select ${w.ref}: which one applies is undefined`,
          'make the selectors pick disjoint workloads, or merge the Sidecars',
        );
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
      const count =
        ap.namespace === inv.rootNamespace
          ? Math.min(...Object.entries(selector).map(([k, v]) => inv.labelCarriers(undefined, k, v)))
          : inv.workloadsSelected(ap.namespace, selector).length;
      const known =
        ap.namespace === inv.rootNamespace ? inv.workloads.length > 0 : inv.workloadsIn(ap.namespace).length > 0;
      if (count === 0 && (known || f.closedWorld)) {
        f.add(
          'authz-no-workload',
          ap,
          'spec.selector.matchLabels',
          `selector ${selectorText(selector)} matches no workload${ap.namespace === inv.rootNamespace ? '' : ` in namespace ${ap.namespace}`}: the policy applies to nothing`,
          'set selector.matchLabels to the pod labels of the workload to protect',
        );
      }
    }
    if (!f.closedWorld) continue; // open world: the namespaces may exist outside these manifests
    arr(at(ap.raw.spec, 'rules')).forEach((r, i) => {
      arr(rec(r).from).forEach((from, j) => {
        arr(at(from, 'source.namespaces')).forEach((ns, k) => {
          if (typeof ns !== 'string' || ns.includes('*') || inv.knowsNamespace(ns)) return;
          f.add(
            'authz-namespace-missing',
            ap,
            `spec.rules[${i}].from[${j}].source.namespaces[${k}]`,
            `namespace ${ns} is not in the manifests, so no request comes from it`,
            `fix the namespace name, or add Namespace ${ns}`,
          );
        });
      });
    });
  }
}

export function checkDestinationRuleCa(inv: Inventory, f: Findings): void {
  for (const dr of inv.istio('DestinationRule')) {
    const host = str(at(dr.raw.spec, 'host')) ?? '?';
    for (const u of unverifiedTls(dr)) {
      f.add(
        'destination-rule-ca',
        dr,
        `${u.field}.caCertificates`,
        `tls.mode ${u.mode} to ${host}${u.port !== undefined ? ` port ${u.port}` : ''} without caCertificates: the server certificate is not verified, so the connection is encrypted but not authenticated`,
        'set tls.caCertificates to the CA bundle path (or credentialName with a workloadSelector), or use ISTIO_MUTUAL for in-mesh hosts',
        u.port !== undefined ? { istioCode: 'IST0129' } : {},
      );
    }
  }
}

/** IST0002: deprecated fields istioctl names (VirtualService fault.delay.percent, Sidecar outboundTrafficPolicy.egressProxy). */
export function checkDeprecatedFields(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    arr(at(vs.raw.spec, 'http')).forEach((r, i) => {
      const percent = num(at(r, 'fault.delay.percent'));
      if (percent !== undefined && percent > 0) {
        f.add(
          'deprecated-field',
          vs,
          `spec.http[${i}].fault.delay.percent`,
          'fault.delay.percent is deprecated',
          `use fault.delay.percentage.value: ${percent}`,
        );
      }
    });
  }
  for (const sc of inv.istio('Sidecar')) {
    if (at(sc.raw.spec, 'outboundTrafficPolicy.egressProxy') !== undefined) {
      f.add(
        'deprecated-field',
        sc,
        'spec.outboundTrafficPolicy.egressProxy',
        'outboundTrafficPolicy.egressProxy is deprecated and ignored',
        'remove egressProxy; route egress through an egress gateway with a VirtualService',
      );
    }
  }
}
