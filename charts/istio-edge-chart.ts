import { Construct } from 'constructs';
import { Config, asList } from '../lib/config/types';
import { IstioEdge, MeshService } from '../lib/istio-edge';
import { ProductChart, namingConfigKeys } from './product-chart';

/** IstioEdge props -> the config keys they come from. */
export const ISTIO_EDGE_CONFIG_KEYS: Readonly<Record<string, string>> = {
  namespace: 'namespace',
  hosts: 'host',
  routes: 'istioEdge.routes',
  virtualServiceName: 'istioEdge.virtualServiceName',
  gatewayName: 'gateway.name',
  gatewayNamespace: 'gateway.namespace',
  gatewaySelector: 'gateway.selector',
  credentialName: 'gateway.credentialName',
  externalHosts: 'mesh.externalHosts',
  outboundTrafficPolicy: 'mesh.outboundTrafficPolicy',
  mtlsMode: 'mesh.mtlsMode',
  mtlsScope: 'mesh.mtlsScope',
  rootNamespace: 'mesh.rootNamespace',
};

/** Gateway, VirtualServices, egress and mesh policy for the app namespace. */
export class IstioEdgeChart extends ProductChart {
  public readonly edge: IstioEdge;

  constructor(scope: Construct, id: string, config: Config, meshServices: MeshService[]) {
    super(scope, id, 'istio-edge', 20);
    this.edge = namingConfigKeys(
      ISTIO_EDGE_CONFIG_KEYS,
      () =>
        new IstioEdge(this, 'Edge', {
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
        }),
    );
  }
}
