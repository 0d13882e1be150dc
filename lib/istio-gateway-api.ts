import { Construct } from 'constructs';
import {
  Gateway,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
  GatewaySpecListenersTlsMode,
  HttpRoute,
  HttpRouteSpecRulesMatchesPathType,
} from '../imports/gateway.networking.k8s.io';
import { ALB_TARGET_TYPES, AlbTargetType } from './alb-ingress';
import { DNS_LABEL, PropError, assertFormat, assertNonEmpty, assertOneOf, echo } from './patterns';
import { GATEWAY_HTTPS_PORT } from './ports';
import type { EdgeRoute } from './edge-route';
import { ISTIO_GATEWAY_CLASS, istioGatewayWorkloadName } from './istio-gateway-class';

export interface IstioApiGatewayProps {
  /** Name of the Gateway; Istio names its Deployment, Service and ServiceAccount `<name>-istio`. */
  readonly name: string;
  /** Namespace of the Gateway and of what Istio creates for it, where its TLS secret must be. */
  readonly namespace: string;
  /** Secret (kubernetes.io/tls) holding the gateway's certificate for the ALB -> gateway hop. */
  readonly credentialName: string;
  /**
   * The ALB's target type: `ip` makes the Service ClusterIP, `instance` NodePort; Istio's default, LoadBalancer,
   * would get a load balancer of its own (G17).
   */
  readonly targetType: AlbTargetType;
  /** Namespaces whose HTTPRoutes may attach (the apps'). */
  readonly routeNamespaces: string[];
  /** Proxies in front of the gateway that set X-Forwarded-For: the ALB. @default 1 */
  readonly numTrustedProxies?: number;
}

/**
 * The Istio ingress gateway as a Kubernetes Gateway API Gateway of class `istio`: Istio deploys its workload. One
 * HTTPS listener on 443 terminating TLS with the secret and no hostname, since the ALB sends no SNI (a hostname
 * would add a server-name match no handshake meets, G20); routes only from the apps' namespaces.
 */
export class IstioApiGateway extends Construct {
  public readonly gateway: Gateway;
  /** The Service (and ServiceAccount) Istio creates: what the ALB targets and the apps' policies allow. */
  public readonly workloadName: string;

  constructor(scope: Construct, id: string, props: IstioApiGatewayProps) {
    super(scope, id);
    assertFormat('name', props.name, DNS_LABEL);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertFormat('credentialName', props.credentialName, DNS_LABEL);
    assertOneOf('targetType', props.targetType, ALB_TARGET_TYPES);
    assertNonEmpty('routeNamespaces', props.routeNamespaces, 'namespace');
    props.routeNamespaces.forEach((ns, i) => assertFormat(`routeNamespaces[${i}]`, ns, DNS_LABEL));
    const trusted = props.numTrustedProxies ?? 1;
    if (!Number.isInteger(trusted) || trusted < 0 || trusted > 10)
      throw new PropError('numTrustedProxies', `must be a whole number from 0 to 10, got ${echo(trusted)}`);
    this.workloadName = istioGatewayWorkloadName(props.name);
    assertFormat('name', this.workloadName, DNS_LABEL);
    this.gateway = new Gateway(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        // Copied by Istio onto the Service and the pods (G17, G23).
        annotations: {
          'networking.istio.io/service-type': props.targetType === 'ip' ? 'ClusterIP' : 'NodePort',
          'proxy.istio.io/config': JSON.stringify({ gatewayTopology: { numTrustedProxies: trusted } }),
        },
      },
      spec: {
        gatewayClassName: ISTIO_GATEWAY_CLASS,
        listeners: [
          {
            name: 'https',
            port: GATEWAY_HTTPS_PORT,
            protocol: 'HTTPS',
            tls: {
              mode: GatewaySpecListenersTlsMode.TERMINATE,
              certificateRefs: [{ kind: 'Secret', name: props.credentialName }],
            },
            allowedRoutes: {
              namespaces: {
                from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: {
                  matchExpressions: [
                    {
                      key: 'kubernetes.io/metadata.name',
                      operator: 'In',
                      values: [...new Set(props.routeNamespaces)].sort(),
                    },
                  ],
                },
              },
            },
          },
        ],
      },
    });
  }
}

export interface AppHttpRouteProps {
  /** Name of the HTTPRoute. */
  readonly name: string;
  /** The app namespace, where its Services are. */
  readonly namespace: string;
  /** Public hosts, matched on the Host header. */
  readonly hosts: string[];
  /** Routes by path prefix; the longest matching prefix wins (Gateway API precedence). */
  readonly routes: EdgeRoute[];
  /** The Istio Gateway, `<namespace>/<name>`. */
  readonly gateway: string;
}

/**
 * An app's routes from the Istio Gateway API gateway: one HTTPRoute in the app namespace on its https listener. Takes
 * props EdgeApp has checked.
 */
export class AppHttpRoute extends Construct {
  public readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: AppHttpRouteProps) {
    super(scope, id);
    // EdgeApp, the only caller, has checked the formats; a backend in another namespace it allows a VirtualService only.
    props.routes.forEach((r, i) => {
      if (r.namespace !== undefined && r.namespace !== props.namespace)
        throw new PropError(
          `routes[${i}].namespace`,
          `must be the route's own namespace (${props.namespace}): a backend in another namespace needs a ReferenceGrant there, got ${echo(r.namespace)}`,
        );
    });
    const [gatewayNamespace, gatewayName] = props.gateway.split('/');
    this.route = new HttpRoute(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        parentRefs: [{ name: gatewayName, namespace: gatewayNamespace, sectionName: 'https' }],
        hostnames: [...props.hosts],
        rules: props.routes.map((r) => ({
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: r.pathPrefix } }],
          backendRefs: [{ name: r.service, port: r.port }],
        })),
      },
    });
  }
}
