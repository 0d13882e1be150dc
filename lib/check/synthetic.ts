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

/** The Istio ingress gateway's Deployment, with the rollout timing the product's Argo CD values give it. */
const gatewayDeployment = (): K8sObject => ({
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
});

/** The gateway's Service: its status port and HTTPS. */
const gatewayService = (type: 'ClusterIP' | 'NodePort'): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: {
    type,
    selector: { istio: 'ingressgateway' },
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
  },
});

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
    gatewayDeployment(),
    gatewayService('ClusterIP'),
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

const HOSTS_PER_ALB = 100;
const APPS_PER_CERTIFICATE = 10;
/** The annotations of today's dist/30-alb-ingress.yaml, less the certificate (one ARN per 10 apps here). */
const EDGE_ANNOTATIONS: Record<string, string> = {
  'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  'alb.ingress.kubernetes.io/healthcheck-path': '/healthz/ready',
  'alb.ingress.kubernetes.io/healthcheck-port': 'status-port',
  'alb.ingress.kubernetes.io/healthcheck-protocol': 'HTTP',
  'alb.ingress.kubernetes.io/ip-address-type': 'ipv4',
  'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
  'alb.ingress.kubernetes.io/load-balancer-attributes': 'routing.http.drop_invalid_header_fields.enabled=true',
  'alb.ingress.kubernetes.io/scheme': 'internet-facing',
  'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'alb.ingress.kubernetes.io/ssl-redirect': '443',
  'alb.ingress.kubernetes.io/success-codes': '200',
  'alb.ingress.kubernetes.io/target-group-attributes': 'deregistration_delay.timeout_seconds=30',
  'alb.ingress.kubernetes.io/target-type': 'instance',
};

/** The ACM certificate of app `i`: one per 10 apps, a UUID-like id derived from `i / 10`. */
export function appCertificateArn(i: number): string {
  const n = Math.floor(i / APPS_PER_CERTIFICATE);
  const hex = (width: number) => n.toString(16).padStart(width, '0').slice(-width);
  return `arn:aws:acm:us-east-1:123456789012:certificate/${hex(8)}-0000-4000-8000-${hex(12)}`;
}

/**
 * What the product emits for `apps` apps behind one shared Istio ingress gateway: the shared edge (the Gateway
 * `yelb-gateway` accepting every host, one ALB Ingress per 100 hosts, the gateway Service and Deployment the ALB's
 * targets and the rollout rules need) and, per app `app-<i>`, its namespace with STRICT mTLS, a REGISTRY_ONLY Sidecar,
 * one external API (ServiceEntry), the VirtualService of its host `app-<i>.example.com`, deny-by-default
 * authorization admitting the gateway, and its `web` Service and Deployment. For `npm run bench` and the scale tests.
 */
export function manyAppManifests(apps: number): K8sObject[] {
  const out: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-system' },
    },
    gatewayDeployment(),
    // Instance targets (today's target-type) reach the gateway through its node ports.
    gatewayService('NodePort'),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'yelb-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            hosts: ['*'],
            port: { name: 'https', number: 443, protocol: 'HTTPS' },
            tls: { credentialName: 'tls-secret', mode: 'SIMPLE' },
          },
        ],
      },
    },
  ];
  for (let first = 0; first < apps; first += HOSTS_PER_ALB) {
    const members = Array.from({ length: Math.min(HOSTS_PER_ALB, apps - first) }, (_, k) => first + k);
    const index = first / HOSTS_PER_ALB;
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: index === 0 ? 'gw-ingress' : `gw-ingress-${index + 1}`,
        namespace: 'istio-system',
        annotations: {
          ...EDGE_ANNOTATIONS,
          'alb.ingress.kubernetes.io/certificate-arn': [...new Set(members.map(appCertificateArn))].join(','),
        },
      },
      spec: {
        ingressClassName: 'alb',
        rules: members.map((i) => ({
          host: `app-${i}.example.com`,
          http: {
            paths: [
              {
                backend: { service: { name: 'istio-ingressgateway', port: { number: 443 } } },
                path: '/',
                pathType: 'Prefix',
              },
            ],
          },
        })),
      },
    });
  }
  for (let i = 0; i < apps; i++) out.push(...appManifests(i));
  return out;
}

/** The objects of app `i`. */
function appManifests(i: number): K8sObject[] {
  const ns = `app-${i}`;
  const web = { app: 'web' };
  const api = `api-${i}.partner.example.org`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ns },
      spec: { mtls: { mode: 'STRICT' } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: ns },
      spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: `api-${i}-partner-example-org`, namespace: ns },
      spec: {
        hosts: [api],
        location: 'MESH_EXTERNAL',
        ports: [
          { name: 'http', number: 80, protocol: 'HTTP' },
          { name: 'https', number: 443, protocol: 'HTTPS' },
        ],
        resolution: 'DNS',
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: ns, namespace: ns },
      spec: {
        gateways: ['istio-system/yelb-gateway'],
        hosts: [`${ns}.example.com`],
        http: [
          {
            match: [{ uri: { prefix: '/' } }],
            route: [{ destination: { host: `web.${ns}.svc.cluster.local`, port: { number: 8080 } } }],
          },
        ],
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'allow-nothing', namespace: ns },
      spec: {},
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'ingress-to-web', namespace: ns },
      spec: {
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: [GATEWAY_SA] } }], to: [{ operation: { ports: ['8080'] } }] }],
        selector: { matchLabels: web },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns, labels: web },
      spec: {
        ports: [{ name: 'http-8080', port: 8080, protocol: 'TCP', targetPort: 8080 }],
        selector: web,
        type: 'ClusterIP',
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels: web },
      spec: {
        replicas: 1,
        selector: { matchLabels: web },
        template: {
          metadata: { labels: web },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                ports: [{ containerPort: 8080, name: 'http-8080' }],
                resources: {
                  limits: { cpu: '500m', memory: '256Mi' },
                  requests: { cpu: '100m', memory: '128Mi' },
                },
              },
            ],
          },
        },
      },
    },
  ];
}
