import { checkManifests, checkRules, K8sObject, listRules } from '../../lib/check';
import { GATEWAY_API_CASES, fixedTwin, stackWith } from './gateway-api-cases';
import { find, pairs, ruleIds } from './helpers';

const albClass = (o: K8sObject[]) => find(o, 'GatewayClass', 'alb');
const istioGateway = (o: K8sObject[]) => find(o, 'Gateway', 'yelb-gateway');
const without = (o: K8sObject[], kind: string, name: string) =>
  o.filter((x) => !(x.kind === kind && x.metadata?.name === name));

describe('Gateway API edge: each rule trips on its broken twin and not on the fixed one', () => {
  test('the whole stack checks with no finding, schemas included', async () => {
    const r = await checkManifests(stackWith());
    expect(r.findings).toEqual([]);
  });

  test.each(GATEWAY_API_CASES.map((c) => [c.rule, c] as const))('%s', async (_rule, c) => {
    // GIVEN the stack with the rule's broken twin laid over it
    const r = await checkManifests(stackWith(`${c.rule}/broken.yaml`));
    // THEN exactly that rule fires, on that object, at its severity (and the broken objects are schema-valid)
    expect(ruleIds(r.findings)).toEqual([c.rule]);
    expect(pairs(r.findings)).toContain(`${c.rule} @ ${c.object}`);
    expect(new Set(r.findings.map((f) => f.severity))).toEqual(new Set([c.severity]));
    for (const f of r.findings) {
      expect(f.message).not.toMatch(/\n/);
      expect(f.field.length).toBeGreaterThan(0);
      expect(f.istioCode).toBeUndefined();
    }
    // AND the fixed twin is clean
    expect((await checkManifests(fixedTwin(c.rule))).findings).toEqual([]);
  });

  test('every rule cites its G number and has twins here', () => {
    const gateway = listRules().filter((r) => r.id.startsWith('gwapi-'));
    expect(gateway.map((r) => r.id).sort()).toEqual(GATEWAY_API_CASES.map((c) => c.rule).sort());
    for (const r of gateway) expect(r.source).toMatch(/^G\d+$/);
  });
});

describe('Gateway API edge: findings name the field and value', () => {
  test('the health check reports the inherited protocol and the traffic port, not the path it has', () => {
    const r = checkRules(stackWith('gwapi-health-check/broken.yaml'));
    expect(r.findings.map((f) => f.field)).toEqual([
      'spec.defaultConfiguration.healthCheckConfig.healthCheckProtocol',
      'spec.defaultConfiguration.healthCheckConfig.healthCheckPort',
    ]);
    expect(r.findings[0].message).toMatch(/inherits 'HTTPS'/);
  });

  test('a numeric status port is right for ip targets only', () => {
    const o = stackWith();
    const tgc = find(o, 'TargetGroupConfiguration', 'istio-gateway-tg');
    tgc.spec.defaultConfiguration.healthCheckConfig.healthCheckPort = '15021';
    expect(checkRules(o).findings).toEqual([]);
    tgc.spec.defaultConfiguration.targetType = 'instance';
    expect(pairs(checkRules(o).findings)).toEqual([
      'gwapi-health-check @ TargetGroupConfiguration istio-ingress/istio-gateway-tg',
    ]);
  });

  test('an unmatched protocolPort names the listeners it could match', () => {
    const r = checkRules(stackWith('gwapi-listener-config-unmatched/broken.yaml'));
    expect(r.findings[0].field).toBe('spec.listenerConfigurations[0].protocolPort');
    expect(r.findings[0].message).toMatch(/'HTTPS:8443'.*HTTP:80, HTTPS:443/);
  });

  test('protocolPort is matched without regard to case', () => {
    const o = stackWith();
    find(o, 'LoadBalancerConfiguration', 'yelb-alb').spec.listenerConfigurations[0].protocolPort = 'https:443';
    expect(checkRules(o).findings).toEqual([]);
  });

  test('the ALB listener reports tls and hostname separately', () => {
    const r = checkRules(stackWith('gwapi-alb-listener-tls/broken.yaml'));
    expect(r.findings.map((f) => f.field).sort()).toEqual(['spec.listeners[1].hostname', 'spec.listeners[1].tls']);
  });
});

describe('Gateway API edge: rules fire only where their premise holds', () => {
  test('a GatewayClass of another controller: no ALB rule fires', () => {
    for (const rule of [
      'gwapi-alb-listener-tls',
      'gwapi-listener-config-unmatched',
      'gwapi-target-group-protocol',
      'gwapi-backend-tls-policy-ignored',
    ]) {
      const o = stackWith(`${rule}/broken.yaml`);
      albClass(o).spec.controllerName = 'example.com/other-controller';
      expect(ruleIds(checkRules(o).findings)).toEqual([]);
    }
  });

  test('no GatewayClass in the manifests: the ALB rules cannot know the controller and stay silent', () => {
    const o = without(stackWith('gwapi-alb-listener-tls/broken.yaml'), 'GatewayClass', 'alb');
    expect(checkRules(o).findings).toEqual([]);
  });

  test('an Istio gateway the ALB does not target: no hostname or Service type finding', () => {
    for (const rule of ['gwapi-istio-listener-hostname', 'gwapi-istio-service-load-balancer']) {
      const o = without(
        without(stackWith(`${rule}/broken.yaml`), 'HTTPRoute', 'yelb-https'),
        'TargetGroupConfiguration',
        'istio-gateway-tg',
      );
      expect(ruleIds(checkRules(o).findings)).toEqual([]);
    }
  });

  test('a Gateway of another class is not an Istio gateway', () => {
    const o = stackWith('gwapi-istio-listener-hostname/broken.yaml');
    istioGateway(o).spec.gatewayClassName = 'other';
    expect(ruleIds(checkRules(o).findings)).not.toContain('gwapi-istio-listener-hostname');
  });

  test('the Istio Service name follows the name-override annotation', () => {
    const o = stackWith('gwapi-istio-listener-hostname/broken.yaml');
    istioGateway(o).metadata.annotations['gateway.istio.io/name-override'] = 'elsewhere';
    expect(ruleIds(checkRules(o).findings)).not.toContain('gwapi-istio-listener-hostname');
  });

  test('a service overlay ConfigMap outside the manifests may set the type: not reported', () => {
    const o = without(fixedTwin('gwapi-istio-service-load-balancer'), 'ConfigMap', 'yelb-gateway-options');
    expect(ruleIds(checkRules(o).findings)).toEqual([]);
  });

  test('a backend namespace the manifests do not hold: an open question, an error with --complete', () => {
    const o = without(stackWith('gwapi-backend-reference-grant/broken.yaml'), 'Namespace', 'yelb-ui');
    expect(pairs(checkRules(o).findings)).toEqual(['not-verifiable @ HTTPRoute yelb/yelb']);
    expect(pairs(checkRules(o, { complete: true }).findings)).toEqual(['reference-missing @ HTTPRoute yelb/yelb']);
  });

  test('a ReferenceGrant for another Service or another route namespace does not allow the backend', () => {
    const o = fixedTwin('gwapi-backend-reference-grant');
    find(o, 'ReferenceGrant', 'yelb-routes').spec.to[0].name = 'yelb-db';
    expect(ruleIds(checkRules(o).findings)).toEqual(['gwapi-backend-reference-grant']);
    const p = fixedTwin('gwapi-backend-reference-grant');
    find(p, 'ReferenceGrant', 'yelb-routes').spec.from[0].namespace = 'other';
    expect(ruleIds(checkRules(p).findings)).toEqual(['gwapi-backend-reference-grant']);
  });

  test('an ALB backend without any TargetGroupConfiguration: not verifiable here, missing with --complete', () => {
    const o = without(stackWith(), 'TargetGroupConfiguration', 'istio-gateway-tg');
    expect(pairs(checkRules(o).findings)).toEqual(['not-verifiable @ HTTPRoute istio-ingress/yelb-https']);
    expect(ruleIds(checkRules(o, { complete: true }).findings)).toEqual(['reference-missing']);
  });

  test('cost stays linear: 2000 apps behind one ALB check quickly', () => {
    const o = stackWith();
    const route = find(o, 'HTTPRoute', 'yelb-https');
    for (let i = 0; i < 2000; i++) {
      const copy = JSON.parse(JSON.stringify(route)) as K8sObject & { metadata: { name: string } };
      copy.metadata.name = `app-${i}`;
      o.push(copy);
    }
    const started = Date.now();
    expect(checkRules(o).findings).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('Gateway API edge: where the Istio Service type and SNI come from', () => {
  test('an explicit LoadBalancer in the ConfigMap overlay wins over the annotation, and the finding says where', () => {
    const o = fixedTwin('gwapi-istio-service-load-balancer');
    istioGateway(o).metadata.annotations['networking.istio.io/service-type'] = 'ClusterIP';
    find(o, 'ConfigMap', 'yelb-gateway-options').data = { service: 'spec:\n  type: LoadBalancer\n' };
    const r = checkRules(o);
    expect(pairs(r.findings)).toEqual(['gwapi-istio-service-load-balancer @ Gateway istio-ingress/yelb-gateway']);
    expect(r.findings[0].field).toBe('ConfigMap istio-ingress/yelb-gateway-options data.service spec.type');
  });

  test('spec.infrastructure.annotations set the type too', () => {
    const o = stackWith('gwapi-istio-service-load-balancer/broken.yaml');
    istioGateway(o).spec.infrastructure = { annotations: { 'networking.istio.io/service-type': 'NodePort' } };
    expect(checkRules(o).findings).toEqual([]);
  });

  test('a hostname on an HTTP listener matches the Host header, not SNI', () => {
    const o = stackWith();
    istioGateway(o).spec.listeners.push({ name: 'http', port: 80, protocol: 'HTTP', hostname: 'yelb.example.com' });
    expect(ruleIds(checkRules(o).findings)).not.toContain('gwapi-istio-listener-hostname');
  });
});
