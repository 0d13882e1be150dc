import '../support/shared-templates';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synth } from '../../lib/synth';
import { ROOT, loadObjects, readTree, schemaErrors } from './support';
import { STACK } from '../../charts';

const DIST = join(ROOT, 'dist');
// Built from parts so that this file does not match its own scan.
const PEM_PRIVATE_KEY = new RegExp(['PRIVATE', 'KEY-----'].join(' '));

/** Files of `tree` that hold a PEM private key (any flavour: PKCS#8, RSA, EC, encrypted). */
const filesWithPrivateKeys = (tree: Map<string, Buffer>) =>
  [...tree].filter(([, b]) => PEM_PRIVATE_KEY.test(b.toString('latin1'))).map(([p]) => p);

describe('the committed dist/', () => {
  test('is what `npm run synth` writes now (run it and commit dist/ when this fails)', async () => {
    // GIVEN a fresh synth of the current code and config into a temp folder
    const tmp = mkdtempSync(join(tmpdir(), 'dist-fresh-'));
    try {
      await synth(STACK, { outDir: join(tmp, 'dist'), schemaCheck: false, helmSelfCheck: false });
      const fresh = readTree(join(tmp, 'dist'));
      const committed = readTree(DIST);
      // THEN the same files, byte for byte, nothing left out
      const stale = [...new Set([...fresh.keys(), ...committed.keys()])]
        .sort()
        .filter((p) => !fresh.get(p)?.equals(committed.get(p) ?? Buffer.alloc(0)) || !committed.has(p));
      expect(stale).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('is tracked by git as it is on disk', () => {
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'dist'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(status).toBe('');
  });

  test('holds no PEM private key', () => {
    const tree = readTree(DIST);
    expect(tree.size).toBeGreaterThan(20);
    expect(filesWithPrivateKeys(tree)).toEqual([]);
  });

  test('the private-key scan does find a key', () => {
    const key = `-----BEGIN EC ${['PRIVATE', 'KEY-----'].join(' ')}\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n`;
    expect(
      filesWithPrivateKeys(
        new Map([
          ['a.yaml', Buffer.from('kind: Secret\n')],
          ['b.yaml', Buffer.from(key)],
        ]),
      ),
    ).toEqual(['b.yaml']);
  });

  test('no Secret object is rendered at all', () => {
    const manifests = loadObjects(DIST);
    expect(manifests.length).toBeGreaterThan(50);
    expect(manifests.filter(({ object }) => object.kind === 'Secret')).toEqual([]);
  });

  test("every environment's objects are valid against the Kubernetes, Istio and cert-manager schemas", () => {
    for (const env of ['dev', 'prod']) {
      const objects = loadObjects(join(DIST, env)).map((o) => o.object);
      expect(objects.length).toBeGreaterThan(15);
      expect(schemaErrors(objects)).toEqual([]);
    }
  });

  test('the folder gateway-cert writes to by default is ignored by git', () => {
    // check-ignore exits 0 when the path is ignored
    expect(() =>
      execFileSync('git', ['check-ignore', '-q', '.secrets/yelb.example.com.key'], { cwd: ROOT }),
    ).not.toThrow();
  });
});
