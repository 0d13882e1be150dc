import '../support/shared-templates';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { buildCharts } from '../../charts';
import { loadConfig } from '../../lib/config/load';
import { renderHelmChart } from '../../lib/output/helm-chart';
import { synthManifests } from '../../lib/output/plain';
import { allOf, atom, not, renderCond } from '../../lib/output/helm-conditions';
import { Variant, mergeVariants } from '../../lib/output/helm-merge';
import { Doc, Node, TemplateError } from '../../lib/output/helm-nodes';
import { renderFile } from '../../lib/output/helm-render';
import { Sentinels, sentinelMatcher, templatize } from '../../lib/output/helm-templatize';
import { configWith } from '../support';
import { VALUE_ROWS } from '../../charts/helm-value-rows';
import { sentinelsOf } from '../../lib/output/helm-sentinels';
import { SENTINEL_SETS, rowsOfSet } from '../../lib/output/helm-value-rows';
import { STACK } from '../../charts';

/** Sentinels of a toy list value `hosts` and a scalar `ns`. */
const SENTINELS: Sentinels = {
  strings: new Map([
    ['h-1.invalid', { t: 'elem', list: 'hosts', index: 0 }],
    ['h-2.invalid', { t: 'elem', list: 'hosts', index: 1 }],
    ['the-ns', { t: 'value', path: 'ns' }],
  ]),
  numbers: new Map([[9001, { t: 'value', path: 'replicas' }]]),
  maps: new Map(),
};
const LISTS = new Map([['hosts', { variable: 'host', expr: '$.Values.hosts' }]]);
const match = sentinelMatcher(SENTINELS);
const doc = (id: string, value: unknown): Doc => ({ id, node: templatize(value, SENTINELS, match) });
const render = (docs: Doc[]) => renderFile(docs, LISTS, '');

describe('the template writer', () => {
  test('conditions read naturally', () => {
    expect(renderCond(not(atom('eq $.Values.a "x"')))).toBe('ne $.Values.a "x"');
    expect(renderCond(not(atom('not $.Values.a.enabled')))).toBe('$.Values.a.enabled');
    expect(renderCond(allOf(['$.Values.a', 'eq $.Values.b "c"']))).toBe('and $.Values.a (eq $.Values.b "c")');
  });

  test('sentinels become values: whole strings quoted, strings inside text with printf, numbers as numbers', () => {
    const text = render([
      doc('x', { metadata: { name: 'the-ns', namespace: 'svc.the-ns.local' }, spec: { replicas: 9001, port: 80 } }),
    ]);
    expect(text).toContain('name: {{ $.Values.ns | quote }}');
    expect(text).toContain('namespace: {{ printf "svc.%v.local" $.Values.ns | quote }}');
    expect(text).toContain('replicas: {{ $.Values.replicas | int }}');
    expect(text).toContain('port: 80');
  });

  test('items built from the two elements of a list become one range; a joined list becomes join; element 0 alone is first', () => {
    const text = render([
      doc('x', {
        spec: {
          rules: [
            { host: 'h-1.invalid', port: 1 },
            { host: 'h-2.invalid', port: 1 },
          ],
          joined: 'h-1.invalid,h-2.invalid',
        },
      }),
    ]);
    expect(text).toContain(
      '{{- range $host := $.Values.hosts }}\n    - host: {{ $host | quote }}\n      port: 1\n    {{- end }}',
    );
    expect(text).toContain('joined: {{ $.Values.hosts | join "," | quote }}');
  });

  test('what a variant removes becomes conditional; verbatim enum values become the value', () => {
    const base = [doc('a', { kind: 'A', spec: { mode: 'STRICT', extra: 'yes' } }), doc('b', { kind: 'B' })];
    const variant: Variant = {
      key: 'mode',
      cond: allOf(['eq $.Values.mode "PERMISSIVE"']),
      verbatim: { base: 'STRICT', value: 'PERMISSIVE', complete: true, others: 1 },
      docs: [doc('a', { kind: 'A', spec: { mode: 'PERMISSIVE' } })],
    };
    const text = render(mergeVariants(base, [variant]));
    expect(text).toContain('mode: {{ $.Values.mode | quote }}');
    expect(text).toContain('  {{- if eq $.Values.mode "STRICT" }}\n  extra: \'yes\'\n  {{- end }}');
    expect(text).toContain('{{- if eq $.Values.mode "STRICT" }}\n---\nkind: B\n{{- end }}');
  });

  test('a node changed by two different keys is reported, not guessed', () => {
    const base = [doc('a', { spec: { size: 1 } })];
    const variant = (key: string, size: number): Variant => ({
      key,
      cond: allOf([`$.Values.${key}`]),
      docs: [doc('a', { spec: { size } })],
    });
    expect(() => mergeVariants(base, [variant('x', 2), variant('y', 3)])).toThrow(TemplateError);
    expect(() => mergeVariants(base, [variant('x', 2), variant('y', 3)])).toThrow(
      /a\.spec\.size depends on both x and y/,
    );
  });

  test('a variant that changes nothing is reported', () => {
    const base = [doc('a', { spec: { size: 1 } })];
    expect(() => mergeVariants(base, [{ key: 'x', cond: allOf(['$.Values.x']), docs: base }])).toThrow(
      /the value x .* changes no object/,
    );
  });

  test('the templates do not depend on the configuration, only values.yaml does', () => {
    const templates = (files: Map<string, string | Buffer>) => [...files].filter(([p]) => p.includes('/templates/'));
    const a = renderHelmChart(STACK, loadConfig());
    const b = renderHelmChart(
      STACK,
      configWith({ host: 'other.example.com', alb: { targetType: 'ip' }, yelb: { enabled: false } }),
    );
    expect(templates(b)).toEqual(templates(a));
    expect(b.get('helm/eks-alb-istio-tls/values.yaml')).not.toEqual(a.get('helm/eks-alb-istio-tls/values.yaml'));
  });

  test("the teams' app files (config/apps/) are values of the chart, never part of its templates", () => {
    // GIVEN an app file in the folder the config loader reads by default
    const appsDir = mkdtempSync(join(tmpdir(), 'writer-apps-'));
    try {
      writeFileSync(
        join(appsDir, 'shop.yaml'),
        'name: shop\nhosts: [shop.example.com]\nroutes: [{ pathPrefix: /, service: web, port: 80 }]\n',
      );
      jest.isolateModules(() => {
        jest.doMock('../../lib/config/apps', () => ({
          ...jest.requireActual<typeof import('../../lib/config/apps')>('../../lib/config/apps'),
          APPS_DIR: appsDir,
        }));
        const load = require('../../lib/config/load') as typeof import('../../lib/config/load');
        const sentinels =
          require('../../lib/output/helm-sentinels') as typeof import('../../lib/output/helm-sentinels');
        // THEN the config has the app, and the config the templates are generated from does not
        expect(load.loadConfig().apps?.map((a) => a.name)).toEqual(['shop']);
        expect(sentinels.sentinelConfig(VALUE_ROWS).apps ?? []).not.toContainEqual(
          expect.objectContaining({ name: 'shop' }),
        );
        expect(load.loadDefaultConfig().apps ?? []).toEqual(loadConfig().apps ?? []);
      });
    } finally {
      jest.dontMock('../../lib/config/apps');
      rmSync(appsDir, { recursive: true, force: true });
    }
  });

  test('the shared synthesis gives the objects cdk8s itself gives, in the same order', () => {
    for (const config of [
      loadConfig(),
      configWith({ alb: { targetType: 'ip' }, gateway: { tls: { mode: 'certManager' } } }),
    ]) {
      const charts = buildCharts(new App({ outdir: '/nonexistent' }), config);
      expect(synthManifests(STACK, config).map((m) => [m.fileName, m.objects])).toEqual(
        charts.map((c) => [c.fileName, c.toJson()]),
      );
    }
  });

  test('no sentinel is left in the templates', () => {
    const strings = SENTINEL_SETS.flatMap((set) => [...sentinelsOf(rowsOfSet(VALUE_ROWS, set)).strings.keys()]);
    expect(strings).toContain('helm-value-namespace');
    const left = new RegExp(['helm-value', ...strings].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    for (const [path, content] of renderHelmChart(STACK, loadConfig())) {
      if (!path.endsWith('.tgz')) expect(`${path}: ${String(content)}`).not.toMatch(left);
    }
  });

  test('a node type the printer does not know is an error, not bad YAML', () => {
    const bad = { id: 'x', node: { k: 'seq', items: [] } as Node };
    expect(() => render([bad])).toThrow(/an object must be a map/);
  });
});
