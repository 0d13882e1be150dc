import { Construct } from 'constructs';
import { Config, asList } from '../lib/config/types';
import { IstioEdge, MeshService } from '../lib/istio-edge';
import { ProductChart } from './product-chart';

/** Gateway, VirtualServices, egress and mesh policy for the app namespace. */
export class IstioEdgeChart extends ProductChart {
  public readonly edge: IstioEdge;

  constructor(scope: Construct, id: string, config: Config, meshServices: MeshService[]) {
    super(scope, id, 'istio-edge', 20);
    this.edge = new IstioEdge(this, 'Edge', {
      namespace: config.namespace,
      hosts: asList(config.host),
      routes: config.istioEdge.routes,
      virtualServiceName: config.istioEdge.virtualServiceName,
      gatewayName: config.gateway.name,
      gatewayNamespace: config.gateway.namespace,
      gatewaySelector: config.gateway.selector,
      credentialName: config.gateway.credentialName,
      meshServices,
      externalHosts: config.mesh.externalHosts,
      outboundTrafficPolicy: config.mesh.outboundTrafficPolicy,
      mtlsMode: config.mesh.mtlsMode,
      mtlsScope: config.mesh.mtlsScope,
      rootNamespace: config.mesh.rootNamespace,
    });
  }
}
