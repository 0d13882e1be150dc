import { Construct } from 'constructs';
import { sampleAppActive } from '../lib/config/apps';
import { Config } from '../lib/config/types';
import { MeshNamespace } from '../lib/mesh-namespace';
import { ProductChart, namingConfigKeys } from './product-chart';

/** The sample's (or single app's) namespace, in a file of its own that applies before everything else. */
export class NamespacesChart extends ProductChart {
  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'namespaces', 0);
    if (sampleAppActive(config) && (config.yelb.enabled || config.istioEdge.enabled)) {
      namingConfigKeys({ name: 'namespace' }, () => new MeshNamespace(this, 'App', { name: config.namespace }));
    }
  }
}

/** The file of the gateway namespace. */
export const GATEWAY_NAMESPACE_FILE = '01-gateway-namespace.yaml';

/**
 * The gateway namespace, for the label that ip targets need, or for a Gateway API gateway (no Istio gateway chart
 * creates it). It belongs to the Istio install, so it is kept when these manifests are deleted, and has a file of
 * its own that the Argo CD Application of these manifests leaves out when the Istio Applications create it.
 */
export class GatewayNamespaceChart extends ProductChart {
  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'gateway-namespace', 1);
    // ip targets need the readiness-gate label; a Gateway API gateway has no Istio chart to create its namespace.
    const ipTargets = config.albIngress.enabled && config.alb.targetType === 'ip';
    const needed = ipTargets || config.gateway.api === 'gatewayApi';
    if (needed && config.gateway.namespace !== config.namespace) {
      namingConfigKeys(
        { name: 'gateway.namespace' },
        () =>
          new MeshNamespace(this, 'Gateway', {
            name: config.gateway.namespace,
            sidecarInjection: false,
            albReadinessGate: ipTargets,
            keepOnDelete: true,
          }),
      );
    }
  }
}
