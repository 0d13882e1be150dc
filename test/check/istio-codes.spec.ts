import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { checkRules, formatText, K8sObject, listRules } from '../../lib/check';
import { find, objects, runCli, runCliJson } from './helpers';

const without = (o: K8sObject[], kind: string) => o.filter((x) => x.kind !== kind);
/** The good stack without the objects a cluster usually gets from elsewhere: the certificate and the gateway Deployment. */
const partial = () =>
  without(without(objects('good'), 'Certificate'), 'Deployment').concat(
    objects('good').filter((x) => x.kind === 'Deployment' && x.metadata?.namespace === 'yelb'),
  );

describe('open world and closed world (--complete) on the same manifests', () => {
  test('open world: what the manifests do not hold stays a not-verifiable info', () => {
    // GIVEN the stack without its gateway certificate and gateway Deployment
    const r = checkRules(partial());
    // THEN nothing fails, and the missing references are infos without an error code
    expect(r.summary.errors).toBe(0);
    const infos = r.findings.filter((f) => f.ruleId === 'not-verifiable').map((f) => `${f.object} ${f.field}`);
    expect(infos).toEqual(
      expect.arrayContaining([
        'Gateway istio-system/yelb-gateway spec.selector',
        'Gateway istio-system/yelb-gateway spec.servers[0].tls.credentialName',
      ]),
    );
    expect(r.findings.some((f) => f.ruleId === 'reference-missing')).toBe(false);
  });

  test('closed world: the same missing references are IST0101 errors', () => {
    const r = checkRules(partial(), { complete: true });
    const missing = r.findings.filter((f) => f.ruleId === 'reference-missing');
    expect(missing.map((f) => `${f.object} ${f.field}`)).toEqual(
      expect.arrayContaining([
        'Gateway istio-system/yelb-gateway spec.selector',
        'Gateway istio-system/yelb-gateway spec.servers[0].tls.credentialName',
      ]),
    );
    expect(missing.every((f) => f.severity === 'error' && f.istioCode === 'IST0101')).toBe(true);
    // AND the non-reference infos (an unreadable hook, an unknown service account) are not promoted
    expect(r.summary.errors).toBe(missing.length);
  });

  test('closed world: a destination Service absent from a namespace in the manifests is an error, not a warning', () => {
    const o = objects('good');
    find(o, 'VirtualService', 'yelb-appserver').spec.http[0].route[0].destination.host = 'yelb-api';
    expect(checkRules(o).findings.map((f) => f.ruleId)).toEqual(['vs-destination-absent']);
    const closed = checkRules(o, { complete: true }).findings;
    expect(closed.map((f) => [f.ruleId, f.istioCode, f.severity])).toEqual([['reference-missing', 'IST0101', 'error']]);
  });

  test('the good stack is complete: --complete finds nothing', () => {
    expect(checkRules(objects('good'), { complete: true }).findings).toEqual([]);
  });
});

describe('istioctl codes', () => {
  test('each code in the catalogue is an IST code with the analyzer it follows', () => {
    const coded = listRules().filter((r) => r.istioCode);
    expect(coded.length).toBeGreaterThan(20);
    for (const r of coded) {
      expect(r.istioCode).toMatch(/^IST0\d{3}$/);
      expect(r.istioSource).toMatch(/\.go/);
    }
  });

  test('a pod that opts out of injection in an injected namespace is IST0103, a namespace without injection IST0102', () => {
    const o = objects('good');
    find(o, 'Deployment', 'yelb-ui').spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' };
    const f = checkRules(o).findings.filter((x) => x.ruleId === 'namespace-injection');
    expect(f.map((x) => x.istioCode)).toEqual(['IST0103']);
  });

  test('the text report shows the code next to the rule', () => {
    const o = objects('good');
    o.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'strict', namespace: 'yelb' },
      spec: {},
    });
    const text = formatText(checkRules(o));
    expect(text).toMatch(
      /^ERROR {3}sidecar-default-multiple \[IST0111\] {2}Sidecar yelb\/strict {2}spec\.workloadSelector$/m,
    );
  });

  test('a Gateway on a Service port whose target port differs (istioctl install, 443 -> 8443) is served: no IST0162', () => {
    const o = objects('good');
    const svc = o.find((x) => x.kind === 'Service' && x.metadata?.name === 'istio-ingressgateway') as any;
    svc.spec.ports = svc.spec.ports.map((p: any) => (p.port === 443 ? { ...p, targetPort: 8443 } : p));
    expect(checkRules(o).findings.filter((f) => f.ruleId === 'gateway-port-not-on-service')).toEqual([]);
  });
});

describe('CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istcodes-'));
    // A VirtualService and a Deployment, each with a field their schema does not define.
    const docs = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { hosts: ['web'], htp: [] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          replica: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      },
    ];
    fs.writeFileSync(path.join(dir, 'set.yaml'), docs.map((d) => yaml.dump(d)).join('---\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--json: schema findings on Istio objects carry IST0106, on others no code; --complete turns the missing Service into IST0101', async () => {
    const open = await runCliJson([dir]);
    const unknown = open.result.findings.filter((f) => f.ruleId === 'schema-unknown-field');
    expect(unknown.map((f) => [f.object, f.istioCode ?? null])).toEqual(
      expect.arrayContaining([
        ['VirtualService shop/web', 'IST0106'],
        ['Deployment shop/web', null],
      ]),
    );
    const closed = await runCliJson(['--complete', dir]);
    expect(closed.result.findings.filter((f) => f.ruleId === 'reference-missing').map((f) => f.istioCode)).toEqual([
      'IST0101',
    ]);
    expect(open.result.findings.some((f) => f.ruleId === 'reference-missing')).toBe(false);
  });

  test('--list-rules shows the codes', async () => {
    expect((await runCli(['--list-rules'])).stdout).toMatch(
      /^gateway-conflict +error +B18 +IST0145 +Gateways with the same selector/m,
    );
  });
});

describe('DestinationRule CA certificates in the encryption verdict (IST0128)', () => {
  const uiRule = (tls: Record<string, unknown>): K8sObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'yelb-ui', namespace: 'yelb' },
    spec: { host: 'yelb-ui.yelb.svc.cluster.local', trafficPolicy: { tls } },
  });

  test('TLS to the ui without caCertificates: the route hop is not verified, and the verdict says so', () => {
    const o = objects('good');
    o.push(uiRule({ mode: 'SIMPLE' }));
    const r = checkRules(o);
    expect(r.findings.map((f) => [f.ruleId, f.istioCode])).toEqual([['destination-rule-ca', 'IST0128']]);
    const hop = r.hops[0].hops.find((h) => h.step === 'route')!;
    expect(hop.state).toBe('unknown');
    expect(hop.reason).toMatch(
      /DestinationRule yelb\/yelb-ui originates TLS to Service yelb\/yelb-ui without caCertificates/,
    );
    expect(r.verdict.encrypted).toBe(false);
  });

  test('its twin with ISTIO_MUTUAL: encrypted end to end', () => {
    const o = objects('good');
    o.push(uiRule({ mode: 'ISTIO_MUTUAL' }));
    const r = checkRules(o);
    expect(r.findings).toEqual([]);
    expect(r.verdict.encrypted).toBe(true);
  });
});
