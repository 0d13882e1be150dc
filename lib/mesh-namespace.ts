import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { DNS_LABEL, PropError, assertFormat, echo } from './patterns';

/** Namespaces Kubernetes itself owns: injecting sidecars there breaks the control plane's add-ons. */
export const KUBERNETES_SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface MeshNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Label the namespace for sidecar injection (default revision). @default true */
  readonly sidecarInjection?: boolean;
  /** Label the namespace for the AWS Load Balancer Controller's pod readiness gate (ip targets). @default false */
  readonly albReadinessGate?: boolean;
  /** Keep the namespace when its manifests are deleted (for namespaces that other installs own). @default false */
  readonly keepOnDelete?: boolean;
}

/** A Namespace labelled for the mesh. */
export class MeshNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    assertFormat('name', props.name, DNS_LABEL);
    if ((props.sidecarInjection ?? true) && (KUBERNETES_SYSTEM_NAMESPACES as readonly string[]).includes(props.name)) {
      throw new PropError(
        'name',
        `must not be a Kubernetes system namespace (${KUBERNETES_SYSTEM_NAMESPACES.join(', ')}) when labelled for sidecar injection, got ${echo(props.name)}`,
      );
    }
    this.name = props.name;
    const labels: Record<string, string> = {};
    // `istio-injection`, never also `istio.io/rev`: when both are set, istio-injection wins silently.
    if (props.sidecarInjection ?? true) labels['istio-injection'] = 'enabled';
    if (props.albReadinessGate) labels['elbv2.k8s.aws/pod-readiness-gate-inject'] = 'enabled';
    const annotations = props.keepOnDelete
      ? { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Delete=false' }
      : undefined;
    new k8s.KubeNamespace(this, 'Resource', { metadata: { name: props.name, labels, annotations } });
  }
}
