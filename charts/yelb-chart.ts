import { Construct } from 'constructs';
import { Config, gatewayServiceAccountOf } from '../lib/config/types';
import { spiffePrincipal } from '../lib/mesh-authorization';
import { YelbApp } from '../lib/yelb-app';
import { ProductChart, namingConfigKeys } from './product-chart';

/** YelbApp props -> the config keys they come from. */
export const YELB_CONFIG_KEYS: Readonly<Record<string, string>> = {
  namespace: 'namespace',
  ui: 'yelb.ui',
  appserver: 'yelb.appserver',
  db: 'yelb.db',
  redis: 'yelb.redis',
  authorization: 'mesh.authorization',
  trustDomain: 'mesh.trustDomain',
};
/** spiffePrincipal's arguments for the gateway -> the config keys they come from. */
const GATEWAY_PRINCIPAL_CONFIG_KEYS: Readonly<Record<string, string>> = {
  trustDomain: 'mesh.trustDomain',
  namespace: 'gateway.namespace',
  serviceAccount: 'gateway.serviceAccount',
};

/** The yelb sample application and its AuthorizationPolicies. */
export class YelbChart extends ProductChart {
  public readonly app: YelbApp;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'yelb', 10);
    const { ui, appserver, db, redis } = config.yelb;
    const { authorization, trustDomain } = config.mesh;
    const gatewayPrincipal = namingConfigKeys(GATEWAY_PRINCIPAL_CONFIG_KEYS, () =>
      spiffePrincipal(trustDomain, config.gateway.namespace, gatewayServiceAccountOf(config)),
    );
    this.app = namingConfigKeys(
      YELB_CONFIG_KEYS,
      () =>
        new YelbApp(this, 'Yelb', {
          namespace: config.namespace,
          createNamespace: false,
          ui,
          appserver,
          db,
          redis,
          // Istio objects, like the rest of the mesh policy: only with istioEdge.
          authorization: authorization && config.istioEdge.enabled,
          trustDomain,
          gatewayPrincipal,
        }),
    );
  }
}
