import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ROOT } from '../support';

/*
 * `cdk8s synth` through the package script: the CLI checks npm for a newer version unless --check-upgrade=false or
 * CDK8S_CHECK_UPGRADE=false (cdk8s.yaml cannot turn it off), and offline that check prints a stack trace.
 */
describe('npm run cdk8s -- synth', () => {
  test('runs clean without CDK8S_CHECK_UPGRADE in the environment and writes what npm run synth writes', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdk8s-synth-'));
    try {
      // GIVEN an environment without the variable (CI sets it)
      const env = { ...process.env };
      delete env.CDK8S_CHECK_UPGRADE;
      const r = spawnSync('npm', ['run', '-s', 'cdk8s', '--', 'synth', '--output', out], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      // THEN it succeeds, with no upgrade notice and no stack trace: stderr holds only the synth's own warnings
      expect(r.stderr).not.toMatch(/new version|http error|^\s+at /m);
      expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))).toEqual([]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Synthesizing application\n/);
      // AND the same files as the committed dist/
      const files = readdirSync(out).filter((f) => f.endsWith('.yaml'));
      expect(files).toContain('30-alb-ingress.yaml');
      for (const f of files)
        expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(ROOT, 'dist', f), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
