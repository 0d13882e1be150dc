import '../support/shared-templates';
import { rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { albPlanOf } from '../../charts/alb-ingress-chart';
import { loadConfig } from '../../lib/config/load';
import { AppConfig, Config } from '../../lib/config/types';
import { helper } from '../../lib/output/helm-names';
import { PropError } from '../../lib/patterns';
import { helm, scratch, writeChart } from './support';

/*
 * The chart's albPlan template against albPlanOf (planAlbs with the chart's options) on generated inputs: the
 * sample on or off, apps enabled or not, hosts with wildcards, shared and own certificates, low quotas so that
 * apps spill onto more ALBs and refusals happen. One helm run renders every case.
 */
const CASES = Number(process.env.PROPERTY_RUNS ?? 0) > 0 ? Number(process.env.PROPERTY_RUNS) * 10 : 300;

const arn = (n: number) =>
  `arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-${String(n).padStart(12, '0')}`;
const oneOrMany = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);

/** Inputs of the plan: hosts are numbered so that every host is distinct, as validate.yaml ensures. */
const input = fc
  .record({
    yelb: fc.boolean(),
    namespace: fc.constantFrom('yelb', 'shop'),
    sampleHosts: fc.integer({ min: 1, max: 4 }),
    sampleCerts: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
    apps: fc.array(
      fc.record({
        enabled: fc.constantFrom(undefined, true, false),
        hosts: fc.integer({ min: 1, max: 5 }),
        wildcard: fc.boolean(),
        certs: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 4 })),
        single: fc.boolean(),
      }),
      { maxLength: 9 },
    ),
    quotas: fc.record({
      certificates: fc.integer({ min: 1, max: 6 }),
      rules: fc.integer({ min: 1, max: 12 }),
      albs: fc.integer({ min: 1, max: 5 }),
    }),
  })
  .map(({ yelb, namespace, sampleHosts, sampleCerts, apps, quotas }) => {
    let host = 0;
    const hosts = (n: number, wildcard = false) =>
      Array.from({ length: n }, (_, i) => `${wildcard && i === 0 ? '*.' : ''}h${host++}.example.com`);
    const teams: AppConfig[] = apps.map((a, i) => ({
      name: `app-${i}`,
      ...(a.enabled === undefined ? {} : { enabled: a.enabled }),
      hosts: hosts(a.hosts, a.wildcard),
      ...(a.certs === null
        ? {}
        : { certificateArn: a.single && a.certs.length === 1 ? arn(a.certs[0]) : a.certs.map(arn) }),
      routes: [{ pathPrefix: '/', service: 'web', port: 80 }],
    }));
    return {
      yelb: { enabled: yelb },
      namespace,
      host: oneOrMany(hosts(sampleHosts)),
      certificateArn: sampleCerts.length === 1 ? arn(sampleCerts[0]) : sampleCerts.map(arn),
      apps: teams,
      alb: { quotas },
    };
  });

type Input = ReturnType<typeof sampleOf>[number];
const sampleOf = () => fc.sample(input, { seed: 20261203, numRuns: CASES });

/** What albPlanOf gives: the plan's ALBs, or the refusal's line. */
function expected(base: Config, values: Input): { albs: unknown[]; error: string } {
  const config = {
    ...base,
    ...values,
    yelb: { ...base.yelb, ...values.yelb },
    alb: { ...base.alb, quotas: values.alb.quotas },
  } as Config;
  try {
    const plan = albPlanOf(config);
    return {
      albs: plan.albs.map((a) => ({
        apps: a.apps,
        certificateArns: a.certificateArns,
        rules: a.rules.map((r) => ({ hosts: r.hosts })),
        hosts: a.rules.flatMap((r) => r.hosts),
      })),
      error: '',
    };
  } catch (e) {
    if (!(e instanceof PropError)) throw e;
    return { albs: [], error: e.message };
  }
}

describe('the chart plans ALBs as albPlanOf does', () => {
  const { dir, cleanup } = scratch('helm-alb-plan');
  afterAll(cleanup);

  test(`${CASES} generated inputs give the same plan or the same refusal`, async () => {
    // GIVEN the generated chart with one more template that prints the plan of each case
    // (the cases are no chart values: the test chart has no schema)
    const { chartDir } = writeChart(dir);
    rmSync(join(chartDir, 'values.schema.json'));
    writeFileSync(
      join(chartDir, 'templates', 'plans.yaml'),
      `{{- range $i, $case := .Values.cases }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: case-{{ $i }}
data:
  plan: {{ include "${helper('albPlan')}" (dict "Values" $case) | quote }}
{{- end }}
`,
    );
    const cases = sampleOf();
    writeFileSync(join(dir, 'cases.yaml'), yaml.dump({ cases: cases.map((c) => ({ ...c })) }));
    // WHEN helm renders only that template
    const result = await helm([
      'template',
      'plan',
      chartDir,
      '-f',
      join(dir, 'cases.yaml'),
      '--show-only',
      'templates/plans.yaml',
    ]);
    expect(result.stderr).toBe('');
    const rendered = yaml.loadAll(result.stdout).filter(Boolean) as { data: { plan: string } }[];
    expect(rendered).toHaveLength(CASES);
    // THEN every case matches, and the cases cover several ALBs and every refusal
    const outcomes = new Set<string>();
    const base = loadConfig();
    cases.forEach((c, i) => {
      const want = expected(base, c);
      const got = JSON.parse(rendered[i].data.plan) as { albs: unknown[]; error: string };
      if (want.error) expect({ case: i, error: got.error }).toEqual({ case: i, error: want.error });
      else expect({ case: i, ...got }).toEqual({ case: i, ...want });
      const refusal = /needs (ALB|\d+ certificates|\d+ rules)/.exec(want.error)?.[1].replace(/^\d+ /, '');
      outcomes.add(want.error ? `refused: ${refusal}` : `${Math.min(want.albs.length, 3)} ALBs`);
    });
    expect([...outcomes]).toEqual(
      expect.arrayContaining(['1 ALBs', '2 ALBs', '3 ALBs', 'refused: ALB', 'refused: certificates', 'refused: rules']),
    );
  }, 60_000);
});
