import { Construct } from 'constructs';
import {
  LoadBalancerConfiguration,
  LoadBalancerConfigurationSpecIpAddressType,
  LoadBalancerConfigurationSpecScheme,
  TargetGroupConfiguration,
  TargetGroupConfigurationSpecDefaultConfigurationHealthCheckConfigHealthCheckProtocol,
  TargetGroupConfigurationSpecDefaultConfigurationProtocol,
  TargetGroupConfigurationSpecDefaultConfigurationProtocolVersion,
  TargetGroupConfigurationSpecDefaultConfigurationTargetType,
} from '../imports/gateway.k8s.aws';
import {
  Gateway,
  GatewayClass,
  HttpRoute,
  HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType,
} from '../imports/gateway.networking.k8s.io';
import { AlbOptions, resolveAlbOptions } from './alb-ingress';
import { WAF_DETACH_WITH_GATEWAY_API, keyValueList, keyValueMap } from './alb-gateway-values';
import { resourceNameOf } from './istio-edge';
import { DNS_LABEL, PropError, assertFormat, echo } from './patterns';
import { HTTPS_PORT, HTTP_PORT } from './ports';

/** The controller name of the AWS Load Balancer Controller's ALB gateways (v2.13+; `gateway.k8s.aws/v1` in v3.5.0). */
export const ALB_GATEWAY_CONTROLLER = 'gateway.k8s.aws/alb';

export interface AlbGatewayProps extends AlbOptions {
  /** Name of the Gateway and its LoadBalancerConfiguration. @default 'gw-alb' */
  readonly name?: string;
  /**
   * Namespace of every object: the gateway Service's, so that the HTTPRoutes reach it without a ReferenceGrant and
   * the TargetGroupConfiguration sits next to the Service it configures (G5).
   */
  readonly namespace: string;
  /** The GatewayClass of the controller. @default 'alb' */
  readonly gatewayClassName?: string;
  /** Emit the cluster-scoped GatewayClass (once per cluster: false for the second ALB). @default true */
  readonly gatewayClass?: boolean;
  /** Emit the TargetGroupConfiguration of the gateway Service (one per Service: false for the second ALB). @default true */
  readonly targetGroupConfiguration?: boolean;
}

/**
 * An ALB from the Kubernetes Gateway API (AWS Load Balancer Controller v3.5.0), with the same end-to-end TLS as
 * AlbIngress: HTTPS with ACM certificates and a TLS 1.3 policy on the listener (LoadBalancerConfiguration), HTTPS to
 * the Istio gateway Service with health checks over HTTP on its status port (TargetGroupConfiguration), one HTTPRoute
 * per host to the gateway Service, and a 301 redirect from HTTP. The Gateway's listeners carry no `tls` and no
 * hostname: the controller takes certificates only from the LoadBalancerConfiguration (G6, G7).
 */
export class AlbGateway extends Construct {
  public readonly gateway: Gateway;
  public readonly loadBalancerConfiguration: LoadBalancerConfiguration;
  public readonly routes: HttpRoute[];

  constructor(scope: Construct, id: string, props: AlbGatewayProps) {
    super(scope, id);
    const name = props.name ?? 'gw-alb';
    const gatewayClassName = props.gatewayClassName ?? 'alb';
    assertFormat('name', name, DNS_LABEL);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertFormat('gatewayClassName', gatewayClassName, DNS_LABEL);
    const alb = resolveAlbOptions(props);
    if (alb.wafv2AclArn === 'none') throw new PropError('wafv2AclArn', WAF_DETACH_WITH_GATEWAY_API);
    const namespace = props.namespace;
    // The ALB's tags, on the load balancer and on its target group.
    const tags = alb.tags.length > 0 ? keyValueMap(alb.tags) : undefined;

    if (props.gatewayClass ?? true) {
      new GatewayClass(this, 'Class', {
        metadata: { name: gatewayClassName },
        spec: { controllerName: ALB_GATEWAY_CONTROLLER },
      });
    }

    const [defaultCertificate, ...certificates] = alb.certificateArns;
    this.loadBalancerConfiguration = new LoadBalancerConfiguration(this, 'LoadBalancer', {
      metadata: { name, namespace },
      spec: {
        // Explicit: the controller's default scheme is internal, its default policy ELBSecurityPolicy-2016-08.
        scheme: alb.scheme as LoadBalancerConfigurationSpecScheme,
        ipAddressType: alb.ipAddressType as LoadBalancerConfigurationSpecIpAddressType,
        // protocolPort must match the HTTPS listener below; an entry matching no listener is silently ignored.
        listenerConfigurations: [
          {
            protocolPort: `HTTPS:${HTTPS_PORT}`,
            defaultCertificate,
            certificates: certificates.length > 0 ? certificates : undefined,
            sslPolicy: alb.sslPolicy,
          },
        ],
        loadBalancerAttributes:
          alb.loadBalancerAttributes.length > 0 ? keyValueList(alb.loadBalancerAttributes) : undefined,
        tags,
        sourceRanges: alb.inboundCidrs.length > 0 ? [...alb.inboundCidrs] : undefined,
        wafV2: alb.wafv2AclArn === undefined ? undefined : { webAcl: alb.wafv2AclArn },
      },
    });

    if (props.targetGroupConfiguration ?? true) {
      // Before the routes: the target group's name hashes protocol and target type, so a later change replaces it.
      new TargetGroupConfiguration(this, 'TargetGroup', {
        metadata: { name: alb.serviceName, namespace },
        spec: {
          targetReference: { name: alb.serviceName },
          defaultConfiguration: {
            targetType: alb.targetType as TargetGroupConfigurationSpecDefaultConfigurationTargetType,
            // Re-encrypt to the gateway: an HTTPRoute alone makes the target group HTTP, plaintext to port 443.
            protocol: TargetGroupConfigurationSpecDefaultConfigurationProtocol.HTTPS,
            protocolVersion: TargetGroupConfigurationSpecDefaultConfigurationProtocolVersion.HTTP1,
            // The readiness endpoint answers plain HTTP; the default would inherit HTTPS and fail.
            healthCheckConfig: {
              healthCheckPort: alb.healthCheckPort,
              healthCheckProtocol:
                TargetGroupConfigurationSpecDefaultConfigurationHealthCheckConfigHealthCheckProtocol.HTTP,
              healthCheckPath: alb.healthCheckPath,
              matcher: { httpCode: '200' },
            },
            targetGroupAttributes:
              alb.targetGroupAttributes.length > 0 ? keyValueList(alb.targetGroupAttributes) : undefined,
            tags,
          },
        },
      });
    }

    this.gateway = new Gateway(this, 'Gateway', {
      metadata: { name, namespace },
      spec: {
        gatewayClassName,
        infrastructure: {
          parametersRef: { group: 'gateway.k8s.aws', kind: 'LoadBalancerConfiguration', name },
        },
        listeners: [
          { name: 'http', port: HTTP_PORT, protocol: 'HTTP' },
          { name: 'https', port: HTTPS_PORT, protocol: 'HTTPS' },
        ],
      },
    });

    // One route per host: its hostnames become every rule's host condition, within the 5 values a rule may have.
    const names = new Map<string, string>();
    this.routes = alb.hosts.map((host, i) => {
      const routeName = `${name}-${resourceNameOf(host)}`;
      const earlier = names.get(routeName);
      if (earlier !== undefined)
        throw new PropError(`hosts[${i}]`, `gives the same route name as ${echo(earlier)}, got ${echo(host)}`);
      names.set(routeName, host);
      return new HttpRoute(this, `Route-${host}`, {
        metadata: { name: routeName, namespace },
        spec: {
          parentRefs: [{ name, sectionName: 'https' }],
          hostnames: [host],
          rules: [{ backendRefs: [{ name: alb.serviceName, port: alb.servicePort }] }],
        },
      });
    });

    new HttpRoute(this, 'Redirect', {
      metadata: { name: `${name}-http-redirect`, namespace },
      spec: {
        parentRefs: [{ name, sectionName: 'http' }],
        rules: [
          {
            filters: [
              {
                type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                requestRedirect: {
                  scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                  statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
                },
              },
            ],
          },
        ],
      },
    });
  }
}
