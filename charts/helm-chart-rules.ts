import { helper } from '../lib/output/helm-names';
import { StructureRule } from '../lib/output/stack';
import { YELB_WORKLOADS } from '../lib/yelb-app';

/** Whether the top-level keys describe an app (sampleAppActive): yelb is on, or no team's app is enabled. */
export const SAMPLE_ACTIVE = `include "${helper('sampleActive')}" $`;

/** Dependencies between values that a one-key-at-a-time comparison cannot see; every rule is covered by tests. */
export const STRUCTURE_RULES: readonly StructureRule[] = [
  // NamespacesChart: the app namespace exists when either component that lives in it does, and it is the sample's.
  {
    doc: 'Namespaces/App/Resource',
    cond: ['or $.Values.yelb.enabled $.Values.istioEdge.enabled', '$.Values.createNamespaces.app', SAMPLE_ACTIVE],
  },
  // IstioEdgeChart: the sample's part of the edge (IstioEdge/Edge/App with Istio's classic gateway, IstioEdge/App
  // with the Gateway API) only when the top-level keys describe an app; the Gateway always ...
  ...['IstioEdge/Edge/App', 'IstioEdge/App'].flatMap((app) => [
    { doc: `${app}/*`, except: [`${app}/PeerAuthentication`], cond: [SAMPLE_ACTIVE] },
    // ... and the mesh-wide PeerAuthentication also without the sample.
    {
      doc: `${app}/PeerAuthentication`,
      cond: [`or (${SAMPLE_ACTIVE}) (eq $.Values.mesh.mtlsScope "mesh")`],
    },
  ]),
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
  // AlbIngressChart with alb.api gatewayApi: the GatewayClass and the gateway Service's TargetGroupConfiguration
  // once, with the first ALB (`$n` of the ALB file's range over the plan).
  ...['AlbIngress/Alb/Class', 'AlbIngress/Alb/TargetGroup'].map((doc) => ({ doc, cond: ['eq (int $n) 0'] })),
];

/** The one template file `scope: ingress` renders: the blog's ALB-Istio-TLS chart installed only the Ingress. */
export const INGRESS_SCOPE_FILE = '30-alb-ingress.yaml';

/** NOTES.txt: the app part of what the release created. */
export const NOTES_APP_LINES = `{{- if and $all .Values.yelb.enabled }}
  - the yelb sample app in namespace {{ .Values.namespace }}: ${YELB_WORKLOADS.map((w) => w.name).join(', ')}
{{- end }}`;
