import { Construct } from 'constructs';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
  Issuer,
} from '../imports/cert-manager.io';
import {
  DNS_LABEL,
  GO_DURATION,
  HOSTNAME,
  PropError,
  assertFormat,
  assertNonEmpty,
  assertOneOf,
  echo,
} from './patterns';

export const ISSUER_KINDS = ['Issuer', 'ClusterIssuer'] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];
export const KEY_ALGORITHMS = ['RSA', 'ECDSA'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** A cert-manager issuer to sign with. */
export interface IssuerRef {
  /** `Issuer` (in the certificate's namespace) or `ClusterIssuer`. */
  readonly kind: IssuerKind;
  /** Name of the issuer. */
  readonly name: string;
}

export interface GatewayCertificateProps {
  /** Namespace of the gateway workload: Istio only reads a gateway's credential from its own namespace. */
  readonly namespace: string;
  /** Secret that cert-manager writes: the Gateway's `credentialName`. */
  readonly secretName: string;
  /** DNS names of the certificate (the public hosts); the first is also the common name when it fits in 64 characters. */
  readonly dnsNames: string[];
  /** Issuer to sign with. @default - a self-signed Issuer named `<secretName>-selfsigned`, emitted here */
  readonly issuerRef?: IssuerRef;
  /** `RSA` (4096 bits) or `ECDSA` (P-256). @default 'RSA' */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Certificate lifetime. @default '8760h' */
  readonly duration?: string;
  /** How long before expiry cert-manager renews. @default '720h' */
  readonly renewBefore?: string;
}

/** The name of the self-signed Issuer made for `secretName` when no issuerRef is given. */
export const selfSignedIssuerNameOf = (secretName: string) =>
  `${secretName}-selfsigned`.slice(0, 63).replace(/-+$/, '');

/** Parses a duration such as `8760h30m` into seconds, to compare `renewBefore` with `duration`. */
function seconds(duration: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...duration.matchAll(/([0-9.]+)([hms])/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/**
 * The Istio gateway's certificate for the ALB -> gateway hop, issued in-cluster by cert-manager, so no private key is
 * ever rendered into manifests or git. The ALB does not validate target certificates, so a self-signed issuer is
 * enough; a ClusterIssuer can be named instead. The key is regenerated on every renewal.
 */
export class GatewayCertificate extends Construct {
  public readonly certificate: Certificate;
  /** The self-signed Issuer, when no `issuerRef` was given. */
  public readonly issuer?: Issuer;

  constructor(scope: Construct, id: string, props: GatewayCertificateProps) {
    super(scope, id);
    const keyAlgorithm = props.keyAlgorithm ?? 'RSA';
    const duration = props.duration ?? '8760h';
    const renewBefore = props.renewBefore ?? '720h';

    assertFormat('namespace', props.namespace, DNS_LABEL);
    assertFormat('secretName', props.secretName, DNS_LABEL);
    assertNonEmpty('dnsNames', props.dnsNames, 'DNS name');
    props.dnsNames.forEach((h, i) => assertFormat(`dnsNames[${i}]`, h, HOSTNAME));
    if (props.issuerRef !== undefined) {
      assertOneOf('issuerRef.kind', props.issuerRef.kind, ISSUER_KINDS);
      assertFormat('issuerRef.name', props.issuerRef.name, DNS_LABEL);
    }
    assertOneOf('keyAlgorithm', keyAlgorithm, KEY_ALGORITHMS);
    assertFormat('duration', duration, GO_DURATION);
    assertFormat('renewBefore', renewBefore, GO_DURATION);
    // cert-manager rejects a Certificate whose renewBefore is not shorter than its duration.
    if (seconds(renewBefore) >= seconds(duration)) {
      throw new PropError(
        'renewBefore',
        (n) => `must be shorter than '${n('duration')}' (${duration}), got ${echo(renewBefore)}`,
      );
    }
    // cert-manager refuses durations under one hour.
    if (seconds(duration) < 3600) {
      throw new PropError('duration', `must be at least 1h, got ${echo(duration)}`);
    }

    let issuerRef = props.issuerRef;
    if (issuerRef === undefined) {
      const name = selfSignedIssuerNameOf(props.secretName);
      this.issuer = new Issuer(this, 'Issuer', {
        metadata: { name, namespace: props.namespace },
        spec: { selfSigned: {} },
      });
      issuerRef = { kind: 'Issuer', name };
    }

    const commonName = props.dnsNames[0].length <= 64 ? props.dnsNames[0] : undefined;
    this.certificate = new Certificate(this, 'Resource', {
      metadata: { name: props.secretName, namespace: props.namespace },
      spec: {
        secretName: props.secretName,
        commonName,
        dnsNames: props.dnsNames,
        duration,
        renewBefore,
        privateKey:
          keyAlgorithm === 'RSA'
            ? {
                algorithm: CertificateSpecPrivateKeyAlgorithm.RSA,
                size: 4096,
                rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
              }
            : {
                algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
                size: 256,
                rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
              },
        // Key encipherment is an RSA key-exchange usage; ECDSA keys only sign.
        usages:
          keyAlgorithm === 'RSA'
            ? [
                CertificateSpecUsages.SERVER_AUTH,
                CertificateSpecUsages.DIGITAL_SIGNATURE,
                CertificateSpecUsages.KEY_ENCIPHERMENT,
              ]
            : [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
        issuerRef: { group: 'cert-manager.io', kind: issuerRef.kind, name: issuerRef.name },
      },
    });
  }
}
