import { Construct } from 'constructs';
import { Config, asList } from '../lib/config/types';
import { sampleAppActive } from '../lib/config/apps';
import { EdgeGateway, IstioEdge, MeshService, meshPeerAuthentication } from '../lib/istio-edge';
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

/** EdgeGateway props -> the config keys they come from. */
const EDGE_GATEWAY_CONFIG_KEYS: Readonly<Record<string, string>> = {
  name: 'gateway.name',
  namespace: 'gateway.namespace',
  selector: 'gateway.selector',
  credentialName: 'gateway.credentialName',
};

/**
 * The shared Gateway, with the sample's (or single app's) VirtualServices, egress and mesh policy when its top-level
 * keys describe an app; otherwise the Gateway alone, and the mesh-wide PeerAuthentication with mtlsScope mesh.
 */
export class IstioEdgeChart extends ProductChart {
  /** The Gateway and the sample's edge, when the top-level keys describe an app. */
  public readonly edge?: IstioEdge;

  constructor(scope: Construct, id: string, config: Config, meshServices: MeshService[]) {
    super(scope, id, 'istio-edge', 20);
    if (!sampleAppActive(config)) {
      namingConfigKeys(
        EDGE_GATEWAY_CONFIG_KEYS,
        () =>
          new EdgeGateway(this, 'Gateway', {
            name: config.gateway.name,
            namespace: config.gateway.namespace,
            selector: config.gateway.selector,
            credentialName: config.gateway.credentialName,
          }),
      );
      if (config.mesh.mtlsScope === 'mesh')
        meshPeerAuthentication(this, config.mesh.rootNamespace, config.mesh.mtlsMode);
      return;
    }
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
