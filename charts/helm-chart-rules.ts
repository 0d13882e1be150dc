import { helper } from '../lib/output/helm-names';
import { StructureRule } from '../lib/output/stack';
import { YELB_WORKLOADS } from '../lib/yelb-app';

/** Dependencies between values that a one-key-at-a-time comparison cannot see; every rule is covered by tests. */
export const STRUCTURE_RULES: readonly StructureRule[] = [
  // NamespacesChart: the app namespace exists when either component that lives in it does.
  {
    doc: 'Namespaces/App/Resource',
    cond: ['or $.Values.yelb.enabled $.Values.istioEdge.enabled', '$.Values.createNamespaces.app'],
  },
  // GatewayNamespaceChart: the gateway namespace is only declared (for its readiness-gate label) when it is another one.
  {
    doc: 'GatewayNamespace/Gateway/Resource',
    cond: ['ne $.Values.gateway.namespace $.Values.namespace', '$.Values.createNamespaces.gateway'],
  },
  // GatewayCertificate: the common name is the first host, when it fits in 64 characters.
  {
    doc: 'GatewayCertificate/Certificate/Resource',
    at: ['spec', 'commonName'],
    cond: [`le (len (include "${helper('hosts')}" $ | fromJsonArray | first)) 64`],
  },
];

/** The one template file `scope: ingress` renders: the blog's ALB-Istio-TLS chart installed only the Ingress. */
export const INGRESS_SCOPE_FILE = '30-alb-ingress.yaml';

/** NOTES.txt: the app part of what the release created. */
export const NOTES_APP_LINES = `{{- if and $all .Values.yelb.enabled }}
  - the yelb sample app in namespace {{ .Values.namespace }}: ${YELB_WORKLOADS.map((w) => w.name).join(', ')}
{{- end }}`;
