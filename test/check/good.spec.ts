import { checkRules } from '../../lib/check';
import { loadDir, runCli, runCliJson } from './helpers';

describe('a correct ALB + Istio stack', () => {
  test('has no findings and is encrypted end to end (rules in-process)', () => {
    const result = checkRules(loadDir('good'));
    expect(result.findings).toEqual([]);
    expect(result.verdict.line).toBe('end-to-end encrypted: yes');
    expect(result.hops).toHaveLength(1);
    const path = result.hops[0];
    expect(path.host).toBe('yelb.shop.internal');
    expect(path.hops.map((h) => h.step)).toEqual(['listener', 'target-group', 'gateway-server', 'route', 'workload']);
    expect(path.hops.every((h) => h.state === 'encrypted')).toBe(true);
    expect(path.hops[4].detail).toMatch(/mTLS STRICT \(PeerAuthentication istio-system\/default\)/);
  });

  test('passes the CLI with schemas, --strict, exit 0', async () => {
    const { code, result } = await runCliJson(['--strict', 'test/fixtures/check/good']);
    expect(result.findings).toEqual([]);
    expect(result.summary.notChecked).toBe(0);
    expect(result.verdict.encrypted).toBe(true);
    expect(code).toBe(0);
  });

  test('text and --json show the deregistration delay and the gateway shutdown on the target-group hop', async () => {
    const text = await runCli(['test/fixtures/check/good']);
    expect(text.stdout).toContain(
      '[encrypted] target group HTTPS -> Service istio-system/istio-ingressgateway:443  -- target-type ip (Service ClusterIP); ' +
        'health check HTTP status-port /healthz/ready; deregistration 30s, gateway preStop 35s, grace 65s\n',
    );
    const { result } = await runCliJson(['test/fixtures/check/good']);
    expect(result.hops[0].hops[1].drain).toEqual({
      deregistrationDelay: 30,
      deregistrationDelayFrom: 'Ingress',
      gateways: [
        { workload: 'Deployment istio-system/istio-ingressgateway', preStopSleep: 35, terminationGracePeriod: 65 },
      ],
    });
  });

  test('text output ends with the verdict; --mermaid draws the path', async () => {
    const text = await runCli(['test/fixtures/check/good']);
    expect(text.stdout.trim().split('\n').pop()).toBe('end-to-end encrypted: yes');
    expect(text.stdout).toMatch(/\[encrypted\] ALB listener HTTP:80 \+ HTTPS:443/);
    const mermaid = await runCli(['--mermaid', 'test/fixtures/check/good']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    expect(mermaid.stdout).toContain('-->|encrypted|');
    expect(mermaid.stdout).toContain('h0_1["target group HTTPS -#gt; Service istio-system/istio-ingressgateway:443"]');
  });
});
