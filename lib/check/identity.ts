/** Identity of a manifest object: group, kind, namespace (defaulted), name, and how messages name it. */
import { RemovedApi } from './removed-apis';
import { K8sObject } from './types';
import { str } from './util';

/** Kinds that live outside namespaces, so their reference reads `Kind name`. */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'IngressClassParams',
  'ClusterIssuer',
  'PriorityClass',
  'GatewayClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'RuntimeClass',
]);

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

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
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
