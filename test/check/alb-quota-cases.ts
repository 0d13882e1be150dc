import { K8sObject } from '../../lib/check';
import { find } from './helpers';
import { LimitCase } from './limit-cases';

/** Broken/fixed pairs for the ALB quota rules of lib/check/alb-quotas.ts, run by rules.spec.ts with the other rules. */

const ALB = 'alb.ingress.kubernetes.io/';
const ING = 'Ingress istio-system/yelb';
const ingress = (o: K8sObject[]) => find(o, 'Ingress', 'yelb');
const ann = (o: K8sObject[]) => ingress(o).metadata.annotations as Record<string, string>;
const GATEWAY = { service: { name: 'istio-ingressgateway', port: { number: 443 } } };

/** `n` Prefix paths under the fixture's host, each one listener rule on the HTTPS listener (HTTP redirects). */
export const setPaths = (o: K8sObject[], n: number) => {
  ingress(o).spec.rules[0].http.paths = Array.from({ length: n }, (_, i) => ({
    path: `/p${i}`,
    pathType: 'Prefix',
    backend: GATEWAY,
  }));
};

/** Extra hosts on the fixture's rule through the conditions annotation, routed by the VirtualService too. */
export const addHosts = (o: K8sObject[], hosts: string[]) => {
  ann(o)[`${ALB}conditions.istio-ingressgateway`] = JSON.stringify([
    { field: 'host-header', hostHeaderConfig: { values: hosts } },
  ]);
  find(o, 'VirtualService', 'yelb-ui').spec.hosts.push(...hosts);
};

/** Leaves the path out: the rule has host conditions only (what the ALB planner's rules render to). */
const hostsOnly = (o: K8sObject[]) => {
  ingress(o).spec.rules[0].http.paths = [{ pathType: 'ImplementationSpecific', backend: GATEWAY }];
};

const WILD = ['*.a.shop.internal', '*.b.shop.internal', '*.c.shop.internal', '*.d.shop.internal'];

/** `n` forward actions of 5 target groups each (by ARN), one rule per action. */
export const setTargetGroups = (o: K8sObject[], actions: number) => {
  const a = ann(o);
  ingress(o).spec.rules[0].http.paths = Array.from({ length: actions }, (_, i) => {
    a[`${ALB}actions.tg${i}`] = JSON.stringify({
      type: 'forward',
      forwardConfig: {
        targetGroups: Array.from({ length: 5 }, (_, k) => ({
          targetGroupARN: `arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/shop-${i}-${k}/${String(i * 5 + k).padStart(16, '0')}`,
          weight: 1,
        })),
      },
    });
    return {
      path: `/t${i}`,
      pathType: 'Prefix',
      backend: { service: { name: `tg${i}`, port: { name: 'use-annotation' } } },
    };
  });
};

export const ALB_QUOTA_CASES: LimitCase[] = [
  {
    rule: 'alb-rule-quota',
    what: '101 listener rules on one ALB',
    object: ING,
    broken: (o) => setPaths(o, 101),
    fixed: (o) => setPaths(o, 100),
  },
  {
    rule: 'alb-condition-values-quota',
    what: '5 hosts and a / path in one rule',
    object: ING,
    broken: (o) => addHosts(o, ['a.shop.internal', 'b.shop.internal', 'c.shop.internal', 'd.shop.internal']),
    fixed: (o) => {
      addHosts(o, ['a.shop.internal', 'b.shop.internal', 'c.shop.internal', 'd.shop.internal']);
      hostsOnly(o);
    },
  },
  {
    rule: 'alb-condition-wildcards-quota',
    what: '4 wildcard hosts and a path with 2 wildcards in one rule',
    object: ING,
    broken: (o) => {
      addHosts(o, WILD);
      delete ingress(o).spec.rules[0].host;
      ingress(o).spec.rules[0].http.paths = [{ path: '/*/*', pathType: 'ImplementationSpecific', backend: GATEWAY }];
    },
    fixed: (o) => {
      addHosts(o, WILD);
      delete ingress(o).spec.rules[0].host;
      ingress(o).spec.rules[0].http.paths = [{ path: '/*', pathType: 'ImplementationSpecific', backend: GATEWAY }];
    },
  },
  {
    rule: 'alb-target-group-quota',
    what: '105 target groups behind 21 forward actions',
    object: ING,
    broken: (o) => setTargetGroups(o, 21),
    fixed: (o) => setTargetGroups(o, 20),
  },
];
