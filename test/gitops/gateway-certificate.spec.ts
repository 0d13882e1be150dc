import { Testing } from 'cdk8s';
import { GatewayCertificate, GatewayCertificateProps } from '../../lib/gateway-certificate';
import { synthManifests } from '../../lib/output/plain';
import { configWith, newChart } from '../support';
import { find, schemaErrors, unknownFieldErrors } from './support';
import { STACK } from '../../charts';

function synth(props: Partial<GatewayCertificateProps> = {}): any[] {
  const chart = newChart();
  new GatewayCertificate(chart, 'Cert', {
    namespace: 'istio-system',
    secretName: 'tls-secret',
    dnsNames: ['yelb.example.com'],
    ...props,
  });
  return Testing.synth(chart);
}

describe('GatewayCertificate', () => {
  test('default: a self-signed Issuer and an RSA 4096 Certificate for the gateway credential', () => {
    const objects = synth({ dnsNames: ['yelb.example.com', 'www.yelb.example.com'] });
    const issuer = find(objects, 'Issuer');
    const cert = find(objects, 'Certificate');
    expect(issuer.metadata).toMatchObject({ name: 'tls-secret-selfsigned', namespace: 'istio-system' });
    expect(issuer.spec).toEqual({ selfSigned: {} });
    expect(cert.metadata).toMatchObject({ name: 'tls-secret', namespace: 'istio-system' });
    expect(cert.spec).toEqual({
      secretName: 'tls-secret',
      commonName: 'yelb.example.com',
      dnsNames: ['yelb.example.com', 'www.yelb.example.com'],
      duration: '8760h',
      renewBefore: '720h',
      privateKey: { algorithm: 'RSA', size: 4096, rotationPolicy: 'Always' },
      usages: ['server auth', 'digital signature', 'key encipherment'],
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'tls-secret-selfsigned' },
    });
  });

  test('a named ClusterIssuer instead of the self-signed Issuer', () => {
    const objects = synth({ issuerRef: { kind: 'ClusterIssuer', name: 'corp-ca' } });
    expect(objects.map((o) => o.kind)).toEqual(['Certificate']);
    expect(objects[0].spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'corp-ca' });
  });

  test('ECDSA P-256: a signing-only key', () => {
    const cert = find(synth({ keyAlgorithm: 'ECDSA', duration: '2160h', renewBefore: '360h' }), 'Certificate');
    expect(cert.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(cert.spec.usages).toEqual(['server auth', 'digital signature']);
    expect([cert.spec.duration, cert.spec.renewBefore]).toEqual(['2160h', '360h']);
  });

  test('a first host longer than a common name can be is left to the SAN', () => {
    const long = `${'a'.repeat(60)}.example.com`;
    expect(find(synth({ dnsNames: [long] }), 'Certificate').spec.commonName).toBeUndefined();
  });

  test('its objects are valid cert-manager objects, with no unknown fields', () => {
    const objects = [...synth(), ...synth({ keyAlgorithm: 'ECDSA', issuerRef: { kind: 'Issuer', name: 'ca' } })];
    expect(schemaErrors(objects)).toEqual([]);
    expect(unknownFieldErrors(objects)).toEqual([]);
  });

  test.each([
    [{ namespace: 'Istio_System' }, /^'namespace' must be a DNS label .*got "Istio_System"$/],
    [{ secretName: 'tls.secret' }, /^'secretName' must be a DNS label .*got "tls.secret"$/],
    [{ dnsNames: [] }, /^'dnsNames' must list at least one DNS name, got \[\]$/],
    [
      { dnsNames: ['https://yelb.example.com'] },
      /^'dnsNames\[0\]' must be a lowercase DNS name .*got "https:\/\/yelb.example.com"$/,
    ],
    [{ keyAlgorithm: 'Ed25519' as any }, /^'keyAlgorithm' must be one of RSA, ECDSA, got "Ed25519"$/],
    [
      { issuerRef: { kind: 'CA' as any, name: 'x' } },
      /^'issuerRef.kind' must be one of Issuer, ClusterIssuer, got "CA"$/,
    ],
    [
      { duration: '365d' },
      /^'duration' must be a duration in hours, minutes or seconds such as 8760h or 720h30m, got "365d"$/,
    ],
    [{ duration: '30m', renewBefore: '10m' }, /^'duration' must be at least 1h, got "30m"$/],
    [{ duration: '720h', renewBefore: '720h' }, /^'renewBefore' must be shorter than 'duration' \(720h\), got "720h"$/],
  ])('rejects %j', (props, message) => {
    expect(() => synth(props as Partial<GatewayCertificateProps>)).toThrow(message);
  });
});

describe('gateway.tls.mode', () => {
  const objectsOf = (override: object): any[] => synthManifests(STACK, configWith(override)).flatMap((m) => m.objects);

  test("certManager: the Certificate writes the Gateway's credential, in the Gateway's namespace, for the hosts", () => {
    const manifests = synthManifests(
      STACK,
      configWith({ host: ['yelb.example.com', 'app.example.com'], gateway: { tls: { mode: 'certManager' } } }),
    );
    const file = manifests.find((m) => m.fileName === '25-gateway-certificate.yaml');
    const objects = manifests.flatMap((m) => m.objects);
    const gateway = find(objects, 'Gateway');
    const cert = find(file!.objects, 'Certificate');
    expect(cert.spec.secretName).toBe(gateway.spec.servers[0].tls.credentialName);
    expect(cert.metadata.namespace).toBe(gateway.metadata.namespace);
    expect(cert.spec.dnsNames).toEqual(['yelb.example.com', 'app.example.com']);
    // before the Ingress starts sending traffic to the gateway
    expect(manifests.map((m) => m.fileName).indexOf('25-gateway-certificate.yaml')).toBeLessThan(
      manifests.map((m) => m.fileName).indexOf('30-alb-ingress.yaml'),
    );
  });

  test('certManager with an issuerRef and tuned key and lifetime', () => {
    const objects = objectsOf({
      gateway: {
        tls: {
          mode: 'certManager',
          issuerRef: { kind: 'ClusterIssuer', name: 'corp-ca' },
          keyAlgorithm: 'ECDSA',
          duration: '2160h',
          renewBefore: '240h',
        },
      },
    });
    expect(objects.filter((o) => o.kind === 'Issuer')).toEqual([]);
    expect(find(objects, 'Certificate').spec).toMatchObject({
      issuerRef: { kind: 'ClusterIssuer', name: 'corp-ca' },
      privateKey: { algorithm: 'ECDSA', size: 256 },
      duration: '2160h',
      renewBefore: '240h',
    });
  });

  test.each(['existingSecret', 'none'])(
    '%s: no cert-manager objects, the Gateway still names the credential',
    (mode) => {
      const objects = objectsOf({ gateway: { tls: { mode } } });
      expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).toEqual([]);
      expect(find(objects, 'Gateway').spec.servers[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'tls-secret' });
    },
  );
});
