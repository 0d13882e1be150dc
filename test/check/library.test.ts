import { checkManifests, checkRules, hasFailures } from '../../lib/check';
import { loadDir } from './helpers';

describe('library API', () => {
  test('checkManifests refuses to run schemas without native ESM instead of passing objects unchecked', async () => {
    await expect(checkManifests(loadDir('good'))).rejects.toThrow(/native ESM/);
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
    const bad = checkRules([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }]);
    expect(bad.findings.map((f) => f.ruleId)).toEqual(['duplicate-object']);
  });
});
