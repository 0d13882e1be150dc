import { KUBERNETES_SYSTEM_NAMESPACES } from '../mesh-namespace';
import { arnPartitionProblem, echo, requestAboveLimitProblem } from '../patterns';
import { YELB_WORKLOADS } from '../yelb-app';
import { Config } from './types';

/**
 * Checks of the resolved configuration that its JSON Schema cannot express: each returns a one-line message naming
 * the key, the value and the expected form. The Helm chart's validate.yaml makes the same checks with the same words.
 */

/**
 * The app namespace gets sidecar injection, an allow-nothing AuthorizationPolicy, a namespace-wide Sidecar and
 * (namespace scope) a PeerAuthentication. In the mesh root namespace those apply to the whole mesh; in the gateway
 * namespace allow-nothing also denies the gateway; in a Kubernetes system namespace they reach the control plane.
 */
export function appNamespaceProblem(config: Config): string | undefined {
  if (!config.yelb.enabled && !config.istioEdge.enabled) return undefined;
  const ns = config.namespace;
  const not = (what: string) => `'namespace' must be a namespace of its own, not ${what}, got ${echo(ns)}`;
  if (ns === config.mesh.rootNamespace) return not(APP_NAMESPACE_NOT.root);
  if (ns === config.gateway.namespace) return not(APP_NAMESPACE_NOT.gateway);
  if ((KUBERNETES_SYSTEM_NAMESPACES as readonly string[]).includes(ns)) return not(APP_NAMESPACE_NOT.system);
  return undefined;
}

/** What the app namespace must not be, as the messages (and the chart's validate.yaml) say it. */
export const APP_NAMESPACE_NOT = {
  root: 'the mesh root namespace (mesh.rootNamespace), whose policies apply to the whole mesh',
  gateway: 'the gateway namespace (gateway.namespace), as allow-nothing and the Sidecar would apply to the gateway',
  system: `a Kubernetes system namespace (${KUBERNETES_SYSTEM_NAMESPACES.join(', ')})`,
} as const;

/**
 * yelb's mTLS is enforced by the PeerAuthentication among the Istio objects: yelb in an injected namespace without
 * them accepts plaintext, which the checks refuse. (The Istio objects without yelb are the edge for other apps.)
 */
export const YELB_NEEDS_ISTIO_EDGE =
  "'istioEdge.enabled' must be true while yelb.enabled is true (the Istio objects hold the PeerAuthentication that enforces mTLS for yelb; to leave both out, set yelb.enabled: false too), got false";

export function componentProblem(config: Config): string | undefined {
  return config.yelb.enabled && !config.istioEdge.enabled ? YELB_NEEDS_ISTIO_EDGE : undefined;
}

/** A config value that is one string or a list: each item with the key an error names it by. */
const itemsOf = (key: string, value: string | readonly string[]): [string, string][] =>
  typeof value === 'string' ? [[key, value]] : value.map((v, i) => [`${key}[${i}]`, v]);

/** The first problem of `config` that the schema cannot see, else undefined. */
export function configProblem(config: Config): string | undefined {
  const problems = [
    componentProblem(config),
    appNamespaceProblem(config),
    ...itemsOf('certificateArn', config.certificateArn).map(([key, arn]) => arnPartitionProblem(key, arn)),
    config.alb.wafv2AclArn === undefined ? undefined : arnPartitionProblem('alb.wafv2AclArn', config.alb.wafv2AclArn),
    ...YELB_WORKLOADS.map(({ key }) =>
      config.yelb.enabled ? requestAboveLimitProblem(`yelb.${key}.resources`, config.yelb[key].resources) : undefined,
    ),
  ];
  return problems.find((p) => p !== undefined);
}
