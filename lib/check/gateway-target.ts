import { ServiceInfo, ServicePortInfo } from './services-workloads';

/** What a target group sends to: a Service and port of the gateway, for one host. */
export interface GatewayTarget {
  readonly host: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly port: number | string | undefined;
  readonly service?: ServiceInfo;
  readonly servicePort?: ServicePortInfo;
}
