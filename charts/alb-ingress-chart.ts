import { Construct } from 'constructs';
import { AlbIngress } from '../lib/alb-ingress';
import { Config, asList } from '../lib/config/types';
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

/** The ALB Ingress, in the gateway namespace. */
export class AlbIngressChart extends ProductChart {
  public readonly alb: AlbIngress;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'alb-ingress', 30);
    this.alb = namingConfigKeys(
      ALB_INGRESS_CONFIG_KEYS,
      () =>
        new AlbIngress(this, 'Alb', {
          name: config.alb.ingressName,
          namespace: config.gateway.namespace,
          hosts: asList(config.host),
          certificateArns: asList(config.certificateArn),
          serviceName: config.gateway.serviceName,
          scheme: config.alb.scheme,
          ipAddressType: config.alb.ipAddressType,
          targetType: config.alb.targetType,
          sslPolicy: config.alb.sslPolicy,
          groupName: config.alb.groupName,
          loadBalancerAttributes: config.alb.loadBalancerAttributes,
          targetGroupAttributes: config.alb.targetGroupAttributes,
          tags: config.alb.tags,
          inboundCidrs: config.alb.inboundCidrs,
          wafv2AclArn: config.alb.wafv2AclArn,
          // external-dns (--source=ingress) creates the Route 53 records for these names, pointing at the ALB.
          extraAnnotations: config.dns.externalDns
            ? { 'external-dns.alpha.kubernetes.io/hostname': asList(config.host).join(',') }
            : undefined,
        }),
    );
  }
}
