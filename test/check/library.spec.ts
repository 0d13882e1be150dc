import { checkManifests, checkRules, hasFailures } from '../../lib/check';
import { loadDir } from './helpers';

describe('library API', () => {
  test('checkManifests validates schemas in-process: clean on the good set, an unknown field on its broken copy', async () => {
    const good = loadDir('good');
    const clean = await checkManifests(good);
    expect(clean.findings.filter((f) => f.ruleId.startsWith('schema-'))).toEqual([]);
    expect(clean.summary.notChecked).toBe(0);
    const broken = good.map((o) => JSON.parse(JSON.stringify(o.object)));
    const gw = broken.find((o) => o.kind === 'Gateway');
    gw.spec.servers[0].prot = gw.spec.servers[0].port;
    const result = await checkManifests(broken);
    expect(result.findings.filter((f) => f.ruleId === 'schema-unknown-field').map((f) => f.field)).toEqual([
      'spec.servers[0].prot',
    ]);
  });

  test('checkManifests with schema: false equals checkRules', async () => {
    const objs = loadDir('blog');
    const a = await checkManifests(objs, { schema: false });
    expect(a).toEqual(checkRules(objs));
  });

  test('hasFailures: errors always, warnings only when strict', () => {
    const warningsOnly = checkRules(loadDir('good').filter((o) => o.object.kind !== 'Sidecar'));
    expect(warningsOnly.summary.errors).toBe(0);
    expect(warningsOnly.summary.warnings).toBe(1);
    expect(hasFailures(warningsOnly)).toBe(false);
    expect(hasFailures(warningsOnly, true)).toBe(true);
    expect(hasFailures(checkRules(loadDir('blog')))).toBe(true);
  });

  test('plain objects and objects with their source are both accepted', () => {
    const sourced = loadDir('good');
    expect(checkRules(sourced.map((o) => o.object)).verdict.encrypted).toBe(true);
    const bad = checkRules([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
    ]);
    expect(bad.findings.map((f) => f.ruleId)).toEqual(['duplicate-object']);
  });
});
