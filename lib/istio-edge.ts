import { Construct } from 'constructs';
import {
  DestinationRule,
  Gateway,
  GatewaySpecServersTlsMode,
  ServiceEntry,
  ServiceEntrySpecLocation,
  ServiceEntrySpecResolution,
  Sidecar,
  SidecarSpecOutboundTrafficPolicyMode,
  VirtualService,
} from '../imports/networking.istio.io';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../imports/security.istio.io';
import { HttpRoute } from '../imports/gateway.networking.k8s.io';
import { EdgeRoute } from './edge-route';
import { AppHttpRoute } from './istio-gateway-api';
import {
  DNS_LABEL,
  EXTERNAL_HOSTNAME,
  GATEWAY_REFERENCE,
  HOSTNAME,
  LABEL_KEY,
  LABEL_VALUE,
  PATH_PREFIX,
  PropError,
  assertFormat,
  assertNonEmpty,
  assertOneOf,
  assertPort,
  echo,
  renamingProps,
} from './patterns';
import { GATEWAY_HTTPS_PORT, HTTPS_PORT, HTTP_PORT } from './ports';

export type { EdgeRoute };

export const MTLS_MODES = ['STRICT', 'PERMISSIVE'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];
export const MTLS_SCOPES = ['namespace', 'mesh'] as const;
export type MtlsScope = (typeof MTLS_SCOPES)[number];
export const OUTBOUND_POLICIES = ['REGISTRY_ONLY', 'ALLOW_ANY'] as const;
export type OutboundTrafficPolicy = (typeof OUTBOUND_POLICIES)[number];
/** How a mesh service is routed: `http` by path prefix, `tcp` by port. */
export const MESH_SERVICE_PROTOCOLS = ['http', 'tcp'] as const;
export type MeshServiceProtocol = (typeof MESH_SERVICE_PROTOCOLS)[number];

/** An in-mesh Service that gets its own VirtualService (and a DestinationRule when it needs TCP keepalive). */
export interface MeshService {
  /** Service name, in the IstioEdge namespace. */
  readonly name: string;
  /** Service port. */
  readonly port: number;
  /** `http` routes by path prefix; `tcp` by port. */
  readonly protocol: MeshServiceProtocol;
  /** For `http`: the path prefix to route. @default '/' */
  readonly pathPrefix?: string;
  /** TCP keepalive for long-lived connections, as Istio durations. @default - no DestinationRule */
  readonly tcpKeepalive?: { readonly time: string; readonly interval: string };
}

export interface IstioEdgeProps {
  /** Namespace of the application: VirtualServices, ServiceEntries, Sidecar and (namespace scope) PeerAuthentication. */
  readonly namespace: string;
  /** Public hosts, matched on the HTTP Host header (never on SNI, which the ALB does not send). */
  readonly hosts: string[];
  /** Routes from the gateway, first match wins. */
  readonly routes: EdgeRoute[];
  /** Name of the Gateway. */
  readonly gatewayName: string;
  /** Namespace of the Gateway: the gateway workload's namespace, where its TLS secret must be. */
  readonly gatewayNamespace: string;
  /** Pod labels of the gateway workload. */
  readonly gatewaySelector: Record<string, string>;
  /** Secret holding the gateway's certificate, in `gatewayNamespace`. */
  readonly credentialName: string;
  /** Name of the VirtualService that binds `hosts` to the Gateway. @default 'edge' */
  readonly virtualServiceName?: string;
  /** In-mesh services to route explicitly. @default [] */
  readonly meshServices?: MeshService[];
  /** External hosts the workloads may call (a ServiceEntry each). @default [] */
  readonly externalHosts?: string[];
  /** Sidecar outbound traffic policy for the namespace. @default 'REGISTRY_ONLY' */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  /** Peer mTLS mode. @default 'STRICT' */
  readonly mtlsMode?: MtlsMode;
  /** `namespace`: the policy covers `namespace`; `mesh`: the whole mesh, from `rootNamespace`. @default 'namespace' */
  readonly mtlsScope?: MtlsScope;
  /** Istio's root namespace. @default 'istio-system' */
  readonly rootNamespace?: string;
}

const fqdn = (service: string, namespace: string) => `${service}.${namespace}.svc.cluster.local`;
/** The name of a host's ServiceEntry: `*.a.b` -> `wildcard-a-b`, at most 63 characters. */
export const resourceNameOf = (host: string) =>
  host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');

/** How an app's routes bind to the gateway: an Istio VirtualService, or a Gateway API HTTPRoute. */
export const EDGE_BINDINGS = ['virtualService', 'httpRoute'] as const;
export type EdgeBinding = (typeof EDGE_BINDINGS)[number];

/** The shared part of the edge: the Gateway every app's VirtualService binds to. */
export interface EdgeGatewayProps {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway: the gateway workload's namespace, where its TLS secret must be. */
  readonly namespace: string;
  /** Pod labels of the gateway workload. */
  readonly selector: Record<string, string>;
  /** Secret holding the gateway's certificate, in `namespace`. */
  readonly credentialName: string;
}

/**
 * The HTTPS Gateway that receives the ALB's re-encrypted traffic. It matches no host: the ALB sends no SNI, so the
 * VirtualServices of the apps bound to it choose by the Host header.
 */
export class EdgeGateway extends Construct {
  public readonly gateway: Gateway;
  /** `<namespace>/<name>`, as a VirtualService in another namespace names it. */
  public readonly reference: string;

  constructor(scope: Construct, id: string, props: EdgeGatewayProps) {
    super(scope, id);
    assertFormat('name', props.name, DNS_LABEL);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertNonEmpty('selector', Object.keys(props.selector ?? {}), 'label');
    for (const [k, v] of Object.entries(props.selector)) {
      assertFormat('selector key', k, LABEL_KEY);
      assertFormat(`selector.${k}`, v, LABEL_VALUE);
    }
    assertFormat('credentialName', props.credentialName, DNS_LABEL);
    // Qualified with the namespace: a bare name would resolve in the VirtualService's own namespace.
    this.reference = `${props.namespace}/${props.name}`;
    this.gateway = new Gateway(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        selector: { ...props.selector },
        servers: [
          {
            port: { number: GATEWAY_HTTPS_PORT, name: 'https', protocol: 'HTTPS' },
            // SIMPLE, not MUTUAL: the ALB presents no client certificate.
            tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: props.credentialName },
            // '*' adds no SNI match to the listener; the ALB sends no SNI, so specific hosts here reset every handshake.
            hosts: ['*'],
          },
        ],
      },
    });
  }
}

/** One app behind the shared gateway: its routing, egress and namespace-wide mesh policy. */
export interface EdgeAppProps {
  /** Namespace of the app: VirtualServices, ServiceEntries, Sidecar and PeerAuthentication. */
  readonly namespace: string;
  /** Public hosts, matched on the HTTP Host header (never on SNI, which the ALB does not send). */
  readonly hosts: string[];
  /** Routes from the gateway, first match wins; no two with the same prefix. */
  readonly routes: EdgeRoute[];
  /**
   * The Gateway to bind to, `<namespace>/<name>`: EdgeGateway.reference, or an IstioApiGateway's namespace and name.
   */
  readonly gateway: string;
  /**
   * How the hosts and routes bind to the gateway: a VirtualService (an Istio Gateway, first match wins) or an
   * HTTPRoute (a Gateway API gateway of class istio, the longest prefix wins). @default 'virtualService'
   */
  readonly binding?: EdgeBinding;
  /** Name of the VirtualService that binds `hosts` to the Gateway. @default 'edge' */
  readonly virtualServiceName?: string;
  /** In-mesh services to route explicitly. @default [] */
  readonly meshServices?: MeshService[];
  /** External hosts the workloads may call (a ServiceEntry each). @default [] */
  readonly externalHosts?: string[];
  /** Sidecar outbound traffic policy for the namespace. @default 'REGISTRY_ONLY' */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
  /** Peer mTLS mode of the PeerAuthentication; null: none here (a mesh-wide one applies). @default 'STRICT' */
  readonly mtlsMode?: MtlsMode | null;
  /** Put the PeerAuthentication in `rootNamespace`, for the whole mesh, instead of the app namespace. @default false */
  readonly meshWideMtls?: boolean;
  /** Istio's root namespace, which an app must not use: its policies apply to the whole mesh. @default 'istio-system' */
  readonly rootNamespace?: string;
}

/**
 * The per-app part of the edge: a VirtualService binding the app's hosts to the shared Gateway, VirtualServices for
 * in-mesh services, egress ServiceEntries, and the namespace's Sidecar and (unless null) PeerAuthentication.
 */
export class EdgeApp extends Construct {
  /** The VirtualService binding the hosts (binding virtualService). */
  public readonly virtualService?: VirtualService;
  /** The HTTPRoute binding the hosts (binding httpRoute). */
  public readonly httpRoute?: HttpRoute;
  public readonly peerAuthentication?: PeerAuthentication;

  constructor(scope: Construct, id: string, props: EdgeAppProps) {
    super(scope, id);
    const meshServices = props.meshServices ?? [];
    const externalHosts = props.externalHosts ?? [];
    const virtualServiceName = props.virtualServiceName ?? 'edge';
    const outboundTrafficPolicy = props.outboundTrafficPolicy ?? 'REGISTRY_ONLY';
    const mtlsMode = props.mtlsMode === undefined ? 'STRICT' : props.mtlsMode;
    const rootNamespace = props.rootNamespace ?? 'istio-system';

    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertNonEmpty('hosts', props.hosts, 'host');
    props.hosts.forEach((h, i) => assertFormat(`hosts[${i}]`, h, HOSTNAME));
    assertNonEmpty('routes', props.routes, 'route');
    const prefixes = new Map<string, number>();
    props.routes.forEach((r, i) => {
      assertFormat(`routes[${i}].pathPrefix`, r.pathPrefix, PATH_PREFIX);
      assertFormat(`routes[${i}].service`, r.service, DNS_LABEL);
      assertPort(`routes[${i}].port`, r.port);
      if (r.namespace !== undefined) assertFormat(`routes[${i}].namespace`, r.namespace, DNS_LABEL);
      // First match wins: a second route with the same prefix would never be taken.
      const earlier = prefixes.get(r.pathPrefix);
      if (earlier !== undefined)
        throw new PropError(
          `routes[${i}].pathPrefix`,
          `repeats the prefix of routes[${earlier}], which always matches first, got ${echo(r.pathPrefix)}`,
        );
      prefixes.set(r.pathPrefix, i);
    });
    assertFormat('gateway', props.gateway, GATEWAY_REFERENCE);
    assertFormat('virtualServiceName', virtualServiceName, DNS_LABEL);
    meshServices.forEach((s, i) => {
      assertFormat(`meshServices[${i}].name`, s.name, DNS_LABEL);
      assertPort(`meshServices[${i}].port`, s.port);
      assertOneOf(`meshServices[${i}].protocol`, s.protocol, MESH_SERVICE_PROTOCOLS);
      if (s.pathPrefix !== undefined) assertFormat(`meshServices[${i}].pathPrefix`, s.pathPrefix, PATH_PREFIX);
    });
    const clash = meshServices.find((s) => s.name === virtualServiceName);
    if (clash) {
      throw new PropError('virtualServiceName', `must differ from the mesh service names, got ${echo(clash.name)}`);
    }
    externalHosts.forEach((h, i) => assertFormat(`externalHosts[${i}]`, h, EXTERNAL_HOSTNAME));
    assertOneOf('outboundTrafficPolicy', outboundTrafficPolicy, OUTBOUND_POLICIES);
    if (mtlsMode !== null) assertOneOf('mtlsMode', mtlsMode, MTLS_MODES);
    assertFormat('rootNamespace', rootNamespace, DNS_LABEL);
    // The Sidecar and PeerAuthentication here are namespace-wide: in the root namespace they would cover the whole mesh.
    if (props.namespace === rootNamespace) {
      throw new PropError(
        'namespace',
        (n) =>
          `must be a namespace of its own, not the mesh root namespace (${n('rootNamespace')}), whose policies apply to the whole mesh, got ${echo(props.namespace)}`,
      );
    }

    assertOneOf('binding', props.binding ?? 'virtualService', EDGE_BINDINGS);
    if (props.binding === 'httpRoute') {
      this.httpRoute = new AppHttpRoute(this, 'EdgeRoutes', {
        name: virtualServiceName,
        namespace: props.namespace,
        hosts: props.hosts,
        routes: props.routes,
        gateway: props.gateway,
      }).route;
    } else {
      this.virtualService = new VirtualService(this, 'EdgeRoutes', {
        metadata: { name: virtualServiceName, namespace: props.namespace },
        spec: {
          hosts: [...props.hosts],
          gateways: [props.gateway],
          http: props.routes.map((r) => ({
            match: [{ uri: { prefix: r.pathPrefix } }],
            route: [
              { destination: { host: fqdn(r.service, r.namespace ?? props.namespace), port: { number: r.port } } },
            ],
          })),
        },
      });
    }

    for (const s of meshServices) {
      const host = fqdn(s.name, props.namespace);
      const destination = { host, port: { number: s.port } };
      new VirtualService(this, `Mesh-${s.name}`, {
        metadata: { name: s.name, namespace: props.namespace },
        spec:
          s.protocol === 'http'
            ? { hosts: [host], http: [{ match: [{ uri: { prefix: s.pathPrefix ?? '/' } }], route: [{ destination }] }] }
            : { hosts: [host], tcp: [{ match: [{ port: s.port }], route: [{ destination }] }] },
      });
      if (s.tcpKeepalive) {
        // Only connection-pool settings: without a `tls` block, auto-mTLS still applies.
        new DestinationRule(this, `Keepalive-${s.name}`, {
          metadata: { name: s.name, namespace: props.namespace },
          spec: { host, trafficPolicy: { connectionPool: { tcp: { tcpKeepalive: { ...s.tcpKeepalive } } } } },
        });
      }
    }

    for (const host of externalHosts) {
      new ServiceEntry(this, `External-${host}`, {
        metadata: { name: resourceNameOf(host), namespace: props.namespace },
        spec: {
          hosts: [host],
          location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
          resolution: ServiceEntrySpecResolution.DNS,
          ports: [
            { number: HTTP_PORT, name: 'http', protocol: 'HTTP' },
            { number: HTTPS_PORT, name: 'https', protocol: 'HTTPS' },
          ],
        },
      });
    }

    // One Sidecar named `default` without a workloadSelector: the namespace-wide default.
    new Sidecar(this, 'Sidecar', {
      metadata: { name: 'default', namespace: props.namespace },
      spec: { outboundTrafficPolicy: { mode: outboundTrafficPolicy as SidecarSpecOutboundTrafficPolicyMode } },
    });

    if (mtlsMode !== null)
      this.peerAuthentication = meshPeerAuthentication(
        this,
        props.meshWideMtls ? rootNamespace : props.namespace,
        mtlsMode,
      );
  }
}

/** The PeerAuthentication `default` of a namespace: namespace-wide, or mesh-wide in the root namespace. */
export function meshPeerAuthentication(scope: Construct, namespace: string, mode: MtlsMode): PeerAuthentication {
  return new PeerAuthentication(scope, 'PeerAuthentication', {
    metadata: { name: 'default', namespace },
    spec: { mtls: { mode: mode as PeerAuthenticationSpecMtlsMode } },
  });
}

/**
 * The Istio side of the edge for one app: the shared Gateway (EdgeGateway) and the app's part (EdgeApp), whose
 * PeerAuthentication is in the app namespace or, with `mtlsScope: mesh`, mesh-wide in the root namespace.
 */
export class IstioEdge extends Construct {
  public readonly gateway: Gateway;
  public readonly virtualService: VirtualService;
  public readonly peerAuthentication: PeerAuthentication;

  constructor(scope: Construct, id: string, props: IstioEdgeProps) {
    super(scope, id);
    const mtlsMode = props.mtlsMode ?? 'STRICT';
    const mtlsScope = props.mtlsScope ?? 'namespace';
    const rootNamespace = props.rootNamespace ?? 'istio-system';
    assertOneOf('mtlsMode', mtlsMode, MTLS_MODES);
    assertOneOf('mtlsScope', mtlsScope, MTLS_SCOPES);
    const edgeGateway = renamingProps(
      { name: 'gatewayName', namespace: 'gatewayNamespace', selector: 'gatewaySelector' },
      () =>
        new EdgeGateway(this, 'Gateway', {
          name: props.gatewayName,
          namespace: props.gatewayNamespace,
          selector: props.gatewaySelector,
          credentialName: props.credentialName,
        }),
    );
    this.gateway = edgeGateway.gateway;
    const app = new EdgeApp(this, 'App', {
      namespace: props.namespace,
      hosts: props.hosts,
      routes: props.routes,
      gateway: edgeGateway.reference,
      virtualServiceName: props.virtualServiceName,
      meshServices: props.meshServices,
      externalHosts: props.externalHosts,
      outboundTrafficPolicy: props.outboundTrafficPolicy,
      mtlsMode,
      meshWideMtls: mtlsScope === 'mesh',
      rootNamespace,
    });
    this.virtualService = app.virtualService as VirtualService;
    this.peerAuthentication = app.peerAuthentication as PeerAuthentication;
  }
}
