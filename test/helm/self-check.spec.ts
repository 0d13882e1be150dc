import '../support/shared-templates';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ManifestObject, differences, firstDifference, proveChartRendersPlain } from '../../lib/output/helm-self-check';
import { CHART_NAME } from '../../lib/output/helm-chart';
import { SynthResult, renderAll, verifyHelmChart } from '../../lib/synth';
import { STACK } from '../../charts';

/*
 * synth's own proof that the chart renders the plain YAML: a real helm renders the generated chart with its defaults
 * and each environment's values; any object or field that differs from the plain synth stops the synth.
 */

const ingress = (annotations: Record<string, string>, labels: Record<string, string> = {}): ManifestObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: 'edge',
    namespace: 'istio-system',
    labels: { 'app.kubernetes.io/name': 'alb', ...labels },
    annotations,
  },
  spec: { ingressClassName: 'alb', rules: [{ host: 'a.example.org' }, { host: 'b.example.org' }] },
});

describe("differences between the chart's objects and the plain ones", () => {
  test('none when only the labels Helm sets differ', () => {
    const helmLabels = {
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/instance': 'x',
      'helm.sh/chart': 'c-1',
    };
    expect(differences([ingress({ a: '1' }, helmLabels)], [ingress({ a: '1' })])).toEqual([]);
  });

  test('a differing annotation is named by object and field, with both values', () => {
    expect(
      differences(
        [ingress({ 'alb.ingress.kubernetes.io/scheme': 'internal' })],
        [ingress({ 'alb.ingress.kubernetes.io/scheme': 'internet-facing' })],
      ),
    ).toEqual([
      'Ingress/istio-system/edge metadata.annotations[\'alb.ingress.kubernetes.io/scheme\']: the chart gives "internal", the plain YAML "internet-facing"',
    ]);
  });

  test('a type difference counts: the number 1 is not the string "1"', () => {
    expect(firstDifference({ spec: { replicas: '1' } }, { spec: { replicas: 1 } })).toEqual({
      path: 'spec.replicas',
      chart: '1',
      plain: 1,
    });
  });

  test('list elements are named by index; missing and extra objects are named', () => {
    const other = structuredClone(ingress({})) as { spec: { rules: { host: string }[] } } & ManifestObject;
    other.spec.rules[1].host = 'c.example.org';
    expect(differences([other], [ingress({})])).toEqual([
      expect.stringContaining('Ingress/istio-system/edge spec.rules[1].host: the chart gives "c.example.org"'),
    ]);
    const service: ManifestObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' } };
    expect(differences([service], [ingress({})])).toEqual([
      'Ingress/istio-system/edge is missing from the chart',
      'Service/n/s is only in the chart',
    ]);
  });
});

describe('helm template of the generated chart against the plain synth', () => {
  let result: SynthResult;
  beforeAll(() => {
    result = renderAll(STACK);
  });

  test('the built-in configuration and its environments render the same objects', async () => {
    expect(result.environments.length).toBeGreaterThan(0);
    await expect(verifyHelmChart(result)).resolves.toBeUndefined();
  });

  test('an environment whose plain output differs from the chart stops the synth, naming the set, object and field', async () => {
    // GIVEN a plain rendering that the chart cannot produce (as a construct branching on a value would make)
    const [first] = result.environments;
    const manifests = first.manifests.map((m) => ({
      ...m,
      objects: m.objects.map((o) => {
        if (o.kind !== 'Ingress') return o;
        const copy = structuredClone(o);
        copy.metadata!.annotations!['alb.ingress.kubernetes.io/ssl-policy'] = 'ELBSecurityPolicy-TLS13-1-3-2021-06';
        return copy;
      }),
    }));
    const drifted: SynthResult = {
      ...result,
      environments: [{ ...first, manifests }, ...result.environments.slice(1)],
    };
    // THEN the proof fails on that environment only
    const error = await verifyHelmChart(drifted).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      new RegExp(
        `^the Helm chart does not render the plain YAML \\(helm template\\): ${first.name} values: ` +
          'Ingress/istio-system/gw-ingress metadata.annotations\\[\'alb.ingress.kubernetes.io/ssl-policy\'\\]: the chart gives "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", ' +
          'the plain YAML "ELBSecurityPolicy-TLS13-1-3-2021-06" \\(a construct depends on a value',
      ),
    );
    expect(error?.message).not.toContain('\n');
  });

  test('a proven chart is remembered in the cache folder, and a changed expectation is rendered again', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'helm-self-check-cache-'));
    try {
      const prefix = `helm/${CHART_NAME}/`;
      const chart = new Map(
        [...result.files].filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]),
      );
      const expected = result.manifests
        .flatMap((m) => m.objects as ManifestObject[])
        .filter((o) => o.kind !== 'Namespace' || (o.metadata as { name: string }).name === result.config.namespace);
      await proveChartRendersPlain(chart, [{ name: 'default', expected }], { cacheDir });
      expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^helm-self-check-[0-9a-f]{64}$/)]);
      // A different expectation has another key: the cached proof does not hide the difference.
      await expect(
        proveChartRendersPlain(chart, [{ name: 'default', expected: expected.slice(1) }], { cacheDir }),
      ).rejects.toThrow(/is only in the chart/);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
