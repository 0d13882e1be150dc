import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { PROJECT_ROOT } from '../project-root';
import { AppAllowConfig, AppConfig, AppRouteConfig, Config, MtlsMode, OutboundTrafficPolicy, asList } from './types';

/** Where teams' app files live: `config/apps/*.yaml`, one app or a list of apps each, read in file-name order. */
export const APPS_DIR = join(PROJECT_ROOT, 'config', 'apps');

/** The `*.yaml` files of an apps folder, in the order their apps are placed. */
export function appFiles(dir: string = APPS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.yaml'))
    .map((d) => d.name)
    .sort()
    .map((f) => join(dir, f));
}

/** A YAML mapping as parsed: an object that is not a list. */
export type Plain = Record<string, unknown>;
export const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges an override's apps into the base's by name: an app of the same name is deep-merged (maps merge, lists
 * replace, as for the rest of the configuration), a new name is appended, so an environment adds apps after the
 * others and never moves them. Other items are appended as they are, for the schema and the checks to name.
 */
export function mergeApps(base: unknown, override: unknown, merge: (a: unknown, b: unknown) => unknown): unknown {
  if (!Array.isArray(base) || !Array.isArray(override)) return override === undefined ? base : override;
  const merged = [...base];
  const indexOf = new Map<unknown, number>();
  merged.forEach((a, i) => {
    if (isPlainObject(a) && typeof a.name === 'string' && !indexOf.has(a.name)) indexOf.set(a.name, i);
  });
  for (const app of override) {
    const at = isPlainObject(app) ? indexOf.get(app.name) : undefined;
    // Only the base's apps are matched: a name repeated within one file stays repeated, for the check to name it.
    if (at === undefined) merged.push(app);
    else merged[at] = merge(merged[at], app);
  }
  return merged;
}

/** A team's app with every default applied: what the constructs and the plan of ALBs take. */
export interface ResolvedApp {
  /** The config key of the app, `apps[<i>]`, for messages. */
  readonly key: string;
  /** The app as configured (before defaults), to tell a key that was set from one that defaulted. */
  readonly configured: AppConfig;
  readonly name: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  /** Its own certificates; empty: the top-level certificateArn covers its hosts. */
  readonly certificateArns: readonly string[];
  readonly routes: readonly Required<AppRouteConfig>[];
  readonly externalHosts: readonly string[];
  readonly mtlsMode: MtlsMode;
  /** Whether the app namespace gets a PeerAuthentication of its own (else a mesh-wide one applies). */
  readonly namespacePeerAuthentication: boolean;
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  readonly authorization: boolean;
  readonly workloadLabel: string;
  readonly allow: readonly AppAllowConfig[];
}

/** The teams' apps that are enabled, in config order, with their defaults applied. */
export function resolvedApps(config: Config): ResolvedApp[] {
  const resolved: ResolvedApp[] = [];
  config.apps.forEach((app: AppConfig, i) => {
    if (app.enabled === false) return;
    resolved.push({
      key: `apps[${i}]`,
      configured: app,
      name: app.name,
      namespace: app.namespace ?? app.name,
      hosts: app.hosts,
      certificateArns: app.certificateArn === undefined ? [] : asList(app.certificateArn),
      routes: app.routes.map((r) => ({ ...r, targetPort: r.targetPort ?? r.port, workload: r.workload ?? r.service })),
      externalHosts: app.externalHosts ?? [],
      mtlsMode: app.mtlsMode ?? config.mesh.mtlsMode,
      // An app's own mode needs a policy of its own; otherwise it follows mesh.mtlsScope.
      namespacePeerAuthentication: app.mtlsMode !== undefined || config.mesh.mtlsScope === 'namespace',
      outboundTrafficPolicy: app.outboundTrafficPolicy ?? config.mesh.outboundTrafficPolicy,
      authorization: app.authorization ?? config.mesh.authorization,
      workloadLabel: app.workloadLabel ?? 'app',
      allow: app.allow ?? [],
    });
  });
  return resolved;
}

/**
 * Whether the top-level host, namespace, istioEdge.routes and mesh.externalHosts describe an app: the yelb sample's,
 * or, with yelb off and no teams' apps, the operator's own app in `namespace` (the single-app form).
 */
export function sampleAppActive(config: Config): boolean {
  return config.yelb.enabled || !config.apps.some((a) => a.enabled !== false);
}
