import { ALB, AlbBackend, AlbIngress, DEREGISTRATION_DELAY, deregistrationDelay, mayBeGateway } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { WorkloadInfo } from './services-workloads';
import { TargetDrain } from './types';

/**
 * Zero-downtime rollouts of the ingress gateway (rule C32; LBC#1064, #1065, istio#26302). With ip targets the ALB
 * sends to pod IPs: when a gateway pod terminates, the controller deregisters it and the ALB drains it for up to the
 * deregistration delay, so the pod must keep serving that long (a preStop sleep), and the kubelet must not kill it
 * before the sleep ends and Envoy drains (terminationGracePeriodSeconds). With instance targets the ALB targets
 * nodes: a terminating pod deregisters nothing, and the delay does not bound its shutdown.
 */

const SUGGESTED_DELAY = 30;
/** How much longer than the deregistration delay a suggested preStop sleep is: the controller deregisters a bit late. */
const PRE_STOP_MARGIN = 5;
/** What the suggested grace period leaves Envoy to drain after the preStop sleep. */
const DRAIN_MARGIN = 30;

/** Gateway workloads behind an ALB backend that the manifests describe. */
function gatewaysBehind(inv: Inventory, b: AlbBackend): WorkloadInfo[] {
  return b.service ? inv.workloadsOf(b.service).filter((w) => w.gateway) : [];
}

/** The object to fix: the workload itself, or the installer (gateway chart Application, IstioOperator) rendering it. */
function targetOf(w: WorkloadInfo): Obj | undefined {
  return w.obj ?? w.installer;
}

function describe(w: WorkloadInfo): string {
  return w.obj ? w.ref : `${w.ref} (${w.origin})`;
}

export function checkRollouts(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  for (const w of inv.gatewayWorkloads()) checkGrace(w, f);
  for (const alb of albs) {
    if (alb.targetType !== 'ip') continue;
    for (const b of alb.backends) checkPreStop(inv, alb, b, f);
  }
}

/** A preStop sleep that reaches the grace period is cut short by SIGKILL, and Envoy never drains. */
function checkGrace(w: WorkloadInfo, f: Findings): void {
  const s = w.shutdown;
  const target = targetOf(w);
  if (!s || !target || !s.preStopSleep || s.terminationGracePeriod > s.preStopSleep) return;
  f.add(
    'gateway-termination-grace',
    target,
    s.terminationGraceField,
    `${describe(w)} has terminationGracePeriodSeconds ${s.terminationGracePeriod}${s.terminationGraceDefault ? ' (default)' : ''}, not longer than its ${s.preStopSleep}s preStop sleep: the kubelet kills the proxy before it drains`,
    `set terminationGracePeriodSeconds: ${s.preStopSleep + DRAIN_MARGIN} (the preStop sleep plus time for Envoy to drain)`,
  );
}

function checkPreStop(inv: Inventory, alb: AlbIngress, b: AlbBackend, f: Findings): void {
  // Application backends and Ingresses in the wrong namespace are other rules' findings.
  if (!mayBeGateway(inv, b)) return;
  const d = deregistrationDelay(b);
  if (d.seconds === undefined) return; // unreadable: reported by target-group-attributes-format / deregistration-delay-range
  const delay = `${d.seconds}s deregistration delay${d.from === 'default' ? ' (AWS default)' : d.from === 'Service' ? ` (set on ${b.service!.ref})` : ''}`;
  const sleep = d.seconds + PRE_STOP_MARGIN;
  const gateways = gatewaysBehind(inv, b);
  if (!gateways.length) {
    const svc = b.service?.ref ?? `Service ${alb.obj.namespace}/${b.serviceName}`;
    f.add(
      'not-verifiable',
      alb.obj,
      `${b.field}.service.name`,
      `the gateway pods behind ${svc} are not in the manifests: their preStop sleep must outlast the ${delay} of the target group, or requests in flight during rollouts get 502/504`,
      `give the gateway's istio-proxy container lifecycle.preStop.sleep.seconds: ${sleep} and terminationGracePeriodSeconds: ${sleep + DRAIN_MARGIN}, or include the gateway in the checked manifests`,
    );
    return;
  }
  for (const w of gateways) {
    const target = targetOf(w);
    const s = w.shutdown;
    if (!target) continue;
    if (!s) {
      f.add(
        'not-verifiable',
        target,
        w.installerField ?? 'spec',
        `${describe(w)} takes its preStop hook from k8s.overlays, which are not read here: it must sleep longer than the ${delay} of ${alb.obj.ref}`,
        `check an overlay gives the istio-proxy container lifecycle.preStop.sleep.seconds: ${sleep}, or install the gateway with the gateway chart`,
      );
      continue;
    }
    if (s.preStopSleep === undefined) {
      f.add(
        'not-verifiable',
        target,
        s.preStopField,
        `the preStop hook of ${describe(w)} is not a sleep the checker can time: it must keep the gateway serving longer than the ${delay} of ${alb.obj.ref}`,
        `use lifecycle.preStop.sleep.seconds: ${sleep} (or exec sleep ${sleep})`,
      );
      continue;
    }
    if (s.preStopSleep > d.seconds) continue;
    const has = s.preStopSleep === 0 ? 'has no preStop sleep' : `sleeps only ${s.preStopSleep}s in preStop`;
    const grace = s.terminationGracePeriod > sleep ? '' : ` and terminationGracePeriodSeconds: ${sleep + DRAIN_MARGIN}`;
    const fix =
      d.from === 'default'
        ? `set ${ALB}target-group-attributes: ${DEREGISTRATION_DELAY}=${SUGGESTED_DELAY} and give the gateway lifecycle.preStop.sleep.seconds: ${SUGGESTED_DELAY + PRE_STOP_MARGIN}` +
          (s.terminationGracePeriod > SUGGESTED_DELAY + PRE_STOP_MARGIN
            ? ''
            : ` and terminationGracePeriodSeconds: ${SUGGESTED_DELAY + PRE_STOP_MARGIN + DRAIN_MARGIN}`)
        : `give the gateway lifecycle.preStop.sleep.seconds: ${sleep}${grace}, or lower ${DEREGISTRATION_DELAY} below its sleep`;
    f.add(
      'gateway-prestop-sleep',
      target,
      s.preStopField,
      `${describe(w)} ${has}, but ${alb.obj.ref} drains its pod targets for up to the ${delay}: a terminating gateway stops serving first, so requests in flight during rollouts get 502/504`,
      fix,
    );
  }
}

/** The drain of a backend's target group and the shutdown of its gateway pods, for the target-group hop. */
export function targetDrain(inv: Inventory, b: AlbBackend): { drain: TargetDrain; text: string } {
  const d = deregistrationDelay(b);
  const parts = [
    d.seconds === undefined
      ? 'deregistration delay unreadable'
      : `deregistration ${d.seconds}s${d.from === 'default' ? ' (AWS default)' : ''}`,
  ];
  const toGateway = mayBeGateway(inv, b);
  const gateways = toGateway ? gatewaysBehind(inv, b) : [];
  if (toGateway && !gateways.length) parts.push('gateway not in the manifests');
  for (const w of gateways) {
    const s = w.shutdown;
    const who = gateways.length > 1 ? `gateway ${w.name}` : 'gateway';
    if (!s) parts.push(`${who} preStop not in the manifests`);
    else {
      const preStop =
        s.preStopSleep === undefined ? 'not a sleep' : s.preStopSleep === 0 ? 'none' : `${s.preStopSleep}s`;
      parts.push(
        `${who} preStop ${preStop}`,
        `grace ${s.terminationGracePeriod}s${s.terminationGraceDefault ? ' (default)' : ''}`,
      );
    }
  }
  return {
    drain: {
      ...(d.seconds === undefined ? {} : { deregistrationDelay: d.seconds }),
      deregistrationDelayFrom: d.from,
      gateways: gateways.map((w) => ({
        workload: w.ref,
        ...(w.shutdown?.preStopSleep === undefined ? {} : { preStopSleep: w.shutdown.preStopSleep }),
        ...(w.shutdown ? { terminationGracePeriod: w.shutdown.terminationGracePeriod } : {}),
      })),
    },
    text: parts.join(', '),
  };
}
