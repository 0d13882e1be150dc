import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

const ROOT = join(__dirname, '..', '..');
/** `npm run helm -- ...args`, a child process: what it passes through is the process's exit code and streams. */
const run = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'run.js'), 'helm', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

describe('npm run helm', () => {
  test('runs helm 3 from the npm registry package (or PATH), passing the arguments and the exit code through', async () => {
    const [version, failing] = await Promise.all([
      run({}, 'version', '--short'),
      run({}, 'template', 'no-such-chart-dir'),
    ]);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^v3\.\d+\.\d+/) });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/^Error: .*no-such-chart-dir/);
  });

  test('a HELM_BIN that is not a helm is reported in one line, without a stack trace', async () => {
    const result = await run({ HELM_BIN: join(ROOT, 'no-such-helm') }, 'version');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: HELM_BIN=${join(ROOT, 'no-such-helm')} is not a working helm 3 or newer\n`);
  });
});
