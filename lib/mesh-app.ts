import { Construct } from 'constructs';
import { EdgeApp, EdgeBinding, EdgeRoute, MtlsMode, OutboundTrafficPolicy } from './istio-edge';
import { MeshAuthorization, WorkloadAuthorization, spiffePrincipal } from './mesh-authorization';
import { MeshNamespace } from './mesh-namespace';
import {
  APP_NAME,
  DNS_LABEL,
  GATEWAY_REFERENCE,
  LABEL_KEY,
  PropError,
  SERVICE_ACCOUNT_REF,
  TRUST_DOMAIN,
  assertFormat,
  assertNonEmpty,
  assertPort,
  echo,
  renamingProps,
} from './patterns';

/** A route of an app: where the gateway sends a path, and which workload's port it reaches (for authorization). */
export interface MeshAppRoute extends EdgeRoute {
  /** The container port behind the Service port, as the workload's sidecar sees it. @default port */
  readonly targetPort?: number;
  /** The workload behind the Service: pods labelled `<workloadLabel>: <workload>`. @default service */
  readonly workload?: string;
}

/** In-app calls the app allows: who may call a workload, on which ports. */
export interface MeshAppAllow {
  /** The called workload: pods labelled `<workloadLabel>: <workload>`. */
  readonly workload: string;
  /** Its container ports. */
  readonly ports: number[];
  /** The callers' ServiceAccounts: `<name>` in the app namespace, or `<namespace>/<name>`. */
  readonly from: string[];
}

export interface MeshAppProps {
  /** The app's name: its VirtualService's. */
  readonly name: string;
  /** Its namespace, created here with sidecar injection. @default name */
  readonly namespace?: string;
  /** Public hosts, matched on the Host header. */
  readonly hosts: string[];
  /** Routes from the gateway, first match wins. */
  readonly routes: MeshAppRoute[];
  /** The shared Gateway, `<namespace>/<name>` (EdgeGateway.reference, or an IstioApiGateway's namespace and name). */
  readonly gateway: string;
  /** A VirtualService to an Istio Gateway, or an HTTPRoute to a Gateway API gateway. @default 'virtualService' */
  readonly binding?: EdgeBinding;
  /** The gateway pods' ServiceAccount, whose mTLS principal calls the routes' workloads. */
  readonly gatewayServiceAccount: string;
  /** Trust domain of the mesh, the first part of every principal. @default 'cluster.local' */
  readonly trustDomain?: string;
  /** External hosts the app calls (a ServiceEntry each). @default [] */
  readonly externalHosts?: string[];
  /** Sidecar outbound traffic policy. @default 'REGISTRY_ONLY' */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  /** mTLS mode of the namespace's PeerAuthentication; null: none here, a mesh-wide one applies. @default 'STRICT' */
  readonly mtlsMode?: MtlsMode | null;
  /** Istio's root namespace. @default 'istio-system' */
  readonly rootNamespace?: string;
  /** Zero-trust AuthorizationPolicies: allow-nothing, the gateway to the routes' workloads, and `allow`. @default true */
  readonly authorization?: boolean;
  /** The pod label whose value names a workload. @default 'app' */
  readonly workloadLabel?: string;
  /** In-app calls to allow. @default [] */
  readonly allow?: MeshAppAllow[];
}

/** `<prefix><name>` as an object name: at most 63 characters, no trailing dash. */
export const policyName = (prefix: string, workload: string) => `${prefix}${workload}`.slice(0, 63).replace(/-+$/, '');

/**
 * One team's app behind the shared ingress gateway: its namespace (sidecar injection), a VirtualService binding its
 * hosts to the Gateway, ServiceEntries for its external hosts, a REGISTRY_ONLY Sidecar, a PeerAuthentication, and
 * zero-trust authorization: allow-nothing, one ALLOW per workload its routes reach for the gateway's principal on the
 * routes' container ports, and one per `allow` entry. Nothing here is specific to one app.
 */
export class MeshApp extends Construct {
  public readonly namespace: MeshNamespace;
  public readonly edge: EdgeApp;
  public readonly authorization?: MeshAuthorization;

  constructor(scope: Construct, id: string, props: MeshAppProps) {
    super(scope, id);
    assertFormat('name', props.name, APP_NAME);
    const namespace = props.namespace ?? props.name;
    const trustDomain = props.trustDomain ?? 'cluster.local';
    const workloadLabel = props.workloadLabel ?? 'app';
    const allow = props.allow ?? [];
    assertFormat('gateway', props.gateway, GATEWAY_REFERENCE);
    assertFormat('trustDomain', trustDomain, TRUST_DOMAIN);
    assertFormat('workloadLabel', workloadLabel, LABEL_KEY);
    const gatewayNamespace = props.gateway.split('/')[0];
    if (namespace === gatewayNamespace) {
      throw new PropError(
        'namespace',
        (n) =>
          `must be a namespace of its own, not the gateway's (of '${n('gateway')}'), as allow-nothing and the Sidecar would apply to the gateway, got ${echo(namespace)}`,
      );
    }
    this.namespace = renamingProps(
      { name: 'namespace' },
      () => new MeshNamespace(this, 'Namespace', { name: namespace }),
    );
    this.edge = new EdgeApp(this, 'Edge', {
      namespace,
      hosts: props.hosts,
      routes: props.routes,
      gateway: props.gateway,
      binding: props.binding,
      virtualServiceName: props.name,
      externalHosts: props.externalHosts,
      outboundTrafficPolicy: props.outboundTrafficPolicy,
      mtlsMode: props.mtlsMode,
      rootNamespace: props.rootNamespace,
    });
    if (props.authorization === false) return;

    const principal = (field: string, caller: string) => {
      assertFormat(field, caller, SERVICE_ACCOUNT_REF);
      const [ns, sa] = caller.includes('/') ? caller.split('/') : [namespace, caller];
      return spiffePrincipal(trustDomain, ns, sa);
    };
    const gatewayPrincipal = principal('gatewayServiceAccount', `${gatewayNamespace}/${props.gatewayServiceAccount}`);
    // One policy per workload the routes reach, with every port they reach on it.
    const gatewayPorts = new Map<string, Set<number>>();
    props.routes.forEach((r, i) => {
      const workload = r.workload ?? r.service;
      assertFormat(`routes[${i}].workload`, workload, DNS_LABEL);
      const port = r.targetPort ?? r.port;
      assertPort(`routes[${i}].targetPort`, port);
      const ports = gatewayPorts.get(workload) ?? new Set<number>();
      ports.add(port);
      gatewayPorts.set(workload, ports);
    });
    const policies: WorkloadAuthorization[] = [...gatewayPorts].map(([workload, ports]) => ({
      name: policyName('gateway-to-', workload),
      selector: { [workloadLabel]: workload },
      fromPrincipals: [gatewayPrincipal],
      ports: [...ports],
    }));
    allow.forEach((a, i) => {
      assertFormat(`allow[${i}].workload`, a.workload, DNS_LABEL);
      assertNonEmpty(`allow[${i}].from`, a.from, 'ServiceAccount');
      policies.push({
        name: policyName('callers-of-', a.workload),
        selector: { [workloadLabel]: a.workload },
        fromPrincipals: a.from.map((caller, j) => principal(`allow[${i}].from[${j}]`, caller)),
        ports: a.ports,
      });
    });
    this.authorization = new MeshAuthorization(this, 'Authorization', { namespace, policies });
  }
}
