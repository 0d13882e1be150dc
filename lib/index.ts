/** The constructs of end-to-end TLS on EKS (ALB with ACM -> Istio ingress gateway -> Istio mTLS), their props and the config types. */
export * from './alb-ingress';
export * from './istio-edge';
export * from './mesh-authorization';
export * from './mesh-namespace';
export * from './mesh-app';
export * from './yelb-app';
export * from './patterns';
export * from './ports';
export * from './gateway-certificate';
export * from './alb-plan';
export * from './alb-gateway';
// AppHttpRoute stays internal: EdgeApp and MeshApp build it after checking its props.
export { IstioApiGateway, type IstioApiGatewayProps } from './istio-gateway-api';
export type {
  AppSource,
  Config,
  EdgeRouteConfig,
  GatewayTlsMode,
  IstioAutoscaling,
  KeyAlgorithm,
  MtlsMode,
  MtlsScope,
  OutboundTrafficPolicy,
  Resources,
  TargetType,
  WorkloadConfig,
} from './config/types';
