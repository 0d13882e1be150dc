import { ALB, AlbIngress, groupName } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { append, arr, at, isRec, rec, str, strMap } from './util';
import { AWS_ALB_QUOTAS, wildcardCount } from '../alb-plan';

/**
 * ALB quotas ("Quotas for your Application Load Balancers") on what the AWS Load Balancer Controller builds from
 * the Ingresses of one ALB (an IngressGroup, or a lone Ingress): listener rules, condition values and wildcards per
 * rule, target groups. Certificates per ALB are alb-certificate-quota in limits.ts.
 *
 * How the controller counts (pkg/ingress/model_build_listener_rules.go, enhanced_backend_builder.go,
 * model_build_target_group.go):
 * - every path of every Ingress rule becomes one listener rule on each listen port of its Ingress, except on HTTP
 *   listeners when the group redirects to HTTPS (ssl-redirect), which get none; defaults are not rules;
 * - a rule's host-header values are the rule's host plus the host-header values of `conditions.<backend name>`; its
 *   path-pattern values come from the path (Prefix `/` gives `/*`, another Prefix `/x` gives `/x` and `/x/*`,
 *   Exact and ImplementationSpecific the path itself) plus the annotation's path-pattern values; a rule with no
 *   condition at all gets `/*`. Header, method, query-string and source-ip values of the annotation count too;
 * - a target group per (Ingress, Service, port) a backend or a forward action names: two Ingresses of one group
 *   that reach the same Service port make two target groups.
 * The redirect-rule trimming of the controller's rule optimizer is not modelled (it only removes redirect rules).
 */

const RULES = AWS_ALB_QUOTAS.rules;
const VALUES = AWS_ALB_QUOTAS.conditionValuesPerRule;
const WILDCARDS = AWS_ALB_QUOTAS.wildcardsPerRule;
const TARGET_GROUPS = AWS_ALB_QUOTAS.targetGroups;

/** The condition values and wildcards of one listener rule. */
interface RuleConditions {
  readonly parts: [string, number][];
  readonly values: number;
  readonly wildcards: number;
}

export function checkAlbQuotas(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const byAlb = new Map<string, AlbIngress[]>();
  for (const alb of albs) {
    const group = groupName(inv, alb.obj);
    const key = group ? `group ${group}` : alb.obj.ref;
    append(byAlb, key, alb);
  }
  for (const [key, members] of byAlb) {
    const name = key.startsWith('group ') ? `the ALB of IngressGroup '${key.slice(6)}'` : 'the ALB';
    const redirects = members.some((m) => m.redirect === 'annotation');
    let rules = 0;
    const targetGroups = new Set<string>();
    for (const alb of members) {
      const ann = strMap(alb.obj.raw.metadata?.annotations);
      const listeners = alb.listeners.filter((l) => !(redirects && l.protocol === 'HTTP')).length;
      arr(at(alb.obj.raw.spec, 'rules')).forEach((r, i) => {
        arr(at(r, 'http.paths')).forEach((p, j) => {
          rules += listeners;
          const backend = rec(at(p, 'backend.service'));
          targetGroupsOf(alb.obj, ann, backend, targetGroups);
          checkRuleConditions(
            alb.obj,
            `spec.rules[${i}].http.paths[${j}]`,
            conditionsOf(str(rec(r).host), rec(p), ann, str(backend.name)),
            f,
          );
        });
      });
      const fallback = at(alb.obj.raw.spec, 'defaultBackend.service');
      if (isRec(fallback)) targetGroupsOf(alb.obj, ann, fallback, targetGroups);
    }
    const first = members[0].obj;
    if (rules > RULES) {
      f.add(
        'alb-rule-quota',
        first,
        'spec.rules',
        `${rules} listener rules on ${name} (one per Ingress path on each listener that forwards): AWS allows ${RULES} besides the default rules unless the quota is raised`,
        `raise the "Rules per Application Load Balancer" quota, pack up to ${VALUES} hosts into one rule (${ALB}conditions.<name>), or spread the hosts over several IngressGroups`,
      );
    }
    if (targetGroups.size > TARGET_GROUPS) {
      f.add(
        'alb-target-group-quota',
        first,
        'spec.rules',
        `${targetGroups.size} target groups on ${name} (one per Ingress, Service and port): AWS allows ${TARGET_GROUPS}, a fixed quota, so the controller cannot build the ALB`,
        'reach each Service port from one Ingress of the group (every Ingress makes target groups of its own), or spread the Ingresses over several IngressGroups',
      );
    }
  }
}

/** Adds the target groups a backend (a Service port, or an actions.<name> forward) makes for `ing`. */
function targetGroupsOf(
  ing: Obj,
  ann: Record<string, string>,
  backend: Record<string, unknown>,
  out: Set<string>,
): void {
  const name = str(backend.name);
  if (name === undefined) return;
  const port = rec(backend.port);
  if (str(port.name) !== 'use-annotation') {
    out.add(`${ing.ref} ${name}:${String(port.number ?? port.name)}`);
    return;
  }
  const action = rec(parseJson(ann[`${ALB}actions.${name}`]));
  if (str(action.type) !== 'forward') return;
  const arn = str(action.targetGroupARN);
  if (arn !== undefined) out.add(`arn ${arn}`);
  for (const tg of arr(at(action, 'forwardConfig.targetGroups')).map(rec)) {
    const tgArn = str(tg.targetGroupARN);
    if (tgArn !== undefined) out.add(`arn ${tgArn}`);
    else if (str(tg.serviceName) !== undefined) out.add(`${ing.ref} ${str(tg.serviceName)}:${String(tg.servicePort)}`);
  }
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // alb-annotation-invalid's matter, not a quota's
  }
}

/** The path patterns the controller makes of an Ingress path (buildPathPatterns). */
function pathPatterns(path: string, pathType: string | undefined): string[] {
  if (path === '') return [];
  if (pathType !== 'Prefix') return [path];
  if (path === '/') return ['/*'];
  const trimmed = path.replace(/\/$/, '');
  return [trimmed, `${trimmed}/*`];
}

function conditionsOf(
  host: string | undefined,
  path: Record<string, unknown>,
  ann: Record<string, string>,
  backendName: string | undefined,
): RuleConditions {
  const hosts = host ? [host] : [];
  const paths = pathPatterns(str(path.path) ?? '', str(path.pathType));
  const others: string[] = [];
  const annotation = backendName === undefined ? [] : arr(parseJson(ann[`${ALB}conditions.${backendName}`])).map(rec);
  for (const c of annotation) {
    const values = (field: string) => arr(at(c, `${field}.values`));
    switch (str(c.field)) {
      case 'host-header':
        hosts.push(...values('hostHeaderConfig').map(String));
        break;
      case 'path-pattern':
        paths.push(...values('pathPatternConfig').map(String));
        break;
      case 'http-header':
        others.push(...values('httpHeaderConfig').map(String));
        break;
      case 'query-string':
        others.push(...values('queryStringConfig').map((kv) => `${str(rec(kv).key) ?? ''}${str(rec(kv).value) ?? ''}`));
        break;
      // Methods and source IPs have no wildcards.
      case 'http-request-method':
        others.push(...values('httpRequestMethodConfig').map(() => ''));
        break;
      case 'source-ip':
        others.push(...values('sourceIpConfig').map(() => ''));
        break;
      default:
        break;
    }
  }
  if (hosts.length + paths.length + others.length === 0) paths.push('/*');
  const parts: [string, number][] = [
    ['host-header', hosts.length],
    ['path-pattern', paths.length],
    ['other conditions', others.length],
  ];
  const all = [...hosts, ...paths, ...others];
  return {
    parts: parts.filter(([, n]) => n > 0),
    values: all.length,
    wildcards: all.reduce((n, v) => n + wildcardCount(v), 0),
  };
}

function checkRuleConditions(ing: Obj, field: string, c: RuleConditions, f: Findings): void {
  const detail = c.parts.map(([what, n]) => `${what} ${n}`).join(', ');
  if (c.values > VALUES) {
    f.add(
      'alb-condition-values-quota',
      ing,
      field,
      `the listener rule of this path has ${c.values} condition values (${detail}): AWS allows ${VALUES} per rule, a fixed quota, so the controller cannot create it`,
      `keep each rule to ${VALUES} values: spread the hosts over several rules, or leave the path out (Istio routes by path behind the ALB)`,
    );
  }
  if (c.wildcards > WILDCARDS) {
    f.add(
      'alb-condition-wildcards-quota',
      ing,
      field,
      `the listener rule of this path has ${c.wildcards} wildcards (* or ?) in its condition values: AWS allows ${WILDCARDS} per rule, a fixed quota, so the controller cannot create it`,
      `keep each rule to ${WILDCARDS} wildcards: spread the wildcard hosts over several rules, or leave the path out (a Prefix / path costs one)`,
    );
  }
}
