import { CLUSTER_SCOPED, Obj, objectRef, splitApiVersion } from './identity';
import { analysisGroup, removedApi, upgraded } from './removed-apis';
import { collectServicesAndWorkloads, ServiceInfo, WorkloadInfo } from './services-workloads';
import { CheckOptions, SourcedObject } from './types';
import { append, arr, at, isRec, rec, selects, str, strMap } from './util';

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
        const missing = [!apiVersion && 'apiVersion', !kind && 'kind', !name && 'metadata.name']
          .filter(Boolean)
          .join(', ');
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
      const obj: Obj = {
        raw,
        apiVersion,
        group,
        version,
        kind,
        name,
        namespace,
        ref: objectRef(kind, namespace, name),
        source,
        ...(removed ? { removed } : {}),
      };
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
    for (const o of this.objects) collectServicesAndWorkloads(o, this);
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

  of(kind: string, group?: string): Obj[] {
    return this.memo(`of\u0000${kind}\u0000${group ?? '*'}`, () =>
      (this.byKind.get(kind) ?? []).filter((o) => group === undefined || o.group === group),
    );
  }

  istio(kind: string): Obj[] {
    return this.memo(`istio\u0000${kind}`, () =>
      (this.byKind.get(kind) ?? []).filter((o) => o.group.endsWith('.istio.io')),
    );
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
    return this.byName
      .get(`${kind}\u0000${namespace}\u0000${name}`)
      ?.find((o) => group === undefined || o.group === group);
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
        append(m, dest, {
          obj: app,
          field: 'spec.syncPolicy.managedNamespaceMetadata.labels',
          labels: strMap(at(sync, 'managedNamespaceMetadata.labels')),
        });
      }
      return m;
    });
    const nsObj = this.namespaceObj(ns);
    return [
      ...(nsObj ? [{ obj: nsObj, field: 'metadata.labels', labels: strMap(nsObj.raw.metadata?.labels) }] : []),
      ...(creators.get(ns) ?? []),
    ];
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
    return this.memoOn(svc, 'workloads', () =>
      this.selected(this.workloadsByLabel, `${svc.namespace}\u0000`, svc.selector),
    );
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
    return namespace === undefined
      ? (this.labelCounts.get(`${key}=${value}`) ?? 0)
      : (this.workloadsByLabel.get(`${namespace}\u0000${key}=${value}`)?.length ?? 0);
  }

  /** Gateway workloads, in any namespace, whose pod labels a selector matches. */
  gatewayWorkloadsSelected(selector: Record<string, string>): WorkloadInfo[] {
    return this.selected(this.gatewaysByLabel, '', selector);
  }

  /** What a selector picks: the entries of its rarest label pair that carry all its pairs (empty selectors pick nothing). */
  private selected(
    index: Map<string, WorkloadInfo[]>,
    prefix: string,
    selector: Record<string, string>,
  ): WorkloadInfo[] {
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
    const system = new Set([
      'kube-system',
      'kube-public',
      'kube-node-lease',
      this.rootNamespace,
      'argocd',
      'cert-manager',
    ]);
    const out = new Set<string>();
    for (const w of this.workloads) if (!w.gateway && !system.has(w.namespace)) out.add(w.namespace);
    return [...out].sort();
  }
}
