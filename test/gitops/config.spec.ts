import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadConfig } from '../../lib/config/load';
import { synthManifests } from '../../lib/output/plain';
import { istioGatewayValues } from '../../lib/output/argocd-istio-values';
import { configWith } from '../support';
import { find } from './support';
import { STACK } from '../../charts';

const objectsOf = (override: object): any[] => synthManifests(STACK, configWith(override)).flatMap((m) => m.objects);
const EXTERNAL_DNS = 'external-dns.alpha.kubernetes.io/hostname';

describe('dns.externalDns', () => {
  test('off by default: no external-dns annotation', () => {
    expect(find(objectsOf({}), 'Ingress').metadata.annotations[EXTERNAL_DNS]).toBeUndefined();
  });

  test('on: the Ingress names every host for external-dns, comma-separated', () => {
    const ingress = find(
      objectsOf({ host: ['yelb.example.com', 'www.example.com'], dns: { externalDns: true } }),
      'Ingress',
    );
    expect(ingress.metadata.annotations[EXTERNAL_DNS]).toBe('yelb.example.com,www.example.com');
    // the ALB annotations are untouched
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/ssl-redirect']).toBe('443');
  });
});

describe('alb.targetType: ip', () => {
  const objects = objectsOf({ alb: { targetType: 'ip' } });

  test('the gateway namespace carries the readiness-gate label and survives deletion of these manifests', () => {
    const ns = find(objects, 'Namespace', 'istio-system');
    expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
    expect(ns.metadata.labels['istio-injection']).toBeUndefined();
    expect(ns.metadata.annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
      'argocd.argoproj.io/sync-options': 'Delete=false',
    });
  });

  test('the health check names the status port, which resolves to the numeric container port 15021 for pod targets', () => {
    const annotations = find(objects, 'Ingress').metadata.annotations;
    expect(annotations['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(annotations['alb.ingress.kubernetes.io/healthcheck-port']).toBe('status-port');
    expect(annotations['alb.ingress.kubernetes.io/healthcheck-protocol']).toBe('HTTP');
    const statusPort = istioGatewayValues(configWith({ alb: { targetType: 'ip' } })).service.ports.find(
      (p) => p.name === 'status-port',
    );
    expect(statusPort?.targetPort).toBe(15021);
  });

  test('the gateway Service is ClusterIP (NodePort for instance targets)', () => {
    expect(istioGatewayValues(configWith({ alb: { targetType: 'ip' } })).service.type).toBe('ClusterIP');
    expect(istioGatewayValues(configWith({ alb: { targetType: 'instance' } })).service.type).toBe('NodePort');
  });

  test('instance targets: no gateway namespace is emitted', () => {
    expect(
      objectsOf({})
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name),
    ).toEqual(['yelb']);
  });
});

describe('defaults of the new keys', () => {
  test('existingSecret, no external-dns, Argo CD tracking main with automated sync, Istio 1.30.4', () => {
    const config = loadConfig();
    expect(config.gateway.tls).toEqual({
      mode: 'existingSecret',
      keyAlgorithm: 'RSA',
      duration: '8760h',
      renewBefore: '720h',
    });
    expect(config.dns).toEqual({ externalDns: false });
    expect(config.gitops).toMatchObject({
      targetRevision: 'main',
      distPath: 'dist',
      project: 'default',
      argocdNamespace: 'argocd',
      destinationServer: 'https://kubernetes.default.svc',
      automatedSync: true,
      prune: true,
      selfHeal: true,
      appSource: 'directory',
      istioVersion: '1.30.4',
      istioChartRepoURL: 'https://istio-release.storage.googleapis.com/charts',
    });
  });
});

describe('bad values of the new keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (text: string) => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, text);
    return () => loadConfig(file);
  };

  test.each([
    [
      'tls mode typo',
      'gateway:\n  tls:\n    mode: certmanager',
      /^'gateway.tls.mode' must be one of existingSecret, certManager, none, got "certmanager"$/,
    ],
    [
      'issuer kind',
      'gateway:\n  tls:\n    issuerRef: {kind: CA, name: x}',
      /^'gateway.tls.issuerRef.kind' must be one of Issuer, ClusterIssuer, got "CA"$/,
    ],
    [
      'issuerRef without name',
      'gateway:\n  tls:\n    issuerRef: {kind: ClusterIssuer}',
      /^'gateway.tls.issuerRef.name' is required$/,
    ],
    [
      'key algorithm',
      'gateway:\n  tls:\n    keyAlgorithm: EC',
      /^'gateway.tls.keyAlgorithm' must be one of RSA, ECDSA, got "EC"$/,
    ],
    [
      'duration in days',
      'gateway:\n  tls:\n    duration: 365d',
      /^'gateway.tls.duration' must be a duration in hours, minutes or seconds such as 8760h or 720h30m, got "365d"$/,
    ],
    [
      'unknown tls key',
      'gateway:\n  tls:\n    issuer: ca',
      /^'gateway.tls.issuer' is not a known key \(expected one of: mode, issuerRef, keyAlgorithm, duration, renewBefore\)$/,
    ],
    ['externalDns as a string', 'dns:\n  externalDns: "yes"', /^'dns.externalDns' must be of type boolean, got "yes"$/],
    [
      'Istio version range',
      'gitops:\n  istioVersion: 1.30.x',
      /^'gitops.istioVersion' must be an exact version such as 1.30.4 \(no range, no "v"\), got "1.30.x"$/,
    ],
    ['Istio version with v', 'gitops:\n  istioVersion: v1.30.4', /^'gitops.istioVersion' must be an exact version/],
    [
      'repo URL without scheme',
      'gitops:\n  repoURL: github.com/acme/repo',
      /^'gitops.repoURL' must be a Git repository URL .*got "github.com\/acme\/repo"$/,
    ],
    [
      'absolute dist path',
      'gitops:\n  distPath: /dist',
      /^'gitops.distPath' must be a relative path inside the repository .*got "\/dist"$/,
    ],
    [
      'dist path escaping the repo',
      'gitops:\n  distPath: ../dist',
      /^'gitops.distPath' must be a relative path inside the repository/,
    ],
    [
      'plain-http cluster',
      'gitops:\n  destinationServer: http://10.0.0.1:6443',
      /^'gitops.destinationServer' must be an https URL without a trailing slash .*got "http:\/\/10.0.0.1:6443"$/,
    ],
    [
      'revision with a space',
      'gitops:\n  targetRevision: my branch',
      /^'gitops.targetRevision' must be a Git branch, tag or commit such as main or v1.2.0, got "my branch"$/,
    ],
    [
      'app source typo',
      'gitops:\n  appSource: kustomize',
      /^'gitops.appSource' must be one of directory, helm, got "kustomize"$/,
    ],
    [
      'sync flag as a string',
      'gitops:\n  automatedSync: "true"',
      /^'gitops.automatedSync' must be of type boolean, got "true"$/,
    ],
    [
      'name too long',
      `gitops:\n  name: ${'a'.repeat(41)}`,
      /^'gitops.name' must be a DNS label of at most 40 characters/,
    ],
    [
      'misspelt gitops key',
      'gitops:\n  repoUrl: https://github.com/acme/repo.git',
      /^'gitops.repoUrl' is not a known key \(expected one of: repoURL, targetRevision, /,
    ],
  ])('%s', (_, text, message) => {
    expect(load(text)).toThrow(message);
  });
});
