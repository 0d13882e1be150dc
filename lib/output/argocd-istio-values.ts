import { deregistrationDelaySeconds } from '../alb-ingress';
import { Config } from '../config/types';
import { GATEWAY_HTTPS_PORT, GATEWAY_STATUS_PORT, GATEWAY_STATUS_PORT_NAME } from '../ports';

export { GATEWAY_HTTPS_PORT, GATEWAY_STATUS_PORT };

/** Values of Istio's `gateway` chart that this product sets (the chart's values schema is closed at the top level). */
export interface IstioGatewayValues {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly service: {
    readonly type: 'NodePort' | 'ClusterIP';
    readonly ports: {
      readonly name: string;
      readonly port: number;
      readonly protocol: 'TCP';
      readonly targetPort: number;
    }[];
  };
  readonly podAnnotations: Record<string, string>;
  readonly autoscaling: { readonly enabled: boolean; readonly minReplicas?: number; readonly maxReplicas?: number };
  /** Only without autoscaling: the chart renders its PodDisruptionBudget only for more than one replica. */
  readonly replicaCount?: number;
  readonly podDisruptionBudget: { readonly minAvailable: number };
  readonly rbac: { readonly enabled: boolean };
  readonly serviceAccount: { readonly name: string };
  readonly lifecycle: { readonly preStop: { readonly sleep: { readonly seconds: number } } };
  readonly terminationGracePeriodSeconds: number;
}

/**
 * Replicas of istiod and the gateway: two, so that a PodDisruptionBudget of minAvailable 1 still lets a node drain.
 * With autoscaling, the HPA's minimum; it may grow to AUTOSCALING_MAX_REPLICAS.
 */
export const ISTIO_REPLICAS = 2;
export const AUTOSCALING_MAX_REPLICAS = 5;

/** Whether the Istio charts create HorizontalPodAutoscalers, which need metrics-server. */
export const autoscaled = (config: Config) => config.gitops.autoscaling !== 'fixed';

/** Margin of the preStop sleep over the deregistration delay: the controller deregisters a little after termination starts. */
export const PRE_STOP_MARGIN_SECONDS = 5;
/** Time left after the preStop sleep for SIGTERM: Envoy drains its connections (5 s by default), then exits. */
export const DRAIN_SECONDS = 30;

/** Values of Istio's `base` chart. */
export function istioBaseValues(config: Config): Record<string, unknown> {
  return { global: { istioNamespace: config.mesh.rootNamespace } };
}

/** Values of Istio's `istiod` chart. */
export function istiodValues(config: Config): Record<string, unknown> {
  return {
    global: { istioNamespace: config.mesh.rootNamespace },
    // istiod flips its validating webhook from Ignore to Fail once ready, which Argo CD reports as drift; starting
    // at Fail leaves nothing to flip.
    base: { validationFailurePolicy: 'Fail' },
    // The chart's HPA (on by default) needs metrics-server, which EKS lacks: without it the HPA reports
    // ScalingActive=False, Argo CD marks it Degraded and the later waves never sync. The chart's PDB (minAvailable 1)
    // stays; two replicas keep node drains possible.
    ...(autoscaled(config)
      ? { autoscaleEnabled: true, autoscaleMin: ISTIO_REPLICAS, autoscaleMax: AUTOSCALING_MAX_REPLICAS }
      : { autoscaleEnabled: false, replicaCount: ISTIO_REPLICAS }),
  };
}

/**
 * Values of Istio's `gateway` chart, derived from the config so that the chart's objects match ours: the release
 * and Service name the Ingress backend points at, the pod labels the Gateway selects, and a Service type the
 * ALB target type can reach.
 */
export function istioGatewayValues(config: Config): IstioGatewayValues {
  const preStop = deregistrationDelaySeconds(config.alb.targetGroupAttributes) + PRE_STOP_MARGIN_SECONDS;
  return {
    name: config.gateway.serviceName,
    labels: { ...config.gateway.selector },
    service: {
      // instance targets reach the pods through a NodePort; ip targets reach the pods directly. Never the chart's
      // default LoadBalancer, which would make the controller create an extra NLB.
      type: config.alb.targetType === 'ip' ? 'ClusterIP' : 'NodePort',
      // Only what the ALB uses. The health check names `status-port`: the controller resolves it to the NodePort
      // (instance) or to this numeric targetPort (ip); a named targetPort would not resolve.
      ports: [
        { name: GATEWAY_STATUS_PORT_NAME, port: GATEWAY_STATUS_PORT, protocol: 'TCP', targetPort: GATEWAY_STATUS_PORT },
        { name: 'https', port: GATEWAY_HTTPS_PORT, protocol: 'TCP', targetPort: GATEWAY_HTTPS_PORT },
      ],
    },
    // One trusted hop (the ALB): Envoy takes the client address from X-Forwarded-For and trusts X-Forwarded-Proto.
    podAnnotations: { 'proxy.istio.io/config': '{"gatewayTopology":{"numTrustedProxies":1}}' },
    // Fixed replicas unless the cluster has metrics-server (see istiodValues); the PDB needs more than one replica.
    ...(autoscaled(config)
      ? { autoscaling: { enabled: true, minReplicas: ISTIO_REPLICAS, maxReplicas: AUTOSCALING_MAX_REPLICAS } }
      : { autoscaling: { enabled: false }, replicaCount: ISTIO_REPLICAS }),
    podDisruptionBudget: { minAvailable: 1 },
    // Lets the gateway read its credential Secret.
    rbac: { enabled: true },
    // The chart names it after the release by default; the app's AuthorizationPolicies allow this principal.
    serviceAccount: { name: config.gateway.serviceAccount },
    // Zero-downtime rollouts (rule C32): a terminating pod keeps serving until the ALB has stopped sending to it,
    // i.e. for the deregistration delay D plus a margin, before SIGTERM makes Envoy drain and exit. The grace
    // period covers both. The native sleep action (Kubernetes 1.30+) needs no shell in the distroless proxy image.
    lifecycle: { preStop: { sleep: { seconds: preStop } } },
    terminationGracePeriodSeconds: preStop + DRAIN_SECONDS,
  };
}
