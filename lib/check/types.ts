/** Shapes shared by the checker's modules and returned by its library API. */

export type Severity = 'error' | 'warning' | 'info';

/** A Kubernetes object as read from YAML: only the identity fields are typed, the rest is walked defensively. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** An object plus where it came from (file and document index), for messages. */
export interface SourcedObject {
  readonly object: K8sObject;
  readonly source?: string;
  /** Directory the object was read from; objects of different directories may be checked as separate sets. */
  readonly set?: string;
}

export interface Finding {
  /** Stable kebab-case id from the rule catalogue (`lib/check/rules.ts`). */
  readonly ruleId: string;
  readonly severity: Severity;
  /** The `istioctl analyze` message code (IST0101 ...) when the finding is one istioctl reports too. */
  readonly istioCode?: string;
  /** `Kind ns/name` for namespaced objects, `Kind name` for cluster-scoped ones. */
  readonly object: string;
  /** Path of the offending field, e.g. `metadata.annotations['alb.ingress.kubernetes.io/ssl-policy']`. */
  readonly field: string;
  readonly message: string;
  /** One line telling how to fix it. */
  readonly fix: string;
  /** File (and document index) the object came from, when read from disk. */
  readonly source?: string;
}

export type HopState = 'encrypted' | 'plaintext' | 'unknown';

export type HopStep = 'listener' | 'target-group' | 'gateway-server' | 'route' | 'workload';

export interface Hop {
  readonly step: HopStep;
  /** Short label, e.g. `ALB listener HTTPS:443`. */
  readonly label: string;
  /** What was found for this hop: certificate source, TLS mode, mTLS mode ... */
  readonly detail: string;
  readonly state: HopState;
  /** Why the hop is not encrypted, when it is not. */
  readonly reason?: string;
  /** Target-group hops: how long the ALB drains a deregistered target, and how long the gateway pods outlive it. */
  readonly drain?: TargetDrain;
}

/** The deregistration delay of a target group and the shutdown of the gateway pods behind it (rule C32). */
export interface TargetDrain {
  /** deregistration_delay.timeout_seconds; undefined when target-group-attributes cannot be read. */
  readonly deregistrationDelay?: number;
  /** Where the delay is set: the Ingress or the Service annotation (which wins), or the AWS default of 300 s. */
  readonly deregistrationDelayFrom: 'Ingress' | 'Service' | 'default';
  /** The gateway workloads behind the target group that the manifests describe (empty when none). */
  readonly gateways: GatewayShutdown[];
}

export interface GatewayShutdown {
  /** `Deployment ns/name`. */
  readonly workload: string;
  /** Seconds the preStop hook sleeps: 0 without one; absent when the hook is not a readable sleep or not in the manifests. */
  readonly preStopSleep?: number;
  /** Absent when the manifests do not tell (istioctl gateway). */
  readonly terminationGracePeriod?: number;
}

/** The path one host takes from the client to the workloads behind it. */
export interface HostPath {
  /** The manifest set (directory) the path belongs to, when several sets were checked separately. */
  readonly set?: string;
  readonly host: string;
  /** The Ingress that defines the host, as `Ingress ns/name`. */
  readonly ingress: string;
  /** Ingress rule path and backend this path follows, e.g. `/ -> istio-ingressgateway:443`. */
  readonly backend: string;
  readonly hops: Hop[];
  readonly state: HopState;
}

export interface Verdict {
  readonly encrypted: boolean;
  readonly reasons: string[];
  /** `end-to-end encrypted: yes` or `end-to-end encrypted: no (because ...)`. */
  readonly line: string;
}

export interface CheckSummary {
  readonly objects: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  /** Objects whose kind has no schema here (also reported as `schema-not-checked`). */
  readonly notChecked: number;
  /** Paths skipped while reading, with the reason (e.g. unrendered Helm chart). */
  readonly skipped: string[];
  /** Directories checked as separate manifest sets (empty when everything was one set). */
  readonly sets: string[];
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly hops: HostPath[];
  readonly verdict: Verdict;
  readonly summary: CheckSummary;
}

export interface CheckOptions {
  /** Validate each object against its schema (docs/SCHEMAS.md). @default true */
  readonly schema?: boolean;
  /** Namespace assumed for namespaced objects that do not set one (what `kubectl apply` would use). @default 'default' */
  readonly defaultNamespace?: string;
  /** Istio root namespace, where a selector-less PeerAuthentication applies mesh-wide. @default 'istio-system' */
  readonly rootNamespace?: string;
  /**
   * Closed world: the manifests are the whole cluster, so a referenced object they lack does not exist (an error,
   * istioctl's IST0101) instead of a `not-verifiable` info. @default false
   */
  readonly complete?: boolean;
}
