/**
 * The Kubernetes Gateway API edge as the controllers see it, built once per inventory: which Gateways the AWS Load
 * Balancer Controller turns into ALBs (class controllerName `gateway.k8s.aws/alb`), which Gateways Istio deploys
 * (class `istio`), the Services the ALB routes to, and the TargetGroupConfigurations and ReferenceGrants that apply.
 * Everything is indexed by namespace/name, so the rules that read it stay linear in the objects.
 */
import { Obj } from './identity';
import { Inventory } from './inventory';
import { append, arr, at, rec, str, strMap } from './util';

export const GATEWAY_API = 'gateway.networking.k8s.io';
export const LBC_GATEWAY = 'gateway.k8s.aws';
export const ALB_CONTROLLER = 'gateway.k8s.aws/alb';
export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
/** The class istiod creates itself (so it is rarely in the manifests). */
export const ISTIO_CLASS = 'istio';
/** Overrides the `<gateway>-<class>` name of the Deployment and Service Istio creates (G16). */
export const ISTIO_NAME_OVERRIDE = 'gateway.istio.io/name-override';

export interface GatewayListener {
  readonly index: number;
  readonly name?: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly hostname?: string;
  readonly hasTls: boolean;
}

/** A backendRef of an HTTPRoute, resolved to the Service namespace/name it names. */
export interface RouteBackend {
  readonly route: Obj;
  readonly field: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
}

export interface GatewayApiModel {
  /** Gateways of a GatewayClass whose controllerName is `gateway.k8s.aws/alb`. */
  readonly albGateways: Obj[];
  /** Gateways of the class `istio` (or of a class the manifests give Istio's controllerName). */
  readonly istioGateways: Obj[];
  /** HTTPRoute backendRefs to Services, of every HTTPRoute. */
  readonly backends: RouteBackend[];
  /** Backends of HTTPRoutes attached to an ALB Gateway, by `namespace/name` of the Service. */
  readonly albBackends: ReadonlyMap<string, RouteBackend[]>;
  /** TargetGroupConfigurations by `namespace/name` of the Service they target. */
  readonly targetGroupConfigs: ReadonlyMap<string, Obj[]>;
  /** Istio Gateways by `namespace/name` of the Service Istio creates for them. */
  readonly istioGatewayByService: ReadonlyMap<string, Obj>;
  /** Whether a ReferenceGrant in `toNamespace` lets HTTPRoutes of `fromNamespace` reference Service `name`. */
  granted(toNamespace: string, fromNamespace: string, name: string): boolean;
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function listeners(gw: Obj): GatewayListener[] {
  return arr(at(gw.raw.spec, 'listeners')).map((l, index) => {
    const r = rec(l);
    const port = r.port;
    return {
      index,
      name: str(r.name),
      protocol: str(r.protocol),
      port: typeof port === 'number' ? port : undefined,
      hostname: str(r.hostname),
      hasTls: r.tls !== undefined && r.tls !== null,
    };
  });
}

/** The Service Istio deploys for a Gateway of its class: `<gateway>-<class>` unless overridden (G16). */
export function istioServiceName(gw: Obj): string {
  return (
    strMap(gw.raw.metadata?.annotations)[ISTIO_NAME_OVERRIDE] ??
    `${gw.name}-${str(at(gw.raw.spec, 'gatewayClassName')) ?? ISTIO_CLASS}`
  );
}

export function gatewayApiModel(inv: Inventory): GatewayApiModel {
  return inv.memo('gatewayApiModel', () => build(inv));
}

function build(inv: Inventory): GatewayApiModel {
  const controllers = new Map<string, string | undefined>();
  for (const c of inv.of('GatewayClass', GATEWAY_API)) controllers.set(c.name, str(at(c.raw.spec, 'controllerName')));
  const albGateways: Obj[] = [];
  const istioGateways: Obj[] = [];
  const albGatewayKeys = new Set<string>();
  const istioGatewayByService = new Map<string, Obj>();
  for (const gw of inv.of('Gateway', GATEWAY_API)) {
    const cls = str(at(gw.raw.spec, 'gatewayClassName'));
    if (cls === undefined) continue;
    const controller = controllers.get(cls);
    if (controller === ALB_CONTROLLER) {
      albGateways.push(gw);
      albGatewayKeys.add(serviceKey(gw.namespace, gw.name));
    } else if (controller === ISTIO_CONTROLLER || (cls === ISTIO_CLASS && !controllers.has(cls))) {
      istioGateways.push(gw);
      istioGatewayByService.set(serviceKey(gw.namespace, istioServiceName(gw)), gw);
    }
  }

  const backends: RouteBackend[] = [];
  const albBackends = new Map<string, RouteBackend[]>();
  for (const route of inv.of('HTTPRoute', GATEWAY_API)) {
    const toAlb = arr(at(route.raw.spec, 'parentRefs')).some((p) => {
      const r = rec(p);
      if ((str(r.group) ?? GATEWAY_API) !== GATEWAY_API || (str(r.kind) ?? 'Gateway') !== 'Gateway') return false;
      const name = str(r.name);
      return name !== undefined && albGatewayKeys.has(serviceKey(str(r.namespace) ?? route.namespace, name));
    });
    arr(at(route.raw.spec, 'rules')).forEach((rule, i) => {
      arr(rec(rule).backendRefs).forEach((b, j) => {
        const r = rec(b);
        const name = str(r.name);
        if (name === undefined || (str(r.group) ?? '') !== '' || (str(r.kind) ?? 'Service') !== 'Service') return;
        const port = r.port;
        const backend: RouteBackend = {
          route,
          field: `spec.rules[${i}].backendRefs[${j}]`,
          namespace: str(r.namespace) ?? route.namespace,
          name,
          port: typeof port === 'number' ? port : undefined,
        };
        backends.push(backend);
        if (toAlb) append(albBackends, serviceKey(backend.namespace, name), backend);
      });
    });
  }

  const targetGroupConfigs = new Map<string, Obj[]>();
  for (const tgc of inv.of('TargetGroupConfiguration', LBC_GATEWAY)) {
    const name = str(at(tgc.raw.spec, 'targetReference.name'));
    if (name !== undefined) append(targetGroupConfigs, serviceKey(tgc.namespace, name), tgc);
  }

  // Grants as `to-namespace \0 from-namespace \0 service name`, '*' when the grant names no Service.
  const grants = new Set<string>();
  for (const g of inv.of('ReferenceGrant', GATEWAY_API)) {
    const froms = arr(at(g.raw.spec, 'from'))
      .map(rec)
      .filter((x) => str(x.group) === GATEWAY_API && str(x.kind) === 'HTTPRoute' && str(x.namespace) !== undefined);
    const tos = arr(at(g.raw.spec, 'to'))
      .map(rec)
      .filter((x) => (str(x.group) ?? '') === '' && str(x.kind) === 'Service');
    for (const from of froms)
      for (const to of tos) grants.add(`${g.namespace}\u0000${str(from.namespace)}\u0000${str(to.name) ?? '*'}`);
  }

  return {
    albGateways,
    istioGateways,
    backends,
    albBackends,
    targetGroupConfigs,
    istioGatewayByService,
    granted: (toNamespace, fromNamespace, name) =>
      grants.has(`${toNamespace}\u0000${fromNamespace}\u0000${name}`) ||
      grants.has(`${toNamespace}\u0000${fromNamespace}\u0000*`),
  };
}
