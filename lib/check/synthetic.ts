import { K8sObject } from './types';

/**
 * A large, valid ALB + Istio manifest set of about `count` objects, for timing the checker (`npm run bench`) and for
 * the test that its cost grows linearly. Every unit is an app behind the shared gateway: a host on an ALB Ingress,
 * a gateway-bound VirtualService, its Service, ServiceAccount and Deployment, an AuthorizationPolicy admitting the
 * gateway, and an external API with its ServiceEntry and a mesh VirtualService: the shapes whose cross-references
 * the checker resolves (hosts x routes x ServiceEntries).
 */
const UNIT = 7;
const HOSTS_PER_INGRESS = 50;
const UNITS_PER_NAMESPACE = 200;
const ARN = 'arn:aws:acm:us-east-1:210987654321:certificate/0f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
const GATEWAY_SA = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

export function syntheticManifests(count: number): K8sObject[] {
  const units = Math.max(1, Math.floor((count - 6) / (UNIT + 2 / UNITS_PER_NAMESPACE + 1 / HOSTS_PER_INGRESS)));
  const out: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-system', labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { istio: 'ingressgateway' } },
        template: {
          metadata: {
            labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
            annotations: { 'proxy.istio.io/config': '{"gatewayTopology":{"numTrustedProxies":1}}' },
          },
          spec: {
            serviceAccountName: 'istio-ingressgateway-service-account',
            terminationGracePeriodSeconds: 65,
            containers: [
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/proxyv2:1.30.4',
                lifecycle: { preStop: { sleep: { seconds: 35 } } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: {
        type: 'ClusterIP',
        selector: { istio: 'ingressgateway' },
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            tls: { mode: 'SIMPLE', credentialName: 'edge-cert' },
            hosts: ['*'],
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'edge-cert', namespace: 'istio-system' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
    },
  ];
  let rules: unknown[] = [];
  const flushIngress = (index: number) => {
    if (!rules.length) return;
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: `edge-${index}`,
        namespace: 'istio-system',
        annotations: {
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
          'alb.ingress.kubernetes.io/ssl-redirect': '443',
          'alb.ingress.kubernetes.io/certificate-arn': ARN,
          'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
          'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
          'alb.ingress.kubernetes.io/healthcheck-port': 'status-port',
          'alb.ingress.kubernetes.io/healthcheck-protocol': 'HTTP',
          'alb.ingress.kubernetes.io/healthcheck-path': '/healthz/ready',
          'alb.ingress.kubernetes.io/load-balancer-attributes': 'routing.http.drop_invalid_header_fields.enabled=true',
          'alb.ingress.kubernetes.io/target-group-attributes': 'deregistration_delay.timeout_seconds=30',
        },
      },
      spec: { ingressClassName: 'alb', rules },
    });
    rules = [];
  };
  for (let i = 0; i < units; i++) {
    const ns = `apps-${Math.floor(i / UNITS_PER_NAMESPACE)}`;
    if (i % UNITS_PER_NAMESPACE === 0) {
      out.push({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
      });
      out.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: ns },
        spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
      });
    }
    const app = `app-${i}`;
    const host = `${app}.shop.acme-corp.net`;
    const api = `api-${i}.example.org`;
    const labels = { app };
    rules.push({
      host,
      http: {
        paths: [
          {
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: 'istio-ingressgateway', port: { number: 443 } } },
          },
        ],
      },
    });
    out.push(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace: ns } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app, namespace: ns },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: app,
              containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: app, namespace: ns },
        spec: {
          hosts: [host],
          gateways: ['istio-system/edge'],
          http: [{ route: [{ destination: { host: `${app}.${ns}.svc.cluster.local`, port: { number: 80 } } }] }],
        },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: app, namespace: ns },
        spec: {
          selector: { matchLabels: labels },
          action: 'ALLOW',
          rules: [{ from: [{ source: { principals: [GATEWAY_SA] } }], to: [{ operation: { ports: ['8080'] } }] }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: `api-${i}`, namespace: ns },
        spec: {
          hosts: [api],
          location: 'MESH_EXTERNAL',
          resolution: 'DNS',
          ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: `api-${i}`, namespace: ns },
        spec: {
          hosts: [api],
          tls: [
            { match: [{ port: 443, sniHosts: [api] }], route: [{ destination: { host: api, port: { number: 443 } } }] },
          ],
        },
      },
    );
    if (rules.length === HOSTS_PER_INGRESS) flushIngress(Math.floor(i / HOSTS_PER_INGRESS));
  }
  flushIngress(Math.ceil(units / HOSTS_PER_INGRESS));
  return out;
}
