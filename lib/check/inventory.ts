import * as yaml from 'js-yaml';
import { analysisGroup, RemovedApi, removedApi, upgraded } from './removed-apis';
import { CheckOptions, K8sObject, SourcedObject } from './types';
import { append, arr, at, isRec, num, rec, selects, str, strMap } from './util';

/** Kinds that live outside namespaces, so their reference reads `Kind name`. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'IngressClass', 'IngressClassParams', 'ClusterIssuer', 'PriorityClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService', 'RuntimeClass',
]);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** One manifest object with its identity resolved (namespace defaulted, group/version split). */
export interface Obj {
  readonly raw: K8sObject;
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  /** '' for cluster-scoped kinds. */
  readonly namespace: string;
  /** `Kind ns/name` or `Kind name`. */
  readonly ref: string;
  readonly source?: string;
  /** Set when the apiVersion is one Kubernetes no longer serves; `raw` then holds the object in its replacement's form. */
  readonly removed?: RemovedApi;
}

export interface ServicePortInfo {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
  readonly appProtocol?: string;
  readonly index: number;
}

/** A Service found in the manifests, or implied by an installer object (IstioOperator, Argo CD gateway chart). */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly ports: ServicePortInfo[];
  readonly selector: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly ref: string;
  /** Set when the Service is an object of the manifests. */
  readonly obj?: Obj;
  /** Human description of where an implied Service comes from. */
  readonly origin?: string;
  /** The installer object (IstioOperator, Argo CD Application) an implied Service comes from. */
  readonly installer?: Obj;
  /** Where the installer sets the implied Service's annotations, e.g. `spec.source.helm.valuesObject.service.annotations`. */
  readonly annotationsField?: string;
}

export interface WorkloadInfo {
  readonly namespace: string;
  readonly name: string;
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly ref: string;
  readonly obj?: Obj;
  /** An Istio ingress gateway (proxy) rather than an application. */
  readonly gateway: boolean;
  readonly origin?: string;
  /** ServiceAccount the pods run as (their mTLS identity); undefined when the installer does not tell. */
  readonly serviceAccount?: string;
  /** The installer object (IstioOperator, Argo CD Application) an implied workload comes from. */
  readonly installer?: Obj;
  /** Where in the installer the workload is declared, e.g. `spec.source.helm.valuesObject`. */
  readonly installerField?: string;
  /** How the pods stop; undefined when the manifests do not tell (istioctl sets it only through overlays). */
  readonly shutdown?: PodShutdown;
}

/** The shutdown of a pod's main container (the gateway's `istio-proxy`): preStop hook and grace period. */
export interface PodShutdown {
  /** Seconds the preStop hook sleeps at least: 0 without a hook, undefined for a hook that is not a readable sleep. */
  readonly preStopSleep: number | undefined;
  /** Field path of the preStop hook, or of where it belongs. */
  readonly preStopField: string;
  readonly terminationGracePeriod: number;
  /** Whether the grace period is the default (Kubernetes' and the gateway chart's 30 s). */
  readonly terminationGraceDefault: boolean;
  readonly terminationGraceField: string;
}

const DEFAULT_TERMINATION_GRACE = 30;

/** A whole number of seconds; Helm parameters arrive as strings. */
function seconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  return typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

/**
 * The time a preStop hook sleeps: the `sleep` action, or an exec of `sleep N` directly or through a shell
 * (`sh -c "sleep N"`, possibly followed by more commands, so N is a lower bound). 0 without a hook.
 */
export function preStopSleep(preStop: unknown): number | undefined {
  if (preStop === undefined || preStop === null) return 0;
  const action = at(preStop, 'sleep.seconds');
  if (action !== undefined) return seconds(action);
  const command = arr(at(preStop, 'exec.command')).map((c) => (typeof c === 'string' || typeof c === 'number' ? String(c) : ''));
  const base = (c: string | undefined) => (c ?? '').split('/').pop();
  const duration = (d: string | undefined) => (d && /^\d+s?$/.test(d) ? parseInt(d, 10) : undefined);
  if (base(command[0]) === 'sleep' && command.length === 2) return duration(command[1]);
  if (['sh', 'bash', 'ash', 'dash'].includes(base(command[0]) ?? '') && command[1] === '-c' && command.length === 3) {
    const m = /^sleep\s+(\S+?)\s*(?:$|;|&&)/.exec(command[2].trim());
    return duration(m?.[1]);
  }
  return undefined;
}

/** Shutdown of a pod template: the `istio-proxy` container, else the only container. */
function templateShutdown(podSpec: unknown, base: string): PodShutdown {
  const containers = arr(at(podSpec, 'containers')).map(rec);
  let index = containers.findIndex((c) => c.name === 'istio-proxy');
  if (index < 0 && containers.length === 1) index = 0;
  return podShutdown(
    index < 0 ? undefined : at(containers[index], 'lifecycle.preStop'),
    index < 0 ? `${base}.containers` : `${base}.containers[${index}].lifecycle.preStop`,
    at(podSpec, 'terminationGracePeriodSeconds'), `${base}.terminationGracePeriodSeconds`,
  );
}

/** A PodShutdown from a preStop hook and a grace period as written (absent: the 30 s default). */
function podShutdown(preStop: unknown, preStopField: string, graceValue: unknown, terminationGraceField: string): PodShutdown {
  const grace = seconds(graceValue);
  return {
    preStopSleep: preStopSleep(preStop), preStopField,
    terminationGracePeriod: grace ?? DEFAULT_TERMINATION_GRACE, terminationGraceDefault: grace === undefined, terminationGraceField,
  };
}

/** One Helm source of an Argo CD Application, with its values merged from valuesObject/values and parameters. */
export interface HelmSource {
  readonly source: Record<string, unknown>;
  /** `spec.source` or `spec.sources[i]`. */
  readonly field: string;
  readonly chart?: string;
  readonly repoURL: string;
  readonly values: Record<string, unknown>;
  /** Field path of the inline values: `<field>.helm.valuesObject` or `<field>.helm.values`. */
  readonly valuesField: string;
}

/** Istio's Helm charts (base, istiod, gateway ...) come from its release repository (or a mirror naming istio). */
export function isIstioChartRepo(repoURL: string): boolean {
  return /istio/.test(repoURL);
}

/** Sets a dotted Helm parameter name (`a.b.c`) in a values tree. */
function setParameter(values: Record<string, unknown>, name: string, value: unknown): void {
  const keys = name.split('.');
  let cur = values;
  for (const k of keys.slice(0, -1)) {
    if (!isRec(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** The Helm sources of an Argo CD Application; values files are not read (they live in the chart repository). */
export function helmSources(o: Obj): HelmSource[] {
  const spec = rec(o.raw.spec);
  const sources: [Record<string, unknown>, string][] = isRec(spec.source) ? [[spec.source, 'spec.source']]
    : arr(spec.sources).map((s, i) => [rec(s), `spec.sources[${i}]`] as [Record<string, unknown>, string]).filter(([s]) => Object.keys(s).length > 0);
  return sources.map(([source, field]) => {
    const helm = rec(source.helm);
    let values: Record<string, unknown> = {};
    if (isRec(helm.valuesObject)) values = JSON.parse(JSON.stringify(helm.valuesObject)) as Record<string, unknown>;
    else if (typeof helm.values === 'string') {
      try {
        values = rec(yaml.load(helm.values));
      } catch {
        values = {};
      }
    }
    for (const p of arr(helm.parameters)) {
      const name = str(rec(p).name);
      if (name) setParameter(values, name, rec(p).value);
    }
    const valuesField = `${field}.helm.${!isRec(helm.valuesObject) && typeof helm.values === 'string' ? 'values' : 'valuesObject'}`;
    return { source, field, chart: str(source.chart), repoURL: str(source.repoURL) ?? '', values, valuesField };
  });
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Identity of an object in a cluster: API group, kind, namespace, name. */
export function identity(o: K8sObject, defaultNamespace = 'default'): string | undefined {
  const apiVersion = str(o?.apiVersion);
  const kind = str(o?.kind);
  const name = str(o?.metadata?.name);
  if (!apiVersion || !kind || !name) return undefined;
  const namespace = CLUSTER_SCOPED.has(kind) ? '' : (str(o.metadata?.namespace) ?? defaultNamespace);
  return `${splitApiVersion(apiVersion).group}/${kind}/${namespace}/${name}`;
}

export function objectRef(kind: string, namespace: string, name: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

function servicePorts(v: unknown): ServicePortInfo[] {
  return arr(v).map((p, index) => {
    const r = rec(p);
    const targetPort = r.targetPort;
    return {
      name: str(r.name),
      port: num(r.port),
      targetPort: typeof targetPort === 'number' || typeof targetPort === 'string' ? targetPort : undefined,
      nodePort: num(r.nodePort),
      appProtocol: str(r.appProtocol),
      index,
    };
  });
}

function isGatewayPod(labels: Record<string, string>, annotations: Record<string, string>, podSpec: unknown): boolean {
  if ((annotations['inject.istio.io/templates'] ?? '').split(',').includes('gateway')) return true;
  if (labels.istio === 'ingressgateway' || labels['gateway.istio.io/managed'] !== undefined) return true;
  return arr(at(podSpec, 'containers')).some((c) => /\/proxyv2(:|@|$)/.test(str(rec(c).image) ?? ''));
}

/** The istioctl ingress gateway Service ports (container ports 8080/8443). */
const ISTIOCTL_GATEWAY_PORTS = [
  { name: 'status-port', port: 15021, targetPort: 15021 },
  { name: 'http2', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
];

/** The Istio `gateway` Helm chart's default Service ports. */
const HELM_GATEWAY_PORTS = [
  { name: 'status-port', port: 15021, targetPort: 15021 },
  { name: 'http2', port: 80, targetPort: 80 },
  { name: 'https', port: 443, targetPort: 443 },
];

/** Index over the manifests: lookups by kind/namespace/name plus Services and workloads, explicit or implied. */
export class Inventory {
  readonly objects: Obj[] = [];
  readonly services: ServiceInfo[] = [];
  readonly workloads: WorkloadInfo[] = [];
  readonly rootNamespace: string;
  /** Objects that are not identifiable Kubernetes objects, with the reason. */
  readonly malformed: { source?: string; index: number; reason: string }[] = [];
  /** Objects whose group/kind/namespace/name repeats an earlier one, with the earlier one's source. */
  readonly duplicates: { obj: Obj; first?: string }[] = [];

  /** Objects by identity (group/kind/namespace/name), for duplicates. */
  private readonly byIdentity = new Map<string, Obj>();
  /** Position of each object in the input: indexed lookups return objects in input order, as a scan would. */
  private readonly position = new Map<Obj, number>();
  private readonly byKind = new Map<string, Obj[]>();
  private readonly byName = new Map<string, Obj[]>();
  private readonly knownNamespaces = new Set<string>();
  private readonly serviceByKey = new Map<string, ServiceInfo>();
  private readonly servicesByName = new Map<string, ServiceInfo[]>();
  private readonly workloadsByNamespace = new Map<string, WorkloadInfo[]>();
  /** Workloads by `namespace label=value` and gateway workloads by `label=value`: selectors look up their rarest pair. */
  private readonly workloadsByLabel = new Map<string, WorkloadInfo[]>();
  private readonly gatewaysByLabel = new Map<string, WorkloadInfo[]>();
  /** How many workloads, in all namespaces, carry each `label=value`. */
  private readonly labelCounts = new Map<string, number>();
  private readonly memos = new Map<string, unknown>();
  private readonly objectMemos = new WeakMap<object, Map<string, unknown>>();

  constructor(input: SourcedObject[], options: CheckOptions = {}) {
    const defaultNamespace = options.defaultNamespace ?? 'default';
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    input.forEach(({ object, source }, index) => {
      if (!isRec(object)) {
        this.malformed.push({ source, index, reason: 'document is not a mapping' });
        return;
      }
      const apiVersion = str(object.apiVersion);
      const kind = str(object.kind);
      const name = str(object.metadata?.name);
      if (!apiVersion || !kind || !name) {
        const missing = [!apiVersion && 'apiVersion', !kind && 'kind', !name && 'metadata.name'].filter(Boolean).join(', ');
        this.malformed.push({ source, index, reason: `missing ${missing}` });
        return;
      }
      const split = splitApiVersion(apiVersion);
      const { version } = split;
      // A removed API version is still analysed, as the object its replacement would hold (api-removed reports it).
      const removed = removedApi(apiVersion, kind);
      const group = analysisGroup(apiVersion, kind, split.group);
      const namespace = CLUSTER_SCOPED.has(kind) ? '' : (str(object.metadata?.namespace) ?? defaultNamespace);
      const raw = removed ? upgraded(object, apiVersion, kind) : object;
      const obj: Obj = { raw, apiVersion, group, version, kind, name, namespace, ref: objectRef(kind, namespace, name), source, ...(removed ? { removed } : {}) };
      const id = `${group}/${kind}/${namespace}/${name}`;
      const first = this.byIdentity.get(id);
      if (first) {
        this.duplicates.push({ obj, first: first.source });
        return;
      }
      this.byIdentity.set(id, obj);
      this.position.set(obj, this.objects.length);
      this.objects.push(obj);
      append(this.byKind, kind, obj);
      append(this.byName, `${kind}\u0000${namespace}\u0000${name}`, obj);
      if (namespace) this.knownNamespaces.add(namespace);
      if (kind === 'Namespace' && group === '') this.knownNamespaces.add(name);
    });
    for (const o of this.objects) this.index(o);
    for (const s of this.services) {
      const key = `${s.namespace}\u0000${s.name}`;
      if (!this.serviceByKey.has(key)) this.serviceByKey.set(key, s);
      append(this.servicesByName, s.name, s);
      this.knownNamespaces.add(s.namespace);
    }
    for (const w of this.workloads) {
      append(this.workloadsByNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.podLabels)) {
        append(this.workloadsByLabel, `${w.namespace}\u0000${k}=${v}`, w);
        if (w.gateway) append(this.gatewaysByLabel, `${k}=${v}`, w);
        this.labelCounts.set(`${k}=${v}`, (this.labelCounts.get(`${k}=${v}`) ?? 0) + 1);
      }
    }
  }

  /** Computes a value once per inventory (objects never change after construction). */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** Computes a value once per inventory and object (an Obj, ServiceInfo, WorkloadInfo ...). */
  memoOn<T>(target: object, key: string, compute: () => T): T {
    let m = this.objectMemos.get(target);
    if (!m) this.objectMemos.set(target, (m = new Map()));
    if (m.has(key)) return m.get(key) as T;
    const value = compute();
    m.set(key, value);
    return value;
  }

  /** Input order of an object, for merging indexed lookups back into the order a scan would give. */
  order(o: Obj): number {
    return this.position.get(o) ?? -1;
  }

  /** Objects in input order, without repeats. */
  inOrder(objs: Iterable<Obj>): Obj[] {
    return [...new Set(objs)].sort((a, b) => this.order(a) - this.order(b));
  }

  private index(o: Obj): void {
    const spec = rec(o.raw.spec);
    if (o.kind === 'Service' && o.group === '') {
      this.services.push({
        namespace: o.namespace, name: o.name, type: str(spec.type) ?? 'ClusterIP', ports: servicePorts(spec.ports),
        selector: strMap(spec.selector), annotations: strMap(o.raw.metadata?.annotations), ref: o.ref, obj: o,
      });
    } else if (WORKLOAD_KINDS.has(o.kind) && (o.group === 'apps' || o.group === 'batch')) {
      const template = rec(spec.template);
      const podLabels = strMap(at(template, 'metadata.labels'));
      const podAnnotations = strMap(at(template, 'metadata.annotations'));
      this.workloads.push({
        namespace: o.namespace, name: o.name, podLabels, podAnnotations, ref: o.ref, obj: o,
        serviceAccount: str(at(template, 'spec.serviceAccountName')) ?? str(at(template, 'spec.serviceAccount')) ?? 'default',
        gateway: isGatewayPod(podLabels, podAnnotations, template.spec), shutdown: templateShutdown(template.spec, 'spec.template.spec'),
      });
    } else if (o.kind === 'IstioOperator') {
      this.impliedFromIstioOperator(o);
    } else if (o.kind === 'Application' && o.group === 'argoproj.io') {
      this.impliedFromApplication(o);
    }
  }

  /** istioctl installs `istio-ingressgateway` (default and demo profiles) unless the operator spec says otherwise. */
  private impliedFromIstioOperator(o: Obj): void {
    const spec = rec(o.raw.spec);
    const profile = str(spec.profile) ?? 'default';
    const installNs = str(spec.namespace) ?? 'istio-system';
    let entries = arr(at(spec, 'components.ingressGateways')).filter(isRec);
    if (entries.length === 0 && (profile === 'default' || profile === 'demo')) entries = [{ name: 'istio-ingressgateway' }];
    entries.forEach((e, i) => {
      if (e.enabled === false) return;
      const name = str(e.name) ?? 'istio-ingressgateway';
      const ns = str(e.namespace) ?? installNs;
      const isDefault = name === 'istio-ingressgateway';
      const labels = { app: name, ...(isDefault ? { istio: 'ingressgateway' } : {}), ...strMap(e.label) };
      const legacyType = isDefault ? str(at(spec, 'values.gateways.istio-ingressgateway.type')) : undefined;
      // The legacy values API still sets the default gateway's pod annotations; the component's k8s settings win.
      const podAnnotations = { ...(isDefault ? strMap(at(spec, 'values.gateways.istio-ingressgateway.podAnnotations')) : {}), ...strMap(at(e, 'k8s.podAnnotations')) };
      const type = str(at(e, 'k8s.service.type')) ?? legacyType ?? 'LoadBalancer';
      const ports = arr(at(e, 'k8s.service.ports')).length ? servicePorts(at(e, 'k8s.service.ports')) : servicePorts(ISTIOCTL_GATEWAY_PORTS);
      const origin = `installed by ${o.ref}`;
      const installerField = arr(at(spec, 'components.ingressGateways')).length ? `spec.components.ingressGateways[${i}]` : 'spec';
      this.workloads.push({
        namespace: ns, name, podLabels: labels, podAnnotations, ref: objectRef('Deployment', ns, name), gateway: true, origin,
        // istioctl's gateway template runs every gateway as `<name>-service-account`.
        serviceAccount: `${name}-service-account`, installer: o, installerField,
      });
      this.services.push({
        namespace: ns, name, type, ports, selector: labels, annotations: strMap(at(e, 'k8s.serviceAnnotations')),
        ref: objectRef('Service', ns, name), origin, installer: o, annotationsField: `${installerField === 'spec' ? `spec.components.ingressGateways[${i}]` : installerField}.k8s.serviceAnnotations`,
      });
    });
  }

  /** An Argo CD Application of Istio's `gateway` chart stands for the gateway Deployment and Service it renders. */
  private impliedFromApplication(o: Obj): void {
    const spec = rec(o.raw.spec);
    for (const s of helmSources(o)) {
      if (s.chart !== 'gateway' || !isIstioChartRepo(s.repoURL)) continue;
      const release = str(at(s.source, 'helm.releaseName')) ?? o.name;
      const values = s.values;
      const name = str(values.name) || release;
      const ns = str(at(spec, 'destination.namespace')) ?? 'default';
      const valueLabels = strMap(values.labels);
      const labels = { app: name, istio: name.replace(/^istio-/, ''), ...valueLabels };
      const service = rec(values.service);
      const type = str(service.type) ?? 'LoadBalancer';
      if (type === 'None') continue;
      const ports = arr(service.ports).length ? servicePorts(service.ports) : servicePorts(HELM_GATEWAY_PORTS);
      const origin = `rendered by the gateway chart of ${o.ref}`;
      const selector = { app: labels.app, istio: labels.istio, ...strMap(service.selectorLabels) };
      // The chart's serviceAccountName helper: serviceAccount.name, else the gateway name (or `default` without create).
      const sa = rec(values.serviceAccount);
      const serviceAccount = str(sa.name) || (sa.create === false ? 'default' : name);
      // The chart puts `lifecycle` on the istio-proxy container and `terminationGracePeriodSeconds` (default 30) on the pod.
      const shutdown = podShutdown(at(values, 'lifecycle.preStop'), `${s.valuesField}.lifecycle.preStop`,
        values.terminationGracePeriodSeconds, `${s.valuesField}.terminationGracePeriodSeconds`);
      this.workloads.push({
        namespace: ns, name, podLabels: labels, podAnnotations: strMap(values.podAnnotations), ref: objectRef('Deployment', ns, name),
        gateway: true, origin, serviceAccount, installer: o, installerField: s.valuesField, shutdown,
      });
      this.services.push({
        namespace: ns, name, type, ports, selector, annotations: strMap(service.annotations), ref: objectRef('Service', ns, name), origin, installer: o,
        annotationsField: `${s.valuesField}.service.annotations`,
      });
    }
  }

  of(kind: string, group?: string): Obj[] {
    return this.memo(`of\u0000${kind}\u0000${group ?? '*'}`, () => (this.byKind.get(kind) ?? []).filter((o) => group === undefined || o.group === group));
  }

  istio(kind: string): Obj[] {
    return this.memo(`istio\u0000${kind}`, () => (this.byKind.get(kind) ?? []).filter((o) => o.group.endsWith('.istio.io')));
  }

  /** Istio objects of a kind in one namespace. */
  istioIn(kind: string, namespace: string): Obj[] {
    const byNs = this.memo(`istioIn\u0000${kind}`, () => {
      const m = new Map<string, Obj[]>();
      for (const o of this.istio(kind)) append(m, o.namespace, o);
      return m;
    });
    return byNs.get(namespace) ?? [];
  }

  find(kind: string, namespace: string, name: string, group?: string): Obj | undefined {
    return this.byName.get(`${kind}\u0000${namespace}\u0000${name}`)?.find((o) => group === undefined || o.group === group);
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.serviceByKey.get(`${namespace}\u0000${name}`);
  }

  /** Services of a name in any namespace. */
  servicesNamed(name: string): ServiceInfo[] {
    return this.servicesByName.get(name) ?? [];
  }

  namespaces(): Obj[] {
    return this.of('Namespace', '');
  }

  namespaceObj(name: string): Obj | undefined {
    return this.find('Namespace', '', name, '');
  }

  /**
   * Where the manifests set a namespace's labels: its Namespace object, and Argo CD Applications that create it
   * (CreateNamespace=true) with managedNamespaceMetadata labels.
   */
  namespaceLabelSources(ns: string): { obj: Obj; field: string; labels: Record<string, string> }[] {
    const creators = this.memo('namespaceCreators', () => {
      const m = new Map<string, { obj: Obj; field: string; labels: Record<string, string> }[]>();
      for (const app of this.of('Application', 'argoproj.io')) {
        const sync = rec(at(app.raw.spec, 'syncPolicy'));
        const dest = str(at(app.raw.spec, 'destination.namespace'));
        if (dest === undefined || !arr(sync.syncOptions).includes('CreateNamespace=true')) continue;
        append(m, dest, { obj: app, field: 'spec.syncPolicy.managedNamespaceMetadata.labels', labels: strMap(at(sync, 'managedNamespaceMetadata.labels')) });
      }
      return m;
    });
    const nsObj = this.namespaceObj(ns);
    return [...(nsObj ? [{ obj: nsObj, field: 'metadata.labels', labels: strMap(nsObj.raw.metadata?.labels) }] : []), ...(creators.get(ns) ?? [])];
  }

  /** Whether the manifests say anything about a namespace (any object in it, or its Namespace object). */
  knowsNamespace(ns: string): boolean {
    return this.knownNamespaces.has(ns);
  }

  /** Workloads of one namespace (explicit and implied). */
  workloadsIn(ns: string): WorkloadInfo[] {
    return this.workloadsByNamespace.get(ns) ?? [];
  }

  workloadsOf(svc: ServiceInfo): WorkloadInfo[] {
    return this.memoOn(svc, 'workloads', () => this.selected(this.workloadsByLabel, `${svc.namespace}\u0000`, svc.selector));
  }

  /** Workloads of one namespace whose pod labels a selector matches (empty selectors pick nothing). */
  workloadsSelected(namespace: string, selector: Record<string, string>): WorkloadInfo[] {
    return this.selected(this.workloadsByLabel, `${namespace}\u0000`, selector);
  }

  /** Services (explicit or implied) selecting a workload's pods: the reverse of workloadsOf, built once. */
  servicesOfWorkload(w: WorkloadInfo): ServiceInfo[] {
    const byWorkload = this.memo('servicesByWorkload', () => {
      const m = new Map<WorkloadInfo, ServiceInfo[]>();
      for (const svc of this.services) for (const x of this.workloadsOf(svc)) append(m, x, svc);
      return m;
    });
    return byWorkload.get(w) ?? [];
  }

  /** How many workloads carry a pod label, in one namespace or (undefined) in all. */
  labelCarriers(namespace: string | undefined, key: string, value: string): number {
    return namespace === undefined ? this.labelCounts.get(`${key}=${value}`) ?? 0 : this.workloadsByLabel.get(`${namespace}\u0000${key}=${value}`)?.length ?? 0;
  }

  /** Gateway workloads, in any namespace, whose pod labels a selector matches. */
  gatewayWorkloadsSelected(selector: Record<string, string>): WorkloadInfo[] {
    return this.selected(this.gatewaysByLabel, '', selector);
  }

  /** What a selector picks: the entries of its rarest label pair that carry all its pairs (empty selectors pick nothing). */
  private selected(index: Map<string, WorkloadInfo[]>, prefix: string, selector: Record<string, string>): WorkloadInfo[] {
    let smallest: WorkloadInfo[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const bucket = index.get(`${prefix}${k}=${v}`) ?? [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return (smallest ?? []).filter((w) => selects(selector, w.podLabels));
  }

  gatewayWorkloads(): WorkloadInfo[] {
    return this.memo('gatewayWorkloads', () => this.workloads.filter((w) => w.gateway));
  }

  /** Namespaces that run application workloads (not gateways, not the Istio/Argo/cert-manager system namespaces). */
  appNamespaces(): string[] {
    return this.memo('appNamespaces', () => this.computeAppNamespaces());
  }

  private computeAppNamespaces(): string[] {
    const system = new Set(['kube-system', 'kube-public', 'kube-node-lease', this.rootNamespace, 'argocd', 'cert-manager']);
    const out = new Set<string>();
    for (const w of this.workloads) if (!w.gateway && !system.has(w.namespace)) out.add(w.namespace);
    return [...out].sort();
  }
}
