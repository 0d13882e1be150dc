import { checkRules, Finding, K8sObject } from '../../lib/check';
import { planAlbs } from '../../lib/alb-plan';
import { ALB_QUOTA_CASES, setPaths } from './alb-quota-cases';
import { find, objects } from './helpers';

const QUOTA_RULES = [
  'alb-rule-quota',
  'alb-condition-values-quota',
  'alb-condition-wildcards-quota',
  'alb-target-group-quota',
];
const ALB = 'alb.ingress.kubernetes.io/';
const line = (f: Finding) => `${f.ruleId} ${f.severity} ${f.object} ${f.field}: ${f.message}`;
const quotaFindings = (o: K8sObject[]) => checkRules(o).findings.filter((f) => QUOTA_RULES.includes(f.ruleId));
const gatewayBackend = { service: { name: 'istio-ingressgateway', port: { number: 443 } } };

function broken(what: string): K8sObject[] {
  const o = objects('good');
  ALB_QUOTA_CASES.find((c) => c.what === what)!.broken(o);
  return o;
}

describe('ALB quotas: exact findings', () => {
  test.each([
    [
      '101 listener rules on one ALB',
      'alb-rule-quota warning Ingress istio-system/yelb spec.rules: 101 listener rules on the ALB (one per Ingress path on each listener that forwards): AWS allows 100 besides the default rules unless the quota is raised',
    ],
    [
      '5 hosts and a / path in one rule',
      'alb-condition-values-quota error Ingress istio-system/yelb spec.rules[0].http.paths[0]: the listener rule of this path has 6 condition values (host-header 5, path-pattern 1): AWS allows 5 per rule, a fixed quota, so the controller cannot create it',
    ],
    [
      '4 wildcard hosts and a path with 2 wildcards in one rule',
      'alb-condition-wildcards-quota error Ingress istio-system/yelb spec.rules[0].http.paths[0]: the listener rule of this path has 6 wildcards (* or ?) in its condition values: AWS allows 5 per rule, a fixed quota, so the controller cannot create it',
    ],
    [
      '105 target groups behind 21 forward actions',
      'alb-target-group-quota error Ingress istio-system/yelb spec.rules: 105 target groups on the ALB (one per Ingress, Service and port): AWS allows 100, a fixed quota, so the controller cannot build the ALB',
    ],
  ])('%s', (what, expected) => {
    expect(quotaFindings(broken(what)).map(line)).toEqual([expected]);
  });

  test('the good and blog fixtures are clean of the quota rules', () => {
    expect(quotaFindings(objects('good'))).toEqual([]);
    expect(quotaFindings(objects('blog'))).toEqual([]);
  });

  test('an HTTP listener that forwards gets the rules too: 51 paths make 102 rules without ssl-redirect', () => {
    const o = objects('good');
    setPaths(o, 51);
    expect(quotaFindings(o)).toEqual([]);
    delete find(o, 'Ingress', 'yelb').metadata.annotations[`${ALB}ssl-redirect`];
    expect(quotaFindings(o).map((f) => f.message)).toEqual([expect.stringMatching(/^102 listener rules on the ALB /)]);
  });

  test('the rules and target groups of an IngressGroup add up; each Ingress makes target groups of its own', () => {
    const o = objects('good');
    const ing = find(o, 'Ingress', 'yelb');
    ing.metadata.annotations[`${ALB}group.name`] = 'shop';
    setPaths(o, 60);
    const mate = JSON.parse(JSON.stringify(ing)) as K8sObject & { metadata: { name: string } };
    mate.metadata.name = 'yelb-admin';
    o.push(mate);
    expect(quotaFindings(o).map((f) => f.message)).toEqual([
      expect.stringMatching(/^120 listener rules on the ALB of IngressGroup 'shop' /),
    ]);
    // 101 Ingresses that only set the default backend: no rules, but a target group each.
    const many = objects('good');
    const base = find(many, 'Ingress', 'yelb');
    for (let i = 0; i < 101; i++) {
      const copy = JSON.parse(JSON.stringify(base)) as K8sObject & { metadata: any; spec: any };
      copy.metadata.name = `edge-${i}`;
      copy.metadata.annotations[`${ALB}group.name`] = 'edge';
      copy.spec = { ingressClassName: 'alb', defaultBackend: gatewayBackend };
      many.push(copy);
    }
    expect(quotaFindings(many).map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      "alb-target-group-quota 101 target groups on the ALB of IngressGroup 'edge' (one per Ingress, Service and port): AWS allows 100, a fixed quota, so the controller cannot build the ALB",
    ]);
  });

  test('conditions of other kinds count too: a header, a method and a query string with the host and path', () => {
    const o = objects('good');
    const ing = find(o, 'Ingress', 'yelb');
    ing.metadata.annotations[`${ALB}conditions.istio-ingressgateway`] = JSON.stringify([
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-Team', values: ['shop*'] } },
      { field: 'http-request-method', httpRequestMethodConfig: { values: ['GET', 'HEAD'] } },
      { field: 'query-string', queryStringConfig: { values: [{ key: 'v', value: '2' }] } },
    ]);
    expect(quotaFindings(o).map((f) => f.message)).toEqual([
      'the listener rule of this path has 6 condition values (host-header 1, path-pattern 1, other conditions 4): AWS allows 5 per rule, a fixed quota, so the controller cannot create it',
    ]);
  });

  test('a Prefix path other than / costs two values: /api and /api/*', () => {
    const o = objects('good');
    const ing = find(o, 'Ingress', 'yelb');
    ing.metadata.annotations[`${ALB}conditions.istio-ingressgateway`] = JSON.stringify([
      { field: 'host-header', hostHeaderConfig: { values: ['a.shop.internal', 'b.shop.internal', 'c.shop.internal'] } },
    ]);
    find(o, 'VirtualService', 'yelb-ui').spec.hosts.push('a.shop.internal', 'b.shop.internal', 'c.shop.internal');
    ing.spec.rules[0].http.paths[0].path = '/api';
    expect(quotaFindings(o).map((f) => f.message)).toEqual([
      expect.stringContaining('has 6 condition values (host-header 4, path-pattern 2)'),
    ]);
    ing.spec.rules[0].http.paths[0].path = '/';
    expect(quotaFindings(o)).toEqual([]);
  });

  test('Ingresses rendered from a plan of 300 hosts stay within the quotas; one host per rule with a / path does not', () => {
    const apps = Array.from({ length: 300 }, (_, i) => ({
      name: `app${i}`,
      hosts: [`app${i}.shop.internal`],
      certificateArns: [],
    }));
    const plan = planAlbs(apps, {
      defaultCertificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/0f6d2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
    });
    expect(plan.albs).toHaveLength(1);
    const render = (packed: boolean) => {
      const o = objects('good');
      const ing = find(o, 'Ingress', 'yelb');
      if (packed) {
        // One rule per planned rule: an action forwarding to the gateway and the rule's hosts as conditions.
        ing.spec.rules = [
          {
            http: {
              paths: plan.albs[0].rules.map((r, i) => {
                ing.metadata.annotations[`${ALB}actions.hosts-${i + 1}`] = JSON.stringify({
                  type: 'forward',
                  forwardConfig: { targetGroups: [{ serviceName: 'istio-ingressgateway', servicePort: '443' }] },
                });
                ing.metadata.annotations[`${ALB}conditions.hosts-${i + 1}`] = JSON.stringify([
                  { field: 'host-header', hostHeaderConfig: { values: r.hosts } },
                ]);
                return {
                  pathType: 'ImplementationSpecific',
                  backend: { service: { name: `hosts-${i + 1}`, port: { name: 'use-annotation' } } },
                };
              }),
            },
          },
        ];
      } else {
        ing.spec.rules = apps.map((a) => ({
          host: a.hosts[0],
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: gatewayBackend }] },
        }));
      }
      return o;
    };
    expect(quotaFindings(render(true))).toEqual([]);
    expect(quotaFindings(render(false)).map((f) => f.ruleId)).toEqual(['alb-rule-quota']);
  });
});
