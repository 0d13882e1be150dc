import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { MeshNamespace } from './mesh-namespace';
import { MeshService } from './istio-edge';
import { MeshAuthorization, WorkloadAuthorization, spiffePrincipal } from './mesh-authorization';
import {
  CPU,
  DNS_LABEL,
  IMAGE,
  MEMORY,
  PropError,
  SPIFFE_PRINCIPAL,
  TRUST_DOMAIN,
  assertFormat,
  echo,
  requestAboveLimitError,
} from './patterns';

/** Compute requests and limits of one container, as Kubernetes quantities. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** What can be changed per yelb workload. */
export interface YelbWorkloadOptions {
  /** Container image. @default - the pinned image of the scenario */
  readonly image?: string;
  /** Pod replicas. @default 1 */
  readonly replicas?: number;
  /** Requests and limits. @default - the scenario's values */
  readonly resources?: ContainerResources;
}

export interface YelbAppProps {
  /** Namespace of the application. */
  readonly namespace: string;
  /** Create the namespace (labelled for sidecar injection). @default true */
  readonly createNamespace?: boolean;
  /** The web front end (nginx). @default - mreferre/yelb-ui:0.10 */
  readonly ui?: YelbWorkloadOptions;
  /** The Ruby API server. @default - public.ecr.aws/v2k0k1b1/yelb/yelb-appserver:O3 */
  readonly appserver?: YelbWorkloadOptions;
  /** PostgreSQL. @default - mreferre/yelb-db:0.5 */
  readonly db?: YelbWorkloadOptions;
  /** Redis cache. @default - redis:4.0.2 */
  readonly redis?: YelbWorkloadOptions;
  /**
   * Zero-trust AuthorizationPolicies: `allow-nothing` in the namespace plus one ALLOW per workload for exactly
   * its callers in the yelb call graph. @default true
   */
  readonly authorization?: boolean;
  /** Trust domain of the mesh, the first part of every principal. @default 'cluster.local' */
  readonly trustDomain?: string;
  /**
   * Principal of the ingress gateway, the only caller of yelb-ui.
   * @default - `<trustDomain>/ns/istio-system/sa/istio-ingressgateway-service-account`, what istioctl installs
   */
  readonly gatewayPrincipal?: string;
}

type WorkloadKey = 'ui' | 'appserver' | 'db' | 'redis';

interface WorkloadSpec {
  readonly key: WorkloadKey;
  readonly name: string;
  readonly tier: string;
  readonly port: number;
  /** `<protocol>-<port>`: Istio selects the protocol from the Service port name. */
  readonly portName: string;
  readonly defaults: Required<YelbWorkloadOptions>;
  /** Workloads that call this one; `gateway` is the ingress gateway. */
  readonly callers: readonly (WorkloadKey | 'gateway')[];
  /** How the mesh routes to it; the front end is reached through the gateway only. */
  readonly mesh?: Omit<MeshService, 'name' | 'port'>;
}

const resources = (reqCpu: string, limCpu: string, limMem: string): ContainerResources => ({
  requests: { cpu: reqCpu, memory: '256Mi' },
  limits: { cpu: limCpu, memory: limMem },
});

/** The four yelb workloads, as the scenario deploys them. */
export const YELB_WORKLOADS: readonly WorkloadSpec[] = [
  {
    key: 'ui',
    name: 'yelb-ui',
    tier: 'frontend',
    port: 80,
    portName: 'http-80',
    callers: ['gateway'],
    defaults: { image: 'mreferre/yelb-ui:0.10', replicas: 1, resources: resources('256m', '512m', '1024Mi') },
  },
  {
    // The UI's nginx proxies /api to the appserver.
    key: 'appserver',
    name: 'yelb-appserver',
    tier: 'middletier',
    port: 4567,
    portName: 'http-4567',
    callers: ['ui'],
    defaults: {
      image: 'public.ecr.aws/v2k0k1b1/yelb/yelb-appserver:O3',
      replicas: 1,
      resources: resources('256m', '1024m', '1024Mi'),
    },
    mesh: { protocol: 'http', pathPrefix: '/api' },
  },
  {
    key: 'db',
    name: 'yelb-db',
    tier: 'backenddb',
    port: 5432,
    portName: 'tcp-5432',
    callers: ['appserver'],
    defaults: { image: 'mreferre/yelb-db:0.5', replicas: 1, resources: resources('256m', '1024m', '2048Mi') },
    mesh: { protocol: 'tcp' },
  },
  {
    key: 'redis',
    name: 'redis-server',
    tier: 'cache',
    port: 6379,
    portName: 'tcp-6379',
    callers: ['appserver'],
    defaults: { image: 'redis:4.0.2', replicas: 1, resources: resources('256m', '512m', '1024Mi') },
    // Keep idle app-to-cache connections alive through the sidecars.
    mesh: { protocol: 'tcp', tcpKeepalive: { time: '7200s', interval: '75s' } },
  },
];

/** yelb Services that the ingress gateway may call when authorization is on: the front end only. */
export const YELB_GATEWAY_CALLABLE = YELB_WORKLOADS.filter((w) => w.callers.includes('gateway')).map((w) => w.name);

/** The image tag as the `version` label (Istio telemetry and subsets use it); `latest` when there is none. */
export function versionLabelOf(image: string): string {
  const lastSegment = image.split('@')[0].split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop()! : 'latest';
  return tag.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
}

/**
 * The yelb sample application: four Deployments with ClusterIP Services (the gateway, not a LoadBalancer
 * Service, is the way in), one ServiceAccount each so that mesh policy can name every workload, and the
 * AuthorizationPolicies that allow only yelb's own calls.
 */
export class YelbApp extends Construct {
  /** The in-mesh services, for IstioEdge. */
  public readonly meshServices: MeshService[];
  /** Service name -> port, for cross-checking routes. */
  public readonly servicePorts: ReadonlyMap<string, number>;
  /** The AuthorizationPolicies, unless `authorization` is false. */
  public readonly authorization?: MeshAuthorization;

  constructor(scope: Construct, id: string, props: YelbAppProps) {
    super(scope, id);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    const namespace = props.namespace;
    if (props.createNamespace ?? true) new MeshNamespace(this, 'Namespace', { name: namespace });

    this.meshServices = [];
    const ports = new Map<string, number>();
    for (const spec of YELB_WORKLOADS) {
      const options = { ...spec.defaults, ...props[spec.key] };
      assertFormat(`${spec.key}.image`, options.image, IMAGE);
      if (!Number.isInteger(options.replicas) || options.replicas < 0) {
        throw new PropError(`${spec.key}.replicas`, `must be a non-negative integer, got ${echo(options.replicas)}`);
      }
      for (const kind of ['requests', 'limits'] as const) {
        assertFormat(`${spec.key}.resources.${kind}.cpu`, options.resources?.[kind]?.cpu, CPU);
        assertFormat(`${spec.key}.resources.${kind}.memory`, options.resources?.[kind]?.memory, MEMORY);
      }
      // The API server rejects a container whose request exceeds its limit.
      const tooLarge = requestAboveLimitError(`${spec.key}.resources`, options.resources);
      if (tooLarge !== undefined) throw tooLarge;
      this.addWorkload(namespace, spec, options);
      if (spec.mesh) this.meshServices.push({ name: spec.name, port: spec.port, ...spec.mesh });
      ports.set(spec.name, spec.port);
    }
    this.servicePorts = ports;

    if (props.authorization ?? true) {
      const trustDomain = props.trustDomain ?? 'cluster.local';
      assertFormat('trustDomain', trustDomain, TRUST_DOMAIN);
      const gatewayPrincipal =
        props.gatewayPrincipal ?? spiffePrincipal(trustDomain, 'istio-system', 'istio-ingressgateway-service-account');
      assertFormat('gatewayPrincipal', gatewayPrincipal, SPIFFE_PRINCIPAL);
      // allow-nothing covers every workload of the namespace: a gateway running there would refuse the ALB too.
      if (gatewayPrincipal.split('/')[2] === namespace) {
        throw new PropError(
          'namespace',
          (n) =>
            `must not be the gateway's namespace while ${n('authorization')} is on (allow-nothing would deny the gateway), got ${echo(namespace)}`,
        );
      }
      const principalOf = (caller: WorkloadKey | 'gateway') =>
        caller === 'gateway'
          ? gatewayPrincipal
          : spiffePrincipal(trustDomain, namespace, YELB_WORKLOADS.find((w) => w.key === caller)!.name);
      const policies: WorkloadAuthorization[] = YELB_WORKLOADS.map((spec) => ({
        name: spec.name,
        selector: { app: spec.name },
        fromPrincipals: spec.callers.map(principalOf),
        // The container port: the sidecar authorizes after the Service port is translated.
        ports: [spec.port],
      }));
      this.authorization = new MeshAuthorization(this, 'Authorization', { namespace, policies });
    }
  }

  private addWorkload(namespace: string, spec: WorkloadSpec, options: Required<YelbWorkloadOptions>): void {
    const selector = { app: spec.name };
    const labels = { app: spec.name, tier: spec.tier, version: versionLabelOf(options.image) };
    const quantity = (q: { cpu: string; memory: string }) => ({
      cpu: k8s.Quantity.fromString(q.cpu),
      memory: k8s.Quantity.fromString(q.memory),
    });

    new k8s.KubeServiceAccount(this, `${spec.name}-sa`, {
      metadata: { name: spec.name, namespace, labels: { app: spec.name } },
      automountServiceAccountToken: false,
    });

    new k8s.KubeDeployment(this, `${spec.name}-deployment`, {
      metadata: { name: spec.name, namespace, labels },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: spec.name,
            // The apps never call the Kubernetes API; the sidecar gets its own projected token.
            automountServiceAccountToken: false,
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: spec.name,
                image: options.image,
                ports: [{ name: spec.portName, containerPort: spec.port }],
                resources: {
                  requests: quantity(options.resources.requests),
                  limits: quantity(options.resources.limits),
                },
                // These images start as root and write to their filesystems (nginx cache and config, the PostgreSQL
                // and Redis data directories, which their entrypoints chown before dropping to a service user), so
                // runAsNonRoot and a read-only root filesystem would stop them. What they never need is privilege
                // escalation or a privileged container.
                securityContext: { allowPrivilegeEscalation: false, privileged: false },
              },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, `${spec.name}-service`, {
      metadata: { name: spec.name, namespace, labels: { app: spec.name, tier: spec.tier } },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: spec.portName, port: spec.port, targetPort: k8s.IntOrString.fromNumber(spec.port), protocol: 'TCP' },
        ],
      },
    });
  }
}
