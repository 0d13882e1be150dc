import { Construct } from 'constructs';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../imports/security.istio.io';
import {
  DNS_LABEL,
  LABEL_KEY,
  LABEL_VALUE,
  PropError,
  SPIFFE_PRINCIPAL,
  TRUST_DOMAIN,
  assertFormat,
  assertNonEmpty,
  assertPort,
  echo,
} from './patterns';

/** Name of the namespace-wide deny-by-default policy. */
export const ALLOW_NOTHING = 'allow-nothing';

/** Who may call one workload, and on which ports. */
export interface WorkloadAuthorization {
  /** Name of the ALLOW policy. */
  readonly name: string;
  /** Pod labels of the workload (the policy's `selector.matchLabels`). */
  readonly selector: Record<string, string>;
  /** Principals of the callers, `<trust-domain>/ns/<ns>/sa/<sa>`: mTLS peer identities, not network addresses. */
  readonly fromPrincipals: string[];
  /** Container ports the callers may reach (what the sidecar sees, not the Service port). */
  readonly ports: number[];
}

export interface MeshAuthorizationProps {
  /** Namespace the policies apply to. */
  readonly namespace: string;
  /** One ALLOW policy per workload; every other request in the namespace is denied. @default [] */
  readonly policies?: WorkloadAuthorization[];
}

/** The principal of a workload's ServiceAccount, as `source.principals` matches it. */
export function spiffePrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  assertFormat('trustDomain', trustDomain, TRUST_DOMAIN);
  assertFormat('namespace', namespace, DNS_LABEL);
  assertFormat('serviceAccount', serviceAccount, DNS_LABEL);
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Zero-trust authorization for a namespace: an empty `allow-nothing` policy denies every request to its workloads,
 * and one ALLOW policy per workload opens exactly the callers (by mTLS identity) and ports it needs.
 */
export class MeshAuthorization extends Construct {
  public readonly allowNothing: AuthorizationPolicy;
  public readonly policies: AuthorizationPolicy[];

  constructor(scope: Construct, id: string, props: MeshAuthorizationProps) {
    super(scope, id);
    const policies = props.policies ?? [];
    assertFormat('namespace', props.namespace, DNS_LABEL);
    const names = new Set<string>([ALLOW_NOTHING]);
    policies.forEach((p, i) => {
      const at = `policies[${i}]`;
      assertFormat(`${at}.name`, p.name, DNS_LABEL);
      if (names.has(p.name))
        throw new PropError(`${at}.name`, `must be unique and not ${ALLOW_NOTHING}, got ${echo(p.name)}`);
      names.add(p.name);
      // An empty selector would open the ports to these callers on every workload of the namespace.
      assertNonEmpty(`${at}.selector`, Object.keys(p.selector ?? {}), 'label');
      for (const [k, v] of Object.entries(p.selector)) {
        assertFormat(`${at}.selector key`, k, LABEL_KEY);
        assertFormat(`${at}.selector.${k}`, v, LABEL_VALUE);
      }
      assertNonEmpty(`${at}.fromPrincipals`, p.fromPrincipals, 'principal');
      p.fromPrincipals.forEach((x, j) => assertFormat(`${at}.fromPrincipals[${j}]`, x, SPIFFE_PRINCIPAL));
      assertNonEmpty(`${at}.ports`, p.ports, 'port');
      p.ports.forEach((x, j) => assertPort(`${at}.ports[${j}]`, x));
    });

    // An empty spec matches every workload and, having no rules, allows nothing.
    this.allowNothing = new AuthorizationPolicy(this, 'AllowNothing', {
      metadata: { name: ALLOW_NOTHING, namespace: props.namespace },
      spec: {},
    });

    this.policies = policies.map(
      (p) =>
        new AuthorizationPolicy(this, `Allow-${p.name}`, {
          metadata: { name: p.name, namespace: props.namespace },
          spec: {
            selector: { matchLabels: { ...p.selector } },
            action: AuthorizationPolicySpecAction.ALLOW,
            rules: [
              {
                from: [{ source: { principals: [...p.fromPrincipals] } }],
                to: [{ operation: { ports: p.ports.map(String) } }],
              },
            ],
          },
        }),
    );
  }
}
