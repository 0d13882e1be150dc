import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CheckResult, loadPaths } from '../../lib/check';
import { main } from '../../lib/cli/check';
import { runCommand, runMain } from '../support/commands';
import { FIXTURES, ROOT } from './helpers';

/** The check command in a child process, with `input` written to its standard input through a pipe. */
const check = (args: string[], input: string) => runCommand('check', args, { input });
/** The check command's main in this process, `input` as its standard input. */
const checkMain = (args: string[], input: string) => runMain(main, args, ROOT, input);

/** A shell pipeline, as an operator types it. */
function sh(command: string) {
  const r = spawnSync('sh', ['-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (f: string) => fs.readFileSync(path.join(FIXTURES, f), 'utf8');

describe('`-` reads manifests from standard input: a real process, through a pipe', () => {
  test('a clean set on stdin: exit 0, findings name <stdin>', () => {
    const r = check(['--json', '-'], fs.readFileSync(path.join(ROOT, 'dist/30-alb-ingress.yaml'), 'utf8'));
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CheckResult;
    expect(result.summary.objects).toBe(1);
    expect(result.findings.map((f) => f.source)).toContain('<stdin>#1');
  });

  test('empty stdin: exit 2, one line saying how to pipe', () => {
    const r = check(['-'], '');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'check: -: standard input is empty; pipe manifests into it, e.g. helm template my-release CHART | npm run -s check -- -\n',
    );
  });
});

describe('`-` reads manifests from standard input: the command in this process', () => {
  test("the blog's manifests on stdin: exit 1 with their errors", async () => {
    const r = await checkMain(['--json', '--no-schema', '-'], fixture('blog/ingress.yaml'));
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as CheckResult;
    expect(result.summary.errors).toBeGreaterThan(0);
    expect(result.findings.every((f) => f.source === undefined || f.source.startsWith('<stdin>#'))).toBe(true);
  });

  test('stdin joins the files named beside it: the Gateway from a file completes the path of the piped Ingress', async () => {
    const others = fs
      .readdirSync(path.join(FIXTURES, 'good'))
      .filter((f) => f !== '30-alb.yaml')
      .map((f) => path.join(FIXTURES, 'good', f));
    const alone = await checkMain(['--no-schema', '-'], fixture('good/30-alb.yaml'));
    const joined = await checkMain(['--no-schema', '-', ...others], fixture('good/30-alb.yaml'));
    expect(alone.stdout).toMatch(/end-to-end encrypted: no/);
    expect(joined.stdout).toMatch(/end-to-end encrypted: yes/);
    expect(joined.code).toBe(0);
  });

  test('YAML that does not parse: exit 2, the line and column in <stdin>', async () => {
    const r = await checkMain(['-'], 'kind: Service\nmetadata: [\n');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^check: <stdin>: YAML parse error at line 3, column 1: /);
  });
});

// The README's own pipelines run as its blocks (test/readme.test.ts): `helm template ... | npm run -s check -- -` and
// `npm run -s check -- --json ... > report.json`.
describe('npm run without -s (real shell)', () => {
  test('npm prints its banner on stdout, which is why the README says npm run -s', () => {
    const r = sh('npm run check -- --json --no-schema dist/30-alb-ingress.yaml');
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).toThrow();
    expect(r.stdout).toMatch(/^\s*> eks-alb-istio-tls@/);
  });
});

describe('loadPaths with `-`', () => {
  test('reads standard input once however often `-` is named, in the set of the named files', () => {
    let reads = 0;
    const stdin = () => {
      reads += 1;
      return 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
    };
    const loaded = loadPaths(['-', '-'], { stdin });
    expect(reads).toBe(1);
    expect(loaded.objects.map((o) => [o.source, o.set])).toEqual([['<stdin>#1', '(files)']]);
  });
});
