import { ApiObject } from 'cdk8s';
import { STACK } from '../../charts';
import { VALUE_ROWS } from '../../charts/helm-value-rows';
import { ConfigError, validateConfig } from '../../lib/config/load';
import * as patterns from '../../lib/patterns';
import { MAX_SENTINEL_INDEX, SENTINEL_MARKER, VALUE_FORMATS, ValueFormat, formatOfPattern } from '../../lib/patterns';
import { chartTemplates } from '../../lib/output/helm-chart';
import { TemplateError } from '../../lib/output/helm-nodes';
import { checkSameInBothSets, checkSentinelsAccepted } from '../../lib/output/helm-sentinel-checks';
import { sentinelConfig, sentinelsOf, withValue } from '../../lib/output/helm-sentinels';
import { sentinelMatcher } from '../../lib/output/helm-templatize';
import { SENTINEL_SETS, formatAt, marker, rowsOfSet } from '../../lib/output/helm-value-rows';

/** Markers as the value rows make them: short, typical, set 1's padded ones, and longer than any bounded format. */
const MARKERS = [
  'helm-value-x',
  marker('alb.sslPolicy'),
  marker('istioEdge.virtualServiceName'),
  marker('istioEdge.virtualServiceName', 1),
  marker('yelb.appserver.resources.requests.memory', 1),
  `helm-value-${'long-'.repeat(50)}end`,
];
const INDEXES = Array.from({ length: MAX_SENTINEL_INDEX + 1 }, (_, i) => i);

/** The sentinels of a format its own pattern refuses, each named with the format, the marker and the index. */
const refusedSentinels = (name: string, format: ValueFormat) =>
  MARKERS.flatMap((m) => INDEXES.map((i) => [m, i, format.sentinel(m, i)] as const))
    .filter(([, , sentinel]) => !format.pattern.test(sentinel))
    .map(([m, i, sentinel]) => `${name}.sentinel(${JSON.stringify(m)}, ${i}) = ${JSON.stringify(sentinel)}`);

describe('the sentinel of every value format', () => {
  test('the markers used here are markers', () => {
    for (const m of MARKERS) expect(m).toMatch(SENTINEL_MARKER);
  });

  test.each(Object.entries(VALUE_FORMATS))(
    '%s: matches its own pattern for every marker and index, and differs for each',
    (name, format) => {
      expect(refusedSentinels(name, format)).toEqual([]);
      const made = MARKERS.flatMap((m) => INDEXES.map((i) => format.sentinel(m, i)));
      expect(new Set(made).size).toBe(made.length);
    },
  );

  test('every value format of lib/patterns.ts is in the table, and no two share a pattern', () => {
    const exported = Object.entries(patterns).filter(
      ([, v]) => typeof v === 'object' && v !== null && 'pattern' in v && 'expected' in v,
    );
    expect(exported.map(([n]) => n).sort()).toEqual(Object.keys(VALUE_FORMATS).sort());
    for (const [name, format] of Object.entries(VALUE_FORMATS))
      expect(formatOfPattern(format.pattern.source)?.name).toBe(name);
  });

  test('a format whose pattern no longer takes its sentinel fails here, by name', () => {
    const narrowed: ValueFormat = { ...patterns.SSL_POLICY, pattern: /^ELBSecurityPolicy-TLS[A-Za-z0-9-]+$/ };
    expect(refusedSentinels('SSL_POLICY', narrowed)[0]).toBe(
      'SSL_POLICY.sentinel("helm-value-x", 0) = "ELBSecurityPolicy-helm-value-x"',
    );
  });
});

describe('the sentinels of the value table', () => {
  test('a key takes the sentinel of the format its schema names', () => {
    expect(formatAt('alb.sslPolicy')).toBe(patterns.SSL_POLICY);
    expect(formatAt('host')).toBe(patterns.ALB_HOSTNAME);
    expect(formatAt('alb.targetGroupAttributes')).toBe(patterns.KEY_VALUE);
    expect(formatAt('yelb.ui.resources.requests.cpu')).toBe(patterns.CPU);
    expect(() => formatAt('mesh.authorization')).toThrow(
      'mesh.authorization: the config schema gives the key no value format',
    );
    const sslPolicy = VALUE_ROWS.find((r) => r.path === 'alb.sslPolicy')!;
    expect(sslPolicy.base).toBe('ELBSecurityPolicy-helm-value-alb-ssl-policy');
  });

  test.each(SENTINEL_SETS)(
    'the configuration accepts the sentinel configuration of set %s (schema and cross-key rules)',
    (set) => {
      expect(() => validateConfig(sentinelConfig(rowsOfSet(VALUE_ROWS, set)))).not.toThrow();
    },
  );

  test('the relations hold: renewBefore shorter than duration, requests below limits, one region for the ARNs', () => {
    for (const set of SENTINEL_SETS) {
      const config = sentinelConfig(rowsOfSet(VALUE_ROWS, set));
      expect(parseInt(config.gateway.tls.renewBefore, 10)).toBeLessThan(parseInt(config.gateway.tls.duration, 10));
      for (const w of ['ui', 'appserver', 'db', 'redis'] as const) {
        const { requests, limits } = config.yelb[w].resources;
        expect(parseInt(requests.cpu, 10)).toBeLessThan(parseInt(limits.cpu, 10));
        expect(parseInt(requests.memory, 10)).toBeLessThan(parseInt(limits.memory, 10));
      }
      const regions = [...[config.certificateArn].flat(), config.alb.wafv2AclArn!].map((arn) => arn.split(':')[3]);
      expect(new Set(regions)).toEqual(new Set([patterns.SENTINEL_REGION]));
    }
  });

  test('the two sets differ in every sentinel made from a marker, and each set uses a sentinel once', () => {
    const [one, other] = SENTINEL_SETS.map((set) => sentinelsOf(rowsOfSet(VALUE_ROWS, set)));
    const shared = [...one.strings.keys()].filter((s) => other.strings.has(s));
    // The issuerRef name is absent from the base synth, so it needs no second sentinel.
    expect(shared).toEqual([marker('gateway.tls.issuerRef.name')]);
    expect([...one.numbers.keys()].filter((n) => other.numbers.has(n))).toEqual([]);
  });

  test('a sentinel the configuration refuses stops the generator with the key and the form', () => {
    const bad = withValue(sentinelConfig(VALUE_ROWS), 'alb.sslPolicy', 'ELBSecurityPolicy helm value');
    expect(() => validateConfig(bad)).toThrow(ConfigError);
    expect(() => checkSentinelsAccepted([sentinelConfig(VALUE_ROWS), bad])).toThrow(
      /^the configuration refuses a sentinel of set 1: 'alb\.sslPolicy' must be an ELB security policy name .*, got "ELBSecurityPolicy helm value" \(make the value format's sentinel/,
    );
  });
});

describe('the synth with the second set of sentinels', () => {
  const synthOf = (set: 0 | 1, extra: Record<string, unknown> = {}) => {
    const rows = rowsOfSet(VALUE_ROWS, set);
    const sentinels = sentinelsOf(rows);
    const config = sentinelConfig(rows);
    const json = {
      kind: 'ConfigMap',
      metadata: { name: config.namespace },
      data: { policy: config.alb.sslPolicy, ...extra },
    };
    return { objects: [{ path: `App/${config.namespace}`, json }], sentinels, match: sentinelMatcher(sentinels) };
  };

  test('objects that only copy values are the same in both sets', () => {
    expect(() => checkSameInBothSets(synthOf(0), synthOf(1))).not.toThrow();
  });

  test('a field computed from a value differs, named with the object and the field', () => {
    const length = (set: 0 | 1) => sentinelConfig(rowsOfSet(VALUE_ROWS, set)).alb.sslPolicy.length;
    expect(() => checkSameInBothSets(synthOf(0, { length: length(0) }), synthOf(1, { length: length(1) }))).toThrow(
      new TemplateError(
        `ConfigMap App/{{ .Values.namespace }} data.length: the synth with one set of sentinels gives ${length(0)}, with another ${length(1)} ` +
          "(a construct depends on a value in a way the chart generator did not see: declare that value's variants in the chart's value table)",
      ),
    );
  });

  test('the chart generator refuses a construct that branches on a value the table does not vary', () => {
    // An extra object only when the policy name is long: set 1's longer markers show it.
    const stack = {
      ...STACK,
      buildCharts: (...args: Parameters<typeof STACK.buildCharts>) => {
        const charts = STACK.buildCharts(...args);
        if (args[1].alb.sslPolicy.length > 45)
          new ApiObject(charts[0], 'Extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } });
        return charts;
      },
    };
    expect(() => chartTemplates(stack)).toThrow(
      'Helm chart: ConfigMap Namespaces/Extra is only in the synth with the second set of sentinels (a construct depends on a value',
    );
  });
});
