import { K8sObject } from '../../lib/check';
import { find } from './helpers';

/** Broken/fixed fixture pairs for the rules of lib/check/limits.ts, run by rules.spec.ts with the other rules. */
export interface LimitCase {
  readonly rule: string;
  readonly what: string;
  readonly object: string;
  readonly broken: (o: K8sObject[]) => void;
  readonly fixed?: (o: K8sObject[]) => void;
}

const ALB = 'alb.ingress.kubernetes.io/';
const ING = 'Ingress istio-system/yelb';
export const arn = (i: number, partition = 'aws', region = 'us-east-1') =>
  `arn:${partition}:acm:${region}:210987654321:certificate/${String(i).padStart(8, '0')}-1a2b-4c5d-8e9f-0a1b2c3d4e5f`;
const ann = (o: K8sObject[]) => find(o, 'Ingress', 'yelb').metadata.annotations as Record<string, string>;
/** A 133-character host: valid DNS, too long for an ALB host condition (and not a placeholder). */
export const LONG_HOST = `${'a'.repeat(59)}.${'b'.repeat(59)}.acme.internal`;
const setHost = (o: K8sObject[], host: string) => {
  find(o, 'Ingress', 'yelb').spec.rules[0].host = host;
  find(o, 'VirtualService', 'yelb-ui').spec.hosts = [host];
};
const uiResources = (o: K8sObject[]) => find(o, 'Deployment', 'yelb-ui').spec.template.spec.containers[0].resources;
const serviceEntry = (o: K8sObject[]) => find(o, 'ServiceEntry', 'www.themealdb.com');
/** A plain application Deployment, in `namespace`. */
export const appDeployment = (namespace: string): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'reporting', namespace },
  spec: {
    selector: { matchLabels: { app: 'reporting' } },
    template: {
      metadata: { labels: { app: 'reporting' } },
      spec: { containers: [{ name: 'reporting', image: 'busybox:1.36' }] },
    },
  },
});

export const LIMIT_CASES: LimitCase[] = [
  {
    rule: 'alb-host-length',
    what: 'a 133-character host',
    object: ING,
    broken: (o) => setHost(o, LONG_HOST),
    fixed: (o) => setHost(o, LONG_HOST.slice(5)),
  },
  {
    rule: 'alb-certificate-quota',
    what: '27 certificates on one listener',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = Array.from({ length: 27 }, (_, i) => arn(i)).join(',');
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = Array.from({ length: 26 }, (_, i) => arn(i)).join(',');
    },
  },
  {
    rule: 'arn-partition-region',
    what: 'an aws-cn certificate in us-east-1',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = arn(1, 'aws-cn');
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = arn(1, 'aws-cn', 'cn-north-1');
    },
  },
  {
    rule: 'arn-partition-region',
    what: 'an aws web ACL in a GovCloud region',
    object: ING,
    broken: (o) => {
      ann(o)[`${ALB}certificate-arn`] = arn(1, 'aws-us-gov', 'us-gov-west-1');
      ann(o)[`${ALB}wafv2-acl-arn`] = 'arn:aws:wafv2:us-gov-west-1:123456789012:regional/webacl/yelb/0000-1111';
    },
    fixed: (o) => {
      ann(o)[`${ALB}certificate-arn`] = arn(1, 'aws-us-gov', 'us-gov-west-1');
      ann(o)[`${ALB}wafv2-acl-arn`] = 'arn:aws-us-gov:wafv2:us-gov-west-1:123456789012:regional/webacl/yelb/0000-1111';
    },
  },
  {
    rule: 'resources-request-above-limit',
    what: 'a CPU request of 1 over a 512m limit',
    object: 'Deployment yelb/yelb-ui',
    broken: (o) => {
      uiResources(o).requests.cpu = '1';
    },
    fixed: (o) => {
      uiResources(o).requests.cpu = '0.512';
    },
  },
  {
    rule: 'resources-request-above-limit',
    what: 'a memory request of 1.5Gi over a 1024Mi limit',
    object: 'Deployment yelb/yelb-ui',
    broken: (o) => {
      uiResources(o).requests.memory = '1.5Gi';
    },
    fixed: (o) => {
      uiResources(o).requests.memory = '1Gi';
    },
  },
  {
    rule: 'service-entry-wildcard-dns',
    what: 'a wildcard host resolved by DNS',
    object: 'ServiceEntry yelb/www.themealdb.com',
    broken: (o) => {
      serviceEntry(o).spec.hosts = ['*.themealdb.com'];
    },
    fixed: (o) => {
      serviceEntry(o).spec.hosts = ['*.themealdb.com'];
      serviceEntry(o).spec.resolution = 'NONE';
    },
  },
  {
    rule: 'root-namespace-workload',
    what: 'an application Deployment in istio-system',
    object: 'Deployment istio-system/reporting',
    broken: (o) => {
      o.push(appDeployment('istio-system'));
    },
    fixed: (o) => {
      o.push(appDeployment('yelb'));
    },
  },
];
