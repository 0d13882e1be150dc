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
import {
  DNS_LABEL,
  EXTERNAL_HOSTNAME,
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
} from './patterns';
import { GATEWAY_HTTPS_PORT, HTTPS_PORT, HTTP_PORT } from './ports';

export const MTLS_MODES = ['STRICT', 'PERMISSIVE'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];
export const MTLS_SCOPES = ['namespace', 'mesh'] as const;
export type MtlsScope = (typeof MTLS_SCOPES)[number];
export const OUTBOUND_POLICIES = ['REGISTRY_ONLY', 'ALLOW_ANY'] as const;
export type OutboundTrafficPolicy = (typeof OUTBOUND_POLICIES)[number];
/** How a mesh service is routed: `http` by path prefix, `tcp` by port. */
export const MESH_SERVICE_PROTOCOLS = ['http', 'tcp'] as const;
export type MeshServiceProtocol = (typeof MESH_SERVICE_PROTOCOLS)[number];

/** A route from the gateway: requests whose path starts with `pathPrefix` go to `service:port`. */
export interface EdgeRoute {
  /** Path prefix to match. */
  readonly pathPrefix: string;
  /** Destination Service name. */
  readonly service: string;
  /** Destination Service port. */
  readonly port: number;
  /** Namespace of the Service. @default - the IstioEdge namespace */
  readonly namespace?: string;
}

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

/**
 * The Istio side of the edge: an HTTPS Gateway for the ALB's re-encrypted traffic, the VirtualServices behind it,
 * egress ServiceEntries and the namespace's Sidecar and PeerAuthentication.
 */
export class IstioEdge extends Construct {
  public readonly gateway: Gateway;
  public readonly virtualService: VirtualService;
  public readonly peerAuthentication: PeerAuthentication;

  constructor(scope: Construct, id: string, props: IstioEdgeProps) {
    super(scope, id);
    const meshServices = props.meshServices ?? [];
    const externalHosts = props.externalHosts ?? [];
    const virtualServiceName = props.virtualServiceName ?? 'edge';
    const outboundTrafficPolicy = props.outboundTrafficPolicy ?? 'REGISTRY_ONLY';
    const mtlsMode = props.mtlsMode ?? 'STRICT';
    const mtlsScope = props.mtlsScope ?? 'namespace';
    const rootNamespace = props.rootNamespace ?? 'istio-system';

    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertNonEmpty('hosts', props.hosts, 'host');
    props.hosts.forEach((h, i) => assertFormat(`hosts[${i}]`, h, HOSTNAME));
    assertNonEmpty('routes', props.routes, 'route');
    props.routes.forEach((r, i) => {
      assertFormat(`routes[${i}].pathPrefix`, r.pathPrefix, PATH_PREFIX);
      assertFormat(`routes[${i}].service`, r.service, DNS_LABEL);
      assertPort(`routes[${i}].port`, r.port);
      if (r.namespace !== undefined) assertFormat(`routes[${i}].namespace`, r.namespace, DNS_LABEL);
    });
    assertFormat('gatewayName', props.gatewayName, DNS_LABEL);
    assertFormat('gatewayNamespace', props.gatewayNamespace, DNS_LABEL);
    assertNonEmpty('gatewaySelector', Object.keys(props.gatewaySelector ?? {}), 'label');
    for (const [k, v] of Object.entries(props.gatewaySelector)) {
      assertFormat('gatewaySelector key', k, LABEL_KEY);
      assertFormat(`gatewaySelector.${k}`, v, LABEL_VALUE);
    }
    assertFormat('credentialName', props.credentialName, DNS_LABEL);
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
    assertOneOf('mtlsMode', mtlsMode, MTLS_MODES);
    assertOneOf('mtlsScope', mtlsScope, MTLS_SCOPES);
    assertFormat('rootNamespace', rootNamespace, DNS_LABEL);
    // The Sidecar and PeerAuthentication here are namespace-wide: in the root namespace they would cover the whole mesh.
    if (props.namespace === rootNamespace) {
      throw new PropError(
        'namespace',
        (n) =>
          `must be a namespace of its own, not the mesh root namespace (${n('rootNamespace')}), whose policies apply to the whole mesh, got ${echo(props.namespace)}`,
      );
    }

    this.gateway = new Gateway(this, 'Gateway', {
      metadata: { name: props.gatewayName, namespace: props.gatewayNamespace },
      spec: {
        selector: { ...props.gatewaySelector },
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

    this.virtualService = new VirtualService(this, 'EdgeRoutes', {
      metadata: { name: virtualServiceName, namespace: props.namespace },
      spec: {
        hosts: [...props.hosts],
        // Qualified with the namespace: a bare name would resolve in the VirtualService's own namespace.
        gateways: [`${props.gatewayNamespace}/${props.gatewayName}`],
        http: props.routes.map((r) => ({
          match: [{ uri: { prefix: r.pathPrefix } }],
          route: [{ destination: { host: fqdn(r.service, r.namespace ?? props.namespace), port: { number: r.port } } }],
        })),
      },
    });

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

    this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: { name: 'default', namespace: mtlsScope === 'mesh' ? rootNamespace : props.namespace },
      spec: { mtls: { mode: mtlsMode as PeerAuthenticationSpecMtlsMode } },
    });
  }
}
