import { ALB, AlbIngress, classParams, groupName } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { meshPresent } from './mesh-model';
import { annotationField, arr, at, isRec, rec, str } from './util';
import { ALB_HOST_MAX_LENGTH, arnPartitionError, requestAboveLimitError } from '../patterns';

/**
 * Limits that AWS, the API server or Istio enforce on any manifests, which the other rules do not cover: ALB host
 * conditions and certificates per listener, ARN partitions, container requests and limits, wildcard hosts of DNS
 * ServiceEntries, and application workloads in the mesh root namespace.
 */

/** Certificates an ALB's HTTPS listener takes: the default one plus 25 for SNI (a quota AWS can raise). */
const MAX_LISTENER_CERTIFICATES = 26;
const POD_TEMPLATE_OF: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

export function checkLimits(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  checkAlbHosts(albs, f);
  checkListenerCertificates(inv, albs, f);
  checkArnPartitions(inv, albs, f);
  for (const o of inv.objects) {
    if (o.kind in POD_TEMPLATE_OF && (o.group === '' || o.group === 'apps' || o.group === 'batch')) checkRequests(o, f);
    else if (o.kind === 'ServiceEntry' && o.group === 'networking.istio.io') checkServiceEntryHosts(o, f);
  }
  checkRootNamespaceWorkloads(inv, f);
}

/** The part of a finding that repeats a manifest value, cut like the synth's errors. */
const shown = (value: string) =>
  value.length <= 100 ? value : `${value.slice(0, 100)}... (${value.length} characters)`;

function checkAlbHosts(albs: AlbIngress[], f: Findings): void {
  for (const alb of albs) {
    arr(at(alb.obj.raw.spec, 'rules')).forEach((rule, i) => {
      const host = str(rec(rule).host);
      if (host === undefined || host.length <= ALB_HOST_MAX_LENGTH) return;
      f.add(
        'alb-host-length',
        alb.obj,
        `spec.rules[${i}].host`,
        `host '${shown(host)}' has ${host.length} characters; an ALB host condition takes at most ${ALB_HOST_MAX_LENGTH}, so the controller cannot create the rule`,
        `use a host name of at most ${ALB_HOST_MAX_LENGTH} characters`,
      );
    });
  }
}

/** Certificates accumulate per ALB: over the Ingresses of an IngressGroup, or one Ingress's own. */
function checkListenerCertificates(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const byAlb = new Map<string, { first: Obj; arns: Set<string> }>();
  for (const alb of albs) {
    const group = groupName(inv, alb.obj);
    const key = group ? `group ${group}` : alb.obj.ref;
    const entry = byAlb.get(key) ?? { first: alb.obj, arns: new Set<string>() };
    for (const arn of alb.certificateArns) entry.arns.add(arn);
    byAlb.set(key, entry);
  }
  for (const [key, { first, arns }] of byAlb) {
    if (arns.size <= MAX_LISTENER_CERTIFICATES) continue;
    const alb = key.startsWith('group ') ? `the ALB of IngressGroup '${key.slice(6)}'` : 'the ALB';
    f.add(
      'alb-certificate-quota',
      first,
      annotationField(`${ALB}certificate-arn`),
      `${arns.size} certificates on the HTTPS listener of ${alb}: AWS allows the default plus 25 (${MAX_LISTENER_CERTIFICATES}) unless the quota is raised`,
      'raise the "Certificates per Application Load Balancer" quota, or use fewer certificates (a wildcard or multi-name certificate covers several hosts)',
    );
  }
}

function checkArnPartitions(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const problem = (field: string, arn: string) => arnPartitionError(field, arn.trim())?.problem;
  for (const alb of albs) {
    const ing = alb.obj;
    const ann = rec(ing.raw.metadata?.annotations);
    for (const key of ['certificate-arn', 'wafv2-acl-arn']) {
      const raw = str(ann[`${ALB}${key}`]);
      for (const arn of (raw ?? '').split(',').filter((a) => a.trim())) {
        const p = problem(key, arn);
        if (p)
          f.add(
            'arn-partition-region',
            ing,
            annotationField(`${ALB}${key}`),
            `${key} ${p}`,
            'use the partition of the region: arn:aws-cn: for cn-*, arn:aws-us-gov: for us-gov-*, arn:aws: for the others',
          );
      }
    }
    const params = classParams(inv, ing);
    if (!params) continue;
    const spec = rec(params.raw.spec);
    const arns: [string, unknown][] = [
      ...arr(spec.certificateArn).map((a, i) => [`spec.certificateArn[${i}]`, a] as [string, unknown]),
      ['spec.wafv2AclArn', spec.wafv2AclArn],
    ];
    for (const [field, arn] of arns) {
      const p = typeof arn === 'string' ? problem(field, arn) : undefined;
      if (p)
        f.add(
          'arn-partition-region',
          params,
          field,
          `${field} ${p}`,
          'use the partition of the region: arn:aws-cn: for cn-*, arn:aws-us-gov: for us-gov-*, arn:aws: for the others',
        );
    }
  }
}

function checkRequests(o: Obj, f: Findings): void {
  const base = POD_TEMPLATE_OF[o.kind];
  const podSpec = at(o.raw, base);
  for (const list of ['initContainers', 'containers']) {
    arr(at(podSpec, list)).forEach((c, i) => {
      if (!isRec(c)) return;
      const field = `${base}.${list}[${i}].resources`;
      const p = requestAboveLimitError('resources', rec(c.resources));
      if (p)
        f.add(
          'resources-request-above-limit',
          o,
          field,
          `container ${str(c.name) ?? i}: ${p.field} ${p.problem}; the API server rejects the object`,
          'make every request at most its limit',
        );
    });
  }
}

/** Istio accepts a wildcard host with DNS resolution only when endpoints say where to send it. */
function checkServiceEntryHosts(o: Obj, f: Findings): void {
  const spec = rec(o.raw.spec);
  const resolution = str(spec.resolution);
  if (
    (resolution !== 'DNS' && resolution !== 'DNS_ROUND_ROBIN') ||
    arr(spec.endpoints).length > 0 ||
    spec.workloadSelector
  )
    return;
  arr(spec.hosts).forEach((h, i) => {
    if (typeof h === 'string' && h.includes('*')) {
      f.add(
        'service-entry-wildcard-dns',
        o,
        `spec.hosts[${i}]`,
        `host '${shown(h)}' is a wildcard, which Istio rejects with resolution ${resolution} and no endpoints`,
        'list the exact host names, or use resolution: NONE for a wildcard',
      );
    }
  });
}

/**
 * Namespace-wide Istio policy in the root namespace (Sidecar, PeerAuthentication, AuthorizationPolicy) applies to the
 * whole mesh, so an application there cannot have policies of its own. Istio's own workloads (gateways, istiod) belong there.
 */
function checkRootNamespaceWorkloads(inv: Inventory, f: Findings): void {
  // Without Istio in the manifests there is no mesh root namespace to speak of.
  if (!meshPresent(inv)) return;
  for (const w of inv.workloads) {
    if (w.namespace !== inv.rootNamespace || w.gateway || !w.obj || isIstioControlPlane(w.obj)) continue;
    f.add(
      'root-namespace-workload',
      w.obj,
      'metadata.namespace',
      `${w.ref} runs in the mesh root namespace ${inv.rootNamespace}, where namespace-wide Sidecar, PeerAuthentication and AuthorizationPolicy objects apply to the whole mesh`,
      'move the application to a namespace of its own',
    );
  }
}

function isIstioControlPlane(o: Obj): boolean {
  const labels = rec(at(o.raw, 'spec.template.metadata.labels'));
  return (
    o.name.startsWith('istiod') ||
    labels.app === 'istiod' ||
    labels.istio === 'pilot' ||
    str(labels['app.kubernetes.io/part-of']) === 'istio'
  );
}
