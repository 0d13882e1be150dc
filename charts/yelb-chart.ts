import { Construct } from 'constructs';
import { Config } from '../lib/config/types';
import { spiffePrincipal } from '../lib/mesh-authorization';
import { YelbApp } from '../lib/yelb-app';
import { ProductChart } from './product-chart';

/** The yelb sample application and its AuthorizationPolicies. */
export class YelbChart extends ProductChart {
  public readonly app: YelbApp;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'yelb', 10);
    const { ui, appserver, db, redis } = config.yelb;
    const { authorization, trustDomain } = config.mesh;
    this.app = new YelbApp(this, 'Yelb', {
      namespace: config.namespace, createNamespace: false, ui, appserver, db, redis,
      // Istio objects, like the rest of the mesh policy: only with istioEdge.
      authorization: authorization && config.istioEdge.enabled,
      trustDomain,
      gatewayPrincipal: spiffePrincipal(trustDomain, config.gateway.namespace, config.gateway.serviceAccount),
    });
  }
}
