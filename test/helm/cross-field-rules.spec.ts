import '../support/shared-templates';
import { writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { CROSS_FIELD_RULES } from '../../charts/cross-field-rules';
import { renderAll } from '../../lib/synth';
import { indexesOf, refusalsOf, scratch, templateRun, writeChart } from './support';
import { STACK } from '../../charts';

/*
 * Every cross-field rule of the registry refuses its example in both outputs with the same line: synth (the config
 * checks or the construct that owns the fact) and `helm template` (validate.yaml, generated from the registry).
 */
describe('each cross-field rule fails the same way in synth and in helm template', () => {
  const { dir, cleanup } = scratch('cross-field-rules');
  const { chartDir } = writeChart(dir);
  afterAll(cleanup);
  // Every rule's refusal in one helm run; real failing runs of the whole chart for a few of them.
  const refusals = refusalsOf(
    chartDir,
    dir,
    'rules',
    CROSS_FIELD_RULES.map((rule) => rule.example.values),
  );
  const REAL_RUNS = indexesOf(CROSS_FIELD_RULES, (rule) => rule.id, [
    'yelb-needs-istio-edge',
    'arn-partition-region',
    'alb-list-keys-once',
    'alb-plan-within-quotas',
  ]);
  const runs = Promise.all(
    REAL_RUNS.map((i) => templateRun(chartDir, dir, `values-${i}`, CROSS_FIELD_RULES[i].example.values)),
  );

  test('the registry names each rule once', () => {
    const ids = CROSS_FIELD_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(14);
  });

  test.each(CROSS_FIELD_RULES.map((r, i) => [r.id, i] as const))('%s', async (_id, i) => {
    const { example } = CROSS_FIELD_RULES[i];
    const file = join(dir, `config-${i}.yaml`);
    writeFileSync(file, yaml.dump(example.values));
    let synthMessage = '';
    try {
      renderAll(STACK, file);
    } catch (e) {
      synthMessage = (e as Error).message;
    }
    expect(synthMessage).toBe(example.message);
    expect((await refusals)[i]).toBe(example.message);
  });

  test('helm template of the chart fails with that line', async () => {
    for (const [k, result] of (await runs).entries()) {
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n')[0]).toMatch(
        /^Error: execution error at \(eks-alb-istio-tls\/templates\/validate\.yaml:\d+:\d+\): /,
      );
      expect(result.stderr.split('\n')[0].replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
        CROSS_FIELD_RULES[REAL_RUNS[k]].example.message,
      );
    }
  });
});
