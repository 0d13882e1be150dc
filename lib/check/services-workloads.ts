/**
 * Services and workloads the manifests declare (Service, Deployment ...) or an installer implies (an IstioOperator, an
 * Argo CD Application of Istio's gateway chart).
 */
import { helmSources, isIstioChartRepo } from './helm-sources';
import { Obj, objectRef } from './identity';
import { PodShutdown, podShutdown, templateShutdown } from './pod-shutdown';
import { arr, at, isRec, num, rec, str, strMap } from './util';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

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

/** Where Services and workloads are collected. */
export interface ServicesAndWorkloads {
  readonly services: ServiceInfo[];
  readonly workloads: WorkloadInfo[];
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

/**
 * Adds the Services and workloads an object declares (Service, Deployment ...) or implies (an IstioOperator, an
 * Argo CD Application of Istio's gateway chart) to `out`.
 */
export function collectServicesAndWorkloads(o: Obj, out: ServicesAndWorkloads): void {
  const spec = rec(o.raw.spec);
  if (o.kind === 'Service' && o.group === '') {
    out.services.push({
      namespace: o.namespace,
      name: o.name,
      type: str(spec.type) ?? 'ClusterIP',
      ports: servicePorts(spec.ports),
      selector: strMap(spec.selector),
      annotations: strMap(o.raw.metadata?.annotations),
      ref: o.ref,
      obj: o,
    });
  } else if (WORKLOAD_KINDS.has(o.kind) && (o.group === 'apps' || o.group === 'batch')) {
    const template = rec(spec.template);
    const podLabels = strMap(at(template, 'metadata.labels'));
    const podAnnotations = strMap(at(template, 'metadata.annotations'));
    out.workloads.push({
      namespace: o.namespace,
      name: o.name,
      podLabels,
      podAnnotations,
      ref: o.ref,
      obj: o,
      serviceAccount:
        str(at(template, 'spec.serviceAccountName')) ?? str(at(template, 'spec.serviceAccount')) ?? 'default',
      gateway: isGatewayPod(podLabels, podAnnotations, template.spec),
      shutdown: templateShutdown(template.spec, 'spec.template.spec'),
    });
  } else if (o.kind === 'IstioOperator') {
    impliedFromIstioOperator(o, out);
  } else if (o.kind === 'Application' && o.group === 'argoproj.io') {
    impliedFromApplication(o, out);
  }
}

/** istioctl installs `istio-ingressgateway` (default and demo profiles) unless the operator spec says otherwise. */
function impliedFromIstioOperator(o: Obj, out: ServicesAndWorkloads): void {
  const spec = rec(o.raw.spec);
  const profile = str(spec.profile) ?? 'default';
  const installNs = str(spec.namespace) ?? 'istio-system';
  let entries = arr(at(spec, 'components.ingressGateways')).filter(isRec);
  if (entries.length === 0 && (profile === 'default' || profile === 'demo'))
    entries = [{ name: 'istio-ingressgateway' }];
  entries.forEach((e, i) => {
    if (e.enabled === false) return;
    const name = str(e.name) ?? 'istio-ingressgateway';
    const ns = str(e.namespace) ?? installNs;
    const isDefault = name === 'istio-ingressgateway';
    const labels = { app: name, ...(isDefault ? { istio: 'ingressgateway' } : {}), ...strMap(e.label) };
    const legacyType = isDefault ? str(at(spec, 'values.gateways.istio-ingressgateway.type')) : undefined;
    // The legacy values API still sets the default gateway's pod annotations; the component's k8s settings win.
    const podAnnotations = {
      ...(isDefault ? strMap(at(spec, 'values.gateways.istio-ingressgateway.podAnnotations')) : {}),
      ...strMap(at(e, 'k8s.podAnnotations')),
    };
    const type = str(at(e, 'k8s.service.type')) ?? legacyType ?? 'LoadBalancer';
    const ports = arr(at(e, 'k8s.service.ports')).length
      ? servicePorts(at(e, 'k8s.service.ports'))
      : servicePorts(ISTIOCTL_GATEWAY_PORTS);
    const origin = `installed by ${o.ref}`;
    const installerField = arr(at(spec, 'components.ingressGateways')).length
      ? `spec.components.ingressGateways[${i}]`
      : 'spec';
    out.workloads.push({
      namespace: ns,
      name,
      podLabels: labels,
      podAnnotations,
      ref: objectRef('Deployment', ns, name),
      gateway: true,
      origin,
      // istioctl's gateway template runs every gateway as `<name>-service-account`.
      serviceAccount: `${name}-service-account`,
      installer: o,
      installerField,
    });
    out.services.push({
      namespace: ns,
      name,
      type,
      ports,
      selector: labels,
      annotations: strMap(at(e, 'k8s.serviceAnnotations')),
      ref: objectRef('Service', ns, name),
      origin,
      installer: o,
      annotationsField: `${installerField === 'spec' ? `spec.components.ingressGateways[${i}]` : installerField}.k8s.serviceAnnotations`,
    });
  });
}

/** An Argo CD Application of Istio's `gateway` chart stands for the gateway Deployment and Service it renders. */
function impliedFromApplication(o: Obj, out: ServicesAndWorkloads): void {
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
    const shutdown = podShutdown(
      at(values, 'lifecycle.preStop'),
      `${s.valuesField}.lifecycle.preStop`,
      values.terminationGracePeriodSeconds,
      `${s.valuesField}.terminationGracePeriodSeconds`,
    );
    out.workloads.push({
      namespace: ns,
      name,
      podLabels: labels,
      podAnnotations: strMap(values.podAnnotations),
      ref: objectRef('Deployment', ns, name),
      gateway: true,
      origin,
      serviceAccount,
      installer: o,
      installerField: s.valuesField,
      shutdown,
    });
    out.services.push({
      namespace: ns,
      name,
      type,
      ports,
      selector,
      annotations: strMap(service.annotations),
      ref: objectRef('Service', ns, name),
      origin,
      installer: o,
      annotationsField: `${s.valuesField}.service.annotations`,
    });
  }
}
