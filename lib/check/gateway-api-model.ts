/**
 * The Kubernetes Gateway API edge as the controllers see it, built once per inventory: which Gateways the AWS Load
 * Balancer Controller turns into ALBs (class controllerName `gateway.k8s.aws/alb`), which Gateways Istio deploys
 * (class `istio`), the Services the ALB routes to, and the TargetGroupConfigurations and ReferenceGrants that apply.
 * Everything is indexed by namespace/name, so the rules that read it stay linear in the objects.
 */
import { Obj } from './identity';
import { Inventory } from './inventory';
import { annotationField, append, arr, at, isRec, parseYamlText, rec, str, strMap } from './util';

export const GATEWAY_API = 'gateway.networking.k8s.io';
export const LBC_GATEWAY = 'gateway.k8s.aws';
export const ALB_CONTROLLER = 'gateway.k8s.aws/alb';
export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
/** The class istiod creates itself (so it is rarely in the manifests). */
export const ISTIO_CLASS = 'istio';
/** Overrides the `<gateway>-<class>` name of the Deployment and Service Istio creates (G16). */
export const ISTIO_NAME_OVERRIDE = 'gateway.istio.io/name-override';
/** Overrides the ServiceAccount of the pods Istio deploys (G16). */
const ISTIO_SERVICE_ACCOUNT = 'gateway.istio.io/service-account';
/** Sets the type of the Service Istio creates for a Gateway (default LoadBalancer). */
export const ISTIO_SERVICE_TYPE = 'networking.istio.io/service-type';

export interface GatewayListener {
  readonly index: number;
  readonly name?: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly hostname?: string;
  readonly hasTls: boolean;
  /** tls.mode as written (Terminate when tls is set without one). */
  readonly tlsMode?: string;
  /** tls.certificateRefs as `namespace/name` (the Gateway's namespace when unset). */
  readonly certificateRefs: string[];
  /** tls.options is set (Istio's ISTIO_SIMPLE mode needs no certificate). */
  readonly hasTlsOptions: boolean;
  readonly allowedRoutes: unknown;
}

/** A parentRef of an HTTPRoute to a Gateway. */
export interface Attachment {
  readonly route: Obj;
  /** Index of the parentRef. */
  readonly index: number;
  readonly sectionName?: string;
  readonly port?: number;
}

/** A backendRef of an HTTPRoute, resolved to the Service namespace/name it names. */
export interface RouteBackend {
  readonly route: Obj;
  readonly field: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
  /** The rule of the route the backendRef is in. */
  readonly rule: unknown;
  readonly ruleIndex: number;
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
  /** HTTPRoute parentRefs by `namespace/name` of the Gateway they name. */
  readonly attachments: ReadonlyMap<string, Attachment[]>;
  /** Backends of each HTTPRoute, in order. */
  readonly backendsByRoute: ReadonlyMap<Obj, RouteBackend[]>;
  /** Istio Gateways by `namespace/name` of the Service Istio creates for them. */
  readonly istioGatewayByService: ReadonlyMap<string, Obj>;
  /** Whether a ReferenceGrant in `toNamespace` lets HTTPRoutes of `fromNamespace` reference Service `name`. */
  granted(toNamespace: string, fromNamespace: string, name: string): boolean;
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

const listenersMemo = new WeakMap<Obj, GatewayListener[]>();

/** A Gateway's listeners, read once per Gateway. */
export function listeners(gw: Obj): GatewayListener[] {
  let out = listenersMemo.get(gw);
  if (!out) listenersMemo.set(gw, (out = readListeners(gw)));
  return out;
}

function readListeners(gw: Obj): GatewayListener[] {
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
      tlsMode: str(at(r.tls, 'mode')) ?? (isRec(r.tls) ? 'Terminate' : undefined),
      certificateRefs: arr(at(r.tls, 'certificateRefs'))
        .map(rec)
        .filter((c) => str(c.name) !== undefined)
        .map((c) => `${str(c.namespace) ?? gw.namespace}/${str(c.name)}`),
      hasTlsOptions: Object.keys(rec(at(r.tls, 'options'))).length > 0,
      allowedRoutes: r.allowedRoutes,
    };
  });
}

/** The labels a namespace selector sees: the Namespace's own and the `kubernetes.io/metadata.name` every namespace carries. */
function namespaceLabels(inv: Inventory, ns: string): Record<string, string> {
  return { ...strMap(inv.namespaceObj(ns)?.raw.metadata?.labels), 'kubernetes.io/metadata.name': ns };
}

/** A label selector (matchLabels, matchExpressions) against labels; an empty selector matches everything. */
function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(strMap(at(selector, 'matchLabels')))) if (labels[k] !== v) return false;
  return arr(at(selector, 'matchExpressions')).every((e) => {
    const r = rec(e);
    const key = str(r.key) ?? '';
    const values = arr(r.values).filter((v): v is string => typeof v === 'string');
    switch (str(r.operator)) {
      case 'In':
        return labels[key] !== undefined && values.includes(labels[key]);
      case 'NotIn':
        return labels[key] === undefined || !values.includes(labels[key]);
      case 'Exists':
        return labels[key] !== undefined;
      case 'DoesNotExist':
        return labels[key] === undefined;
      default:
        return false;
    }
  });
}

/** Whether a listener's allowedRoutes admits routes of a namespace (default: the Gateway's own namespace only). */
export function listenerAdmits(inv: Inventory, gw: Obj, l: GatewayListener, routeNamespace: string): boolean {
  const from = str(at(l.allowedRoutes, 'namespaces.from')) ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gw.namespace;
  if (from === 'Selector')
    return labelSelectorMatches(at(l.allowedRoutes, 'namespaces.selector'), namespaceLabels(inv, routeNamespace));
  return false;
}

/** Whether a parentRef attaches to a listener: its section (and port), if named, and the listener's allowedRoutes. */
export function attaches(inv: Inventory, gw: Obj, l: GatewayListener, a: Attachment): boolean {
  return (
    (a.sectionName === undefined || l.name === a.sectionName) &&
    (a.port === undefined || l.port === a.port) &&
    listenerAdmits(inv, gw, l, a.route.namespace)
  );
}

/** The listeners of a Gateway a parentRef attaches to: once per parentRef (the rules and both paths read them). */
export function attachedListeners(inv: Inventory, gw: Obj, a: Attachment): GatewayListener[] {
  return inv.memoOn(a, 'listeners', () => listeners(gw).filter((l) => attaches(inv, gw, l, a)));
}

/** An HTTPRoute filter that redirects to https, with its statusCode as written (undefined: the 302 default). */
export function httpsRedirect(filter: unknown): { readonly statusCode: unknown } | undefined {
  const x = rec(filter);
  if (str(x.type) !== 'RequestRedirect' || str(at(x, 'requestRedirect.scheme')) !== 'https') return undefined;
  return { statusCode: at(x, 'requestRedirect.statusCode') };
}

/** The ServiceAccount of the pods Istio deploys for a Gateway of its class (G16, G22). */
export function istioServiceAccount(gw: Obj): string {
  return (
    strMap(gw.raw.metadata?.annotations)[ISTIO_SERVICE_ACCOUNT] ??
    `${gw.name}-${str(at(gw.raw.spec, 'gatewayClassName')) ?? ISTIO_CLASS}`
  );
}

/** The Service Istio deploys for a Gateway of its class: `<gateway>-<class>` unless overridden (G16). */
export function istioServiceName(gw: Obj): string {
  return (
    strMap(gw.raw.metadata?.annotations)[ISTIO_NAME_OVERRIDE] ??
    `${gw.name}-${str(at(gw.raw.spec, 'gatewayClassName')) ?? ISTIO_CLASS}`
  );
}

/**
 * The Service type Istio gives a Gateway's Service and the field that sets it (type undefined: the LoadBalancer
 * default); null when a ConfigMap outside the manifests may set it.
 */
export function istioServiceType(inv: Inventory, gw: Obj): { type?: string; field: string } | null {
  const infra = strMap(at(gw.raw.spec, 'infrastructure.annotations'));
  const own = strMap(gw.raw.metadata?.annotations);
  let set: { type?: string; field: string } =
    infra[ISTIO_SERVICE_TYPE] !== undefined
      ? { type: infra[ISTIO_SERVICE_TYPE], field: `spec.infrastructure.annotations['${ISTIO_SERVICE_TYPE}']` }
      : { type: own[ISTIO_SERVICE_TYPE], field: annotationField(ISTIO_SERVICE_TYPE) };
  const ref = rec(at(gw.raw.spec, 'infrastructure.parametersRef'));
  const name = str(ref.name);
  if (name !== undefined && str(ref.kind) === 'ConfigMap' && (str(ref.group) ?? '') === '') {
    const cm = inv.find('ConfigMap', gw.namespace, name, '');
    if (!cm) return null;
    // The `service` overlay is applied over the generated Service, so its type wins.
    const overlay = str(at(parseYamlText(str(at(cm.raw, 'data.service')) ?? ''), 'spec.type'));
    if (overlay !== undefined)
      set = { type: overlay, field: `ConfigMap ${cm.namespace}/${cm.name} data.service spec.type` };
  }
  return set;
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
  const attachments = new Map<string, Attachment[]>();
  const backendsByRoute = new Map<Obj, RouteBackend[]>();
  for (const route of inv.of('HTTPRoute', GATEWAY_API)) {
    let toAlb = false;
    arr(at(route.raw.spec, 'parentRefs')).forEach((p, index) => {
      const r = rec(p);
      if ((str(r.group) ?? GATEWAY_API) !== GATEWAY_API || (str(r.kind) ?? 'Gateway') !== 'Gateway') return;
      const name = str(r.name);
      if (name === undefined) return;
      const key = serviceKey(str(r.namespace) ?? route.namespace, name);
      if (albGatewayKeys.has(key)) toAlb = true;
      const port = r.port;
      append(attachments, key, {
        route,
        index,
        sectionName: str(r.sectionName),
        port: typeof port === 'number' ? port : undefined,
      });
    });
    const own: RouteBackend[] = [];
    backendsByRoute.set(route, own);
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
          rule,
          ruleIndex: i,
        };
        backends.push(backend);
        own.push(backend);
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
    attachments,
    backendsByRoute,
    targetGroupConfigs,
    istioGatewayByService,
    granted: (toNamespace, fromNamespace, name) =>
      grants.has(`${toNamespace}\u0000${fromNamespace}\u0000${name}`) ||
      grants.has(`${toNamespace}\u0000${fromNamespace}\u0000*`),
  };
}
