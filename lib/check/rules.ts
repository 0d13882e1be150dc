import { Severity } from './types';

/** One entry of the rule catalogue: what `--list-rules` prints and what every finding points back to. */
export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Where the rule comes from: a section/number of the ALB + Istio rules document, or the API itself. */
  readonly source: string;
  /**
   * The `istioctl analyze` message this rule reports (IST0101 ...), when there is one; a finding may name another
   * code of the same rule (e.g. vs-destination: IST0101 for a missing port, IST0112 for an unnamed one).
   */
  readonly istioCode?: string;
  /** The istio/istio analyzer the rule follows, under pkg/config/analysis/analyzers/ (message: istio.io/latest/docs/reference/config/analysis/<code>). */
  readonly istioSource?: string;
  /** The code applies only to objects of the *.istio.io API groups (schema findings). */
  readonly istioObjectsOnly?: boolean;
}

// Sources refer to the numbered rules of the project's ALB + Istio correctness rules
// (A = ALB Ingress, B = Istio, C = GitOps install; G = the Gateway API edge); "API" means the object's own schema or API semantics.
const CATALOGUE: readonly RuleInfo[] = [
  // Schemas
  {
    id: 'manifest-identity',
    severity: 'error',
    title: 'Document is not a Kubernetes object (apiVersion, kind, metadata.name)',
    source: 'API',
  },
  {
    id: 'unfilled-placeholder',
    severity: 'error',
    title: 'A name or host still holds a template placeholder (<FQDN>, ${HOST}, {{ .Values.x }})',
    source: 'API',
  },
  {
    id: 'duplicate-object',
    severity: 'error',
    title: 'Two objects with the same kind, namespace and name in one manifest set',
    source: 'API',
  },
  {
    id: 'schema-invalid',
    severity: 'error',
    title: 'Object does not match its schema',
    source: 'API',
    istioCode: 'IST0106',
    istioSource: 'schema/validation.go',
    istioObjectsOnly: true,
  },
  {
    id: 'schema-unknown-field',
    severity: 'error',
    title: 'Field is not defined by the schema (the API server would drop or reject it)',
    source: 'API',
    istioCode: 'IST0106',
    istioSource: 'schema/validation.go',
    istioObjectsOnly: true,
  },
  {
    id: 'schema-not-checked',
    severity: 'warning',
    title: 'No schema known for this apiVersion/kind: object not checked',
    source: 'API',
  },
  // ALB Ingress
  {
    id: 'ingress-class-annotation',
    severity: 'warning',
    title: 'Deprecated kubernetes.io/ingress.class annotation instead of spec.ingressClassName',
    source: 'A2',
  },
  {
    id: 'ingress-class-conflict',
    severity: 'error',
    title: 'Both spec.ingressClassName and kubernetes.io/ingress.class are set',
    source: 'A2',
  },
  {
    id: 'ingress-class-missing',
    severity: 'warning',
    title: 'Ingress with alb.* annotations names no ingress class',
    source: 'A2',
  },
  {
    id: 'alb-annotation-invalid',
    severity: 'error',
    title: 'ALB annotation value the controller cannot parse',
    source: 'A',
  },
  {
    id: 'ssl-redirect-legacy',
    severity: 'warning',
    title: 'Legacy actions.ssl-redirect + use-annotation backend instead of ssl-redirect',
    source: 'A4',
  },
  { id: 'ssl-redirect-port', severity: 'error', title: 'ssl-redirect port is not an HTTPS listen port', source: 'A4' },
  {
    id: 'http-listener-plaintext',
    severity: 'warning',
    title: 'HTTP listener forwards plaintext instead of redirecting to HTTPS',
    source: 'A4',
  },
  {
    id: 'listener-certificate',
    severity: 'error',
    title: 'HTTPS listener has no certificate-arn and no host to discover one from',
    source: 'A8',
  },
  {
    id: 'certificate-arn-format',
    severity: 'error',
    title: 'certificate-arn is not an ACM or IAM server certificate ARN',
    source: 'A8',
  },
  {
    id: 'certificate-arn-multiline',
    severity: 'error',
    title: 'certificate-arn separates ARNs by line breaks instead of commas',
    source: 'A8',
  },
  { id: 'certificate-arn-region', severity: 'error', title: 'Certificate ARNs name different regions', source: 'A8' },
  {
    id: 'ssl-policy',
    severity: 'warning',
    title: 'Listener ssl-policy is not a TLS 1.3 policy (controller default allows TLS 1.0)',
    source: 'A9',
  },
  {
    id: 'target-type-service-type',
    severity: 'error',
    title: 'instance targets need a NodePort or LoadBalancer Service',
    source: 'A5',
  },
  {
    id: 'service-load-balancer',
    severity: 'warning',
    title: 'Service of type LoadBalancer creates its own load balancer next to the ALB',
    source: 'A5',
  },
  {
    id: 'health-check-port',
    severity: 'error',
    title: 'Health-check port does not reach the gateway status port for this target type',
    source: 'A6',
  },
  {
    id: 'health-check-protocol',
    severity: 'error',
    title: 'Health-check protocol must be HTTP for the gateway status port',
    source: 'A6',
  },
  {
    id: 'health-check-path',
    severity: 'error',
    title: 'Health-check path must be /healthz/ready for the gateway status port',
    source: 'A6',
  },
  {
    id: 'backend-protocol',
    severity: 'error',
    title: 'backend-protocol does not match what the gateway port speaks',
    source: 'A7',
  },
  {
    id: 'backend-protocol-version',
    severity: 'error',
    title: 'backend-protocol-version GRPC breaks health checks against the gateway',
    source: 'A7',
  },
  {
    id: 'service-alb-annotations',
    severity: 'warning',
    title: 'alb.* annotations on the backend Service override the Ingress',
    source: 'A7',
  },
  {
    id: 'ingress-namespace',
    severity: 'error',
    title: 'Ingress is not in the namespace of its backend Service',
    source: 'A3',
  },
  {
    id: 'ingress-backend-port',
    severity: 'error',
    title: 'Ingress backend port does not exist on the Service',
    source: 'A3',
  },
  {
    id: 'ingress-backend-gateway',
    severity: 'error',
    title: 'ALB sends traffic straight to meshed pods instead of the Istio ingress gateway',
    source: 'A3, B20',
  },
  {
    id: 'group-name-format',
    severity: 'error',
    title: 'group.name is not at most 63 characters of [a-z0-9.-], alphanumeric at both ends',
    source: 'A10',
  },
  {
    id: 'group-order-range',
    severity: 'error',
    title: 'group.order is not an integer from -1000 to 1000',
    source: 'A10',
  },
  {
    id: 'group-exclusive-conflict',
    severity: 'error',
    title: 'Ingresses of one group set different values for an Exclusive annotation: the group stops reconciling',
    source: 'A10',
  },
  {
    id: 'group-membership-unpinned',
    severity: 'info',
    title: 'IngressGroup joined by annotation: anyone who can edit Ingresses can join it',
    source: 'A10',
  },
  {
    id: 'wafv2-acl-arn-format',
    severity: 'error',
    title: 'wafv2-acl-arn is not a regional WAFv2 web ACL ARN or none',
    source: 'A11',
  },
  {
    id: 'load-balancer-attributes-format',
    severity: 'error',
    title: 'load-balancer-attributes is not a k1=v1,k2=v2 list',
    source: 'A12',
  },
  {
    id: 'drop-invalid-headers',
    severity: 'warning',
    title:
      'ALB does not drop invalid header fields (routing.http.drop_invalid_header_fields.enabled; Security Hub ELB.4)',
    source: 'A12',
  },
  {
    id: 'target-group-attributes-format',
    severity: 'error',
    title: 'target-group-attributes is not a k1=v1,k2=v2 list',
    source: 'C32',
  },
  {
    id: 'deregistration-delay-range',
    severity: 'error',
    title: 'deregistration_delay.timeout_seconds is not a whole number from 0 to 3600',
    source: 'C32',
  },
  { id: 'tags-format', severity: 'error', title: 'tags is not a k1=v1,k2=v2 list of valid AWS tags', source: 'A13' },
  {
    id: 'inbound-cidrs-format',
    severity: 'error',
    title: 'inbound-cidrs lists something that is not a CIDR, or an IPv6 CIDR for an IPv4-only ALB',
    source: 'A13',
  },
  {
    id: 'gateway-prestop-sleep',
    severity: 'warning',
    title:
      'ip targets, but the gateway pods have no preStop sleep longer than the deregistration delay (502/504 during rollouts)',
    source: 'C32',
  },
  {
    id: 'gateway-termination-grace',
    severity: 'warning',
    title:
      'Gateway terminationGracePeriodSeconds is not longer than its preStop sleep: the proxy is killed before it drains',
    source: 'C32',
  },
  {
    id: 'placeholder-value',
    severity: 'warning',
    title:
      'Placeholder left in: a documentation certificate ARN (account 123456789012, all-zero id) or an example host (RFC 2606)',
    source: 'A8',
  },
  {
    id: 'readiness-gate-first-pods',
    severity: 'info',
    title:
      'ip targets: the gateway chart syncs in an earlier wave than the Ingress, so its first pods get no readiness gate (restart it once)',
    source: 'A5, C32',
  },
  {
    id: 'readiness-gate-namespace',
    severity: 'warning',
    title: 'ip targets, but the target namespace is not labelled for pod readiness gate injection',
    source: 'A5, C32',
  },
  // Istio gateway
  {
    id: 'gateway-selector',
    severity: 'error',
    title: 'Gateway selector matches no gateway workload',
    source: 'B16',
    istioCode: 'IST0101',
    istioSource: 'gateway/gateway.go',
  },
  {
    id: 'gateway-server-port',
    severity: 'error',
    title: 'No Gateway server listens on the port the ALB targets',
    source: 'B18',
  },
  {
    id: 'gateway-sni-hosts',
    severity: 'error',
    title: 'HTTPS server lists specific hosts: the ALB sends no SNI, handshake fails',
    source: 'B18',
  },
  { id: 'gateway-tls-mode', severity: 'error', title: 'Gateway TLS mode behind an ALB must be SIMPLE', source: 'B17' },
  {
    id: 'gateway-credential',
    severity: 'error',
    title: 'credentialName Secret missing from the gateway namespace or lacks certificate keys',
    source: 'B17',
    istioCode: 'IST0101',
    istioSource: 'gateway/secret.go',
  },
  {
    id: 'gateway-https-redirect',
    severity: 'warning',
    title: 'Gateway httpsRedirect behind an ALB (redirect loop)',
    source: 'B25',
  },
  {
    id: 'gateway-trusted-proxies',
    severity: 'warning',
    title: 'Gateway proxy does not trust the ALB hop (gatewayTopology.numTrustedProxies unset)',
    source: 'B25',
  },
  {
    id: 'gateway-namespace-injection',
    severity: 'error',
    title: 'Gateway namespace labelled istio-injection=disabled, but the gateway pods rely on injection',
    source: 'B26',
  },
  // Routing
  {
    id: 'host-route',
    severity: 'error',
    title: 'Ingress host has no VirtualService bound to the gateway',
    source: 'B19',
  },
  {
    id: 'vs-gateway-ref',
    severity: 'error',
    title: 'VirtualService gateway reference does not resolve',
    source: 'B19',
    istioCode: 'IST0101',
    istioSource: 'virtualservice/gateways.go',
  },
  {
    id: 'vs-export-to',
    severity: 'error',
    title: 'VirtualService is not exported to the gateway namespace',
    source: 'B19',
  },
  {
    id: 'vs-destination',
    severity: 'error',
    title: 'Route destination does not resolve to a Service port',
    source: 'B19',
    istioCode: 'IST0101',
    istioSource: 'virtualservice/destinationhosts.go',
  },
  {
    id: 'vs-destination-absent',
    severity: 'warning',
    title: 'Route destination Service is absent although its namespace is in the manifests',
    source: 'B19',
    istioCode: 'IST0101',
    istioSource: 'virtualservice/destinationhosts.go',
  },
  {
    id: 'authz-gateway-denied',
    severity: 'error',
    title: 'AuthorizationPolicies deny the ingress gateway the workload its route reaches (every request gets 403)',
    source: 'B23',
  },
  {
    id: 'port-naming',
    severity: 'warning',
    title: 'Service port name does not select a protocol (<proto>[-suffix] or appProtocol)',
    source: 'B24',
    istioCode: 'IST0118',
    istioSource: 'service/portname.go',
  },
  // Mesh security
  {
    id: 'mtls-not-strict',
    severity: 'error',
    title: 'mTLS is not STRICT for an application namespace or workload',
    source: 'B20',
  },
  {
    id: 'mtls-permissive',
    severity: 'warning',
    title: 'mTLS deliberately PERMISSIVE for an application namespace (migration only)',
    source: 'B20',
  },
  {
    id: 'namespace-injection',
    severity: 'error',
    title: 'Application namespace is not labelled for sidecar injection',
    source: 'B26',
    istioCode: 'IST0102',
    istioSource: 'injection/injection.go',
  },
  {
    id: 'injection-labels',
    severity: 'error',
    title: 'Namespace sets both istio-injection and istio.io/rev',
    source: 'B26',
    istioCode: 'IST0123',
    istioSource: 'injection/injection.go',
  },
  {
    id: 'destination-rule-tls',
    severity: 'error',
    title: 'DestinationRule disables TLS for an in-mesh host',
    source: 'B21',
  },
  {
    id: 'sidecar-outbound',
    severity: 'warning',
    title: 'Application namespace has no Sidecar with outboundTrafficPolicy REGISTRY_ONLY',
    source: 'B22',
  },
  {
    id: 'egress-service-entry',
    severity: 'warning',
    title: 'External host is routed but has no ServiceEntry (REGISTRY_ONLY blocks it)',
    source: 'B22',
  },
  // Gateway API edge: the ALB of the load balancer controller's Gateway API and Istio's Gateway API gateway
  {
    id: 'gwapi-target-group-protocol',
    severity: 'error',
    title: 'TargetGroupConfiguration of an ALB backend without protocol: HTTPS: the ALB-to-gateway hop is plaintext',
    source: 'G11',
  },
  {
    id: 'gwapi-health-check',
    severity: 'warning',
    title: 'TargetGroupConfiguration health check is not HTTP on status-port /healthz/ready (e.g. inherits HTTPS)',
    source: 'G12',
  },
  {
    id: 'gwapi-istio-listener-hostname',
    severity: 'error',
    title: 'Istio Gateway API listener behind the ALB sets hostname: the ALB sends no SNI (502)',
    source: 'G20',
  },
  {
    id: 'gwapi-listener-config-unmatched',
    severity: 'error',
    title: 'LoadBalancerConfiguration protocolPort matches no listener of its ALB Gateway (silently ignored)',
    source: 'G7',
  },
  {
    id: 'gwapi-backend-reference-grant',
    severity: 'error',
    title: 'HTTPRoute backendRef to another namespace without a ReferenceGrant there',
    source: 'G13',
  },
  {
    id: 'gwapi-backend-tls-policy-ignored',
    severity: 'warning',
    title: 'BackendTLSPolicy on an ALB backend Service: the load balancer controller ignores it',
    source: 'G14',
  },
  {
    id: 'gwapi-istio-service-load-balancer',
    severity: 'warning',
    title: 'Istio Gateway API gateway behind the ALB keeps Service type LoadBalancer (a second load balancer)',
    source: 'G17',
  },
  {
    id: 'gwapi-alb-listener-tls',
    severity: 'warning',
    title: 'ALB Gateway listener sets tls or hostname, which the load balancer controller does not use',
    source: 'G6',
  },
  {
    id: 'gwapi-redirect-status',
    severity: 'warning',
    title: 'HTTP-to-HTTPS RequestRedirect on the ALB without statusCode 301 (the default is 302, temporary)',
    source: 'G9',
  },
  {
    id: 'gwapi-app-route-http-listener',
    severity: 'error',
    title: "HTTPRoute with backends attached to the ALB Gateway's HTTP listener: the app is served in plaintext",
    source: 'G9',
  },
  {
    id: 'gwapi-backend-port',
    severity: 'error',
    title: "ALB HTTPRoute backendRef port is not a port of the gateway Service (Istio's: 15021 and the listener ports)",
    source: 'G10',
  },
  {
    id: 'gwapi-istio-listener-tls',
    severity: 'error',
    title: 'Istio Gateway API listener on the port the ALB targets is not HTTPS with tls.mode Terminate',
    source: 'G19',
  },
  {
    id: 'gwapi-lbc-api-version',
    severity: 'warning',
    title: 'gateway.k8s.aws/v1beta1 where controller v3.5.0 expects v1',
    source: 'G3',
  },
  // API versions
  {
    id: 'api-removed',
    severity: 'error',
    title:
      'Kubernetes API version no longer served (e.g. extensions/v1beta1 Ingress, removed in 1.22): the API server rejects it',
    source: 'API',
  },
  {
    id: 'api-version-deprecated',
    severity: 'info',
    title: 'Older Istio API version (v1alpha3, v1beta1, telemetry v1alpha1): prefer v1',
    source: 'B15',
  },
  {
    id: 'istio-operator',
    severity: 'error',
    title: 'IstioOperator: CRD no longer installed, in-cluster operator removed',
    source: 'B15',
  },
  {
    id: 'istio-profile-demo',
    severity: 'warning',
    title: 'Istio installed with the demo profile (not for production)',
    source: 'B28',
  },
  // GitOps install of Istio (Argo CD)
  {
    id: 'istio-chart-versions',
    severity: 'error',
    title: 'Istio base, istiod and gateway charts pinned to different versions',
    source: 'C29',
  },
  {
    id: 'istio-chart-order',
    severity: 'warning',
    title: 'Sync waves do not install base, then istiod, then gateway',
    source: 'C29',
  },
  {
    id: 'istiod-webhook-drift',
    severity: 'warning',
    title: 'istiod Application neither ignores nor pins the webhook failurePolicy (perpetual drift)',
    source: 'C31',
  },
  // Limits of AWS, the API server and Istio (limits.ts)
  {
    id: 'alb-host-length',
    severity: 'error',
    title: 'Ingress host longer than 128 characters, the ALB host condition limit',
    source: 'A3',
  },
  {
    id: 'alb-certificate-quota',
    severity: 'warning',
    title: 'More than 26 certificates (the default plus 25) on one ALB listener: over the default quota (adjustable)',
    source: 'A8',
  },
  // ALB quotas per ALB (alb-quotas.ts): warnings for quotas AWS raises on request, errors for fixed ones
  {
    id: 'alb-rule-quota',
    severity: 'warning',
    title: 'More than 100 listener rules (excluding defaults) on one ALB: over the default quota (adjustable)',
    source: 'A3',
  },
  {
    id: 'alb-condition-values-quota',
    severity: 'error',
    title: 'A listener rule with more than 5 condition values (hosts, path patterns, ...): over the fixed quota',
    source: 'A3',
  },
  {
    id: 'alb-condition-wildcards-quota',
    severity: 'error',
    title: 'A listener rule with more than 5 wildcards (* or ?) in its condition values: over the fixed quota',
    source: 'A3',
  },
  {
    id: 'alb-target-group-quota',
    severity: 'error',
    title: 'More than 100 target groups (one per Ingress, Service and port) on one ALB: over the fixed quota',
    source: 'A3',
  },
  {
    id: 'arn-partition-region',
    severity: 'error',
    title: 'Certificate or web ACL ARN whose partition does not own its region (aws-cn: cn-*, aws-us-gov: us-gov-*)',
    source: 'A8, A11',
  },
  {
    id: 'resources-request-above-limit',
    severity: 'error',
    title: 'Container requests more of a resource than its limit (the API server rejects it)',
    source: 'API',
  },
  {
    id: 'service-entry-wildcard-dns',
    severity: 'error',
    title: 'ServiceEntry with DNS resolution and no endpoints lists a wildcard host (Istio rejects it)',
    source: 'B22',
  },
  {
    id: 'root-namespace-workload',
    severity: 'warning',
    title: 'Application workload in the mesh root namespace, where namespace-wide policies apply to the whole mesh',
    source: 'B20',
  },
  // istioctl analyze messages with no project rule of their own (codes: istio.io/latest/docs/reference/config/analysis/)
  {
    id: 'gateway-port-not-on-service',
    severity: 'warning',
    title: 'Gateway server port is not a target port of any Service selecting its gateway pods',
    source: 'B18',
    istioCode: 'IST0162',
    istioSource: 'gateway/gateway.go',
  },
  {
    id: 'gateway-conflict',
    severity: 'error',
    title: 'Gateways with the same selector and port serve overlapping hosts',
    source: 'B18',
    istioCode: 'IST0145',
    istioSource: 'gateway/conflictinggateway.go',
  },
  {
    id: 'gateway-duplicate-certificate',
    severity: 'warning',
    title: 'Several Gateways of one workload use the same certificate (HTTP/2 connection reuse gives 404s)',
    source: 'B17',
    istioCode: 'IST0138',
    istioSource: 'gateway/certificate.go',
  },
  {
    id: 'vs-host-not-in-gateway',
    severity: 'warning',
    title: 'VirtualService host matches no host of the Gateways it binds to',
    source: 'B19',
    istioCode: 'IST0132',
    istioSource: 'virtualservice/gateways.go',
  },
  {
    id: 'vs-mesh-host-conflict',
    severity: 'error',
    title: 'Several mesh VirtualServices define the same host',
    source: 'B19',
    istioCode: 'IST0109',
    istioSource: 'virtualservice/conflictingmeshgatewayhosts.go',
  },
  {
    id: 'vs-unreachable-rule',
    severity: 'warning',
    title: 'VirtualService http rule is never used (an earlier rule matches everything, or repeats its match)',
    source: 'B19',
    istioCode: 'IST0130',
    istioSource: 'virtualservice/conditions.go',
  },
  {
    id: 'vs-ineffective-match',
    severity: 'info',
    title: 'VirtualService match repeats a match of an earlier rule',
    source: 'B19',
    istioCode: 'IST0131',
    istioSource: 'virtualservice/conditions.go',
  },
  {
    id: 'vs-ingress-subset-ignored',
    severity: 'warning',
    title: 'Subset routing of a mesh VirtualService does not apply to the gateway route to the same host',
    source: 'B19',
    istioCode: 'IST0140',
    istioSource: 'virtualservice/destinationrules.go',
  },
  {
    id: 'external-name-port-name',
    severity: 'warning',
    title: 'ExternalName Service port is named tcp (or unnamed): the proxy may not forward it',
    source: 'B24',
    istioCode: 'IST0150',
    istioSource: 'service/portname.go',
  },
  {
    id: 'sidecar-selector',
    severity: 'error',
    title: 'Sidecar workloadSelector matches no workload of its namespace',
    source: 'B22',
    istioCode: 'IST0101',
    istioSource: 'sidecar/selector.go',
  },
  {
    id: 'sidecar-selector-conflict',
    severity: 'error',
    title: 'Several Sidecars select the same workload',
    source: 'B22',
    istioCode: 'IST0110',
    istioSource: 'sidecar/selector.go',
  },
  {
    id: 'sidecar-default-multiple',
    severity: 'error',
    title: 'Several Sidecars in one namespace have no workloadSelector',
    source: 'B22',
    istioCode: 'IST0111',
    istioSource: 'sidecar/defaultselector.go',
  },
  {
    id: 'authz-no-workload',
    severity: 'warning',
    title: 'AuthorizationPolicy selector matches no workload of its namespace',
    source: 'B23',
    istioCode: 'IST0127',
    istioSource: 'authz/authorizationpolicies.go',
  },
  {
    id: 'authz-namespace-missing',
    severity: 'error',
    title: 'AuthorizationPolicy names a source namespace that is not in the manifests (--complete)',
    source: 'B23',
    istioCode: 'IST0101',
    istioSource: 'authz/authorizationpolicies.go',
  },
  {
    id: 'destination-rule-ca',
    severity: 'warning',
    title:
      'DestinationRule originates TLS (SIMPLE/MUTUAL) without caCertificates: the server certificate is not verified',
    source: 'B21',
    istioCode: 'IST0128',
    istioSource: 'destinationrule/ca-certificates.go',
  },
  {
    id: 'deprecated-field',
    severity: 'warning',
    title: 'Deprecated Istio field (fault.delay.percent, Sidecar outboundTrafficPolicy.egressProxy)',
    source: 'B15',
    istioCode: 'IST0002',
    istioSource: 'deprecation/deprecation.go',
  },
  // Cross-references that the manifests alone cannot settle
  {
    id: 'not-verifiable',
    severity: 'info',
    title: 'Referenced object is not in the manifests: not verifiable here',
    source: 'API',
  },
  {
    id: 'reference-missing',
    severity: 'error',
    title: 'With --complete: a referenced object is not in the manifests, so it does not exist',
    source: 'API',
    istioCode: 'IST0101',
    istioSource:
      'gateway/gateway.go, gateway/secret.go, virtualservice/gateways.go, virtualservice/destinationhosts.go',
  },
];

export const RULES: ReadonlyMap<string, RuleInfo> = new Map(CATALOGUE.map((r) => [r.id, r]));

export function rule(id: string): RuleInfo {
  const r = RULES.get(id);
  if (!r) throw new Error(`unknown rule id '${id}'`);
  return r;
}

export function listRules(): RuleInfo[] {
  return [...CATALOGUE];
}
