import { CheckOptions, K8sObject } from '../../lib/check';
import { find } from './helpers';

/**
 * Broken/fixed twins for the istioctl analyze messages (lib/check/istio-analyzers.ts), run by rules.spec.ts with the
 * other rules. Each broken fixture is the good yelb stack with the mistake istio.io's page for the message describes
 * (istio.io/latest/docs/reference/config/analysis/<code>), rewritten for this stack; the fixed twin applies that
 * page's resolution.
 */
export interface IstioCase {
  readonly rule: string;
  readonly what: string;
  readonly object: string;
  /** The istioctl code the finding must carry. */
  readonly istioCode: string;
  readonly options?: CheckOptions;
  readonly broken: (o: K8sObject[]) => void;
  readonly fixed?: (o: K8sObject[]) => void;
}

const GW = 'Gateway istio-system/yelb-gateway';
const gateway = (o: K8sObject[]) => find(o, 'Gateway', 'yelb-gateway');
const appserverVs = (o: K8sObject[]) => find(o, 'VirtualService', 'yelb-appserver');
const istio = (
  kind: string,
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  group = 'networking',
): K8sObject => ({
  apiVersion: `${group}.istio.io/v1`,
  kind,
  metadata: { name, namespace },
  spec,
});
const httpServer = (hosts: string[], port = 80) => ({
  port: { number: port, name: `http-${port}`, protocol: 'HTTP' },
  hosts,
});
const secondGateway = (name: string, servers: unknown[]) =>
  istio('Gateway', name, 'istio-system', { selector: { istio: 'ingressgateway' }, servers });
const sidecar = (name: string, labels?: Record<string, string>) =>
  istio('Sidecar', name, 'yelb', {
    ...(labels ? { workloadSelector: { labels } } : {}),
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  });
const mealDbRule = (tls: Record<string, unknown>, portLevel = false) =>
  istio('DestinationRule', 'themealdb', 'yelb', {
    host: 'www.themealdb.com',
    trafficPolicy: portLevel ? { portLevelSettings: [{ port: { number: 443 }, tls }] } : { tls },
  });
const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';
const adminCertificate: K8sObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'yelb-admin-cert', namespace: 'istio-system' },
  spec: {
    secretName: 'yelb-admin-cert',
    commonName: 'admin.shop.internal',
    dnsNames: ['admin.shop.internal'],
    issuerRef: { name: 'yelb-selfsigned', kind: 'Issuer' },
  },
};
const denyDebug = (app: string) =>
  istio(
    'AuthorizationPolicy',
    'deny-debug',
    'yelb',
    {
      selector: { matchLabels: { app } },
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/debug'] } }] }],
    },
    'security',
  );
const allowFrom = (namespace: string) =>
  istio(
    'AuthorizationPolicy',
    'db-clients',
    'yelb',
    {
      selector: { matchLabels: { app: 'yelb-db' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: [namespace] } }] }],
    },
    'security',
  );

export const ISTIO_CASES: IstioCase[] = [
  {
    rule: 'gateway-port-not-on-service',
    istioCode: 'IST0162',
    what: 'server on port 8004, which the gateway Service does not expose',
    object: GW,
    broken: (o) => {
      gateway(o).spec.servers.push(httpServer(['*'], 8004));
    },
    fixed: (o) => {
      gateway(o).spec.servers.push(httpServer(['*'], 80));
    },
  },
  {
    rule: 'gateway-conflict',
    istioCode: 'IST0145',
    what: 'two Gateways of one proxy serve * on port 80',
    object: GW,
    broken: (o) => {
      gateway(o).spec.servers.push(httpServer(['*']));
      o.push(secondGateway('yelb-admin', [httpServer(['*'])]));
    },
    fixed: (o) => {
      gateway(o).spec.servers.push(httpServer(['yelb.shop.internal']));
      o.push(secondGateway('yelb-admin', [httpServer(['admin.shop.internal'])]));
    },
  },
  {
    rule: 'gateway-duplicate-certificate',
    istioCode: 'IST0138',
    what: 'a second Gateway of the same proxy reuses the certificate',
    object: 'Gateway istio-system/yelb-admin',
    broken: (o) => {
      o.push(
        secondGateway('yelb-admin', [
          {
            port: { number: 80, name: 'https-admin', protocol: 'HTTPS' },
            tls: { mode: 'SIMPLE', credentialName: 'yelb-gateway-cert' },
            hosts: ['*'],
          },
        ]),
      );
    },
    fixed: (o) => {
      o.push(
        secondGateway('yelb-admin', [
          {
            port: { number: 80, name: 'https-admin', protocol: 'HTTPS' },
            tls: { mode: 'SIMPLE', credentialName: 'yelb-admin-cert' },
            hosts: ['*'],
          },
        ]),
        adminCertificate,
      );
    },
  },
  {
    rule: 'vs-host-not-in-gateway',
    istioCode: 'IST0132',
    what: 'VirtualService bound to a Gateway that does not serve its host',
    object: 'VirtualService yelb/yelb-ui',
    broken: (o) => {
      o.push(secondGateway('yelb-http', [httpServer(['api.shop.internal'])]));
      find(o, 'VirtualService', 'yelb-ui').spec.gateways.push('istio-system/yelb-http');
    },
    fixed: (o) => {
      o.push(secondGateway('yelb-http', [httpServer(['yelb.shop.internal'])]));
      find(o, 'VirtualService', 'yelb-ui').spec.gateways.push('istio-system/yelb-http');
    },
  },
  {
    rule: 'vs-mesh-host-conflict',
    istioCode: 'IST0109',
    what: 'two mesh VirtualServices for yelb-appserver',
    object: 'VirtualService yelb/yelb-appserver-canary',
    broken: (o) => {
      const copy = JSON.parse(JSON.stringify(appserverVs(o)));
      copy.metadata.name = 'yelb-appserver-canary';
      o.push(copy);
    },
    fixed: (o) => {
      appserverVs(o).spec.http.unshift({
        match: [{ headers: { canary: { exact: 'true' } } }],
        route: [{ destination: { host: 'yelb-appserver', port: { number: 4567 } } }],
      });
    },
  },
  {
    rule: 'vs-unreachable-rule',
    istioCode: 'IST0130',
    what: 'a rule without match before the /api rule',
    object: 'VirtualService yelb/yelb-appserver',
    broken: (o) => {
      appserverVs(o).spec.http.unshift({
        route: [{ destination: { host: 'yelb-appserver', port: { number: 4567 } } }],
      });
    },
    fixed: (o) => {
      appserverVs(o).spec.http.push({ route: [{ destination: { host: 'yelb-appserver', port: { number: 4567 } } }] });
    },
  },
  {
    rule: 'vs-ineffective-match',
    istioCode: 'IST0131',
    what: 'a match repeating the /api match of an earlier rule',
    object: 'VirtualService yelb/yelb-appserver',
    broken: (o) => {
      appserverVs(o).spec.http.push({
        match: [{ uri: { prefix: '/api' } }, { uri: { prefix: '/v2' } }],
        route: [{ destination: { host: 'yelb-appserver', port: { number: 4567 } } }],
      });
    },
    fixed: (o) => {
      appserverVs(o).spec.http.push({
        match: [{ uri: { prefix: '/v2' } }],
        route: [{ destination: { host: 'yelb-appserver', port: { number: 4567 } } }],
      });
    },
  },
  {
    rule: 'vs-ingress-subset-ignored',
    istioCode: 'IST0140',
    what: 'mesh VirtualService pins yelb-ui to v1, the gateway route does not',
    object: 'VirtualService yelb/yelb-ui',
    broken: (o) => {
      o.push(
        istio('VirtualService', 'yelb-ui-mesh', 'yelb', {
          hosts: ['yelb-ui'],
          http: [{ route: [{ destination: { host: 'yelb-ui.yelb.svc.cluster.local', subset: 'v1' } }] }],
        }),
      );
    },
    fixed: (o) => {
      o.push(
        istio('VirtualService', 'yelb-ui-mesh', 'yelb', {
          hosts: ['yelb-ui'],
          http: [{ route: [{ destination: { host: 'yelb-ui.yelb.svc.cluster.local', subset: 'v1' } }] }],
        }),
      );
      find(o, 'VirtualService', 'yelb-ui').spec.http[0].route[0].destination.subset = 'v1';
    },
  },
  {
    rule: 'external-name-port-name',
    istioCode: 'IST0150',
    what: 'ExternalName Service with a port named tcp',
    object: 'Service yelb/themealdb',
    broken: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'themealdb', namespace: 'yelb' },
        spec: { type: 'ExternalName', externalName: 'www.themealdb.com', ports: [{ name: 'tcp', port: 443 }] },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'themealdb', namespace: 'yelb' },
        spec: { type: 'ExternalName', externalName: 'www.themealdb.com', ports: [{ name: 'https', port: 443 }] },
      });
    },
  },
  {
    rule: 'sidecar-selector',
    istioCode: 'IST0101',
    what: 'Sidecar selecting a label no workload carries',
    object: 'Sidecar yelb/ui',
    broken: (o) => {
      o.push(sidecar('ui', { app: 'yelb-frontend' }));
    },
    fixed: (o) => {
      o.push(sidecar('ui', { app: 'yelb-ui' }));
    },
  },
  {
    rule: 'sidecar-selector-conflict',
    istioCode: 'IST0110',
    what: 'two Sidecars selecting yelb-ui',
    object: 'Sidecar yelb/ui-b',
    broken: (o) => {
      o.push(sidecar('ui-a', { app: 'yelb-ui' }), sidecar('ui-b', { tier: 'frontend' }));
    },
    fixed: (o) => {
      o.push(sidecar('ui-a', { app: 'yelb-ui' }), sidecar('ui-b', { app: 'yelb-appserver' }));
    },
  },
  {
    rule: 'sidecar-default-multiple',
    istioCode: 'IST0111',
    what: 'a second Sidecar without workloadSelector in yelb',
    object: 'Sidecar yelb/strict',
    broken: (o) => {
      o.push(sidecar('strict'));
    },
    fixed: (o) => {
      o.push(sidecar('strict', { app: 'yelb-ui' }));
    },
  },
  {
    rule: 'authz-no-workload',
    istioCode: 'IST0127',
    what: 'AuthorizationPolicy selecting a label no workload carries',
    object: 'AuthorizationPolicy yelb/deny-debug',
    broken: (o) => {
      o.push(denyDebug('yelb-database'));
    },
    fixed: (o) => {
      o.push(denyDebug('yelb-db'));
    },
  },
  {
    rule: 'authz-namespace-missing',
    istioCode: 'IST0101',
    what: '--complete: source namespace that does not exist',
    object: 'AuthorizationPolicy yelb/db-clients',
    options: { complete: true },
    broken: (o) => {
      o.push(allowFrom('yelb-legacy'));
    },
    fixed: (o) => {
      o.push(allowFrom('yelb'));
    },
  },
  {
    rule: 'destination-rule-ca',
    istioCode: 'IST0128',
    what: 'TLS origination to an external host without caCertificates',
    object: 'DestinationRule yelb/themealdb',
    broken: (o) => {
      o.push(mealDbRule({ mode: 'SIMPLE' }));
    },
    fixed: (o) => {
      o.push(mealDbRule({ mode: 'SIMPLE', caCertificates: SYSTEM_CA }));
    },
  },
  {
    rule: 'destination-rule-ca',
    istioCode: 'IST0129',
    what: 'port-level TLS origination without caCertificates',
    object: 'DestinationRule yelb/themealdb',
    broken: (o) => {
      o.push(mealDbRule({ mode: 'SIMPLE' }, true));
    },
    fixed: (o) => {
      o.push(mealDbRule({ mode: 'SIMPLE', caCertificates: SYSTEM_CA }, true));
    },
  },
  {
    rule: 'deprecated-field',
    istioCode: 'IST0002',
    what: 'fault.delay.percent',
    object: 'VirtualService yelb/yelb-appserver',
    broken: (o) => {
      appserverVs(o).spec.http[0].fault = { delay: { percent: 10, fixedDelay: '1s' } };
    },
    fixed: (o) => {
      appserverVs(o).spec.http[0].fault = { delay: { percentage: { value: 10 }, fixedDelay: '1s' } };
    },
  },
  {
    rule: 'deprecated-field',
    istioCode: 'IST0002',
    what: 'Sidecar outboundTrafficPolicy.egressProxy',
    object: 'Sidecar yelb/default',
    broken: (o) => {
      find(o, 'Sidecar', 'default').spec.outboundTrafficPolicy.egressProxy = {
        host: 'istio-egressgateway.istio-system.svc.cluster.local',
      };
    },
  },
  {
    rule: 'reference-missing',
    istioCode: 'IST0101',
    what: '--complete: the gateway certificate is not in the manifests',
    object: GW,
    options: { complete: true },
    broken: (o) => {
      o.splice(
        o.findIndex((x) => x.kind === 'Certificate'),
        1,
      );
    },
  },
];
