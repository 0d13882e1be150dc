import { ALB_GROUP_NAME, PropError, echo } from './patterns';

/**
 * ALB placement: which apps share which ALB (IngressGroup), with which host rules and certificates, within the AWS
 * quotas ("Quotas for your Application Load Balancers").
 *
 * How hosts reach the gateway: host rules. Istio does the host and path routing, so every rule of an ALB forwards
 * to the one target group of the Istio ingress gateway, and a rule only says which hosts the ALB accepts. A rule
 * carries a host-header condition of up to 5 values (the fixed "condition values per rule" quota) with at most 5
 * wildcard characters (`*`, `?`: the fixed "wildcards per rule" quota); a Prefix `/` path becomes the value `/*`,
 * which costs a value and a wildcard (controller pkg/ingress/model_build_listener_rules.go, buildRuleConditions and
 * buildPathPatternsForPrefixPathType). Packed rules without a path serve up to 5 x 100 = 500 hosts per ALB; the
 * product's Ingresses (charts/alb-ingress-chart.ts) keep one host and its `/*` per rule, as a plain Ingress reads
 * (`maxHostsPerRule: 1` with a reserve of one value and one wildcard): 100 hosts per ALB, where the 25 certificates
 * of an ALB usually bind first. The listener's default action (the controller's fixed 404) answers every other host. A default action that forwards everything to the gateway would
 * need no rules at all, but it would let any Host header through to the gateway and let each ALB answer for the
 * hosts of the others; host rules keep each ALB to its own apps' hosts, as the single-app Ingress does today, and
 * the rule quota then matters only past 500 hosts per ALB, beyond what 26 certificates usually cover.
 *
 * Rendering (for the writer of the Ingresses): one Ingress per ALB, because the controller makes one target group
 * per (Ingress, Service, port) (model_build_target_group.go, buildTargetGroupResourceID): an Ingress per app would
 * give each app its own target group of the same gateway pods, against the fixed 100 per ALB. A rule of several
 * hosts is an Ingress path without `path` (pathType ImplementationSpecific) whose backend names an action
 * (`alb.ingress.kubernetes.io/actions.<name>`, forward to the gateway Service) and whose
 * `alb.ingress.kubernetes.io/conditions.<name>` lists the hosts: the controller adds those values to the rule's
 * host-header condition. `ruleReserve` and `maxHostsPerRule` let a rendering that keeps a path per rule (today's
 * AlbIngress: one host and `/*` per rule) plan with its own figures.
 *
 * Stability: apps are placed in the order given (config order) by next-fit: an app goes to the ALB opened last if
 * it fits there, else it opens the next ALB. Each decision depends only on the apps before it, so appending an app
 * never moves an existing one, and an existing ALB's apps, certificates and rules only grow at their end (its last
 * rule may take the new app's first hosts). Removing, reordering or growing an app may move the apps after it; a
 * team that must never move should be listed before apps that change often. Next-fit looks at one ALB per app,
 * so planning is linear in apps, hosts and certificates. First-fit would be as stable under appends and pack a
 * little tighter (a small app could fill room left in an earlier ALB), but it scans every ALB per app or needs an
 * index over certificates and rules together; with apps of a team (sharing certificates) listed together, next-fit
 * wastes little. Hash placement (an app's ALB from its name) was rejected: it survives removals, but it needs a
 * fixed ALB count decided up front and cannot follow capacity.
 *
 * Certificates: the default certificate (the listener's, excluded from the quota) comes first on every ALB; the
 * others of the ALB's apps follow once each, in the order the apps list them. Without `defaultCertificateArn` the
 * first certificate of an ALB's first app is its default.
 */

/** The ALB quotas that placement respects, per ALB except `albs` (per region). */
export interface AlbQuotas {
  /** Certificates per ALB besides the default one. AWS: 25, adjustable. */
  readonly certificates: number;
  /** Listener rules per ALB, excluding the default rules. AWS: 100, adjustable. */
  readonly rules: number;
  /** Condition values per rule. AWS: 5, fixed. */
  readonly conditionValuesPerRule: number;
  /** Wildcard characters (`*`, `?`) per rule. AWS: 5, fixed. */
  readonly wildcardsPerRule: number;
  /** Target groups per ALB. AWS: 100, fixed. A plan uses one per ALB: the gateway's. */
  readonly targetGroups: number;
  /** ALBs per region. AWS: 50, adjustable. */
  readonly albs: number;
}

/** The AWS defaults ("Quotas for your Application Load Balancers"). */
export const AWS_ALB_QUOTAS: AlbQuotas = {
  certificates: 25,
  rules: 100,
  conditionValuesPerRule: 5,
  wildcardsPerRule: 5,
  targetGroups: 100,
  albs: 50,
};

/** Which quotas AWS raises on request; the others may only be lowered. */
export const ALB_QUOTA_ADJUSTABLE: Readonly<Record<keyof AlbQuotas, boolean>> = {
  certificates: true,
  rules: true,
  conditionValuesPerRule: false,
  wildcardsPerRule: false,
  targetGroups: false,
  albs: true,
};

/** The AWS names of the quotas, for messages. */
export const ALB_QUOTA_TITLES: Readonly<Record<keyof AlbQuotas, string>> = {
  certificates: 'Certificates per Application Load Balancer (excluding default certificates)',
  rules: 'Rules per Application Load Balancer (excluding default rules)',
  conditionValuesPerRule: 'Condition values per rule',
  wildcardsPerRule: 'Condition wildcards per rule',
  targetGroups: 'Target Groups per Application Load Balancer',
  albs: 'Application Load Balancers per Region',
};

/** An app as placement sees it. */
export interface AlbPlanApp {
  /** Unique name. */
  readonly name: string;
  /** Its public hosts (one or more). */
  readonly hosts: readonly string[];
  /** Its ACM certificates; empty: the default certificate covers its hosts. */
  readonly certificateArns: readonly string[];
}

export interface AlbPlanOptions {
  /** IngressGroup names are `<groupPrefix>-1`, `<groupPrefix>-2`, ... @default 'edge' */
  readonly groupPrefix?: string;
  /** Quotas that differ from AWS's defaults (an account with an increase). @default AWS_ALB_QUOTAS */
  readonly quotas?: Partial<AlbQuotas>;
  /** The listener's default certificate on every ALB (not counted against `certificates`). @default - none */
  readonly defaultCertificateArn?: string;
  /** What each rule spends on conditions other than its hosts (a path `/*`: one value, one wildcard). @default none */
  readonly ruleReserve?: { readonly conditionValues: number; readonly wildcards: number };
  /** At most this many hosts per rule (1: one rule per host). @default - as many as the quotas allow */
  readonly maxHostsPerRule?: number;
}

/** One listener rule: its host-header values; it forwards to the gateway's target group. */
export interface PlannedRule {
  readonly hosts: readonly string[];
}

/** One ALB of the plan. */
export interface PlannedAlb {
  /** The IngressGroup (`alb.ingress.kubernetes.io/group.name`): `<groupPrefix>-<n>`, n from 1. */
  readonly groupName: string;
  /** The apps it serves, in input order. */
  readonly apps: readonly string[];
  readonly rules: readonly PlannedRule[];
  /** The default certificate first, then the others once each. */
  readonly certificateArns: readonly string[];
}

export interface AlbPlan {
  readonly albs: readonly PlannedAlb[];
  /** The IngressGroup of each app. */
  readonly groupOf: ReadonlyMap<string, string>;
}

/** Wildcard characters of a condition value, as AWS counts them against wildcardsPerRule. */
export const wildcardCount = (value: string): number => {
  let n = 0;
  for (const ch of value) if (ch === '*' || ch === '?') n++;
  return n;
};

interface OpenAlb {
  readonly apps: string[];
  readonly rules: { hosts: string[]; wildcards: number }[];
  readonly certs: string[];
  readonly certSet: Set<string>;
}

/** The rule limits after the reserve, checked once. */
export interface RuleLimits {
  readonly values: number;
  readonly wildcards: number;
}

/** A quota as messages name it: `quotas.<key> (<AWS title>, adjustable|fixed)`. */
export const quotaName = (key: keyof AlbQuotas) =>
  `quotas.${key} (${ALB_QUOTA_TITLES[key]}, ${ALB_QUOTA_ADJUSTABLE[key] ? 'adjustable' : 'fixed'})`;

function resolveQuotas(partial: Partial<AlbQuotas> | undefined): AlbQuotas {
  const quotas = { ...AWS_ALB_QUOTAS, ...partial };
  for (const key of Object.keys(AWS_ALB_QUOTAS) as (keyof AlbQuotas)[]) {
    const value = quotas[key];
    if (!Number.isInteger(value) || value < 1)
      throw new PropError(`quotas.${key}`, `must be a whole number of at least 1, got ${echo(value)}`);
    if (!ALB_QUOTA_ADJUSTABLE[key] && value > AWS_ALB_QUOTAS[key]) {
      throw new PropError(
        `quotas.${key}`,
        `is a fixed AWS quota (${ALB_QUOTA_TITLES[key]}: ${AWS_ALB_QUOTAS[key]}) and cannot be raised, got ${value}`,
      );
    }
  }
  return quotas;
}

/** The host values and wildcards one rule has room for, after `options.ruleReserve` and within `maxHostsPerRule`. */
export function ruleLimitsOf(quotas: AlbQuotas, options: AlbPlanOptions): RuleLimits {
  const reserve = options.ruleReserve ?? { conditionValues: 0, wildcards: 0 };
  for (const [field, value] of [
    ['ruleReserve.conditionValues', reserve.conditionValues],
    ['ruleReserve.wildcards', reserve.wildcards],
  ] as const) {
    if (!Number.isInteger(value) || value < 0)
      throw new PropError(field, `must be a whole number of at least 0, got ${echo(value)}`);
  }
  const maxHosts = options.maxHostsPerRule;
  if (maxHosts !== undefined && (!Number.isInteger(maxHosts) || maxHosts < 1)) {
    throw new PropError('maxHostsPerRule', `must be a whole number of at least 1, got ${echo(maxHosts)}`);
  }
  const limits: RuleLimits = {
    values: Math.min(quotas.conditionValuesPerRule - reserve.conditionValues, maxHosts ?? Infinity),
    wildcards: quotas.wildcardsPerRule - reserve.wildcards,
  };
  if (limits.values < 1 || limits.wildcards < 0) {
    throw new PropError(
      'ruleReserve',
      `leaves no room for a host in a rule of ${quotas.conditionValuesPerRule} values and ${quotas.wildcardsPerRule} wildcards, got ${echo(reserve)}`,
    );
  }
  return limits;
}

/**
 * Places apps on ALBs (see the module comment for how and why). Pure and deterministic: the same apps and options
 * give the same plan. Throws a one-line PropError for an app that cannot fit one ALB on its own, a host or name
 * given twice, and a plan needing more than `quotas.albs` ALBs.
 */
export function planAlbs(apps: readonly AlbPlanApp[], options: AlbPlanOptions = {}): AlbPlan {
  const quotas = resolveQuotas(options.quotas);
  const prefix = options.groupPrefix ?? 'edge';
  const lastGroup = `${prefix}-${quotas.albs}`;
  if (!ALB_GROUP_NAME.pattern.test(lastGroup)) {
    throw new PropError(
      'groupPrefix',
      `must leave room for '-<n>' up to ${lastGroup} within ${ALB_GROUP_NAME.expected}, got ${echo(prefix)}`,
    );
  }
  const limits = ruleLimitsOf(quotas, options);
  const defaultCert = options.defaultCertificateArn;

  const names = new Map<string, number>();
  const hostOwner = new Map<string, number>();
  const albs: OpenAlb[] = [];
  const groupOf = new Map<string, string>();
  const groupName = (i: number) => `${prefix}-${i + 1}`;
  const fresh = (): OpenAlb => ({
    apps: [],
    rules: [],
    certs: defaultCert === undefined ? [] : [defaultCert],
    certSet: new Set(defaultCert === undefined ? [] : [defaultCert]),
  });

  apps.forEach((app, i) => {
    const field = `apps[${i}]`;
    const seen = names.get(app.name);
    if (seen !== undefined)
      throw new PropError(
        `${field}.name`,
        `repeats the name of apps[${seen}]: app names are unique, got ${echo(app.name)}`,
      );
    names.set(app.name, i);
    if (app.hosts.length === 0) throw new PropError(`${field}.hosts`, `must list at least one host (app ${app.name})`);
    app.hosts.forEach((host, h) => {
      const key = host.toLowerCase();
      const owner = hostOwner.get(key);
      if (owner !== undefined)
        throw new PropError(
          `${field}.hosts[${h}]`,
          `is already a host of apps[${owner}] (${apps[owner].name}): a host belongs to one app, got ${echo(host)}`,
        );
      hostOwner.set(key, i);
      const w = wildcardCount(host);
      if (w > limits.wildcards) {
        throw new PropError(
          `${field}.hosts[${h}]`,
          `has ${w} wildcards, over the ${limits.wildcards} a rule has room for (${quotaName('wildcardsPerRule')}: ${quotas.wildcardsPerRule}), got ${echo(host)}`,
        );
      }
    });
    if (defaultCert === undefined && app.certificateArns.length === 0) {
      throw new PropError(
        `${field}.certificateArns`,
        `must list a certificate when there is no defaultCertificateArn (app ${app.name})`,
      );
    }

    let alb = albs[albs.length - 1];
    if (alb === undefined || !fits(alb, app, limits, quotas)) {
      alb = fresh();
      const cost = costOn(alb, app, limits);
      if (cost.sni > quotas.certificates) {
        throw new PropError(
          `${field}.certificateArns`,
          `needs ${cost.sni} certificates besides the ALB's default, over ${quotaName('certificates')}: ${quotas.certificates} (app ${app.name})`,
        );
      }
      if (cost.rules > quotas.rules) {
        throw new PropError(
          `${field}.hosts`,
          `needs ${cost.rules} rules for its ${app.hosts.length} hosts at ${limits.values} per rule, over ${quotaName('rules')}: ${quotas.rules} (app ${app.name})`,
        );
      }
      if (albs.length === quotas.albs) {
        throw new PropError(
          field,
          `needs ALB ${albs.length + 1}, over ${quotaName('albs')}: ${quotas.albs} (app ${app.name}); raise the quota or share certificates between apps`,
        );
      }
      albs.push(alb);
    }
    place(alb, app, limits);
    groupOf.set(app.name, groupName(albs.length - 1));
  });

  return {
    albs: albs.map((alb, i) => ({
      groupName: groupName(i),
      apps: alb.apps,
      certificateArns: alb.certs,
      rules: alb.rules.map((r) => ({ hosts: r.hosts })),
    })),
    groupOf,
  };
}

/** What adding `app` to `alb` would make its totals: certificates besides the default, and rules. */
function costOn(alb: OpenAlb, app: AlbPlanApp, limits: RuleLimits): { sni: number; rules: number } {
  let certs = alb.certs.length;
  const added = new Set<string>();
  for (const arn of app.certificateArns) {
    if (!alb.certSet.has(arn) && !added.has(arn)) {
      added.add(arn);
      certs++;
    }
  }
  // Greedy fill from the last rule's state, as place() does.
  const last = alb.rules[alb.rules.length - 1];
  let rules = alb.rules.length;
  let values = last?.hosts.length ?? limits.values;
  let wildcards = last?.wildcards ?? 0;
  for (const host of app.hosts) {
    const w = wildcardCount(host);
    if (values + 1 > limits.values || wildcards + w > limits.wildcards) {
      rules++;
      values = 0;
      wildcards = 0;
    }
    values++;
    wildcards += w;
  }
  return { sni: Math.max(certs - 1, 0), rules };
}

function fits(alb: OpenAlb, app: AlbPlanApp, limits: RuleLimits, quotas: AlbQuotas): boolean {
  const cost = costOn(alb, app, limits);
  return cost.sni <= quotas.certificates && cost.rules <= quotas.rules;
}

function place(alb: OpenAlb, app: AlbPlanApp, limits: RuleLimits): void {
  alb.apps.push(app.name);
  for (const arn of app.certificateArns) {
    if (alb.certSet.has(arn)) continue;
    alb.certSet.add(arn);
    alb.certs.push(arn);
  }
  for (const host of app.hosts) {
    const w = wildcardCount(host);
    let rule = alb.rules[alb.rules.length - 1];
    if (rule === undefined || rule.hosts.length + 1 > limits.values || rule.wildcards + w > limits.wildcards) {
      rule = { hosts: [], wildcards: 0 };
      alb.rules.push(rule);
    }
    rule.hosts.push(host);
    rule.wildcards += w;
  }
}
