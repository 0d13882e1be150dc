import * as path from 'path';
import { CheckOptions, checkRules, K8sObject, listRules, loadPaths } from '../../lib/check';
import { find, objects, pairs, ROOT, ruleIds, runCliJson } from './helpers';
import { ALB_QUOTA_CASES } from './alb-quota-cases';
import { GATEWAY_API_CASES } from './gateway-api-cases';
import { ISTIO_CASES } from './istio-cases';
import { LIMIT_CASES } from './limit-cases';

type Mutation = (o: K8sObject[]) => void;

interface Case {
  /** Rule the broken fixture must trip, and nothing else. */
  readonly rule: string;
  readonly what: string;
  /** Object the finding must be on. */
  readonly object: string;
  readonly broken: Mutation;
  /** The fixed twin; the untouched good stack when omitted. */
  readonly fixed?: Mutation;
  /** The istioctl analyze code the finding carries, when istioctl reports it too. */
  readonly istioCode?: string;
  readonly options?: CheckOptions;
}

const ALB = 'alb.ingress.kubernetes.io/';
const ING = 'Ingress istio-system/yelb';
const ARN = 'arn:aws:acm:us-east-1:210987654321:certificate/0f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
const ARN_2 = 'arn:aws:acm:us-east-1:210987654321:certificate/2f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
const ARN_EU = 'arn:aws:acm:eu-west-1:210987654321:certificate/1f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';

const DROP_INVALID = 'routing.http.drop_invalid_header_fields.enabled=true';
const WAF_ARN = 'arn:aws:wafv2:us-east-1:210987654321:regional/webacl/yelb/a1b2c3d4-5678-90ab-cdef-0123456789ab';
const PROXY_CONFIG = 'proxy.istio.io/config';
const TRUSTED_ONE = '{"gatewayTopology":{"numTrustedProxies":1}}';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const FAIL_POLICY = { base: { validationFailurePolicy: 'Fail' } };

const ingress = (o: K8sObject[]) => find(o, 'Ingress', 'yelb');
const ann = (o: K8sObject[]) => ingress(o).metadata.annotations as Record<string, string>;
const gateway = (o: K8sObject[]) => find(o, 'Gateway', 'yelb-gateway');
const gwService = (o: K8sObject[]) =>
  o.find((x) => x.kind === 'Service' && x.metadata?.name === 'istio-ingressgateway') as any;
const yelbNs = (o: K8sObject[]) => find(o, 'Namespace', 'yelb');
const vsUi = (o: K8sObject[]) => find(o, 'VirtualService', 'yelb-ui');
const gwDeployment = (o: K8sObject[]) =>
  o.find((x) => x.kind === 'Deployment' && x.metadata?.name === 'istio-ingressgateway') as any;
const istioSystemNs = (o: K8sObject[]) => find(o, 'Namespace', 'istio-system');
const pinGroup = (o: K8sObject[]) => {
  find(o, 'IngressClassParams', 'alb').spec.group = { name: 'yelb' };
};
/** A second Ingress of the same group, identical to the first apart from its name and the given annotations. */
const groupMate = (o: K8sObject[], annotations: Record<string, string>) => {
  const mate = JSON.parse(JSON.stringify(ingress(o)));
  mate.metadata.name = 'yelb-admin';
  Object.assign(mate.metadata.annotations, annotations);
  o.push(mate);
};
/** An Argo CD Application installing one of Istio's charts into istio-system. */
const istioApp = (
  name: string,
  chart: string,
  version: string,
  wave: number,
  values: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): K8sObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
  spec: {
    project: 'default',
    source: {
      repoURL: 'https://istio-release.storage.googleapis.com/charts',
      chart,
      targetRevision: version,
      helm: { valuesObject: values },
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
    ...spec,
  },
});

/** Rewrites an Ingress into the pre-1.22 form: an old apiVersion and serviceName/servicePort backends. */
const toV1beta1 = (ing: any, apiVersion: string) => {
  ing.apiVersion = apiVersion;
  for (const r of ing.spec.rules) {
    for (const p of r.http.paths) {
      p.backend = { serviceName: p.backend.service.name, servicePort: p.backend.service.port.number };
      delete p.pathType;
    }
  }
};

/** Moves the Gateway to another namespace and points the VirtualServices at it there. */
const gatewayIn = (o: K8sObject[], ns: string) => {
  gateway(o).metadata.namespace = ns;
  for (const vs of o.filter((x) => x.kind === 'VirtualService') as any[])
    if (vs.spec.gateways) vs.spec.gateways = [`${ns}/yelb-gateway`];
};

const gwProxy = (o: K8sObject[]) => gwDeployment(o).spec.template.spec.containers[0];
/** The gateway installed by the Istio gateway chart through Argo CD instead of the fixture's Deployment and Service. */
const chartGateway = (
  o: K8sObject[],
  values: Record<string, unknown>,
  parameters: { name: string; value: string }[] = [],
) => {
  o.splice(
    0,
    o.length,
    ...o.filter(
      (x) => !(x.metadata?.name === 'istio-ingressgateway' && (x.kind === 'Deployment' || x.kind === 'Service')),
    ),
  );
  o.push({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'istio-ingress', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://istio-release.storage.googleapis.com/charts',
        chart: 'gateway',
        targetRevision: '1.30.4',
        helm: {
          valuesObject: {
            name: 'istio-ingressgateway',
            labels: { istio: 'ingressgateway' },
            service: { type: 'ClusterIP' },
            podAnnotations: { [PROXY_CONFIG]: TRUSTED_ONE },
            serviceAccount: { name: 'istio-ingressgateway' },
            ...values,
          },
          ...(parameters.length ? { parameters } : {}),
        },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
    },
  });
};
const CHART_APP = 'Application argocd/istio-ingress';
/** The chart gateway (with a working shutdown) in sync wave -1, before the fixture's app Application (wave 0) with the Ingress. */
const firstWaveGateway = (o: K8sObject[]) => {
  chartGateway(o, { lifecycle: { preStop: { sleep: { seconds: 35 } } }, terminationGracePeriodSeconds: 65 });
  find(o, 'Application', 'istio-ingress').metadata.annotations = { 'argocd.argoproj.io/sync-wave': '-1' };
};

/** The fixture's gateway Deployment runs as ServiceAccount istio-ingressgateway; istioctl's would be ...-service-account. */
const GW_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway';
const ISTIOCTL_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const authzPolicy = (name: string, spec: Record<string, unknown>, namespace = 'yelb'): K8sObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});
/** Zero trust for yelb as the product emits it: allow-nothing plus an ALLOW for the ui from one principal. */
const zeroTrust = (principal: string, ports = ['80']): K8sObject[] => [
  authzPolicy('allow-nothing', {}),
  authzPolicy('yelb-ui', {
    selector: { matchLabels: { app: 'yelb-ui' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [principal] } }], to: [{ operation: { ports } }] }],
  }),
];
/** The ui Service sends to a named container port 8080. */
const namedTargetPort = (o: K8sObject[]) => {
  find(o, 'Service', 'yelb-ui').spec.ports[0].targetPort = 'http';
  find(o, 'Deployment', 'yelb-ui').spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
};

const CASES: Case[] = [
  {
    rule: 'ingress-class-annotation',
    what: 'class by deprecated annotation',
    object: ING,
    broken: (o) => {
      delete ingress(o).spec.ingressClassName;
      ann(o)['kubernetes.io/ingress.class'] = 'alb';
    },
  },
  {
    rule: 'ingress-class-conflict',
    what: 'class by field and annotation',
    object: ING,
    broken: (o) => {
      ann(o)['kubernetes.io/ingress.class'] = 'alb';
    },
  },
  {
    rule: 'ingress-class-missing',
    what: 'no class at all',
    object: ING,
    broken: (o) => {
      delete ingress(o).spec.ingressClassName;
    },
  },
  {
    rule: 'alb-annotation-invalid',
    what: 'listen-ports port as a string',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}listen-ports`] = '[{"HTTP": "80"}]';
    },
  },
  {
    rule: 'ssl-redirect-legacy',
    what: 'actions.ssl-redirect with a use-annotation backend',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}ssl-redirect`];
      ann(o)[`${ALB}actions.ssl-redirect`] =
        '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}';
      ingress(o).spec.rules[0].http.paths.unshift({
        path: '/',
        pathType: 'Prefix',
        backend: { service: { name: 'ssl-redirect', port: { name: 'use-annotation' } } },
      });
    },
  },
  {
    rule: 'http-listener-plaintext',
    what: 'actions.ssl-redirect that no backend references (the controller ignores it)',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}ssl-redirect`];
      ann(o)[`${ALB}actions.ssl-redirect`] =
        '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}';
    },
    fixed: (o) => {
      ann(o)[`${ALB}actions.ssl-redirect`] =
        '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}';
    },
  },
  {
    rule: 'http-listener-plaintext',
    what: 'a use-annotation ssl-redirect backend without its action annotation (fixed 503)',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}ssl-redirect`];
      ingress(o).spec.rules[0].http.paths.unshift({
        path: '/',
        pathType: 'Prefix',
        backend: { service: { name: 'ssl-redirect', port: { name: 'use-annotation' } } },
      });
    },
  },
  {
    rule: 'ssl-redirect-port',
    what: 'redirect to a port with no HTTPS listener',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}ssl-redirect`] = '8443';
    },
  },
  {
    rule: 'http-listener-plaintext',
    what: 'HTTP listener without redirect',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}ssl-redirect`];
    },
    fixed: (o) => {
      ann(o)[`${ALB}listen-ports`] = '[{"HTTPS": 443}]';
      delete ann(o)[`${ALB}ssl-redirect`];
    },
  },
  {
    rule: 'listener-certificate',
    what: 'HTTPS listener, no certificate, no host',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}certificate-arn`];
      delete ingress(o).spec.rules[0].host;
    },
    fixed: (o) => {
      delete ann(o)[`${ALB}certificate-arn`];
    },
  },
  {
    rule: 'certificate-arn-format',
    what: 'malformed ARN',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = 'arn:aws:acm:us-east-1:1234:certificate/abc';
    },
  },
  {
    rule: 'certificate-arn-format',
    what: 'IAM certificate ARN without a name (an IAM server certificate is fine)',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = 'arn:aws:iam::123456789012:server-certificate/';
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = 'arn:aws:iam::123456789012:server-certificate/prod/yelb-2026';
    },
  },
  {
    rule: 'certificate-arn-multiline',
    what: 'two ARNs separated by a line break only (a | block with commas is fine)',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = `${ARN}\n${ARN_2}\n`;
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = `${ARN},\n${ARN_2}\n`;
    },
  },
  {
    rule: 'certificate-arn-region',
    what: 'ARNs from two regions',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = `${ARN},${ARN_EU}`;
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = `${ARN},${ARN.replace('0f6d', '2f6d')}`;
    },
  },
  {
    rule: 'ssl-policy',
    what: 'no ssl-policy (controller default allows TLS 1.0)',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}ssl-policy`];
    },
    fixed: (o) => {
      ann(o)[`${ALB}ssl-policy`] = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
    },
  },
  {
    rule: 'target-type-service-type',
    what: 'instance targets on a ClusterIP gateway Service',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}target-type`] = 'instance';
    },
    fixed: (o) => {
      ann(o)[`${ALB}target-type`] = 'instance';
      gwService(o).spec.type = 'NodePort';
    },
  },
  {
    rule: 'service-load-balancer',
    what: 'gateway Service of type LoadBalancer',
    object: 'Service istio-system/istio-ingressgateway',
    broken: (o) => {
      gwService(o).spec.type = 'LoadBalancer';
    },
  },
  {
    rule: 'health-check-port',
    what: 'traffic-port health check',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}healthcheck-port`] = 'traffic-port';
    },
  },
  {
    rule: 'health-check-port',
    what: 'numeric 15021 with instance targets',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}target-type`] = 'instance';
      gwService(o).spec.type = 'NodePort';
      ann(o)[`${ALB}healthcheck-port`] = '15021';
    },
    fixed: (o) => {
      ann(o)[`${ALB}healthcheck-port`] = '15021';
    },
  },
  {
    rule: 'health-check-protocol',
    what: 'HTTPS health check to the status port',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}healthcheck-protocol`] = 'HTTPS';
    },
  },
  {
    rule: 'health-check-path',
    what: 'health check on /',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}healthcheck-path`];
    },
  },
  {
    rule: 'backend-protocol',
    what: 'plain HTTP to the TLS gateway port',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}backend-protocol`];
    },
  },
  {
    rule: 'backend-protocol-version',
    what: 'GRPC target group',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}backend-protocol-version`] = 'GRPC';
    },
    fixed: (o) => {
      ann(o)[`${ALB}backend-protocol-version`] = 'HTTP2';
    },
  },
  {
    rule: 'service-alb-annotations',
    what: 'alb.* annotation on the gateway Service',
    object: 'Service istio-system/istio-ingressgateway',
    broken: (o) => {
      gwService(o).metadata.annotations = { [`${ALB}healthcheck-interval-seconds`]: '10' };
    },
  },
  {
    rule: 'ingress-namespace',
    what: 'Ingress outside the gateway namespace',
    object: 'Ingress yelb/yelb',
    broken: (o) => {
      ingress(o).metadata.namespace = 'yelb';
    },
  },
  {
    rule: 'ingress-backend-port',
    what: 'backend port not on the Service',
    object: ING,
    broken: (o) => {
      ingress(o).spec.rules[0].http.paths[0].backend.service.port.number = 8443;
    },
  },
  {
    rule: 'ingress-backend-gateway',
    what: 'ALB straight to application pods',
    object: 'Ingress yelb/yelb',
    broken: (o) => {
      ingress(o).metadata.namespace = 'yelb';
      ingress(o).spec.rules[0].http.paths[0].backend.service = { name: 'yelb-ui', port: { number: 80 } };
    },
  },
  {
    rule: 'group-name-format',
    what: 'group.name with upper case and underscore',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}group.name`] = 'Team_A';
    },
    fixed: (o) => {
      ann(o)[`${ALB}group.name`] = 'Team_A';
      pinGroup(o);
    },
  },
  {
    rule: 'group-order-range',
    what: 'group.order above 1000',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}group.order`] = '1001';
    },
    fixed: (o) => {
      ann(o)[`${ALB}group.order`] = '-1000';
    },
  },
  {
    rule: 'group-exclusive-conflict',
    what: 'two ssl-policies in one IngressGroup',
    object: 'Ingress istio-system/yelb-admin',
    broken: (o) => {
      pinGroup(o);
      groupMate(o, { [`${ALB}ssl-policy`]: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    },
    fixed: (o) => {
      pinGroup(o);
      groupMate(o, {});
    },
  },
  {
    rule: 'group-exclusive-conflict',
    what: 'one load balancer attribute with two values in one IngressGroup',
    object: ING,
    broken: (o) => {
      pinGroup(o);
      ann(o)[`${ALB}load-balancer-attributes`] = `${DROP_INVALID},deletion_protection.enabled=true`;
      groupMate(o, {
        [`${ALB}load-balancer-attributes`]: 'idle_timeout.timeout_seconds=120,deletion_protection.enabled=false',
      });
    },
    fixed: (o) => {
      pinGroup(o);
      ann(o)[`${ALB}load-balancer-attributes`] = `${DROP_INVALID},deletion_protection.enabled=true`;
      groupMate(o, { [`${ALB}load-balancer-attributes`]: 'idle_timeout.timeout_seconds=120' });
    },
  },
  {
    rule: 'group-membership-unpinned',
    what: 'IngressGroup joined by annotation',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}group.name`] = 'yelb';
    },
    fixed: (o) => {
      pinGroup(o);
    },
  },
  {
    rule: 'wafv2-acl-arn-format',
    what: 'global (CloudFront) web ACL',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}wafv2-acl-arn`] = WAF_ARN.replace('regional/', 'global/');
    },
    fixed: (o) => {
      ann(o)[`${ALB}wafv2-acl-arn`] = WAF_ARN;
    },
  },
  {
    rule: 'wafv2-acl-arn-format',
    what: 'WAF Classic id in IngressClassParams',
    object: 'IngressClassParams alb',
    broken: (o) => {
      find(o, 'IngressClassParams', 'alb').spec.wafv2AclArn = 'a1b2c3d4-5678-90ab-cdef-0123456789ab';
    },
    fixed: (o) => {
      find(o, 'IngressClassParams', 'alb').spec.wafv2AclArn = 'none';
    },
  },
  {
    rule: 'load-balancer-attributes-format',
    what: 'attributes written key:value',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}load-balancer-attributes`] = 'deletion_protection.enabled:true';
    },
    fixed: (o) => {
      ann(o)[`${ALB}load-balancer-attributes`] =
        'routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true';
    },
  },
  {
    rule: 'drop-invalid-headers',
    what: 'ALB without drop_invalid_header_fields (Security Hub ELB.4)',
    object: ING,
    broken: (o) => {
      delete ann(o)[`${ALB}load-balancer-attributes`];
    },
  },
  {
    rule: 'drop-invalid-headers',
    what: 'drop_invalid_header_fields explicitly false',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}load-balancer-attributes`] = 'routing.http.drop_invalid_header_fields.enabled=false';
    },
    fixed: (o) => {
      delete ann(o)[`${ALB}load-balancer-attributes`];
      find(o, 'IngressClassParams', 'alb').spec.loadBalancerAttributes = [
        { key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' },
      ];
    },
  },
  {
    rule: 'drop-invalid-headers',
    what: 'IngressClassParams turns drop_invalid_header_fields off',
    object: 'IngressClassParams alb',
    broken: (o) => {
      find(o, 'IngressClassParams', 'alb').spec.loadBalancerAttributes = [
        { key: 'routing.http.drop_invalid_header_fields.enabled', value: 'false' },
      ];
    },
  },
  {
    rule: 'drop-invalid-headers',
    what: 'no Ingress of the IngressGroup sets drop_invalid_header_fields',
    object: 'Ingress istio-system/yelb-admin',
    broken: (o) => {
      pinGroup(o);
      delete ann(o)[`${ALB}load-balancer-attributes`];
      groupMate(o, {});
    },
    fixed: (o) => {
      pinGroup(o);
      groupMate(o, {});
      delete find(o, 'Ingress', 'yelb-admin').metadata.annotations[`${ALB}load-balancer-attributes`];
    },
  },
  {
    rule: 'target-group-attributes-format',
    what: 'target group attributes written key:value',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'deregistration_delay.timeout_seconds:30';
    },
    fixed: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'deregistration_delay.timeout_seconds=30,slow_start.duration_seconds=0';
    },
  },
  {
    rule: 'target-group-attributes-format',
    what: 'malformed target group attributes on the gateway Service',
    object: 'Service istio-system/istio-ingressgateway',
    broken: (o) => {
      gwService(o).metadata.annotations = { [`${ALB}target-group-attributes`]: '=30' };
      ann(o)[`${ALB}target-group-attributes`] = '=30';
    },
  },
  {
    rule: 'deregistration-delay-range',
    what: 'deregistration delay above 3600 seconds',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'deregistration_delay.timeout_seconds=4000';
    },
    fixed: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'deregistration_delay.timeout_seconds=0';
    },
  },
  {
    rule: 'deregistration-delay-range',
    what: 'deregistration delay with a unit',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'deregistration_delay.timeout_seconds=30s';
    },
  },
  {
    rule: 'tags-format',
    what: 'tags written key:value',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}tags`] = 'team=platform,environment:prod';
    },
    fixed: (o) => {
      ann(o)[`${ALB}tags`] = 'team=platform, environment=prod,cost-center=';
    },
  },
  {
    rule: 'tags-format',
    what: 'tag key with the reserved aws: prefix',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}tags`] = 'aws:owner=platform';
    },
  },
  {
    rule: 'inbound-cidrs-format',
    what: 'IPv6 prefix longer than 128 bits',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}inbound-cidrs`] = '10.0.0.0/8,2001:db8::/129';
    },
    fixed: (o) => {
      ann(o)[`${ALB}inbound-cidrs`] = '10.0.0.0/8, 2001:db8::/32,::ffff:203.0.113.0/120';
      find(o, 'IngressClassParams', 'alb').spec.ipAddressType = 'dualstack';
    },
  },
  // IngressClassParams' ipAddressType wins over the Ingress annotation.
  {
    rule: 'inbound-cidrs-format',
    what: 'IPv6 CIDR for an ALB its IngressClassParams make IPv4-only',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}inbound-cidrs`] = '203.0.113.0/24,2001:db8::/32';
      ann(o)[`${ALB}ip-address-type`] = 'dualstack';
    },
    fixed: (o) => {
      ann(o)[`${ALB}inbound-cidrs`] = '203.0.113.0/24,2001:db8::/32';
      find(o, 'IngressClassParams', 'alb').spec.ipAddressType = 'dualstack-without-public-ipv4';
    },
  },
  {
    rule: 'inbound-cidrs-format',
    what: 'address without a prefix, and a bad octet, in IngressClassParams',
    object: 'IngressClassParams alb',
    broken: (o) => {
      find(o, 'IngressClassParams', 'alb').spec.inboundCIDRs = ['203.0.113.7', '10.0.0.256/24'];
    },
    fixed: (o) => {
      find(o, 'IngressClassParams', 'alb').spec.inboundCIDRs = ['203.0.113.7/32', '0.0.0.0/0'];
    },
  },
  {
    rule: 'gateway-prestop-sleep',
    what: 'gateway Deployment without a preStop hook',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      delete gwProxy(o).lifecycle;
    },
  },
  {
    rule: 'gateway-prestop-sleep',
    what: 'exec preStop sleep shorter than the deregistration delay',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      gwProxy(o).lifecycle.preStop = { exec: { command: ['/bin/sh', '-c', 'sleep 20'] } };
    },
    fixed: (o) => {
      gwProxy(o).lifecycle.preStop = { exec: { command: ['/bin/sh', '-c', 'sleep 35; echo drained'] } };
    },
  },
  {
    rule: 'gateway-prestop-sleep',
    what: 'no deregistration delay set: AWS drains for 300 s',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      delete ann(o)[`${ALB}target-group-attributes`];
    },
    fixed: (o) => {
      ann(o)[`${ALB}target-group-attributes`] = 'stickiness.enabled=false,deregistration_delay.timeout_seconds=10';
    },
  },
  {
    rule: 'gateway-prestop-sleep',
    what: 'gateway chart sleeping exactly the deregistration delay',
    object: CHART_APP,
    broken: (o) => {
      chartGateway(o, { lifecycle: { preStop: { sleep: { seconds: 30 } } }, terminationGracePeriodSeconds: 60 });
    },
    // Helm parameters arrive as strings.
    fixed: (o) => {
      chartGateway(o, {}, [
        { name: 'lifecycle.preStop.sleep.seconds', value: '35' },
        { name: 'terminationGracePeriodSeconds', value: '65' },
      ]);
    },
  },
  {
    rule: 'gateway-termination-grace',
    what: 'default 30 s grace period shorter than a 35 s preStop sleep',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      delete gwDeployment(o).spec.template.spec.terminationGracePeriodSeconds;
    },
  },
  {
    rule: 'gateway-termination-grace',
    what: 'gateway chart grace period equal to its preStop sleep',
    object: CHART_APP,
    broken: (o) => {
      chartGateway(o, { lifecycle: { preStop: { sleep: { seconds: 35 } } }, terminationGracePeriodSeconds: 35 });
    },
    fixed: (o) => {
      chartGateway(o, {
        lifecycle: { preStop: { exec: { command: ['sleep', '35'] } } },
        terminationGracePeriodSeconds: 65,
      });
    },
  },
  {
    rule: 'readiness-gate-namespace',
    what: 'ip targets, gateway Namespace without the readiness gate label',
    object: 'Namespace istio-system',
    broken: (o) => {
      delete istioSystemNs(o).metadata.labels;
    },
  },
  {
    rule: 'readiness-gate-namespace',
    what: 'gateway namespace created by Argo CD without the readiness gate label',
    object: 'Application argocd/istio-base',
    broken: (o) => {
      o.splice(o.indexOf(istioSystemNs(o)), 1);
      o.push(
        istioApp(
          'istio-base',
          'base',
          '1.30.4',
          -3,
          {},
          {
            syncPolicy: {
              syncOptions: ['CreateNamespace=true'],
              managedNamespaceMetadata: { labels: { team: 'platform' } },
            },
          },
        ),
      );
    },
    fixed: (o) => {
      o.splice(o.indexOf(istioSystemNs(o)), 1);
      o.push(
        istioApp(
          'istio-base',
          'base',
          '1.30.4',
          -3,
          {},
          {
            syncPolicy: {
              syncOptions: ['CreateNamespace=true'],
              managedNamespaceMetadata: { labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } },
            },
          },
        ),
      );
    },
  },
  {
    rule: 'gateway-selector',
    istioCode: 'IST0101',
    what: 'selector matching no gateway pods',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      gateway(o).spec.selector = { istio: 'ingress' };
    },
  },
  {
    rule: 'gateway-server-port',
    what: 'no server on the port the ALB targets',
    object: ING,
    // The gateway Service exposes 8443 too, so only the ALB's port is missing (not istioctl's IST0162).
    broken: (o) => {
      gateway(o).spec.servers[0].port.number = 8443;
      gwService(o).spec.ports.push({ name: 'https-alt', port: 8443, targetPort: 8443 });
    },
  },
  {
    rule: 'gateway-sni-hosts',
    what: 'specific host on the HTTPS server',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      gateway(o).spec.servers[0].hosts = ['yelb.shop.internal'];
    },
    fixed: (o) => {
      gateway(o).spec.servers[0].hosts = ['yelb/*'];
    },
  },
  {
    rule: 'gateway-tls-mode',
    what: 'MUTUAL TLS behind the ALB',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      gateway(o).spec.servers[0].tls.mode = 'MUTUAL';
    },
  },
  {
    rule: 'gateway-credential',
    istioCode: 'IST0101',
    what: 'certificate Secret in the wrong namespace',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      find(o, 'Certificate', 'yelb-gateway-cert').metadata.namespace = 'yelb';
    },
  },
  {
    rule: 'gateway-credential',
    istioCode: 'IST0101',
    what: 'Gateway in default with its Secret beside it, but the gateway pods (which read it) in istio-system',
    object: 'Gateway default/yelb-gateway',
    broken: (o) => {
      gatewayIn(o, 'default');
      find(o, 'Certificate', 'yelb-gateway-cert').metadata.namespace = 'default';
    },
    fixed: (o) => {
      gatewayIn(o, 'default');
    },
  },
  {
    rule: 'not-verifiable',
    what: 'Gateway in default, its Secret in istio-system, the gateway pods not in the manifests',
    object: 'Gateway default/yelb-gateway',
    broken: (o) => {
      gatewayIn(o, 'default');
      o.splice(o.indexOf(gwDeployment(o)), 1);
      // Without the pods, the preStop sleep and the selector are not verifiable either: keep this case to the credential.
      ann(o)[`${ALB}target-type`] = 'instance';
      gwService(o).spec.type = 'NodePort';
    },
  },
  {
    rule: 'gateway-credential',
    istioCode: 'IST0161',
    what: 'Secret without certificate keys',
    object: 'Secret istio-system/yelb-gateway-cert',
    broken: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'yelb-gateway-cert', namespace: 'istio-system' },
        data: { 'ca.crt': 'eA==' },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'yelb-gateway-cert', namespace: 'istio-system' },
        data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
      });
    },
  },
  {
    rule: 'gateway-https-redirect',
    what: 'httpsRedirect server behind the ALB',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      gateway(o).spec.servers.push({
        port: { number: 80, name: 'http', protocol: 'HTTP' },
        hosts: ['*'],
        tls: { httpsRedirect: true },
      });
    },
  },
  {
    rule: 'gateway-trusted-proxies',
    what: 'gateway pods without numTrustedProxies',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      delete gwDeployment(o).spec.template.metadata.annotations[PROXY_CONFIG];
    },
    fixed: (o) => {
      delete gwDeployment(o).spec.template.metadata.annotations[PROXY_CONFIG];
      o.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'istio', namespace: 'istio-system' },
        data: { mesh: 'defaultConfig:\n  gatewayTopology:\n    numTrustedProxies: 1\n' },
      });
    },
  },
  {
    rule: 'gateway-namespace-injection',
    what: 'gateway namespace with injection disabled',
    object: 'Namespace istio-system',
    broken: (o) => {
      istioSystemNs(o).metadata.labels['istio-injection'] = 'disabled';
    },
    fixed: (o) => {
      istioSystemNs(o).metadata.labels['istio-injection'] = 'enabled';
    },
  },
  {
    rule: 'host-route',
    what: 'no VirtualService for the Ingress host',
    object: ING,
    broken: (o) => {
      vsUi(o).spec.hosts = ['other.example.com'];
    },
  },
  {
    rule: 'vs-gateway-ref',
    istioCode: 'IST0101',
    what: 'gateway reference that does not resolve',
    object: 'VirtualService yelb/extra',
    broken: (o) => {
      o.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'extra', namespace: 'yelb' },
        spec: {
          hosts: ['extra.example.com'],
          gateways: ['yelb-gateway'],
          http: [{ route: [{ destination: { host: 'yelb-ui', port: { number: 80 } } }] }],
        },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'extra', namespace: 'yelb' },
        spec: {
          hosts: ['extra.example.com'],
          gateways: ['istio-system/yelb-gateway'],
          http: [{ route: [{ destination: { host: 'yelb-ui', port: { number: 80 } } }] }],
        },
      });
    },
  },
  {
    rule: 'vs-export-to',
    what: 'VirtualService hidden from the gateway namespace',
    object: 'VirtualService yelb/yelb-ui',
    broken: (o) => {
      vsUi(o).spec.exportTo = ['.'];
    },
    fixed: (o) => {
      vsUi(o).spec.exportTo = ['.', 'istio-system'];
    },
  },
  {
    rule: 'vs-destination',
    istioCode: 'IST0101',
    what: 'destination port not on the Service',
    object: 'VirtualService yelb/yelb-appserver',
    broken: (o) => {
      find(o, 'VirtualService', 'yelb-appserver').spec.http[0].route[0].destination.port.number = 4568;
    },
  },
  {
    rule: 'vs-destination-absent',
    istioCode: 'IST0101',
    what: 'destination Service missing from its namespace',
    object: 'VirtualService yelb/yelb-appserver',
    broken: (o) => {
      find(o, 'VirtualService', 'yelb-appserver').spec.http[0].route[0].destination.host = 'yelb-api';
    },
  },
  {
    rule: 'authz-gateway-denied',
    what: 'allow-nothing plus an ALLOW for the ui from the istioctl principal',
    object: 'AuthorizationPolicy yelb/yelb-ui',
    broken: (o) => {
      o.push(...zeroTrust(ISTIOCTL_PRINCIPAL));
    },
    fixed: (o) => {
      o.push(...zeroTrust(GW_PRINCIPAL));
    },
  },
  {
    rule: 'authz-gateway-denied',
    what: 'ALLOW on the Service port, not the container port',
    object: 'AuthorizationPolicy yelb/yelb-ui',
    broken: (o) => {
      namedTargetPort(o);
      o.push(...zeroTrust(GW_PRINCIPAL, ['80']));
    },
    fixed: (o) => {
      namedTargetPort(o);
      o.push(...zeroTrust(GW_PRINCIPAL, ['8080']));
    },
  },
  {
    rule: 'authz-gateway-denied',
    what: 'mesh-wide DENY matching the gateway namespace',
    object: 'AuthorizationPolicy istio-system/deny-gateways',
    broken: (o) => {
      o.push(
        authzPolicy(
          'deny-gateways',
          { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] },
          'istio-system',
        ),
      );
    },
    fixed: (o) => {
      o.push(
        authzPolicy(
          'deny-gateways',
          {
            action: 'DENY',
            rules: [{ from: [{ source: { namespaces: ['istio-system'] } }], to: [{ operation: { ports: ['5432'] } }] }],
          },
          'istio-system',
        ),
      );
    },
  },
  {
    rule: 'mtls-not-strict',
    what: 'mesh-wide DISABLE',
    object: 'PeerAuthentication istio-system/default',
    broken: (o) => {
      find(o, 'PeerAuthentication', 'default').spec.mtls.mode = 'DISABLE';
    },
    fixed: (o) => {
      find(o, 'PeerAuthentication', 'default').spec.mtls.mode = 'STRICT';
    },
  },
  {
    rule: 'port-naming',
    istioCode: 'IST0118',
    what: 'port name without a protocol',
    object: 'Service yelb/yelb-db',
    broken: (o) => {
      find(o, 'Service', 'yelb-db').spec.ports[0].name = 'postgres';
    },
    fixed: (o) => {
      Object.assign(find(o, 'Service', 'yelb-db').spec.ports[0], { name: 'postgres', appProtocol: 'tcp' });
    },
  },
  {
    rule: 'mtls-permissive',
    what: 'mesh-wide PERMISSIVE',
    object: 'PeerAuthentication istio-system/default',
    broken: (o) => {
      find(o, 'PeerAuthentication', 'default').spec.mtls.mode = 'PERMISSIVE';
    },
    fixed: (o) => {
      Object.assign(find(o, 'PeerAuthentication', 'default').metadata, { namespace: 'yelb' });
    },
  },
  {
    rule: 'mtls-not-strict',
    what: 'workload-level PERMISSIVE override',
    object: 'PeerAuthentication yelb/db',
    broken: (o) => {
      o.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'db', namespace: 'yelb' },
        spec: { selector: { matchLabels: { app: 'yelb-db' } }, mtls: { mode: 'PERMISSIVE' } },
      });
    },
  },
  {
    rule: 'namespace-injection',
    istioCode: 'IST0102',
    what: 'application namespace without injection label',
    object: 'Namespace yelb',
    broken: (o) => {
      delete yelbNs(o).metadata.labels;
    },
    fixed: (o) => {
      yelbNs(o).metadata.labels = { 'istio.io/rev': 'stable' };
    },
  },
  {
    rule: 'injection-labels',
    istioCode: 'IST0123',
    what: 'istio-injection and istio.io/rev together',
    object: 'Namespace yelb',
    broken: (o) => {
      yelbNs(o).metadata.labels['istio.io/rev'] = 'stable';
    },
  },
  {
    rule: 'destination-rule-tls',
    what: 'TLS disabled for an in-mesh host',
    object: 'DestinationRule yelb/redis-server',
    broken: (o) => {
      find(o, 'DestinationRule', 'redis-server').spec.trafficPolicy.tls = { mode: 'DISABLE' };
    },
    fixed: (o) => {
      find(o, 'DestinationRule', 'redis-server').spec.trafficPolicy.tls = { mode: 'ISTIO_MUTUAL' };
    },
  },
  {
    rule: 'sidecar-outbound',
    what: 'Sidecar allowing any outbound host',
    object: 'Sidecar yelb/default',
    broken: (o) => {
      find(o, 'Sidecar', 'default').spec.outboundTrafficPolicy.mode = 'ALLOW_ANY';
    },
  },
  {
    rule: 'egress-service-entry',
    what: 'external host routed without a ServiceEntry',
    object: 'DestinationRule yelb/themealdb',
    broken: (o) => {
      o.splice(
        o.findIndex((x) => x.kind === 'ServiceEntry'),
        1,
      );
      o.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'themealdb', namespace: 'yelb' },
        spec: { host: 'www.themealdb.com', trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: CA_BUNDLE } } },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'themealdb', namespace: 'yelb' },
        spec: { host: 'www.themealdb.com', trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: CA_BUNDLE } } },
      });
    },
  },
  {
    rule: 'api-version-deprecated',
    what: 'v1beta1 Gateway',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      gateway(o).apiVersion = 'networking.istio.io/v1beta1';
    },
  },
  {
    rule: 'api-version-deprecated',
    what: 'telemetry.istio.io/v1alpha1 Telemetry',
    object: 'Telemetry istio-system/mesh-default',
    broken: (o) => {
      o.push({
        apiVersion: 'telemetry.istio.io/v1alpha1',
        kind: 'Telemetry',
        metadata: { name: 'mesh-default', namespace: 'istio-system' },
        spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'telemetry.istio.io/v1',
        kind: 'Telemetry',
        metadata: { name: 'mesh-default', namespace: 'istio-system' },
        spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
      });
    },
  },
  {
    rule: 'api-version-deprecated',
    what: 'v1beta1 PeerAuthentication',
    object: 'PeerAuthentication istio-system/default',
    broken: (o) => {
      find(o, 'PeerAuthentication', 'default').apiVersion = 'security.istio.io/v1beta1';
    },
  },
  {
    rule: 'api-removed',
    what: 'extensions/v1beta1 Ingress with a v1beta1 backend (removed in 1.22)',
    object: ING,
    broken: (o) => {
      toV1beta1(ingress(o), 'extensions/v1beta1');
    },
  },
  {
    rule: 'api-removed',
    what: 'networking.k8s.io/v1beta1 Ingress (removed in 1.22)',
    object: ING,
    broken: (o) => {
      toV1beta1(ingress(o), 'networking.k8s.io/v1beta1');
    },
  },
  {
    rule: 'api-removed',
    what: 'policy/v1beta1 PodDisruptionBudget (removed in 1.25)',
    object: 'PodDisruptionBudget istio-system/gw',
    broken: (o) => {
      o.push({
        apiVersion: 'policy/v1beta1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'gw', namespace: 'istio-system' },
        spec: { minAvailable: 1, selector: { matchLabels: { istio: 'ingressgateway' } } },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'gw', namespace: 'istio-system' },
        spec: { minAvailable: 1, selector: { matchLabels: { istio: 'ingressgateway' } } },
      });
    },
  },
  {
    rule: 'istio-operator',
    what: 'IstioOperator object',
    object: 'IstioOperator istio-system/minimal',
    broken: (o) => {
      o.push({
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        metadata: { name: 'minimal', namespace: 'istio-system' },
        spec: { profile: 'minimal' },
      });
    },
  },
  {
    rule: 'istio-profile-demo',
    what: 'istiod chart with profile demo',
    object: 'Application argocd/istiod',
    broken: (o) => {
      o.push(istioApp('istiod', 'istiod', '1.30.4', -2, { ...FAIL_POLICY, profile: 'demo' }));
    },
    fixed: (o) => {
      o.push(istioApp('istiod', 'istiod', '1.30.4', -2, { ...FAIL_POLICY }));
    },
  },
  {
    rule: 'istio-chart-versions',
    what: 'istiod a minor version behind base',
    object: 'Application argocd/istiod',
    broken: (o) => {
      o.push(istioApp('istio-base', 'base', '1.30.4', -3, {}), istioApp('istiod', 'istiod', '1.29.2', -2, FAIL_POLICY));
    },
    fixed: (o) => {
      o.push(istioApp('istio-base', 'base', '1.30.4', -3, {}), istioApp('istiod', 'istiod', '1.30.4', -2, FAIL_POLICY));
    },
  },
  {
    rule: 'istio-chart-order',
    what: 'base and istiod in the same sync wave',
    object: 'Application argocd/istiod',
    broken: (o) => {
      o.push(istioApp('istio-base', 'base', '1.30.4', 0, {}), istioApp('istiod', 'istiod', '1.30.4', 0, FAIL_POLICY));
    },
    fixed: (o) => {
      o.push(istioApp('istio-base', 'base', '1.30.4', -3, {}), istioApp('istiod', 'istiod', '1.30.4', -2, FAIL_POLICY));
    },
  },
  {
    rule: 'istiod-webhook-drift',
    what: 'istiod Application with the default webhook failurePolicy',
    object: 'Application argocd/istiod',
    broken: (o) => {
      o.push(istioApp('istiod', 'istiod', '1.30.4', -2, {}));
    },
    fixed: (o) => {
      o.push(
        istioApp(
          'istiod',
          'istiod',
          '1.30.4',
          -2,
          {},
          {
            ignoreDifferences: [
              {
                group: 'admissionregistration.k8s.io',
                kind: 'ValidatingWebhookConfiguration',
                jqPathExpressions: ['.webhooks[]?.failurePolicy'],
              },
            ],
          },
        ),
      );
    },
  },
  {
    rule: 'unfilled-placeholder',
    what: 'Ingress host <FQDN> copied from documentation',
    object: ING,
    broken: (o) => {
      ingress(o).spec.rules[0].host = '<FQDN>';
      vsUi(o).spec.hosts = ['<FQDN>'];
    },
    fixed: (o) => {
      ingress(o).spec.rules[0].host = 'shop.acme-corp.net';
      vsUi(o).spec.hosts = ['shop.acme-corp.net'];
    },
  },
  {
    rule: 'unfilled-placeholder',
    what: 'unrendered Helm expression in a Service name',
    object: 'Service yelb/{{ .Values.name }}',
    broken: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: '{{ .Values.name }}', namespace: 'yelb' },
        spec: { selector: { app: 'none' }, ports: [{ name: 'http', port: 80 }] },
      });
    },
    fixed: (o) => {
      o.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'extra', namespace: 'yelb' },
        spec: { selector: { app: 'none' }, ports: [{ name: 'http', port: 80 }] },
      });
    },
  },
  {
    rule: 'duplicate-object',
    what: 'the same Service twice',
    object: 'Service yelb/yelb-db',
    broken: (o) => {
      o.push(JSON.parse(JSON.stringify(find(o, 'Service', 'yelb-db'))));
    },
  },
  {
    rule: 'manifest-identity',
    what: 'document without kind',
    object: 'document 33',
    broken: (o) => {
      o.push({ apiVersion: 'v1', metadata: { name: 'x' } });
    },
  },
  {
    rule: 'not-verifiable',
    what: 'gateway preStop hook that is not a sleep',
    object: 'Deployment istio-system/istio-ingressgateway',
    broken: (o) => {
      gwProxy(o).lifecycle.preStop = { httpGet: { path: '/drain', port: 15000 } };
    },
  },
  {
    rule: 'readiness-gate-first-pods',
    what: 'gateway chart Application in a wave before the Application with the ip-target Ingress',
    object: CHART_APP,
    broken: (o) => {
      firstWaveGateway(o);
    },
    fixed: (o) => {
      firstWaveGateway(o);
      o.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'restart-gateway',
          namespace: 'argocd',
          annotations: { 'argocd.argoproj.io/hook': 'PostSync' },
        },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'kubectl',
                  image: 'registry.k8s.io/kubectl:v1.33.0',
                  args: ['rollout', 'restart', 'deployment/istio-ingressgateway', '-n', 'istio-system'],
                },
              ],
            },
          },
        },
      });
    },
  },
  {
    rule: 'placeholder-value',
    what: 'the documentation account in the certificate ARN',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] =
        'arn:aws:acm:us-east-1:123456789012:certificate/0f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
    },
  },
  {
    rule: 'placeholder-value',
    what: 'an all-zero certificate id',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] =
        'arn:aws:acm:us-east-1:210987654321:certificate/00000000-0000-4000-8000-000000000000';
    },
  },
  {
    rule: 'placeholder-value',
    what: 'an example.com host in the Ingress rules',
    object: ING,
    broken: (o) => {
      ingress(o).spec.rules[0].host = 'yelb.example.com';
      vsUi(o).spec.hosts = ['yelb.example.com'];
    },
    fixed: (o) => {
      vsUi(o).spec.hosts = ['yelb.shop.internal'];
    },
  },
  {
    rule: 'placeholder-value',
    what: 'a .test host published by external-dns',
    object: ING,
    broken: (o) => {
      ann(o)['external-dns.alpha.kubernetes.io/hostname'] = 'yelb.shop.internal,yelb.test';
    },
    fixed: (o) => {
      ann(o)['external-dns.alpha.kubernetes.io/hostname'] = 'yelb.shop.internal';
    },
  },
  {
    rule: 'not-verifiable',
    what: 'gateway certificate created out of band',
    object: 'Gateway istio-system/yelb-gateway',
    broken: (o) => {
      o.splice(
        o.findIndex((x) => x.kind === 'Certificate'),
        1,
      );
    },
  },
  {
    rule: 'not-verifiable',
    what: 'gateway service account unknown, ALLOW restricts the ui',
    object: 'AuthorizationPolicy yelb/yelb-ui',
    broken: (o) => {
      o.splice(
        0,
        o.length,
        ...o.filter(
          (x) =>
            !(
              x.metadata?.name === 'istio-ingressgateway' &&
              ['Deployment', 'Service', 'ServiceAccount'].includes(x.kind!)
            ),
        ),
      );
      o.push(...zeroTrust(ISTIOCTL_PRINCIPAL));
    },
    fixed: (o) => {
      o.push(...zeroTrust(GW_PRINCIPAL));
    },
  },
  ...LIMIT_CASES,
  ...ALB_QUOTA_CASES,
  ...ISTIO_CASES,
];

describe('each rule trips on its broken fixture and not on the fixed twin', () => {
  test.each(CASES.map((c) => [c.rule, c.what, c] as const))('%s: %s', (_rule, _what, c) => {
    // GIVEN the good stack with one thing broken
    const broken = objects('good');
    c.broken(broken);
    // THEN exactly that rule fires, on that object
    const result = checkRules(broken, c.options);
    expect(ruleIds(result.findings)).toEqual([c.rule]);
    expect(pairs(result.findings)).toContain(`${c.rule} @ ${c.object}`);
    // AND it carries istioctl's code when istioctl reports the same condition
    const codes = [...new Set(result.findings.filter((f) => f.object === c.object).map((f) => f.istioCode))];
    expect(codes).toEqual([c.istioCode]);
    for (const f of result.findings) {
      expect(f.message).not.toMatch(/\n/);
      expect(f.fix.length).toBeGreaterThan(0);
    }
    // AND the fixed twin passes
    const fixed = objects('good');
    c.fixed?.(fixed);
    expect(checkRules(fixed, c.options).findings).toEqual([]);
  });

  test('every rule of the catalogue is either covered here or by the schema/blog/Gateway API tests', () => {
    const covered = new Set([
      ...CASES.map((c) => c.rule),
      ...GATEWAY_API_CASES.map((c) => c.rule),
      'schema-invalid',
      'schema-unknown-field',
      'schema-not-checked',
    ]);
    expect(
      listRules()
        .map((r) => r.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
  });
});

describe('rules fire only where their premise holds', () => {
  const plain = () => objects('plain-alb');
  const shopNs = (o: K8sObject[]) => find(o, 'Namespace', 'shop');

  test('a plain ALB to application pods, no Istio in the set: no mesh rule fires', () => {
    const r = checkRules(plain());
    expect(r.findings).toEqual([]);
    expect(r.verdict.reasons.some((x) => /mTLS/.test(x))).toBe(false);
  });

  test('its twin with the namespace in the mesh: the ALB bypassing the gateway and the mesh rules fire', () => {
    const o = plain();
    shopNs(o).metadata.labels = { 'istio-injection': 'enabled' };
    o.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(ruleIds(checkRules(o).findings)).toEqual(['ingress-backend-gateway', 'port-naming', 'sidecar-outbound']);
  });

  /** The good stack's gateway behind an NLB of its own instead of the ALB. */
  const nlbFronted = (o: K8sObject[]) => {
    o.splice(
      o.findIndex((x) => x.kind === 'Ingress'),
      1,
    );
    const svc = gwService(o);
    svc.spec.type = 'LoadBalancer';
    svc.metadata.annotations = {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
    };
    delete gwDeployment(o).spec.template.metadata.annotations?.[PROXY_CONFIG];
    // The host the VirtualService routes, so only the SNI match (and not istioctl's IST0132) is at stake.
    gateway(o).spec.servers[0].hosts = ['yelb.shop.internal'];
  };

  test('a gateway fronted by an NLB: no ALB rule (service-load-balancer, trusted proxies, SNI hosts) fires', () => {
    const o = objects('good');
    nlbFronted(o);
    expect(checkRules(o).findings).toEqual([]);
  });

  test('its twin with the ALB Ingress targeting that gateway: all three fire', () => {
    const o = objects('good');
    const ing = JSON.parse(JSON.stringify(ingress(o)));
    nlbFronted(o);
    o.push(ing);
    expect(ruleIds(checkRules(o).findings)).toEqual(
      expect.arrayContaining(['gateway-sni-hosts', 'gateway-trusted-proxies', 'service-load-balancer']),
    );
  });
});

describe('gRPC target groups', () => {
  test('the health check defaults to /AWS.ALB/healthcheck, not /', () => {
    const o = objects('good');
    ann(o)[`${ALB}backend-protocol-version`] = 'GRPC';
    delete ann(o)[`${ALB}healthcheck-path`];
    const r = checkRules(o);
    expect(r.findings.find((f) => f.ruleId === 'health-check-path')?.message).toBe(
      "healthcheck-path '/AWS.ALB/healthcheck' is not the gateway readiness endpoint /healthz/ready",
    );
    expect(r.hops[0].hops[1].detail).toMatch(/health check HTTP status-port \/AWS\.ALB\/healthcheck;/);
  });
});

describe('legacy redirect action', () => {
  test('an unreferenced actions.ssl-redirect is no redirect: the listener hop is plaintext and the message says why', () => {
    const o = objects('good');
    delete ann(o)[`${ALB}ssl-redirect`];
    ann(o)[`${ALB}actions.ssl-redirect`] =
      '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}';
    const r = checkRules(o);
    expect(r.findings.map((f) => f.message)).toEqual([
      'an HTTP listener forwards requests unencrypted instead of redirecting them to HTTPS (actions.ssl-redirect does nothing: no backend names it with service.name: ssl-redirect and port.name: use-annotation)',
    ]);
    const listener = r.hops[0].hops[0];
    expect([listener.state, listener.detail]).toEqual([
      'plaintext',
      expect.stringContaining('HTTP forwards plaintext'),
    ]);
  });
});

describe('removed API versions', () => {
  test('an extensions/v1beta1 Ingress is an error naming networking.k8s.io/v1, and its path is still traced hop by hop', () => {
    const o = objects('good');
    toV1beta1(ingress(o), 'extensions/v1beta1');
    const r = checkRules(o);
    const removed = r.findings.find((f) => f.ruleId === 'api-removed');
    expect(removed?.severity).toBe('error');
    expect(removed?.message).toBe(
      'extensions/v1beta1 Ingress was removed in Kubernetes 1.22: the API server rejects it; the replacement is networking.k8s.io/v1',
    );
    expect(removed?.fix).toMatch(/^set apiVersion: networking\.k8s\.io\/v1 \(backend\.serviceName\/servicePort become/);
    expect(r.hops.map((p) => `${p.host} ${p.backend} ${p.state}`)).toEqual([
      'yelb.shop.internal / -> istio-ingressgateway:443 encrypted',
    ]);
  });

  test('what the old Ingress gets wrong is still found: an HTTP backend protocol', () => {
    const o = objects('good');
    toV1beta1(ingress(o), 'networking.k8s.io/v1beta1');
    delete ann(o)[`${ALB}backend-protocol`];
    expect(ruleIds(checkRules(o).findings)).toEqual(['api-removed', 'backend-protocol']);
  });
});

describe('hop states follow the broken hop', () => {
  test('backend HTTP makes the ALB -> gateway hop plaintext', () => {
    const o = objects('good');
    delete ann(o)[`${ALB}backend-protocol`];
    const r = checkRules(o);
    expect(r.hops[0].hops.find((h) => h.step === 'target-group')?.state).toBe('plaintext');
    expect(r.verdict.line).toMatch(/^end-to-end encrypted: no \(because the ALB sends plain HTTP/);
  });

  test('an uninjected namespace makes the workload hop plaintext', () => {
    const o = objects('good');
    delete yelbNs(o).metadata.labels;
    const r = checkRules(o);
    expect(r.hops[0].hops.find((h) => h.step === 'workload')?.state).toBe('plaintext');
    expect(r.verdict.encrypted).toBe(false);
  });

  test('specific Gateway hosts make the gateway hop fail; an invalid ARN makes the listener hop fail', () => {
    const o = objects('good');
    gateway(o).spec.servers[0].hosts = ['yelb.shop.internal'];
    ann(o)[`${ALB}certificate-arn`] = 'arn:aws:acm:xxxxxx:999999999999:certificate/xxxxxxxxx';
    const [listener, , server] = checkRules(o).hops[0].hops;
    expect([listener.state, server.state]).toEqual(['unknown', 'unknown']);
    expect(server.reason).toMatch(/SNI-less ALB handshake fails/);
    expect(listener.reason).toMatch(/no valid ACM certificate ARN/);
  });

  test('certificate and ssl-policy pinned in IngressClassParams count for the listener', () => {
    const o = objects('good');
    const arn = ann(o)[`${ALB}certificate-arn`];
    delete ann(o)[`${ALB}certificate-arn`];
    delete ann(o)[`${ALB}ssl-policy`];
    Object.assign(find(o, 'IngressClassParams', 'alb').spec, {
      certificateArn: [arn],
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    const r = checkRules(o);
    expect(r.findings).toEqual([]);
    expect(r.hops[0].hops[0].detail).toContain('(from IngressClassParams alb)');
  });

  test('multi-line annotation values are echoed on one line', () => {
    const o = objects('good');
    ann(o)[`${ALB}listen-ports`] = '[\n  {"HTTP": 80},\n  {"HTTPS": "443"}\n]';
    const r = checkRules(o);
    expect(r.findings.map((f) => f.ruleId)).toContain('alb-annotation-invalid');
    expect(r.findings.every((f) => !f.message.includes('\n'))).toBe(true);
  });

  test('a gateway Service implied by an Argo CD Application of the Istio gateway chart is traced', () => {
    const o = objects('good').filter(
      (x) => !(x.metadata?.name === 'istio-ingressgateway' && (x.kind === 'Deployment' || x.kind === 'Service')),
    );
    o.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'istio-ingressgateway', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://istio-release.storage.googleapis.com/charts',
          chart: 'gateway',
          targetRevision: '1.30.3',
          helm: {
            valuesObject: {
              labels: { istio: 'ingressgateway' },
              service: { type: 'ClusterIP' },
              podAnnotations: { [PROXY_CONFIG]: TRUSTED_ONE },
              lifecycle: { preStop: { sleep: { seconds: 35 } } },
              terminationGracePeriodSeconds: 65,
            },
          },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
      },
    });
    const r = checkRules(o);
    expect(r.findings).toEqual([]);
    expect(r.verdict.line).toBe('end-to-end encrypted: yes');
    expect(r.hops[0].hops[1].label).toBe('target group HTTPS -> Service istio-system/istio-ingressgateway:443');
  });
});

describe('authorization of the gateway -> workload edge', () => {
  const workloadHop = (o: K8sObject[]) => checkRules(o).hops[0].hops.find((h) => h.step === 'workload')!;

  test('no AuthorizationPolicy: the hop says so and stays encrypted', () => {
    const hop = workloadHop(objects('good'));
    expect(hop.detail).toMatch(/; authz: none$/);
    expect(hop.state).toBe('encrypted');
  });

  test('an ALLOW for the gateway principal on the container port is noted on the hop', () => {
    const o = objects('good');
    o.push(...zeroTrust(GW_PRINCIPAL));
    expect(workloadHop(o).detail).toContain(
      `authz: ALLOW from ${GW_PRINCIPAL} on port 80 (AuthorizationPolicy yelb/yelb-ui)`,
    );
  });

  test('a denied gateway fails the route and workload hops and the verdict says why', () => {
    // GIVEN zero trust that admits istioctl's gateway, not the chart-style one of the fixture
    const o = objects('good');
    o.push(...zeroTrust(ISTIOCTL_PRINCIPAL));
    // WHEN checked
    const r = checkRules(o);
    // THEN the finding names both principals and the hops carry the 403
    const finding = r.findings.find((f) => f.ruleId === 'authz-gateway-denied')!;
    expect(finding.message).toContain(GW_PRINCIPAL);
    expect(finding.message).toContain(`allowed: ${ISTIOCTL_PRINCIPAL}`);
    expect(finding.fix).toContain(`add ${GW_PRINCIPAL} to from.source.principals`);
    const [route, workload] = r.hops[0].hops.slice(3);
    expect([route.state, workload.state]).toEqual(['unknown', 'unknown']);
    expect(workload.reason).toBe(
      `no AuthorizationPolicy allows the gateway ${GW_PRINCIPAL} to call Deployment yelb/yelb-ui on port 80, so every request gets 403`,
    );
    expect(r.verdict.line).toMatch(
      /^end-to-end encrypted: no \(because no AuthorizationPolicy allows the gateway .* every request gets 403\)$/,
    );
  });

  test('rules without from, wildcard principals and path conditions do not deny every request', () => {
    for (const rules of [
      [{ to: [{ operation: { ports: ['80'] } }] }],
      [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/*'] } }] }],
      [{ from: [{ source: { principals: ['*/sa/istio-ingressgateway'] } }] }],
      [
        { from: [{ source: { principals: [ISTIOCTL_PRINCIPAL] } }] },
        { from: [{ source: { principals: ['*'] } }], to: [{ operation: { paths: ['/api/*'] } }] },
      ],
    ]) {
      const o = objects('good');
      o.push(
        authzPolicy('allow-nothing', {}),
        authzPolicy('yelb-ui', { selector: { matchLabels: { app: 'yelb-ui' } }, rules }),
      );
      expect(checkRules(o).findings).toEqual([]);
    }
  });

  test('the trust domain comes from the mesh config', () => {
    const o = objects('good');
    o.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'trustDomain: corp.example\n' },
    });
    o.push(...zeroTrust(GW_PRINCIPAL));
    expect(ruleIds(checkRules(o).findings)).toEqual(['authz-gateway-denied']);
    o.splice(-2, 2, ...zeroTrust('corp.example/ns/istio-system/sa/istio-ingressgateway'));
    expect(checkRules(o).findings).toEqual([]);
  });

  test.each([
    ['serviceAccount.name', { serviceAccount: { name: 'gw-sa' } }, 'gw-sa'],
    ['the name value', { name: 'istio-ingressgateway' }, 'istio-ingressgateway'],
    ['the release name', {}, 'istio-ingress'],
    ['default without serviceAccount.create', { serviceAccount: { create: false } }, 'default'],
  ])('a gateway chart Application runs as %s', async (_what, values, sa) => {
    const o = objects('good').filter(
      (x) => !(x.metadata?.name === 'istio-ingressgateway' && (x.kind === 'Deployment' || x.kind === 'Service')),
    );
    o.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'istio-ingress', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://istio-release.storage.googleapis.com/charts',
          chart: 'gateway',
          targetRevision: '1.30.4',
          helm: {
            valuesObject: {
              labels: { istio: 'ingressgateway' },
              service: { type: 'ClusterIP', selectorLabels: { istio: 'ingressgateway' } },
              podAnnotations: { [PROXY_CONFIG]: TRUSTED_ONE },
              ...values,
            },
          },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
      },
    });
    o.push(...zeroTrust(`cluster.local/ns/istio-system/sa/${sa}`));
    const r = checkRules(o);
    expect(
      r.findings.filter((f) => f.ruleId.startsWith('authz') || f.object.startsWith('AuthorizationPolicy')),
    ).toEqual([]);
    expect(r.hops[0].hops.find((h) => h.step === 'workload')?.detail).toContain(
      `authz: ALLOW from cluster.local/ns/istio-system/sa/${sa}`,
    );
  });

  test('the rendered prod environment (manifests + its Argo CD Applications) passes: the chart gateway runs as the allowed account', () => {
    const r = checkRules(loadPaths([path.join(ROOT, 'dist/prod'), path.join(ROOT, 'dist/argocd/prod')]).objects);
    expect(r.findings.filter((f) => f.severity !== 'info' && f.ruleId !== 'placeholder-value')).toEqual([]);
    expect(r.findings.map((f) => f.object)).not.toContain('AuthorizationPolicy yelb/yelb-ui');
    expect(r.hops[0].hops.find((h) => h.step === 'workload')?.detail).toContain(
      `authz: ALLOW from ${ISTIOCTL_PRINCIPAL} on port 80 (AuthorizationPolicy yelb/yelb-ui)`,
    );
  });

  test('npm run check on dist/: 0 errors, only the placeholder warnings; the istioctl gateway of the default config is at most an info', async () => {
    const { code, result } = await runCliJson(['dist']);
    expect(result.summary.errors).toBe(0);
    // The built-in configuration's certificate ARN and host are placeholders, and say so (exit code still 0).
    // One pair per manifest set (dist/, dist/dev, dist/prod).
    const warnings = result.findings.filter((f) => f.severity === 'warning');
    expect(warnings).toHaveLength(6);
    expect([...new Set(warnings.map((f) => `${f.ruleId} ${f.field}`))].sort()).toEqual([
      `placeholder-value metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']`,
      'placeholder-value spec.rules[0].host',
    ]);
    expect(code).toBe(0);
    const authz = result.findings.filter((f) => f.object.startsWith('AuthorizationPolicy'));
    expect(authz.length).toBeGreaterThan(0);
    expect(authz.every((f) => f.ruleId === 'not-verifiable' && f.message.includes(ISTIOCTL_PRINCIPAL))).toBe(true);
  });
});

describe('readiness gate of the first gateway pods (ip targets, Argo CD waves)', () => {
  const firstPods = (paths: string[]) =>
    checkRules(loadPaths(paths.map((p) => path.join(ROOT, p))).objects).findings.filter(
      (f) => f.ruleId === 'readiness-gate-first-pods',
    );

  test('the committed prod tree gets it, with the one-time restart as the fix; dev (instance targets) does not', () => {
    const prod = firstPods(['dist/prod', 'dist/argocd/prod']);
    expect(prod).toHaveLength(1);
    expect(prod[0]).toMatchObject({
      severity: 'info',
      object: 'Application argocd/yelb-prod-istio-gateway',
      fix: 'once the Ingress has an address, run once: kubectl rollout restart deployment/istio-ingressgateway -n istio-system',
    });
    expect(prod[0].message).toMatch(
      /\(wave -1\) creates the gateway pods before Application argocd\/yelb-prod \(wave 0\) creates Ingress istio-system\/gw-ingress/,
    );
    expect(firstPods(['dist/dev', 'dist/argocd/dev'])).toEqual([]);
  });

  test('not when the Ingress was read from a folder no later Application deploys, nor in the same wave', () => {
    // prod's Ingress next to dev's Applications, which deploy dist/dev
    expect(firstPods(['dist/prod', 'dist/argocd/dev'])).toEqual([]);
    const o = objects('good');
    firstWaveGateway(o);
    find(o, 'Application', 'istio-ingress').metadata.annotations = { 'argocd.argoproj.io/sync-wave': '0' };
    expect(checkRules(o).findings).toEqual([]);
  });
});

describe('zero-downtime rollouts of the gateway (C32)', () => {
  const targetGroup = (o: K8sObject[]) => checkRules(o).hops[0].hops.find((h) => h.step === 'target-group')!;

  test('the target-group hop shows the deregistration delay and the gateway shutdown', () => {
    const hop = targetGroup(objects('good'));
    expect(hop.detail).toMatch(/; deregistration 30s, gateway preStop 35s, grace 65s$/);
    expect(hop.drain).toEqual({
      deregistrationDelay: 30,
      deregistrationDelayFrom: 'Ingress',
      gateways: [
        { workload: 'Deployment istio-system/istio-ingressgateway', preStopSleep: 35, terminationGracePeriod: 65 },
      ],
    });
  });

  test('without target-group-attributes the hop shows the AWS default and the missing hook', () => {
    const o = objects('good');
    delete ann(o)[`${ALB}target-group-attributes`];
    delete gwProxy(o).lifecycle;
    delete gwDeployment(o).spec.template.spec.terminationGracePeriodSeconds;
    const r = checkRules(o);
    expect(r.hops[0].hops[1].detail).toMatch(
      /; deregistration 300s \(AWS default\), gateway preStop none, grace 30s \(default\)$/,
    );
    const finding = r.findings.find((f) => f.ruleId === 'gateway-prestop-sleep')!;
    expect(finding.message).toContain(
      'has no preStop sleep, but Ingress istio-system/yelb drains its pod targets for up to the 300s deregistration delay (AWS default)',
    );
    expect(finding.fix).toBe(
      `set ${ALB}target-group-attributes: deregistration_delay.timeout_seconds=30 and give the gateway lifecycle.preStop.sleep.seconds: 35 and terminationGracePeriodSeconds: 65`,
    );
  });

  test('a deregistration delay on the gateway Service overrides the Ingress', () => {
    const o = objects('good');
    gwService(o).metadata.annotations = {
      [`${ALB}target-group-attributes`]: 'deregistration_delay.timeout_seconds=60',
    };
    const r = checkRules(o);
    expect(pairs(r.findings)).toEqual([
      'gateway-prestop-sleep @ Deployment istio-system/istio-ingressgateway',
      'service-alb-annotations @ Service istio-system/istio-ingressgateway',
    ]);
    const finding = r.findings.find((f) => f.ruleId === 'gateway-prestop-sleep')!;
    expect(finding.message).toContain('sleeps only 35s in preStop');
    expect(finding.message).toContain('60s deregistration delay (set on Service istio-system/istio-ingressgateway)');
    expect(finding.field).toBe('spec.template.spec.containers[0].lifecycle.preStop');
    expect(r.hops[0].hops[1].drain?.deregistrationDelayFrom).toBe('Service');
  });

  test('instance targets: the ALB targets nodes, so only the grace period is checked', () => {
    const o = objects('good');
    ann(o)[`${ALB}target-type`] = 'instance';
    gwService(o).spec.type = 'NodePort';
    delete gwProxy(o).lifecycle;
    expect(checkRules(o).findings).toEqual([]);
    gwProxy(o).lifecycle = { preStop: { sleep: { seconds: 90 } } };
    expect(pairs(checkRules(o).findings)).toEqual([
      'gateway-termination-grace @ Deployment istio-system/istio-ingressgateway',
    ]);
  });

  test('a gateway outside the manifests is an info naming the delay to outlast', () => {
    const o = objects('good').filter((x) => !(x.metadata?.name === 'istio-ingressgateway' && x.kind === 'Deployment'));
    const r = checkRules(o);
    const info = r.findings.filter((f) => f.ruleId === 'not-verifiable' && f.message.includes('preStop'));
    expect(info.map((f) => [f.severity, f.object])).toEqual([['info', ING]]);
    expect(info[0].message).toContain('must outlast the 30s deregistration delay');
    expect(r.hops[0].hops[1].detail).toMatch(/; deregistration 30s, gateway not in the manifests$/);
    expect(r.hops[0].hops[1].drain?.gateways).toEqual([]);
  });

  test('an istioctl gateway (IstioOperator) is not verifiable: its hook lives in k8s overlays', () => {
    const o = objects('good').filter(
      (x) => !(x.metadata?.name === 'istio-ingressgateway' && ['Deployment', 'Service'].includes(x.kind!)),
    );
    o.push({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: {
        components: {
          ingressGateways: [{ name: 'istio-ingressgateway', enabled: true, k8s: { service: { type: 'ClusterIP' } } }],
        },
      },
    });
    const r = checkRules(o);
    expect(pairs(r.findings)).toContain('not-verifiable @ IstioOperator istio-system/default');
    expect(r.findings.map((f) => f.ruleId)).not.toContain('gateway-prestop-sleep');
    expect(r.hops[0].hops[1].detail).toMatch(/gateway preStop not in the manifests$/);
  });
});
