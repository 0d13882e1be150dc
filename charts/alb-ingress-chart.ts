import { Construct } from 'constructs';
import { AlbGateway } from '../lib/alb-gateway';
import { AlbIngress, AlbOptions } from '../lib/alb-ingress';
import { AlbPlan, AlbPlanApp, planAlbs } from '../lib/alb-plan';
import { ResolvedApp, resolvedApps, sampleAppActive } from '../lib/config/apps';
import { Config, asList, gatewayServiceOf } from '../lib/config/types';
import { PropError } from '../lib/patterns';
import { ProductChart, namingConfigKeys } from './product-chart';

/** AlbIngress props -> the config keys they come from. */
export const ALB_INGRESS_CONFIG_KEYS: Readonly<Record<string, string>> = {
  name: 'alb.ingressName',
  namespace: 'gateway.namespace',
  hosts: 'host',
  certificateArns: 'certificateArn',
  serviceName: 'gateway.serviceName',
  scheme: 'alb.scheme',
  ipAddressType: 'alb.ipAddressType',
  targetType: 'alb.targetType',
  sslPolicy: 'alb.sslPolicy',
  groupName: 'alb.groupName',
  loadBalancerAttributes: 'alb.loadBalancerAttributes',
  targetGroupAttributes: 'alb.targetGroupAttributes',
  tags: 'alb.tags',
  inboundCidrs: 'alb.inboundCidrs',
  wafv2AclArn: 'alb.wafv2AclArn',
};

/**
 * What each ALB rule spends besides its host: AlbIngress gives every host a rule with the path `/` (Prefix), which
 * the controller turns into one path-pattern value `/*`: one condition value and one wildcard.
 */
const RULE_RESERVE = { conditionValues: 1, wildcards: 1 };

/** How the Ingresses spend rules: one host per rule, each with its path (the chart's plan template uses the same). */
export const ALB_PLAN_RULES = { ruleReserve: RULE_RESERVE, maxHostsPerRule: 1 } as const;

/** The plan's name of the sample (or single app): not a DNS label, so that no app's name clashes with it. */
export const samplePlanName = (namespace: string) => `${namespace} (top-level keys)`;

/** The name of the n-th (from 0) ALB's Ingress or IngressGroup: the first keeps the configured name. */
export const nthAlbName = (name: string, n: number): string => (n === 0 ? name : `${name}-${n + 1}`);

/** The apps as the plan of ALBs takes them, the sample (or single app) first, with their config keys. */
function planApps(config: Config, apps: readonly ResolvedApp[]): { app: AlbPlanApp; key: string }[] {
  const planned = apps.map((a) => ({
    app: { name: a.name, hosts: a.hosts, certificateArns: a.certificateArns },
    key: a.key,
  }));
  if (!sampleAppActive(config)) return planned;
  const sample = {
    name: samplePlanName(config.namespace),
    hosts: asList(config.host),
    certificateArns: asList(config.certificateArn),
  };
  return [{ app: sample, key: 'host' }, ...planned];
}

/** The plan of ALBs for `config`'s apps within `alb.quotas`; a refusal names the config keys. */
export function albPlanOf(config: Config): AlbPlan {
  const entries = planApps(config, resolvedApps(config));
  // planAlbs names apps[i] of its input: the config key of that entry (the sample's are the top-level keys).
  const keyOf = (field: string) =>
    field.replace(/^apps\[(\d+)\](\.certificateArns|\.hosts)?/, (_, i: string, sub: string | undefined) => {
      const key = entries[Number(i)].key;
      if (sub === '.certificateArns') return key === 'host' ? 'certificateArn' : `${key}.certificateArn`;
      return key === 'host' ? 'host' : `${key}${sub ?? ''}`;
    });
  try {
    return planAlbs(
      entries.map((e) => e.app),
      {
        quotas: config.alb.quotas,
        defaultCertificateArn: asList(config.certificateArn)[0],
        ...ALB_PLAN_RULES,
      },
    );
  } catch (e) {
    if (!(e instanceof PropError)) throw e;
    throw new PropError(keyOf(e.field), e.problem.replace(/\bquotas\./g, 'alb.quotas.'));
  }
}

/**
 * The ALBs, in the gateway namespace, one per ALB of the plan, each with its apps' hosts as rules and their
 * certificates. With `alb.api: ingress` an Ingress each (`alb.ingressName`, then `-2`, `-3`, ...; with
 * `alb.groupName` each joins the IngressGroup of the same position, `<groupName>`, `<groupName>-2`, ...; without it
 * each Ingress is an ALB of its own). With `alb.api: gatewayApi` a Gateway each, of the same names, with its
 * LoadBalancerConfiguration and HTTPRoutes; the first also brings the GatewayClass and the gateway Service's
 * TargetGroupConfiguration.
 */
export class AlbIngressChart extends ProductChart {
  public readonly albs: (AlbIngress | AlbGateway)[];

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'alb-ingress', 30);
    const plan = albPlanOf(config);
    // What every ALB takes from the configuration alike; each adds its own hosts and certificates.
    const shared: Omit<AlbOptions, 'hosts' | 'certificateArns'> = {
      serviceName: gatewayServiceOf(config),
      scheme: config.alb.scheme,
      ipAddressType: config.alb.ipAddressType,
      targetType: config.alb.targetType,
      sslPolicy: config.alb.sslPolicy,
      loadBalancerAttributes: config.alb.loadBalancerAttributes,
      targetGroupAttributes: config.alb.targetGroupAttributes,
      tags: config.alb.tags,
      inboundCidrs: config.alb.inboundCidrs,
      wafv2AclArn: config.alb.wafv2AclArn,
    };
    this.albs = plan.albs.map((planned, n) => {
      const hosts = planned.rules.flatMap((r) => r.hosts);
      const options: AlbOptions = { ...shared, hosts, certificateArns: [...planned.certificateArns] };
      const id = n === 0 ? 'Alb' : `Alb-${n + 1}`;
      const name = nthAlbName(config.alb.ingressName, n);
      return namingConfigKeys(ALB_INGRESS_CONFIG_KEYS, () =>
        config.alb.api === 'gatewayApi'
          ? // external-dns reads the HTTPRoutes' hostnames itself (--source=gateway-httproute).
            new AlbGateway(this, id, {
              ...options,
              name,
              namespace: config.gateway.namespace,
              gatewayClass: n === 0,
              targetGroupConfiguration: n === 0,
            })
          : new AlbIngress(this, id, {
              ...options,
              name,
              namespace: config.gateway.namespace,
              groupName: config.alb.groupName === undefined ? undefined : nthAlbName(config.alb.groupName, n),
              // external-dns (--source=ingress) creates the Route 53 records for these names, pointing at this ALB.
              extraAnnotations: config.dns.externalDns
                ? { 'external-dns.alpha.kubernetes.io/hostname': hosts.join(',') }
                : undefined,
            }),
      );
    });
  }
}
