/** How a pod stops: its preStop sleep and termination grace period, read from a pod template or chart values. */
import { arr, at, rec } from './util';

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
  const command = arr(at(preStop, 'exec.command')).map((c) =>
    typeof c === 'string' || typeof c === 'number' ? String(c) : '',
  );
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
export function templateShutdown(podSpec: unknown, base: string): PodShutdown {
  const containers = arr(at(podSpec, 'containers')).map(rec);
  let index = containers.findIndex((c) => c.name === 'istio-proxy');
  if (index < 0 && containers.length === 1) index = 0;
  return podShutdown(
    index < 0 ? undefined : at(containers[index], 'lifecycle.preStop'),
    index < 0 ? `${base}.containers` : `${base}.containers[${index}].lifecycle.preStop`,
    at(podSpec, 'terminationGracePeriodSeconds'),
    `${base}.terminationGracePeriodSeconds`,
  );
}

/** A PodShutdown from a preStop hook and a grace period as written (absent: the 30 s default). */
export function podShutdown(
  preStop: unknown,
  preStopField: string,
  graceValue: unknown,
  terminationGraceField: string,
): PodShutdown {
  const grace = seconds(graceValue);
  return {
    preStopSleep: preStopSleep(preStop),
    preStopField,
    terminationGracePeriod: grace ?? DEFAULT_TERMINATION_GRACE,
    terminationGraceDefault: grace === undefined,
    terminationGraceField,
  };
}
