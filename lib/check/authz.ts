import { Findings } from './findings';
import { helmSources, isIstioChartRepo } from './helm-sources';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { gatewayByRef, injectionOf, resolveHost, serviceEntryFor, workloadsOfGateway } from './mesh-model';
import { ServiceInfo, WorkloadInfo } from './services-workloads';
import { arr, at, isRec, parseYamlText, rec, selects, str, strMap, unique } from './util';

/**
 * Whether the ingress gateway may call the workloads its routes reach, by the AuthorizationPolicies that apply to
 * them (rule B23). Istio evaluates DENY before ALLOW; with no ALLOW policy a request is allowed, with one it must
 * match some ALLOW rule. Only what decides the gateway's calls is modelled: principals, namespaces and ports.
 * Other conditions (paths, methods, `when` ...) make a rule match some requests, never all.
 */

/** Three-valued match: `maybe` when the answer depends on the request or on something not in the manifests. */
type Tri = 'yes' | 'no' | 'maybe';

function allOf(values: Tri[]): Tri {
  return values.includes('no') ? 'no' : values.every((v) => v === 'yes') ? 'yes' : 'maybe';
}

function anyOf(values: Tri[]): Tri {
  return values.includes('yes') ? 'yes' : values.every((v) => v === 'no') ? 'no' : 'maybe';
}

/** Istio string match: exact, `*`, `prefix*` or `*suffix`. */
function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function strings(v: unknown): string[] {
  return arr(v)
    .map((x) => (typeof x === 'number' ? String(x) : str(x)))
    .filter((x): x is string => x !== undefined);
}

/** A list condition (`principals`) or its negation (`notPrincipals`) against a value that may be unknown. */
function condition(obj: Record<string, unknown>, key: string, value: string | undefined): Tri[] {
  const out: Tri[] = [];
  const notKey = `not${key[0].toUpperCase()}${key.slice(1)}`;
  const yes = strings(obj[key]);
  const no = strings(obj[notKey]);
  if (yes.length) out.push(value === undefined ? 'maybe' : yes.some((p) => matchesPattern(p, value)) ? 'yes' : 'no');
  if (no.length) out.push(value === undefined ? 'maybe' : no.some((p) => matchesPattern(p, value)) ? 'no' : 'yes');
  return out;
}

/** Fields of a source/operation this model does not decide: any of them makes the match depend on the request. */
const REQUEST_SOURCE = [
  'requestPrincipals',
  'notRequestPrincipals',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
];
const REQUEST_OPERATION = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];

/** The caller as far as the manifests tell: principal and namespace are undefined when the gateway is not in them. */
export interface Caller {
  readonly principal?: string;
  readonly namespace?: string;
}

function ruleMatches(rule: unknown, caller: Caller, port: number | undefined): Tri {
  const r = rec(rule);
  const from = arr(r.from).map((x) => rec(rec(x).source));
  const to = arr(r.to).map((x) => rec(rec(x).operation));
  const source = (s: Record<string, unknown>): Tri =>
    allOf([
      ...condition(s, 'principals', caller.principal),
      ...condition(s, 'namespaces', caller.namespace),
      ...(REQUEST_SOURCE.some((k) => k in s) ? ['maybe' as const] : []),
    ]);
  const operation = (o: Record<string, unknown>): Tri =>
    allOf([
      ...condition(o, 'ports', port === undefined ? undefined : String(port)),
      ...(REQUEST_OPERATION.some((k) => k in o) ? ['maybe' as const] : []),
    ]);
  return allOf([
    from.length ? anyOf(from.map(source)) : 'yes',
    to.length ? anyOf(to.map(operation)) : 'yes',
    arr(r.when).length ? 'maybe' : 'yes',
  ]);
}

/** AuthorizationPolicies enforced by a workload's sidecar: its namespace's and the root namespace's, by selector. */
export function policiesFor(inv: Inventory, w: WorkloadInfo): Obj[] {
  return inv.memoOn(w, 'policies', () => {
    const index = policyIndex(inv);
    const candidates: Obj[] = [];
    for (const ns of unique([w.namespace, inv.rootNamespace])) {
      candidates.push(...(index.namespaceWide.get(ns) ?? []));
      for (const [k, v] of Object.entries(w.podLabels))
        candidates.push(...(index.byLabel.get(`${ns}\u0000${k}=${v}`) ?? []));
    }
    return inv.inOrder(candidates).filter((p) => {
      const selector = strMap(at(p.raw.spec, 'selector.matchLabels'));
      return Object.keys(selector).length === 0 || selects(selector, w.podLabels);
    });
  });
}

interface PolicyIndex {
  /** Sidecar policies without a selector, by namespace. */
  readonly namespaceWide: Map<string, Obj[]>;
  /** Sidecar policies with a selector, by `namespace label=value` of one of its pairs: the one fewest workloads carry. */
  readonly byLabel: Map<string, Obj[]>;
}

/** AuthorizationPolicies indexed once, so finding a workload's policies costs what it matches, not every policy. */
function policyIndex(inv: Inventory): PolicyIndex {
  return inv.memo('authorizationPolicies', () => {
    const namespaceWide = new Map<string, Obj[]>();
    const byLabel = new Map<string, Obj[]>();
    const add = (m: Map<string, Obj[]>, key: string, p: Obj) => {
      const list = m.get(key);
      if (list) list.push(p);
      else m.set(key, [p]);
    };
    for (const p of inv.of('AuthorizationPolicy', 'security.istio.io')) {
      const spec = rec(p.raw.spec);
      // targetRef(s) attach a policy to a Gateway API gateway or a waypoint, never to a sidecar.
      if (isRec(spec.targetRef) || arr(spec.targetRefs).length) continue;
      const pairs = Object.entries(strMap(at(spec, 'selector.matchLabels')));
      if (!pairs.length) {
        add(namespaceWide, p.namespace, p);
        continue;
      }
      // A root-namespace policy applies to matching workloads of every namespace.
      const scope = p.namespace === inv.rootNamespace ? undefined : p.namespace;
      const [k, v] = pairs.reduce((best, pair) =>
        inv.labelCarriers(scope, ...pair) < inv.labelCarriers(scope, ...best) ? pair : best,
      );
      add(byLabel, `${p.namespace}\u0000${k}=${v}`, p);
    }
    return { namespaceWide, byLabel };
  });
}

function actionOf(p: Obj): string {
  return str(at(p.raw.spec, 'action')) ?? 'ALLOW';
}

export type AuthzDecision = 'none' | 'allow' | 'deny' | 'unknown';

export interface EdgeAuthz {
  /** `none`: no policy applies; `unknown`: it depends on the request or on the gateway's identity. */
  readonly decision: AuthzDecision;
  /** The policy to point a finding at: the matching DENY, else the ALLOW policy of the workload. */
  readonly by?: Obj;
  /** Set when a DENY policy decides. */
  readonly denyPolicy?: Obj;
  /** Principals the ALLOW rules name for the port (for messages). */
  readonly allowed: string[];
  /** One line for the hop report, `authz: ...`. */
  readonly note: string;
}

/**
 * Decides whether `caller` may reach workload `w` on container port `port`: once per workload, caller and port, since
 * every route to a workload through one gateway asks the same question.
 */
export function authorize(inv: Inventory, w: WorkloadInfo, caller: Caller, port: number | undefined): EdgeAuthz {
  return inv.memoOn(
    w,
    `authorize\u0000${caller.principal ?? ''}\u0000${caller.namespace ?? ''}\u0000${port ?? ''}`,
    () => decide(inv, w, caller, port),
  );
}

function decide(inv: Inventory, w: WorkloadInfo, caller: Caller, port: number | undefined): EdgeAuthz {
  const policies = policiesFor(inv, w);
  const who = caller.principal ?? 'the gateway (service account unknown)';
  const on = port === undefined ? '' : ` on port ${port}`;
  if (!policies.length) return { decision: 'none', allowed: [], note: 'authz: none' };
  const rulesOf = (p: Obj) => arr(at(p.raw.spec, 'rules'));
  // CUSTOM and AUDIT policies are enforced by external providers or only log: they decide nothing here.
  const deny = policies.filter((p) => actionOf(p) === 'DENY');
  const allow = policies.filter((p) => actionOf(p) === 'ALLOW');
  const denying = deny.find((p) => rulesOf(p).some((r) => ruleMatches(r, caller, port) === 'yes'));
  const allowed = unique(
    allow.flatMap((p) =>
      rulesOf(p)
        .filter((r) => ruleMatches(r, { namespace: caller.namespace }, port) !== 'no')
        .flatMap((r) => arr(rec(r).from).flatMap((s) => strings(at(s, 'source.principals')))),
    ),
  );
  // The policy a fix belongs in: one selecting the workload, else a namespace-wide one such as allow-nothing.
  const own = allow.find((p) => Object.keys(strMap(at(p.raw.spec, 'selector.matchLabels'))).length > 0) ?? allow[0];
  if (denying)
    return {
      decision: 'deny',
      by: denying,
      denyPolicy: denying,
      allowed,
      note: `authz: DENY ${who}${on} (${denying.ref})`,
    };
  const maybeDenied = deny.some((p) => rulesOf(p).some((r) => ruleMatches(r, caller, port) === 'maybe'));
  if (!allow.length) {
    return maybeDenied
      ? { decision: 'unknown', allowed, note: `authz: DENY policies may match ${who}` }
      : { decision: 'none', allowed, note: 'authz: no ALLOW policy' };
  }
  const results = allow.map((p) => ({ p, m: anyOf(rulesOf(p).map((r) => ruleMatches(r, caller, port))) }));
  const yes = results.find((x) => x.m === 'yes');
  if (yes && !maybeDenied)
    return {
      decision: 'allow',
      by: yes.p,
      allowed,
      note: `authz: ALLOW from ${caller.principal ?? 'any source'}${on} (${yes.p.ref})`,
    };
  if (yes || results.some((x) => x.m === 'maybe')) {
    const unknown = caller.principal ? '' : '; gateway principal unknown';
    return {
      decision: 'unknown',
      by: own,
      allowed,
      note: `authz: ALLOW only from ${allowed.join(', ') || 'matching requests'}${on}${unknown}`,
    };
  }
  return {
    decision: 'deny',
    by: own,
    allowed,
    note: `authz: no ALLOW rule admits ${who}${on} (allowed: ${allowed.join(', ') || 'nothing'})`,
  };
}

/** The mesh's trust domain: meshConfig of an IstioOperator or the istiod chart, or the `istio` ConfigMap; else cluster.local. */
export function meshTrustDomain(inv: Inventory): string {
  return inv.memo('trustDomain', () => readTrustDomain(inv));
}

function readTrustDomain(inv: Inventory): string {
  const found: unknown[] = [];
  for (const io of inv.of('IstioOperator')) found.push(at(io.raw.spec, 'meshConfig.trustDomain'));
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app))
      if (s.chart === 'istiod' && isIstioChartRepo(s.repoURL)) found.push(at(s.values, 'meshConfig.trustDomain'));
  }
  const mesh = str(at(inv.find('ConfigMap', inv.rootNamespace, 'istio', '')?.raw, 'data.mesh'));
  if (mesh) found.push(at(parseYamlText(mesh), 'trustDomain'));
  return found.map(str).find((t) => !!t) ?? 'cluster.local';
}

/** The SPIFFE principal of a ServiceAccount, as AuthorizationPolicies name it. */
export function principalOf(inv: Inventory, namespace: string, serviceAccount: string): string {
  return `${meshTrustDomain(inv)}/ns/${namespace}/sa/${serviceAccount}`;
}

/** A gateway workload as a caller; its principal is known only when its service account is. */
export function gatewayCaller(inv: Inventory, gw: WorkloadInfo | undefined): Caller {
  if (!gw) return {};
  return {
    namespace: gw.namespace,
    principal: gw.serviceAccount ? principalOf(inv, gw.namespace, gw.serviceAccount) : undefined,
  };
}

/** The container port a Service port sends to on a workload: a named targetPort is looked up in the pod template. */
export function containerPort(svc: ServiceInfo, servicePort: number | undefined, w: WorkloadInfo): number | undefined {
  const p =
    servicePort === undefined
      ? svc.ports.length === 1
        ? svc.ports[0]
        : undefined
      : svc.ports.find((x) => x.port === servicePort);
  if (!p) return undefined;
  if (typeof p.targetPort === 'number') return p.targetPort;
  if (p.targetPort === undefined) return p.port;
  const named = arr(at(w.obj?.raw.spec, 'template.spec.containers'))
    .flatMap((c) => arr(rec(c).ports))
    .map(rec)
    .find((x) => x.name === p.targetPort);
  return typeof named?.containerPort === 'number' ? named.containerPort : undefined;
}

/** One gateway -> workload edge of a gateway-bound route. */
export interface Edge {
  readonly vs: Obj;
  readonly svc: ServiceInfo;
  readonly workload: WorkloadInfo;
  /** Undefined when no gateway workload of the route's Gateways is in the manifests. */
  readonly gateway?: WorkloadInfo;
  readonly caller: Caller;
  readonly port?: number;
  readonly authz: EdgeAuthz;
}

/** Gateway workloads a VirtualService is bound to (its non-mesh `gateways`): once per VirtualService. */
function gatewayWorkloadsOf(inv: Inventory, vs: Obj): WorkloadInfo[] {
  return inv.memoOn(vs, 'gatewayWorkloads', () => {
    const refs = arr(at(vs.raw.spec, 'gateways'))
      .map(str)
      .filter((g): g is string => !!g && g !== 'mesh');
    return unique(
      refs.flatMap((ref) => {
        const gw = gatewayByRef(inv, vs.namespace, ref);
        return gw ? workloadsOfGateway(inv, gw) : [];
      }),
    );
  });
}

/**
 * Edges of one route destination: each (sidecar-injected) workload behind it, from each gateway workload. Computed
 * once per VirtualService and destination: the authorization rules and the hop report both read them.
 */
export function destinationEdges(inv: Inventory, vs: Obj, dest: unknown): Edge[] {
  const byDest = inv.memoOn(vs, 'destinationEdges', () => new Map<unknown, Edge[]>());
  let edges = byDest.get(dest);
  if (!edges) byDest.set(dest, (edges = edgesOf(inv, vs, dest)));
  return edges;
}

function edgesOf(inv: Inventory, vs: Obj, dest: unknown): Edge[] {
  const host = str(at(dest, 'destination.host'));
  if (!host || serviceEntryFor(inv, host)) return [];
  const key = resolveHost(inv, vs.namespace, host);
  if ('external' in key) return [];
  const svc = inv.service(key.namespace, key.name);
  if (!svc) return [];
  const portNumber = at(dest, 'destination.port.number');
  const gateways: (WorkloadInfo | undefined)[] = gatewayWorkloadsOf(inv, vs);
  if (!gateways.length) gateways.push(undefined);
  const callers = gateways.map((gateway) => ({ gateway, caller: gatewayCaller(inv, gateway) }));
  return workloadEdges(inv, svc, typeof portNumber === 'number' ? portNumber : undefined, callers).map((e) => ({
    vs,
    ...e,
  }));
}

/**
 * Edges from each caller to each workload behind a Service port, workload by workload. Workloads without a sidecar
 * are left out: nothing enforces the policies there (namespace-injection reports that).
 */
export function workloadEdges(
  inv: Inventory,
  svc: ServiceInfo,
  servicePort: number | undefined,
  callers: readonly { readonly gateway?: WorkloadInfo; readonly caller: Caller }[],
): Omit<Edge, 'vs'>[] {
  const edges: Omit<Edge, 'vs'>[] = [];
  for (const w of inv.workloadsOf(svc).filter((x) => !x.gateway && injectionOf(inv, x).state !== 'no')) {
    const port = containerPort(svc, servicePort, w);
    for (const { gateway, caller } of callers)
      edges.push({ svc, workload: w, gateway, caller, port, authz: authorize(inv, w, caller, port) });
  }
  return edges;
}

/** Gateway-bound VirtualService routes whose destination workload the authorization policies close to the gateway. */
export function checkGatewayAuthorization(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    if (!arr(at(vs.raw.spec, 'gateways')).some((g) => typeof g === 'string' && g !== 'mesh')) continue;
    for (const kind of ['http', 'tcp', 'tls']) {
      for (const route of arr(rec(vs.raw.spec)[kind])) {
        for (const dest of arr(rec(route).route)) destinationEdges(inv, vs, dest).forEach((e) => report(e, f));
      }
    }
  }
}

function report(e: Edge, f: Findings): void {
  const { authz, workload: w, port } = e;
  const on = port === undefined ? '' : ` on port ${port}`;
  const principal = e.caller.principal;
  if (principal && authz.decision === 'deny' && authz.by) {
    const isDeny = !!authz.denyPolicy;
    f.add(
      'authz-gateway-denied',
      authz.by,
      rulesField(authz.by),
      `${isDeny ? 'denies' : 'admits no request from'} the gateway ${principal} (${e.gateway!.ref}) ${isDeny ? 'access ' : ''}to ${w.ref}${on}: every request ${e.vs.ref} routes to ${e.svc.ref} gets 403` +
        (isDeny ? '' : ` (allowed: ${authz.allowed.join(', ') || 'nothing'})`),
      isDeny
        ? `exclude ${principal} from the DENY rules of ${authz.by.ref}`
        : `add ${principal} to from.source.principals${port === undefined ? '' : ` and '${port}' to to.operation.ports`} of an ALLOW policy selecting ${w.ref}`,
    );
  } else if (!principal && authz.decision === 'unknown' && authz.by && actionOf(authz.by) === 'ALLOW') {
    f.add(
      'not-verifiable',
      authz.by,
      rulesField(authz.by),
      `${w.ref} admits only ${authz.allowed.join(', ') || 'no principal'}${on}, and the gateway's service account is not in the manifests: requests ${e.vs.ref} routes there get 403 unless the gateway runs as one of them`,
      `check the gateway's service account (istioctl: istio-ingressgateway-service-account; gateway chart: serviceAccount.name, else the release name) gives one of these principals`,
    );
  }
}

function rulesField(p: Obj): string {
  return arr(at(p.raw.spec, 'rules')).length ? 'spec.rules' : 'spec';
}
