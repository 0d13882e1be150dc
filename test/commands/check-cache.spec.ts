import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { STACK } from '../../charts';
import { useResultCache } from '../../lib/output/cache-file';
import { SynthResult, renderAll, verifyRendered } from '../../lib/synth';

/*
 * The synth command keeps the result of a clean check in .cache/: the same objects, code and schemas give the same
 * warnings without compiling the schema validators again; any other object is checked.
 */
describe('the check of the rendered output is cached by what it depends on', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'check-cache-'));
  let result: SynthResult;
  beforeAll(() => {
    useResultCache(cacheDir);
    result = renderAll(STACK);
  });
  afterAll(() => {
    useResultCache(undefined);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a clean check is remembered with its warnings, and the next one gives the same warnings', async () => {
    const warnings = await verifyRendered(result);
    expect(warnings.length).toBeGreaterThan(0);
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('checks-'))).toHaveLength(1);
    await expect(verifyRendered(result)).resolves.toEqual(warnings);
  });

  test('a changed object is checked again: an error is never hidden by an earlier clean result', async () => {
    await verifyRendered(result);
    const manifests = result.manifests.map((m) => ({
      ...m,
      objects: m.objects.map((o) => {
        if (o.kind !== 'Ingress') return o;
        const copy = structuredClone(o) as { metadata: { annotations: Record<string, string> } };
        copy.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol'] = 'HTTP';
        return copy as unknown as typeof o;
      }),
    }));
    await expect(verifyRendered({ ...result, manifests })).rejects.toThrow(/the generated manifests fail the checks/);
  });
});
