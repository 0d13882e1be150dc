import { checkRules, K8sObject } from '../../lib/check';
import { manifestsOf } from '../support/manifests';

/*
 * The gateway Service comes from Istio's chart, so the generated manifests do not hold it: the ALB's backend port is
 * matched by number to the Istio Gateway's servers, and plain HTTP to its TLS server is an error, not only a verdict.
 */
describe('backend-protocol when the gateway Service is not in the manifests', () => {
  const objects = manifestsOf().flatMap((m) => m.objects) as unknown as K8sObject[];
  const withProtocol = (protocol: string) =>
    objects.map((o) => {
      if (o.kind !== 'Ingress') return o;
      const copy = structuredClone(o) as K8sObject & { metadata: { annotations: Record<string, string> } };
      copy.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol'] = protocol;
      return copy;
    });
  const protocolFindings = (set: K8sObject[]) =>
    checkRules(set)
      .findings.filter((f) => f.ruleId === 'backend-protocol')
      .map((f) => `${f.severity} ${f.message}`);

  test('HTTPS to the Gateway server on 443 (the generated output) is clean', () => {
    expect(objects.some((o) => o.kind === 'Service' && o.metadata?.name === 'istio-ingressgateway')).toBe(false);
    expect(protocolFindings(withProtocol('HTTPS'))).toEqual([]);
  });

  test('HTTP to it is an error naming the Gateway and saying the port was matched by number', () => {
    expect(protocolFindings(withProtocol('HTTP'))).toEqual([
      'error the ALB sends plain HTTP to istio-ingressgateway:443, where Gateway istio-system/yelb-gateway expects TLS (matched by port: the gateway Service is not in the manifests)',
    ]);
  });
});
