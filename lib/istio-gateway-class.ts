// No imports: the config types call this too, and must not load the constructs.

/** The GatewayClass of Istio's own Gateway API gateways. */
export const ISTIO_GATEWAY_CLASS = 'istio';

/** The name Istio gives the Deployment, Service and ServiceAccount it creates for a Gateway (G16). */
export const istioGatewayWorkloadName = (gatewayName: string) => `${gatewayName}-${ISTIO_GATEWAY_CLASS}`;

/** The longest Gateway name whose workload name is still a DNS label (at most 63 characters). */
export const GATEWAY_API_NAME_MAX = 63 - istioGatewayWorkloadName('').length;
