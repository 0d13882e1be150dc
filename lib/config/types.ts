import type { AlbIpAddressType, AlbScheme, AlbTargetType } from '../alb-ingress';
import type { IssuerKind, KeyAlgorithm } from '../gateway-certificate';
import type { MtlsMode, MtlsScope, OutboundTrafficPolicy } from '../istio-edge';
import { istioGatewayWorkloadName } from '../istio-gateway-class';

/** The resolved configuration: config/default.yaml with a user's file merged over it. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface WorkloadConfig {
  readonly image: string;
  readonly replicas: number;
  readonly resources: Resources;
}

// The enums the constructs own are declared there, once; the schema and these types derive from them.
export type { AlbIpAddressType, AlbScheme, IssuerKind, KeyAlgorithm, MtlsMode, MtlsScope, OutboundTrafficPolicy };
export type TargetType = AlbTargetType;

/** Where the gateway's TLS secret comes from: the operator creates it, cert-manager issues it, or neither (`none`: provided some other way). */
export const GATEWAY_TLS_MODES = ['existingSecret', 'certManager', 'none'] as const;
export type GatewayTlsMode = (typeof GATEWAY_TLS_MODES)[number];
/** What an environment's Argo CD Application deploys: the plain YAML directory or the Helm chart. */
export const APP_SOURCES = ['directory', 'helm'] as const;
export type AppSource = (typeof APP_SOURCES)[number];
/**
 * How the istiod and gateway Deployments scale: `fixed` 2 replicas (no HPA, so no metrics-server needed), `hpa`
 * (HorizontalPodAutoscalers; the cluster runs metrics-server), or `hpaWithMetricsServer` (metrics-server installed too).
 */
export const ISTIO_AUTOSCALING = ['fixed', 'hpa', 'hpaWithMetricsServer'] as const;
export type IstioAutoscaling = (typeof ISTIO_AUTOSCALING)[number];

/** Which Kubernetes API asks the load balancer controller for the ALB: an Ingress, or Gateway API objects. */
export const ALB_APIS = ['ingress', 'gatewayApi'] as const;
export type AlbApi = (typeof ALB_APIS)[number];
/**
 * Which Istio ingress gateway fronts the mesh: Istio's `gateway` chart with a networking.istio.io Gateway, or a
 * Gateway API Gateway of class istio, whose workload Istio deploys itself.
 */
export const GATEWAY_APIS = ['istio', 'gatewayApi'] as const;
export type GatewayApi = (typeof GATEWAY_APIS)[number];

export interface EdgeRouteConfig {
  readonly pathPrefix: string;
  readonly service: string;
  readonly port: number;
}

/** A route of a team's app: EdgeRouteConfig plus what its authorization needs of the workload behind it. */
export interface AppRouteConfig extends EdgeRouteConfig {
  /** The container port the sidecar sees, for authorization. @default port */
  readonly targetPort?: number;
  /** The workload behind the Service: pods labelled `<workloadLabel>: <workload>`. @default service */
  readonly workload?: string;
}

/** In-app callers a team's app allows, beyond the gateway's calls to its routes. */
export interface AppAllowConfig {
  /** The called workload: pods labelled `<workloadLabel>: <workload>`. */
  readonly workload: string;
  /** Its container ports the callers may reach. */
  readonly ports: number[];
  /** The callers' ServiceAccounts: `<name>` in the app namespace, or `<namespace>/<name>`. */
  readonly from: string[];
}

/** One team's app behind the shared gateway and ALBs. Optional keys default as documented in config/default.yaml. */
export interface AppConfig {
  readonly name: string;
  readonly enabled?: boolean;
  readonly namespace?: string;
  readonly hosts: string[];
  readonly certificateArn?: string | string[];
  readonly routes: AppRouteConfig[];
  readonly externalHosts?: string[];
  readonly mtlsMode?: MtlsMode;
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  readonly authorization?: boolean;
  readonly workloadLabel?: string;
  readonly allow?: AppAllowConfig[];
}

/** The adjustable ALB quotas an account may have raised; the plan of ALBs respects them. */
export interface AlbQuotasConfig {
  readonly certificates: number;
  readonly rules: number;
  readonly albs: number;
}

export interface Config {
  readonly apps: AppConfig[];
  readonly host: string | string[];
  readonly certificateArn: string | string[];
  readonly namespace: string;
  readonly gateway: {
    readonly api: GatewayApi;
    readonly namespace: string;
    readonly name: string;
    readonly serviceName: string;
    readonly serviceAccount: string;
    readonly selector: Record<string, string>;
    readonly credentialName: string;
    readonly tls: {
      readonly mode: GatewayTlsMode;
      readonly issuerRef?: { readonly kind: IssuerKind; readonly name: string };
      readonly keyAlgorithm: KeyAlgorithm;
      readonly duration: string;
      readonly renewBefore: string;
    };
  };
  readonly alb: {
    readonly api: AlbApi;
    readonly ingressName: string;
    readonly scheme: AlbScheme;
    readonly ipAddressType: AlbIpAddressType;
    readonly targetType: TargetType;
    readonly sslPolicy: string;
    readonly groupName?: string;
    /** `key=value` entries of the load-balancer-attributes annotation. */
    readonly loadBalancerAttributes: string[];
    /** `key=value` entries of the target-group-attributes annotation. */
    readonly targetGroupAttributes: string[];
    /** `key=value` entries of the tags annotation. */
    readonly tags: string[];
    readonly inboundCidrs: string[];
    /** A regional WAFv2 web ACL ARN, or `none`. */
    readonly wafv2AclArn?: string;
    readonly quotas: AlbQuotasConfig;
  };
  readonly mesh: {
    readonly mtlsMode: MtlsMode;
    readonly mtlsScope: MtlsScope;
    readonly rootNamespace: string;
    readonly outboundTrafficPolicy: OutboundTrafficPolicy;
    readonly externalHosts: string[];
    readonly authorization: boolean;
    readonly trustDomain: string;
  };
  readonly istioEdge: {
    readonly enabled: boolean;
    readonly virtualServiceName: string;
    readonly routes: EdgeRouteConfig[];
  };
  readonly albIngress: {
    readonly enabled: boolean;
  };
  readonly yelb: {
    readonly enabled: boolean;
    readonly ui: WorkloadConfig;
    readonly appserver: WorkloadConfig;
    readonly db: WorkloadConfig;
    readonly redis: WorkloadConfig;
  };
  readonly dns: {
    readonly externalDns: boolean;
  };
  readonly gitops: {
    readonly repoURL: string;
    readonly targetRevision: string;
    readonly distPath: string;
    readonly project: string;
    readonly argocdNamespace: string;
    readonly name: string;
    readonly destinationServer: string;
    readonly automatedSync: boolean;
    readonly prune: boolean;
    readonly selfHeal: boolean;
    readonly appSource: AppSource;
    readonly helmChartPath?: string;
    readonly istioVersion: string;
    readonly istioChartRepoURL: string;
    readonly autoscaling: IstioAutoscaling;
  };
}

/** Either form of a one-or-many config value, as a list. */
export function asList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

/** The gateway Service the ALB targets: the chart's, or the one Istio creates for a Gateway API gateway. */
export function gatewayServiceOf(config: Config): string {
  return config.gateway.api === 'gatewayApi'
    ? istioGatewayWorkloadName(config.gateway.name)
    : config.gateway.serviceName;
}

/** The ServiceAccount of the gateway pods, whose mTLS principal the apps' policies allow. */
export function gatewayServiceAccountOf(config: Config): string {
  return config.gateway.api === 'gatewayApi'
    ? istioGatewayWorkloadName(config.gateway.name)
    : config.gateway.serviceAccount;
}

/** Whether either hop uses the Gateway API, whose CRDs the cluster then needs. */
export function usesGatewayApi(config: Config): boolean {
  return config.alb.api === 'gatewayApi' || config.gateway.api === 'gatewayApi';
}
