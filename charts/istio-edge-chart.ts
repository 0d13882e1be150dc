import { Construct } from 'constructs';
import { Config, asList } from '../lib/config/types';
import { resolvedApps, sampleAppActive } from '../lib/config/apps';
import { EdgeApp, EdgeGateway, IstioEdge, MeshService, meshPeerAuthentication } from '../lib/istio-edge';
import { IstioApiGateway } from '../lib/istio-gateway-api';
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
    if (config.gateway.api === 'gatewayApi') {
      this.gatewayApiEdge(config, meshServices);
      return;
    }
    if (!sampleAppActive(config)) {
      // IstioEdge's construct paths (Edge/Gateway, Edge/App/PeerAuthentication): the Helm chart's templates then hold
      // one Gateway and one mesh-wide PeerAuthentication for both cases.
      const edge = new Construct(this, 'Edge');
      namingConfigKeys(
        EDGE_GATEWAY_CONFIG_KEYS,
        () =>
          new EdgeGateway(edge, 'Gateway', {
            name: config.gateway.name,
            namespace: config.gateway.namespace,
            selector: config.gateway.selector,
            credentialName: config.gateway.credentialName,
          }),
      );
      if (config.mesh.mtlsScope === 'mesh')
        meshPeerAuthentication(new Construct(edge, 'App'), config.mesh.rootNamespace, config.mesh.mtlsMode);
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

  /** gateway.api gatewayApi: Istio's Gateway API gateway, and the sample's routes as an HTTPRoute. */
  private gatewayApiEdge(config: Config, meshServices: MeshService[]): void {
    const sample = sampleAppActive(config);
    const routeNamespaces = [...(sample ? [config.namespace] : []), ...resolvedApps(config).map((a) => a.namespace)];
    namingConfigKeys(
      {
        name: 'gateway.name',
        namespace: 'gateway.namespace',
        credentialName: 'gateway.credentialName',
        targetType: 'alb.targetType',
      },
      () =>
        new IstioApiGateway(this, 'Gateway', {
          name: config.gateway.name,
          namespace: config.gateway.namespace,
          credentialName: config.gateway.credentialName,
          targetType: config.alb.targetType,
          routeNamespaces,
        }),
    );
    if (sample) {
      namingConfigKeys(
        { ...ISTIO_EDGE_CONFIG_KEYS, gateway: 'gateway.name' },
        () =>
          new EdgeApp(this, 'App', {
            namespace: config.namespace,
            hosts: asList(config.host),
            routes: config.istioEdge.routes,
            gateway: `${config.gateway.namespace}/${config.gateway.name}`,
            binding: 'httpRoute',
            virtualServiceName: config.istioEdge.virtualServiceName,
            meshServices,
            externalHosts: config.mesh.externalHosts,
            outboundTrafficPolicy: config.mesh.outboundTrafficPolicy,
            mtlsMode: config.mesh.mtlsMode,
            meshWideMtls: config.mesh.mtlsScope === 'mesh',
            rootNamespace: config.mesh.rootNamespace,
          }),
      );
    } else if (config.mesh.mtlsScope === 'mesh') {
      // EdgeApp's construct path (App/PeerAuthentication): the Helm chart's templates hold one for both cases.
      meshPeerAuthentication(new Construct(this, 'App'), config.mesh.rootNamespace, config.mesh.mtlsMode);
    }
  }
}
