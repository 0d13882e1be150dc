import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { VERIFIED_HELM_ENV, verifiedHelmToken } from '../../lib/tools/helm';

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

describe('a helm checked by a parent process (VERIFIED_HELM_ENV, set by the jest global setup)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'helm-verified-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const saved = { bin: process.env.HELM_BIN, token: process.env[VERIFIED_HELM_ENV] };
  afterEach(() => {
    for (const [name, value] of [
      ['HELM_BIN', saved.bin],
      [VERIFIED_HELM_ENV, saved.token],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });
  /** helmBinary of a fresh module, as a new process would run it. */
  const freshHelmBinary = (): string => {
    let bin = '';
    jest.isolateModules(() => {
      bin = (require('../../lib/tools/helm') as typeof import('../../lib/tools/helm')).helmBinary();
    });
    return bin;
  };

  test('is trusted without `helm version` only while it is the very binary chosen, unchanged', () => {
    // GIVEN a HELM_BIN that answers like helm 2 and notes each run
    const fake = join(dir, 'helm');
    const runs = join(dir, 'runs');
    const write = (version: string) =>
      writeFileSync(fake, `#!/bin/sh\necho run >> ${runs}\necho ${version}\n`, { mode: 0o755 });
    write('v2.17.0');
    process.env.HELM_BIN = fake;
    // THEN it is checked and refused, also when another binary was verified
    delete process.env[VERIFIED_HELM_ENV];
    expect(freshHelmBinary).toThrow(`HELM_BIN=${fake} is not a working helm 3 or newer`);
    process.env[VERIFIED_HELM_ENV] = verifiedHelmToken(__filename);
    expect(freshHelmBinary).toThrow(`HELM_BIN=${fake} is not a working helm 3 or newer`);
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');
    // AND with its own token it is used without being run
    process.env[VERIFIED_HELM_ENV] = verifiedHelmToken(fake);
    expect(freshHelmBinary()).toBe(fake);
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');
    // AND once replaced (another size), it is checked again
    write('v2.17.10');
    expect(freshHelmBinary).toThrow(`HELM_BIN=${fake} is not a working helm 3 or newer`);
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\nrun\n');
  });
});
