import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import {
  ACM_CERTIFICATE_ARN, DNS_LABEL, HOSTNAME, SSL_POLICY, assertFormat, assertNonEmpty, assertOneOf, assertPort,
} from './patterns';

/** The AWS Load Balancer Controller annotation prefix. */
export const ALB_ANNOTATION = 'alb.ingress.kubernetes.io';

export const ALB_TARGET_TYPES = ['instance', 'ip'] as const;
export const ALB_SCHEMES = ['internet-facing', 'internal'] as const;

export interface AlbIngressProps {
  /** Name of the Ingress. @default 'gw-ingress' */
  readonly name?: string;
  /** Namespace of the Ingress: must be the gateway Service's namespace, since a backend cannot cross namespaces. */
  readonly namespace: string;
  /** Hosts the ALB routes (one rule each). */
  readonly hosts: string[];
  /** ACM certificate ARNs; the first is the listener's default certificate, the rest are added for SNI. */
  readonly certificateArns: string[];
  /** Service of the Istio ingress gateway. */
  readonly serviceName: string;
  /** TLS port of the gateway Service. @default 443 */
  readonly servicePort?: number;
  /** Named Service port of the gateway's readiness endpoint, used for ALB health checks. @default 'status-port' */
  readonly healthCheckPort?: string;
  /** Path of the gateway's readiness endpoint. @default '/healthz/ready' */
  readonly healthCheckPath?: string;
  /** `internet-facing` or `internal`. @default 'internet-facing' */
  readonly scheme?: (typeof ALB_SCHEMES)[number];
  /** `instance` (NodePort gateway Service) or `ip` (pod IPs). @default 'instance' */
  readonly targetType?: (typeof ALB_TARGET_TYPES)[number];
  /** Listener TLS policy. @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' */
  readonly sslPolicy?: string;
  /** IngressGroup to share one ALB with other Ingresses. @default - the Ingress gets an ALB of its own */
  readonly groupName?: string;
  /** Extra annotations (for example external-dns), merged after the computed ones. @default - none */
  readonly extraAnnotations?: Record<string, string>;
}

/**
 * An ALB Ingress that terminates HTTPS with ACM certificates and re-encrypts to the Istio ingress gateway.
 * It redirects HTTP to HTTPS and health-checks the gateway's status port, which works for both target types: the
 * controller resolves the named port to its NodePort (instance) or its container port 15021 (ip).
 */
export class AlbIngress extends Construct {
  public readonly ingress: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: AlbIngressProps) {
    super(scope, id);
    const name = props.name ?? 'gw-ingress';
    const servicePort = props.servicePort ?? 443;
    const scheme = props.scheme ?? 'internet-facing';
    const targetType = props.targetType ?? 'instance';
    const sslPolicy = props.sslPolicy ?? 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

    assertFormat('name', name, DNS_LABEL);
    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertNonEmpty('hosts', props.hosts, 'host');
    props.hosts.forEach((h, i) => assertFormat(`hosts[${i}]`, h, HOSTNAME));
    assertNonEmpty('certificateArns', props.certificateArns, 'ACM certificate ARN');
    props.certificateArns.forEach((a, i) => assertFormat(`certificateArns[${i}]`, a, ACM_CERTIFICATE_ARN));
    const regions = new Set(props.certificateArns.map((a) => a.split(':')[3]));
    if (regions.size > 1) {
      throw new Error(`'certificateArns' must all be in the ALB's region, got regions ${[...regions].join(', ')}`);
    }
    assertFormat('serviceName', props.serviceName, DNS_LABEL);
    assertPort('servicePort', servicePort);
    assertOneOf('scheme', scheme, ALB_SCHEMES);
    assertOneOf('targetType', targetType, ALB_TARGET_TYPES);
    assertFormat('sslPolicy', sslPolicy, SSL_POLICY);
    if (props.groupName !== undefined && !/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/.test(props.groupName)) {
      throw new Error(`'groupName' must be at most 63 characters of [a-z0-9.-], got ${JSON.stringify(props.groupName)}`);
    }

    const annotations: Record<string, string> = {
      [`${ALB_ANNOTATION}/scheme`]: scheme,
      [`${ALB_ANNOTATION}/target-type`]: targetType,
      [`${ALB_ANNOTATION}/listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
      // The v2.2+ redirect: every HTTP listener answers 301 to HTTPS, no `use-annotation` backend needed.
      [`${ALB_ANNOTATION}/ssl-redirect`]: '443',
      [`${ALB_ANNOTATION}/certificate-arn`]: props.certificateArns.join(','),
      [`${ALB_ANNOTATION}/ssl-policy`]: sslPolicy,
      // Re-encrypt to the gateway; the ALB does not validate target certificates, so a self-signed one is fine.
      [`${ALB_ANNOTATION}/backend-protocol`]: 'HTTPS',
      // The gateway answers readiness over plain HTTP on its status port; probing the TLS port with HTTP fails.
      [`${ALB_ANNOTATION}/healthcheck-port`]: props.healthCheckPort ?? 'status-port',
      [`${ALB_ANNOTATION}/healthcheck-protocol`]: 'HTTP',
      [`${ALB_ANNOTATION}/healthcheck-path`]: props.healthCheckPath ?? '/healthz/ready',
      [`${ALB_ANNOTATION}/success-codes`]: '200',
    };
    if (props.groupName !== undefined) annotations[`${ALB_ANNOTATION}/group.name`] = props.groupName;
    Object.assign(annotations, props.extraAnnotations);

    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name, namespace: props.namespace, annotations },
      spec: {
        // The field, never also the deprecated annotation: the API server rejects an Ingress with both.
        ingressClassName: 'alb',
        rules: props.hosts.map((host) => ({
          host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: props.serviceName, port: { number: servicePort } } },
            }],
          },
        })),
      },
    });
  }
}
