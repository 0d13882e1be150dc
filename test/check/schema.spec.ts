import * as fs from 'fs';
import * as path from 'path';
import { checkManifests, Finding } from '../../lib/check';
import { validateObject } from '../../lib/check/schema';
import { ROOT, loadDir, objects } from './helpers';

const schemaFindings = (findings: Finding[]) =>
  findings.filter((f) => f.ruleId.startsWith('schema-')).map((f) => `${f.ruleId} ${f.object} ${f.field}`);

describe('custom resources are validated against schemas generated from the upstream CRDs', () => {
  test('fields only the newer CRD has are accepted (AppProject syncWindows[].syncOverrun, spec.sourceIntegrity)', async () => {
    const result = await checkManifests(loadDir('crd-schemas').filter((o) => o.source?.includes('newer-fields')));
    expect(schemaFindings(result.findings)).toEqual([]);
    expect(result.summary.notChecked).toBe(0);
  });

  test('an unknown field is still an error, and a wrong type is invalid', async () => {
    const objs = objects('crd-schemas').filter((o) => o.kind === 'AppProject' || o.kind === 'HTTPRoute') as any[];
    objs[0].spec.syncWindows[0].syncOverun = true;
    objs[0].spec.sourceIntegrity.git.policies[0].gpg.mode = 7;
    objs[1].spec.rules[0].backendRef = [];
    const result = await checkManifests(objs);
    expect(schemaFindings(result.findings).sort()).toEqual([
      'schema-invalid AppProject argocd/team spec.sourceIntegrity.git.policies[0].gpg.mode',
      'schema-unknown-field AppProject argocd/team spec.syncWindows[0].syncOverun',
      'schema-unknown-field HTTPRoute demo/web spec.rules[0].backendRef',
    ]);
  });

  test('a failing x-kubernetes-validations rule is reported with its message; the fixed twin is clean', async () => {
    const result = await checkManifests(loadDir('crd-schemas').filter((o) => o.source?.includes('cel-rule')));
    const invalid = result.findings.filter((f) => f.ruleId === 'schema-invalid');
    expect(invalid.map((f) => `${f.object} ${f.field}: ${f.message}`)).toEqual([
      `IngressClassParams both spec: spec fails the rule "cannot specify both 'prefixListsIDs' and 'PrefixListsIDs' fields"`,
      'Issuer demo/venafi-none spec.venafi: spec.venafi fails the rule "exactly one of tpp, cloud, or ngts must be configured"',
    ]);
  });

  test('free-form (preserve-unknown-fields) values and int-or-string fields are accepted, other types are not', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'a', namespace: 'argocd' },
      spec: {
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc' },
        source: { repoURL: 'https://example.com/r.git', helm: { valuesObject: { any: { thing: [1, 'x'] } } } },
      },
    };
    expect(validateObject(app)).toEqual([]);
    const tgb = {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: { name: 't' },
      spec: {
        serviceRef: { name: 's', port: 'http' },
        targetGroupARN: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/t/0123456789abcdef',
      },
    };
    expect(validateObject(tgb)).toEqual([]);
    expect(
      validateObject({ ...tgb, spec: { ...tgb.spec, serviceRef: { name: 's', port: true } } })?.map((i) => i.field),
    ).toContain('spec.serviceRef.port');
  });

  describe('string formats and list types, as the API server checks them', () => {
    const gateway = (addresses: object[], listeners: object[]) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'istio-system' },
      spec: { gatewayClassName: 'istio', addresses, listeners },
    });
    const listener = (name: string, port: number) => ({
      name,
      port,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ name: 'tls' }] },
    });
    const messages = (o: Record<string, unknown>) => (validateObject(o) ?? []).map((i) => `${i.field} ${i.message}`);

    test('an IP address that is neither IPv4 nor IPv6 is one error naming both formats; valid addresses of both families pass', () => {
      expect(
        messages(
          gateway(
            [
              { type: 'IPAddress', value: '10.0.0.7' },
              { type: 'IPAddress', value: '2001:db8::7' },
            ],
            [listener('https', 443)],
          ),
        ),
      ).toEqual([]);
      expect(messages(gateway([{ type: 'IPAddress', value: '10.0.0.300' }], [listener('https', 443)]))).toContain(
        'spec.addresses[0].value must match format "ipv4", or match format "ipv6"',
      );
    });

    test('a list of type map rejects two items with the same key (two listeners named https), as the API server does', () => {
      expect(messages(gateway([], [listener('https', 443), listener('https-alt', 8443)]))).toEqual([]);
      expect(messages(gateway([], [listener('https', 443), listener('https', 8443)]))).toContain(
        'spec.listeners repeats name "https" of item 0 at item 1 (a list of type map: the API server rejects duplicates)',
      );
    });

    test('a list of type set rejects a repeated value (a header removed twice); distinct values pass', () => {
      const route = (remove: string[]) => ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'shop' },
        spec: {
          parentRefs: [{ name: 'gw', namespace: 'istio-system' }],
          rules: [
            {
              backendRefs: [{ name: 'web', port: 80 }],
              filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove } }],
            },
          ],
        },
      });
      expect(messages(route(['X-Debug', 'X-Trace']))).toEqual([]);
      expect(messages(route(['X-Debug', 'X-Trace', 'X-Debug']))).toEqual([
        'spec.rules[0].filters[0].requestHeaderModifier.remove repeats the value "X-Debug" of item 0 at item 2 (a list of type set: the API server rejects duplicates)',
      ]);
    });

    test('a base64 field that is not base64 is invalid; RFC 3339 date-times are checked', () => {
      const issuer = (caBundle: string) => ({
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: 'acme' },
        spec: { acme: { server: 'https://acme.example.org/directory', privateKeySecretRef: { name: 'k' }, caBundle } },
      });
      expect(messages(issuer(Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64')))).toEqual([]);
      expect(messages(issuer('not base64!'))).toEqual(['spec.acme.caBundle must match format "byte"']);
    });
  });

  test('every generated schema records its upstream source and version', () => {
    const index = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/index.json'), 'utf8'));
    const kinds = Object.entries(index.kinds) as [string, { file: string; source: string }][];
    expect(kinds.length).toBeGreaterThan(50);
    for (const [key, entry] of kinds) {
      expect(entry.source).toMatch(
        /^(Istio 1\.30\.3|Argo CD 3\.5\.1|cert-manager 1\.21\.1|AWS Load Balancer Controller( \(gateway\))? 3\.5\.0|Gateway API \(standard\) 1\.6\.1)$/,
      );
      expect(fs.existsSync(path.join(ROOT, 'schemas', entry.file))).toBe(true);
      expect(key).toMatch(/^[a-z0-9.-]+\/v[0-9a-z]+ [A-Z][A-Za-z]+$/);
    }
  });
});
