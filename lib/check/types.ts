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
  /** Validate each object against its schema. Needs ESM imports, so only outside jest's CommonJS runtime. @default true */
  readonly schema?: boolean;
  /** Namespace assumed for namespaced objects that do not set one (what `kubectl apply` would use). @default 'default' */
  readonly defaultNamespace?: string;
  /** Istio root namespace, where a selector-less PeerAuthentication applies mesh-wide. @default 'istio-system' */
  readonly rootNamespace?: string;
}
