import { Construct } from 'constructs';
import { AlbIngress, addressTypeProblem } from '../lib/alb-ingress';
import { Config, asList } from '../lib/config/types';
import { ProductChart } from './product-chart';

/** The ALB Ingress, in the gateway namespace. */
export class AlbIngressChart extends ProductChart {
  public readonly alb: AlbIngress;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'alb-ingress', 30);
    // Checked here too, before AlbIngress (which would name its props), so the message names the config keys;
    // the Helm chart's validate.yaml makes the same check with the same message.
    const problem = addressTypeProblem({ ipAddressType: 'alb.ipAddressType', scheme: 'alb.scheme', inboundCidrs: 'alb.inboundCidrs' },
      config.alb.ipAddressType, config.alb.scheme, config.alb.inboundCidrs);
    if (problem !== undefined) throw new Error(problem);
    this.alb = new AlbIngress(this, 'Alb', {
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
    });
  }
}
