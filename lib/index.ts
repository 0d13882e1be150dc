export * from './alb-ingress';
export * from './istio-edge';
export * from './mesh-authorization';
export * from './mesh-namespace';
export * from './yelb-app';
export * from './patterns';
export * from './gateway-certificate';
