import { checkRules } from '../../lib/check';
import { loadDir, runCli, runCliJson } from './helpers';

describe('a correct ALB + Istio stack', () => {
  test('has no findings and is encrypted end to end (rules in-process)', () => {
    const result = checkRules(loadDir('good'));
    expect(result.findings).toEqual([]);
    expect(result.verdict.line).toBe('end-to-end encrypted: yes');
    expect(result.hops).toHaveLength(1);
    const path = result.hops[0];
    expect(path.host).toBe('yelb.example.com');
    expect(path.hops.map((h) => h.step)).toEqual(['listener', 'target-group', 'gateway-server', 'route', 'workload']);
    expect(path.hops.every((h) => h.state === 'encrypted')).toBe(true);
    expect(path.hops[4].detail).toMatch(/mTLS STRICT \(PeerAuthentication istio-system\/default\)/);
  });

  test('passes the CLI with schemas, --strict, exit 0', () => {
    const { code, result } = runCliJson(['--strict', 'test/fixtures/check/good']);
    expect(result.findings).toEqual([]);
    expect(result.summary.notChecked).toBe(0);
    expect(result.verdict.encrypted).toBe(true);
    expect(code).toBe(0);
  });

  test('text output ends with the verdict; --mermaid draws the path', () => {
    const text = runCli(['test/fixtures/check/good']);
    expect(text.stdout.trim().split('\n').pop()).toBe('end-to-end encrypted: yes');
    expect(text.stdout).toMatch(/\[encrypted\] ALB listener HTTP:80 \+ HTTPS:443/);
    const mermaid = runCli(['--mermaid', 'test/fixtures/check/good']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    expect(mermaid.stdout).toContain('-->|encrypted|');
  });
});
