import fc from 'fast-check';
import { AWS_ALB_QUOTAS, AlbPlan, AlbPlanApp, AlbQuotas, planAlbs } from '../../lib/alb-plan';

const cert = (n: number) =>
  `arn:aws:acm:us-east-1:123456789012:certificate/${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const DEFAULT = cert(99999);
const app = (n: number, extra: Partial<AlbPlanApp> = {}): AlbPlanApp => ({
  name: `app${n}`,
  hosts: [`app${n}.example.com`],
  certificateArns: [],
  ...extra,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const placements = (plan: AlbPlan) => Object.fromEntries(plan.groupOf);

describe('planAlbs', () => {
  test('one app: one ALB with one rule and the default certificate', () => {
    const plan = planAlbs([app(1, { certificateArns: [DEFAULT] })], { defaultCertificateArn: DEFAULT });
    expect(plan.albs).toEqual([
      { groupName: 'edge-1', apps: ['app1'], rules: [{ hosts: ['app1.example.com'] }], certificateArns: [DEFAULT] },
    ]);
  });

  test('a config that needs 2 ALBs gets exactly 2, named <prefix>-1 and <prefix>-2', () => {
    // 30 apps with a certificate each: the default plus 25 fit the first ALB, the other 5 the second.
    const apps = range(30).map((i) => app(i, { certificateArns: [cert(i)] }));
    const plan = planAlbs(apps, { groupPrefix: 'shop', defaultCertificateArn: DEFAULT });
    expect(plan.albs.map((a) => [a.groupName, a.apps.length, a.certificateArns.length])).toEqual([
      ['shop-1', 25, 26],
      ['shop-2', 5, 6],
    ]);
    expect(plan.albs[1].certificateArns[0]).toBe(DEFAULT);
    expect(plan.groupOf.get('app24')).toBe('shop-1');
    expect(plan.groupOf.get('app25')).toBe('shop-2');
  });

  test('26 certificates besides the default move the 26th to a second ALB; quotas.certificates 30 keeps them on one', () => {
    const apps = range(26).map((i) => app(i, { certificateArns: [cert(i)] }));
    const two = planAlbs(apps, { defaultCertificateArn: DEFAULT });
    expect(two.albs.map((a) => a.apps.length)).toEqual([25, 1]);
    expect(two.albs[1].certificateArns).toEqual([DEFAULT, cert(25)]);
    const one = planAlbs(apps, { defaultCertificateArn: DEFAULT, quotas: { certificates: 30 } });
    expect(one.albs).toHaveLength(1);
    expect(one.albs[0].certificateArns).toHaveLength(27);
    // 25 besides the default is exactly the quota.
    expect(planAlbs(apps.slice(0, 25), { defaultCertificateArn: DEFAULT }).albs).toHaveLength(1);
  });

  test("without a default certificate, the first app's first certificate is the default and 26 fit one ALB", () => {
    const apps = range(27).map((i) => app(i, { certificateArns: [cert(i)] }));
    const plan = planAlbs(apps);
    expect(plan.albs.map((a) => a.certificateArns[0])).toEqual([cert(0), cert(26)]);
    expect(plan.albs.map((a) => a.apps.length)).toEqual([26, 1]);
  });

  test('certificates are deduplicated, the default first, then in the order the apps list them', () => {
    const plan = planAlbs(
      [
        app(1, { certificateArns: [cert(2), cert(1)] }),
        app(2, { certificateArns: [cert(1), DEFAULT, cert(3)] }),
        app(3),
      ],
      { defaultCertificateArn: DEFAULT },
    );
    expect(plan.albs[0].certificateArns).toEqual([DEFAULT, cert(2), cert(1), cert(3)]);
  });

  test('hosts are packed 5 values per rule across apps', () => {
    const apps = range(12).map((i) => app(i));
    const plan = planAlbs(apps, { defaultCertificateArn: DEFAULT });
    expect(plan.albs).toHaveLength(1);
    expect(plan.albs[0].rules.map((r) => r.hosts.length)).toEqual([5, 5, 2]);
    expect(plan.albs[0].rules.flatMap((r) => r.hosts)).toEqual(apps.map((a) => a.hosts[0]));
  });

  test('at most 5 wildcards per rule, counting the reserve', () => {
    const wild = range(7).map((i) => app(i, { hosts: [`*.app${i}.example.com`] }));
    const lowered = planAlbs(wild, { defaultCertificateArn: DEFAULT, quotas: { wildcardsPerRule: 3 } });
    expect(lowered.albs[0].rules.map((r) => r.hosts.length)).toEqual([3, 3, 1]);
    // A path /* in every rule takes one value and one wildcard: 4 hosts and 4 wildcards remain.
    const mixed = [
      app(0, {
        hosts: [
          'a.example.com',
          '*.b.example.com',
          '*.c.example.com',
          '*.d.example.com',
          '*.e.example.com',
          '*.f.example.com',
          'g.example.com',
        ],
      }),
    ];
    const reserved = planAlbs(mixed, {
      defaultCertificateArn: DEFAULT,
      ruleReserve: { conditionValues: 1, wildcards: 1 },
    });
    expect(reserved.albs[0].rules.map((r) => r.hosts)).toEqual([
      ['a.example.com', '*.b.example.com', '*.c.example.com', '*.d.example.com'],
      ['*.e.example.com', '*.f.example.com', 'g.example.com'],
    ]);
    for (const plan of [lowered, reserved, planAlbs(wild, { defaultCertificateArn: DEFAULT })]) {
      for (const rule of plan.albs.flatMap((a) => a.rules)) {
        expect(rule.hosts.length).toBeLessThanOrEqual(5);
        expect(rule.hosts.join('').split('*').length - 1).toBeLessThanOrEqual(5);
      }
    }
  });

  test('maxHostsPerRule 1 gives one rule per host, and 100 rules fill an ALB', () => {
    const apps = range(101).map((i) => app(i));
    const plan = planAlbs(apps, { defaultCertificateArn: DEFAULT, maxHostsPerRule: 1 });
    expect(plan.albs.map((a) => a.rules.length)).toEqual([100, 1]);
  });

  test('an app too big for one ALB is a one-line error naming the app, the quota and the figure', () => {
    const certs = app(7, { certificateArns: range(27).map(cert) });
    expect(() => planAlbs([app(1), certs], { defaultCertificateArn: DEFAULT })).toThrow(
      "'apps[1].certificateArns' needs 27 certificates besides the ALB's default, over quotas.certificates (Certificates per Application Load Balancer (excluding default certificates), adjustable): 25 (app app7)",
    );
    const hosts = app(3, { hosts: range(501).map((i) => `h${i}.example.com`) });
    expect(() => planAlbs([hosts], { defaultCertificateArn: DEFAULT })).toThrow(
      "'apps[0].hosts' needs 101 rules for its 501 hosts at 5 per rule, over quotas.rules (Rules per Application Load Balancer (excluding default rules), adjustable): 100 (app app3)",
    );
    expect(
      planAlbs([app(3, { hosts: hosts.hosts.slice(0, 500) })], { defaultCertificateArn: DEFAULT }).albs[0].rules,
    ).toHaveLength(100);
  });

  test('51 ALBs needed is a one-line error; quotas.albs raises the limit', () => {
    const apps = range(51 * 25).map((i) => app(i, { certificateArns: [cert(i)] }));
    expect(() => planAlbs(apps, { defaultCertificateArn: DEFAULT })).toThrow(
      "'apps[1250]' needs ALB 51, over quotas.albs (Application Load Balancers per Region, adjustable): 50 (app app1250); raise the quota or share certificates between apps",
    );
    expect(planAlbs(apps, { defaultCertificateArn: DEFAULT, quotas: { albs: 51 } }).albs).toHaveLength(51);
  });

  test.each<[string, () => unknown, string]>([
    [
      'a repeated name',
      () => planAlbs([app(1), { ...app(2), name: 'app1' }], { defaultCertificateArn: DEFAULT }),
      '\'apps[1].name\' repeats the name of apps[0]: app names are unique, got "app1"',
    ],
    [
      'a host in two apps',
      () =>
        planAlbs([app(1), app(2, { hosts: ['x.example.com', 'APP1.example.com'] })], {
          defaultCertificateArn: DEFAULT,
        }),
      '\'apps[1].hosts[1]\' is already a host of apps[0] (app1): a host belongs to one app, got "APP1.example.com"',
    ],
    [
      'no host',
      () => planAlbs([app(1, { hosts: [] })], { defaultCertificateArn: DEFAULT }),
      "'apps[0].hosts' must list at least one host (app app1)",
    ],
    [
      'no certificate at all',
      () => planAlbs([app(1)]),
      "'apps[0].certificateArns' must list a certificate when there is no defaultCertificateArn (app app1)",
    ],
    [
      'a fixed quota raised',
      () => planAlbs([], { quotas: { conditionValuesPerRule: 6 } }),
      "'quotas.conditionValuesPerRule' is a fixed AWS quota (Condition values per rule: 5) and cannot be raised, got 6",
    ],
    [
      'a quota of 0',
      () => planAlbs([], { quotas: { rules: 0 } }),
      "'quotas.rules' must be a whole number of at least 1, got 0",
    ],
    [
      'a prefix too long',
      () => planAlbs([], { groupPrefix: 'a'.repeat(61) }),
      `'groupPrefix' must leave room for '-<n>' up to ${'a'.repeat(61)}-50 within at most 63 characters of [a-z0-9.-], got "${'a'.repeat(61)}"`,
    ],
    [
      'a reserve that leaves no room',
      () => planAlbs([], { ruleReserve: { conditionValues: 5, wildcards: 0 } }),
      '\'ruleReserve\' leaves no room for a host in a rule of 5 values and 5 wildcards, got {"conditionValues":5,"wildcards":0}',
    ],
  ])('%s is a one-line error', (_what, run, line) => {
    expect(run).toThrow(line);
    try {
      run();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('\n');
    }
  });

  test('is deterministic', () => {
    const apps = range(80).map((i) => app(i, { certificateArns: [cert(i % 30)] }));
    expect(planAlbs(apps, { defaultCertificateArn: DEFAULT })).toEqual(
      planAlbs(apps, { defaultCertificateArn: DEFAULT }),
    );
  });

  test('adding an app never moves another: placements and ALB contents of plan(apps) are prefixes of plan(apps + [app])', () => {
    const appArb = fc.record({
      hosts: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
      certs: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
    });
    const quotasArb = fc.record({
      certificates: fc.integer({ min: 1, max: 4 }),
      rules: fc.integer({ min: 1, max: 6 }),
      conditionValuesPerRule: fc.integer({ min: 1, max: 5 }),
      wildcardsPerRule: fc.integer({ min: 1, max: 5 }),
    });
    const toApps = (specs: { hosts: boolean[]; certs: number[] }[]): AlbPlanApp[] =>
      specs.map((s, i) => ({
        name: `a${i}`,
        hosts: s.hosts.map((wild, h) => `${wild ? '*.' : ''}h${h}.a${i}.example.com`),
        certificateArns: s.certs.map(cert),
      }));
    const tryPlan = (apps: AlbPlanApp[], quotas: Partial<AlbQuotas>) => {
      try {
        return planAlbs(apps, { defaultCertificateArn: DEFAULT, quotas: { ...quotas, albs: 1000 } });
      } catch {
        return undefined;
      }
    };
    let compared = 0;
    fc.assert(
      fc.property(fc.array(appArb, { maxLength: 25 }), appArb, quotasArb, (specs, extra, quotas) => {
        const before = tryPlan(toApps(specs), quotas);
        const after = tryPlan(toApps([...specs, extra]), quotas);
        if (after === undefined) return;
        // Whatever plans with the new app also plans without it.
        expect(before).toBeDefined();
        if (before === undefined) return;
        compared++;
        expect(placements(after)).toMatchObject(placements(before));
        expect(after.albs.length - before.albs.length).toBeLessThanOrEqual(1);
        before.albs.forEach((alb, i) => {
          const grown = after.albs[i];
          expect(grown.groupName).toBe(alb.groupName);
          expect(grown.apps.slice(0, alb.apps.length)).toEqual(alb.apps);
          expect(grown.certificateArns.slice(0, alb.certificateArns.length)).toEqual(alb.certificateArns);
          // Every rule but the last stays as it was; the last may only take more hosts.
          expect(grown.rules.slice(0, alb.rules.length - 1)).toEqual(alb.rules.slice(0, -1));
          const last = alb.rules.length - 1;
          expect(grown.rules[last].hosts.slice(0, alb.rules[last].hosts.length)).toEqual(alb.rules[last].hosts);
        });
      }),
      { numRuns: 300 },
    );
    // About 4 runs in 10 plan at all under the random quotas; the comparison must not be vacuous.
    expect(compared).toBeGreaterThan(50);
  });

  test('every plan respects the quotas it was given', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            hosts: fc.integer({ min: 1, max: 12 }),
            wild: fc.integer({ min: 0, max: 12 }),
            certs: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (specs, values, wildcards) => {
          const apps = specs.map((s, i) => ({
            name: `a${i}`,
            hosts: range(s.hosts).map((h) => `${h < s.wild ? '*.' : ''}h${h}.a${i}.example.com`),
            certificateArns: s.certs.map(cert),
          }));
          const quotas = {
            ...AWS_ALB_QUOTAS,
            certificates: 3,
            rules: 8,
            conditionValuesPerRule: values,
            wildcardsPerRule: wildcards,
            albs: 1000,
          };
          let plan: AlbPlan;
          try {
            plan = planAlbs(apps, { defaultCertificateArn: DEFAULT, quotas });
          } catch (e) {
            expect((e as Error).message).toMatch(/^'apps\[\d+\]/);
            return;
          }
          expect(plan.albs.flatMap((a) => a.apps)).toEqual(apps.map((a) => a.name));
          expect(plan.albs.flatMap((a) => a.rules.flatMap((r) => r.hosts))).toEqual(apps.flatMap((a) => a.hosts));
          for (const alb of plan.albs) {
            expect(alb.certificateArns[0]).toBe(DEFAULT);
            expect(new Set(alb.certificateArns).size).toBe(alb.certificateArns.length);
            expect(alb.certificateArns.length - 1).toBeLessThanOrEqual(quotas.certificates);
            expect(alb.rules.length).toBeLessThanOrEqual(quotas.rules);
            for (const r of alb.rules) {
              expect(r.hosts.length).toBeLessThanOrEqual(values);
              expect(r.hosts.join('').split('*').length - 1).toBeLessThanOrEqual(wildcards);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('1,000 apps plan in well under a second, into a plan the size of the input', () => {
    // One host each, a certificate per 10 apps: 100 certificates, 25 per ALB besides the default.
    const apps = range(1000).map((i) => app(i, { certificateArns: [cert(Math.floor(i / 10))] }));
    const start = performance.now();
    const plan = planAlbs(apps, { defaultCertificateArn: DEFAULT });
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(500);
    expect(plan.albs.map((a) => [a.apps.length, a.rules.length, a.certificateArns.length])).toEqual([
      [250, 50, 26],
      [250, 50, 26],
      [250, 50, 26],
      [250, 50, 26],
    ]);
    expect(plan.groupOf.size).toBe(1000);
  });
});
