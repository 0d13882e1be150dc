import { GATEWAY_API_NAME_MAX, istioGatewayWorkloadName } from '../istio-gateway-class';
import { KUBERNETES_SYSTEM_NAMESPACES } from '../mesh-namespace';
import { arnPartitionProblem, echo, requestAboveLimitProblem } from '../patterns';
import { YELB_WORKLOADS } from '../yelb-app';
import { resolvedApps, sampleAppActive } from './apps';
import { Config, asList } from './types';

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
  const not = namespaceRefusal(config, config.namespace);
  return not === undefined
    ? undefined
    : `'namespace' must be a namespace of its own, not ${not}, got ${echo(config.namespace)}`;
}

/** What an app namespace `ns` would wrongly be (APP_NAMESPACE_NOT's words), else undefined. */
function namespaceRefusal(config: Config, ns: string): string | undefined {
  if (ns === config.mesh.rootNamespace) return APP_NAMESPACE_NOT.root;
  if (ns === config.gateway.namespace) return APP_NAMESPACE_NOT.gateway;
  if ((KUBERNETES_SYSTEM_NAMESPACES as readonly string[]).includes(ns)) return APP_NAMESPACE_NOT.system;
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

/** Teams' apps bind their VirtualServices to the Gateway among the Istio objects. */
export const APPS_NEED_ISTIO_EDGE =
  "'istioEdge.enabled' must be true while apps are configured (their VirtualServices bind to its Gateway), got false";

/**
 * What a set of apps must not share: a name (it names the app's file and Argo CD Application), a namespace (each has
 * its own Sidecar, PeerAuthentication and allow-nothing), a host (the ALB and the gateway would route it to one of
 * them only). Also what an app namespace must not be, and what one app must not repeat. Linear in apps and hosts.
 */
export function appsProblem(config: Config): string | undefined {
  const apps = resolvedApps(config);
  if (apps.length === 0) return undefined;
  if (!config.istioEdge.enabled) return APPS_NEED_ISTIO_EDGE;
  const sample = sampleAppActive(config);
  const names = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const hosts = new Map<string, string>();
  if (sample) {
    namespaces.set(config.namespace, "'namespace' (the sample's)");
    for (const host of asList(config.host)) hosts.set(host, "'host' (the sample's)");
  }
  const region = asList(config.certificateArn)[0].split(':')[3];
  for (const app of apps) {
    const { key } = app;
    const name = names.get(app.name);
    if (name !== undefined)
      return `'${key}.name' repeats the name of ${name}: app names are unique, got ${echo(app.name)}`;
    names.set(app.name, key);
    const nsKey = app.configured.namespace === undefined ? `${key}.name` : `${key}.namespace`;
    const not = namespaceRefusal(config, app.namespace);
    if (not !== undefined)
      return `'${nsKey}' must give the app a namespace of its own, not ${not}, got ${echo(app.namespace)}`;
    const ns = namespaces.get(app.namespace);
    if (ns !== undefined)
      return `'${nsKey}' must give the app a namespace of its own, not that of ${ns}, got ${echo(app.namespace)}`;
    namespaces.set(app.namespace, key);
    for (const [h, host] of app.hosts.entries()) {
      const owner = hosts.get(host);
      if (owner !== undefined)
        return `'${key}.hosts[${h}]' is already a host of ${owner}: a host belongs to one app, got ${echo(host)}`;
      hosts.set(host, `${key} (${app.name})`);
    }
    const prefixes = new Map<string, number>();
    for (const [r, route] of app.routes.entries()) {
      const first = prefixes.get(route.pathPrefix);
      if (first !== undefined)
        return `'${key}.routes[${r}].pathPrefix' repeats the prefix of ${key}.routes[${first}], which always matches first, got ${echo(route.pathPrefix)}`;
      prefixes.set(route.pathPrefix, r);
    }
    const workloads = new Map<string, number>();
    for (const [a, allow] of app.allow.entries()) {
      const first = workloads.get(allow.workload);
      if (first !== undefined)
        return `'${key}.allow[${a}].workload' repeats ${key}.allow[${first}]: list all callers and ports of a workload in one entry, got ${echo(allow.workload)}`;
      workloads.set(allow.workload, a);
    }
    for (const [c, arn] of app.certificateArns.entries()) {
      const field = `${key}.certificateArn${typeof app.configured.certificateArn === 'string' ? '' : `[${c}]`}`;
      const partition = arnPartitionProblem(field, arn);
      if (partition !== undefined) return partition;
      const own = arn.split(':')[3];
      if (own !== region)
        return `'${field}' must be in the ALBs' region, ${region} (that of 'certificateArn'), got region ${own}`;
    }
  }
  return undefined;
}

/** The refusal of alb.groupName with the Gateway API, before the value (the chart's validate.yaml says the same). */
export const GROUP_NAME_WITH_GATEWAY_API =
  "'alb.groupName' must be unset with alb.api gatewayApi (each Gateway is an ALB of its own; IngressGroups are an Ingress feature)";

/** An IngressGroup is an Ingress feature: a Gateway API Gateway is one ALB of its own. */
export function albApiProblem(config: Config): string | undefined {
  if (config.alb.api !== 'gatewayApi' || config.alb.groupName === undefined) return undefined;
  return `${GROUP_NAME_WITH_GATEWAY_API}, got ${echo(config.alb.groupName)}`;
}

/** Istio names the workload of a Gateway API gateway `<name>-istio`, which must stay a DNS label. */
export const GATEWAY_NAME_WITH_GATEWAY_API = `'gateway.name' must be at most ${GATEWAY_API_NAME_MAX} characters with gateway.api gatewayApi (Istio names its Service and ServiceAccount ${istioGatewayWorkloadName('<name>')}, a DNS label of at most 63)`;

export function gatewayNameProblem(config: Config): string | undefined {
  if (config.gateway.api !== 'gatewayApi' || config.gateway.name.length <= GATEWAY_API_NAME_MAX) return undefined;
  return `${GATEWAY_NAME_WITH_GATEWAY_API}, got ${echo(config.gateway.name)}`;
}

/** A config value that is one string or a list: each item with the key an error names it by. */
const itemsOf = (key: string, value: string | readonly string[]): [string, string][] =>
  typeof value === 'string' ? [[key, value]] : value.map((v, i) => [`${key}[${i}]`, v]);

/** The first problem of `config` that the schema cannot see, else undefined. */
export function configProblem(config: Config): string | undefined {
  const problems = [
    componentProblem(config),
    sampleAppActive(config) ? appNamespaceProblem(config) : undefined,
    appsProblem(config),
    albApiProblem(config),
    gatewayNameProblem(config),
    ...itemsOf('certificateArn', config.certificateArn).map(([key, arn]) => arnPartitionProblem(key, arn)),
    config.alb.wafv2AclArn === undefined ? undefined : arnPartitionProblem('alb.wafv2AclArn', config.alb.wafv2AclArn),
    ...YELB_WORKLOADS.map(({ key }) =>
      config.yelb.enabled ? requestAboveLimitProblem(`yelb.${key}.resources`, config.yelb[key].resources) : undefined,
    ),
  ];
  return problems.find((p) => p !== undefined);
}
