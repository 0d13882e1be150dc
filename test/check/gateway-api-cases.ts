/** The broken/fixed twins of the Gateway API edge rules (test/fixtures/check/gateway-api/<rule-id>/). */
import * as fs from 'fs';
import * as path from 'path';
import { K8sObject, parseYaml } from '../../lib/check';
import { FIXTURES, objects } from './helpers';

export const GATEWAY_API_FIXTURES = 'gateway-api';

export interface GatewayApiCase {
  readonly rule: string;
  /** Object the broken twin's finding must be on. */
  readonly object: string;
  readonly severity: 'error' | 'warning';
}

export const GATEWAY_API_CASES: readonly GatewayApiCase[] = [
  {
    rule: 'gwapi-target-group-protocol',
    object: 'TargetGroupConfiguration istio-ingress/istio-gateway-tg',
    severity: 'error',
  },
  {
    rule: 'gwapi-health-check',
    object: 'TargetGroupConfiguration istio-ingress/istio-gateway-tg',
    severity: 'warning',
  },
  { rule: 'gwapi-istio-listener-hostname', object: 'Gateway istio-ingress/yelb-gateway', severity: 'error' },
  {
    rule: 'gwapi-listener-config-unmatched',
    object: 'LoadBalancerConfiguration istio-ingress/yelb-alb',
    severity: 'error',
  },
  { rule: 'gwapi-backend-reference-grant', object: 'HTTPRoute yelb/yelb', severity: 'error' },
  {
    rule: 'gwapi-backend-tls-policy-ignored',
    object: 'BackendTLSPolicy istio-ingress/yelb-gateway-tls',
    severity: 'warning',
  },
  { rule: 'gwapi-istio-service-load-balancer', object: 'Gateway istio-ingress/yelb-gateway', severity: 'warning' },
  { rule: 'gwapi-alb-listener-tls', object: 'Gateway istio-ingress/yelb-alb', severity: 'warning' },
  { rule: 'gwapi-redirect-status', object: 'HTTPRoute istio-ingress/yelb-http-redirect', severity: 'warning' },
  { rule: 'gwapi-app-route-http-listener', object: 'HTTPRoute istio-ingress/yelb-https', severity: 'error' },
  { rule: 'gwapi-backend-port', object: 'HTTPRoute istio-ingress/yelb-https', severity: 'error' },
  { rule: 'gwapi-istio-listener-tls', object: 'Gateway istio-ingress/yelb-gateway', severity: 'error' },
  {
    rule: 'gwapi-lbc-api-version',
    object: 'TargetGroupConfiguration istio-ingress/istio-gateway-tg',
    severity: 'warning',
  },
];

/** Identity as the API server sees it: group (without version), kind, namespace, name. */
function identityOf(o: K8sObject): string {
  const apiVersion = o.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return `${group}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** The whole stack with an overlay file applied: same identity replaces, anything else is added. */
export function stackWith(overlay?: string): K8sObject[] {
  const stack = objects(`${GATEWAY_API_FIXTURES}/stack`);
  if (!overlay) return stack;
  const file = path.join(FIXTURES, GATEWAY_API_FIXTURES, overlay);
  const extra = parseYaml(fs.readFileSync(file, 'utf8'), overlay).map((s) => s.object);
  const replaced = new Map(extra.map((o) => [identityOf(o), o]));
  const kept = stack.filter((o) => !replaced.has(identityOf(o)));
  return [...kept, ...extra.map((o) => JSON.parse(JSON.stringify(o)) as K8sObject)];
}

/** The fixed twin of a rule: its fixed.yaml overlay when there is one, else the stack. */
export function fixedTwin(rule: string): K8sObject[] {
  const fixed = path.join(FIXTURES, GATEWAY_API_FIXTURES, rule, 'fixed.yaml');
  return stackWith(fs.existsSync(fixed) ? `${rule}/fixed.yaml` : undefined);
}
