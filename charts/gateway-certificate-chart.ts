import { Construct } from 'constructs';
import { Config, asList } from '../lib/config/types';
import { GatewayCertificate } from '../lib/gateway-certificate';
import { ProductChart, namingConfigKeys } from './product-chart';

/** GatewayCertificate props -> the config keys they come from. */
export const GATEWAY_CERTIFICATE_CONFIG_KEYS: Readonly<Record<string, string>> = {
  namespace: 'gateway.namespace',
  secretName: 'gateway.credentialName',
  dnsNames: 'host',
  issuerRef: 'gateway.tls.issuerRef',
  keyAlgorithm: 'gateway.tls.keyAlgorithm',
  duration: 'gateway.tls.duration',
  renewBefore: 'gateway.tls.renewBefore',
};

/** The gateway's certificate, issued by cert-manager (`gateway.tls.mode: certManager`), in the gateway namespace. */
export class GatewayCertificateChart extends ProductChart {
  public readonly certificate: GatewayCertificate;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id, 'gateway-certificate', 25);
    this.certificate = namingConfigKeys(
      GATEWAY_CERTIFICATE_CONFIG_KEYS,
      () =>
        new GatewayCertificate(this, 'Certificate', {
          namespace: config.gateway.namespace,
          secretName: config.gateway.credentialName,
          dnsNames: asList(config.host),
          issuerRef: config.gateway.tls.issuerRef,
          keyAlgorithm: config.gateway.tls.keyAlgorithm,
          duration: config.gateway.tls.duration,
          renewBefore: config.gateway.tls.renewBefore,
        }),
    );
  }
}
