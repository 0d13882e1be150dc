import { K8sObject } from './types';
import { arr, isRec, rec } from './util';

/**
 * Kubernetes API versions the API server no longer serves, from the Kubernetes deprecated API migration guide:
 * a manifest using one is rejected on apply. Each entry names the version that replaces it.
 */
export interface RemovedApi {
  readonly removedIn: string;
  /** apiVersion to use instead (for this kind); undefined when the kind itself is gone. */
  readonly replacement?: string;
  /** What else changes on the way, when more than the apiVersion does. */
  readonly note?: string;
}

const INGRESS_NOTE =
  'backend.serviceName/servicePort become backend.service.name and port.number or port.name, spec.backend becomes spec.defaultBackend, pathType is required';
const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];

/** `group/version` (core: `version`) -> kind (`*` for every kind of the version) -> removal. */
const REMOVED: Record<string, Record<string, RemovedApi>> = {
  'extensions/v1beta1': {
    Ingress: { removedIn: '1.22', replacement: 'networking.k8s.io/v1', note: INGRESS_NOTE },
    ...Object.fromEntries(
      WORKLOADS.filter((k) => k !== 'StatefulSet').map((k) => [
        k,
        { removedIn: '1.16', replacement: 'apps/v1', note: 'spec.selector is required' },
      ]),
    ),
    NetworkPolicy: { removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
    PodSecurityPolicy: { removedIn: '1.16', note: 'PodSecurityPolicy is gone since 1.25: use Pod Security Admission' },
  },
  'apps/v1beta1': { '*': { removedIn: '1.16', replacement: 'apps/v1', note: 'spec.selector is required' } },
  'apps/v1beta2': { '*': { removedIn: '1.16', replacement: 'apps/v1', note: 'spec.selector is required' } },
  'networking.k8s.io/v1beta1': {
    Ingress: { removedIn: '1.22', replacement: 'networking.k8s.io/v1', note: INGRESS_NOTE },
    IngressClass: { removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  },
  'apiextensions.k8s.io/v1beta1': {
    CustomResourceDefinition: {
      removedIn: '1.22',
      replacement: 'apiextensions.k8s.io/v1',
      note: 'every version needs a structural schema',
    },
  },
  'admissionregistration.k8s.io/v1beta1': {
    '*': {
      removedIn: '1.22',
      replacement: 'admissionregistration.k8s.io/v1',
      note: 'sideEffects and admissionReviewVersions are required',
    },
  },
  'apiregistration.k8s.io/v1beta1': { APIService: { removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' } },
  'rbac.authorization.k8s.io/v1beta1': { '*': { removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' } },
  'certificates.k8s.io/v1beta1': {
    CertificateSigningRequest: {
      removedIn: '1.22',
      replacement: 'certificates.k8s.io/v1',
      note: 'signerName is required',
    },
  },
  'coordination.k8s.io/v1beta1': { Lease: { removedIn: '1.22', replacement: 'coordination.k8s.io/v1' } },
  'scheduling.k8s.io/v1beta1': { PriorityClass: { removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' } },
  'storage.k8s.io/v1beta1': {
    CSIDriver: { removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
    CSINode: { removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
    StorageClass: { removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
    VolumeAttachment: { removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
    CSIStorageCapacity: { removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  },
  'batch/v1beta1': { CronJob: { removedIn: '1.25', replacement: 'batch/v1' } },
  'discovery.k8s.io/v1beta1': { EndpointSlice: { removedIn: '1.25', replacement: 'discovery.k8s.io/v1' } },
  'events.k8s.io/v1beta1': { Event: { removedIn: '1.25', replacement: 'events.k8s.io/v1' } },
  'autoscaling/v2beta1': { HorizontalPodAutoscaler: { removedIn: '1.25', replacement: 'autoscaling/v2' } },
  'autoscaling/v2beta2': { HorizontalPodAutoscaler: { removedIn: '1.26', replacement: 'autoscaling/v2' } },
  'policy/v1beta1': {
    PodDisruptionBudget: {
      removedIn: '1.25',
      replacement: 'policy/v1',
      note: 'an empty selector now selects every pod of the namespace',
    },
    PodSecurityPolicy: {
      removedIn: '1.25',
      note: 'use Pod Security Admission (pod-security.kubernetes.io labels on the namespace)',
    },
  },
  'node.k8s.io/v1beta1': { RuntimeClass: { removedIn: '1.25', replacement: 'node.k8s.io/v1' } },
  'flowcontrol.apiserver.k8s.io/v1beta1': {
    '*': { removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  },
  'flowcontrol.apiserver.k8s.io/v1beta2': {
    '*': { removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  },
  'flowcontrol.apiserver.k8s.io/v1beta3': {
    '*': { removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  },
};

export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  const byKind = REMOVED[apiVersion];
  return byKind?.[kind] ?? byKind?.['*'];
}

/**
 * The group the checker analyses a removed API's object under, so it takes part in the rules as far as it can:
 * an old Ingress as networking.k8s.io, old workloads as apps.
 */
export function analysisGroup(apiVersion: string, kind: string, group: string): string {
  if (!removedApi(apiVersion, kind)) return group;
  if (kind === 'Ingress' || kind === 'IngressClass') return 'networking.k8s.io';
  if (WORKLOADS.includes(kind)) return 'apps';
  return group;
}

/** A v1beta1 backend (`serviceName`, `servicePort`) in the v1 form, which the rules read. */
function v1Backend(backend: unknown): unknown {
  const b = rec(backend);
  if (!('serviceName' in b)) return backend;
  const { serviceName, servicePort, ...rest } = b;
  const port =
    typeof servicePort === 'number'
      ? { number: servicePort }
      : typeof servicePort === 'string'
        ? { name: servicePort }
        : undefined;
  return { ...rest, service: { name: serviceName, ...(port ? { port } : {}) } };
}

/** The object as its replacement version would hold it, for analysis (messages keep the original apiVersion). */
export function upgraded(raw: K8sObject, apiVersion: string, kind: string): K8sObject {
  if (kind !== 'Ingress' || !removedApi(apiVersion, kind) || !isRec(raw.spec)) return raw;
  const { backend, ...spec } = raw.spec;
  const rules = arr(spec.rules).map((r) =>
    isRec(r) && isRec(r.http)
      ? {
          ...r,
          http: {
            ...r.http,
            paths: arr(r.http.paths).map((p) => (isRec(p) ? { ...p, backend: v1Backend(p.backend) } : p)),
          },
        }
      : r,
  );
  return {
    ...raw,
    spec: {
      ...spec,
      ...(Array.isArray(spec.rules) ? { rules } : {}),
      ...(backend !== undefined && spec.defaultBackend === undefined ? { defaultBackend: v1Backend(backend) } : {}),
    },
  };
}
