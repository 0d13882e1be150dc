/** API versions: removed Kubernetes APIs, the IstioOperator kind, Istio kinds at an older version than v1. */
import { Findings } from './findings';
import { Inventory } from './inventory';

const V1_KINDS: Record<string, string[]> = {
  'networking.istio.io': [
    'Gateway',
    'VirtualService',
    'DestinationRule',
    'ServiceEntry',
    'Sidecar',
    'WorkloadEntry',
    'WorkloadGroup',
  ],
  'security.istio.io': ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'],
  'telemetry.istio.io': ['Telemetry'],
};

export function checkApiVersions(inv: Inventory, f: Findings): void {
  for (const o of inv.objects) {
    if (o.removed) {
      const r = o.removed;
      f.add(
        'api-removed',
        o,
        'apiVersion',
        `${o.apiVersion} ${o.kind} was removed in Kubernetes ${r.removedIn}: the API server rejects it${r.replacement ? `; the replacement is ${r.replacement}` : ''}`,
        r.replacement
          ? `set apiVersion: ${r.replacement}${r.note ? ` (${r.note})` : ''}`
          : `remove the ${o.kind}${r.note ? `: ${r.note}` : ''}`,
      );
    } else if (o.kind === 'IstioOperator') {
      f.add(
        'istio-operator',
        o,
        'kind',
        'IstioOperator: istioctl and Helm stopped installing its CRD in Istio 1.21 and the in-cluster operator was removed in 1.24',
        'install Istio with the base, istiod and gateway Helm charts (values instead of IstioOperator spec)',
      );
    } else if (V1_KINDS[o.group]?.includes(o.kind) && o.version !== 'v1') {
      // Istio still serves these versions and plans no removal: a note, not a deprecation.
      f.add(
        'api-version-deprecated',
        o,
        'apiVersion',
        `${o.apiVersion} is an older API version, prefer v1 (the stored version since Istio 1.22; same fields)`,
        `set apiVersion: ${o.group}/v1`,
      );
    }
  }
}
