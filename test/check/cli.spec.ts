import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckResult, listRules } from '../../lib/check';
import { stackLines } from '../catalogue/harness';
import { runCommand } from '../support/commands';
import { pairs, runCli, runCliJson } from './helpers';

describe('schema validation (CLI)', () => {
  let code: number | null;
  let result: CheckResult;
  let unknown: string[];
  beforeAll(async () => {
    ({ code, result } = await runCliJson(['test/fixtures/check/schema']));
    unknown = result.findings.filter((f) => f.ruleId === 'schema-unknown-field').map((f) => `${f.object} ${f.field}`);
  });

  test('exits 1 on schema errors', () => {
    expect(code).toBe(1);
  });

  test.each([
    ['Deployment demo/typo', 'spec.replica'],
    ['Deployment demo/typo', 'spec.template.spec.containers[0].ports[0].protocl'],
    ['Gateway demo/gw-v1', 'spec.servers[0].tls.minVersion'],
    ['Gateway demo/gw-v1beta1', 'spec.selectors'],
    ['Gateway demo/gw-v1alpha3', 'spec.servers[0].host'],
    ['Application argocd/app', 'spec.syncPolicy.autoSync'],
    ['Certificate demo/cert', 'spec.dnsName'],
    ['IngressClassParams params', 'spec.sslPolicies'],
  ])('unknown field on %s: %s', async (object, field) => {
    expect(unknown).toContain(`${object} ${field}`);
  });

  test('only the unknown fields are reported as unknown (no false positives on known fields, maps or free-form values)', () => {
    expect(unknown).toHaveLength(8);
  });

  test('wrong types and enum values are schema-invalid', () => {
    expect(pairs(result.findings)).toEqual(
      expect.arrayContaining([
        'schema-invalid @ Service demo/bad-port',
        'schema-invalid @ PeerAuthentication demo/default',
      ]),
    );
    const mode = result.findings.find(
      (f) => f.object === 'PeerAuthentication demo/default' && f.ruleId === 'schema-invalid',
    );
    expect(mode?.field).toBe('spec.mtls.mode');
  });

  test('kinds without a schema are reported as not checked, never passed silently', () => {
    expect(pairs(result.findings)).toEqual(
      expect.arrayContaining([
        'schema-not-checked @ Widget demo/w',
        'schema-not-checked @ TargetGroupBinding demo/tgb',
      ]),
    );
    expect(result.summary.notChecked).toBe(2);
    expect(result.findings.find((f) => f.object === 'Widget demo/w')?.severity).toBe('warning');
  });
});

describe('CustomResourceDefinitions (CLI)', () => {
  test('descriptions, x-kubernetes-* extensions and free-form defaults in a CRD schema are not unknown fields', async () => {
    const { code, result } = await runCliJson(['test/fixtures/check/crd']);
    expect(result.findings).toEqual([]);
    expect(code).toBe(0);
  });

  test('its twin with misspelt schema fields gets exactly those as unknown', async () => {
    const { code, result } = await runCliJson(['test/fixtures/check/crd-broken']);
    expect(code).toBe(1);
    const schema = 'spec.versions[0].schema.openAPIV3Schema';
    expect(result.findings.map((f) => `${f.ruleId} ${f.field}`).sort()).toEqual([
      `schema-unknown-field ${schema}.descripton`,
      `schema-unknown-field ${schema}.properties.spec.properties.config.x-kubernetes-preserve-unknown-field`,
      `schema-unknown-field ${schema}.properties.spec.x-kubernetes-validations[0].mesage`,
    ]);
  });
});

describe('duplicate objects (CLI)', () => {
  test('both copies are validated: the misspelt field of the second copy is found', async () => {
    const { code, result } = await runCliJson(['test/fixtures/check/inputs/duplicates']);
    expect(code).toBe(1);
    expect(result.findings.map((f) => `${f.ruleId} ${f.field} ${f.source}`).sort()).toEqual([
      'duplicate-object metadata.name test/fixtures/check/inputs/duplicates/services.yaml#2',
      'schema-unknown-field spec.ports[0].targetPrt test/fixtures/check/inputs/duplicates/services.yaml#2',
    ]);
  });
});

describe('CLI input handling and exit codes', () => {
  test('bad YAML exits 2 with the file and line', async () => {
    const r = await runCli(['test/fixtures/check/inputs/bad-yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml: YAML parse error at line \d+/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a missing path exits 2', async () => {
    const r = await runCli(['test/fixtures/check/does-not-exist.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does-not-exist\.yaml: no such file or directory/);
  });

  test('the default path is dist/', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      const r = await runCli([], empty);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/dist\/: no such file or directory/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('directories holding a Helm chart (Chart.yaml) are skipped, not parsed', async () => {
    const { code, result } = await runCliJson(['test/fixtures/check/inputs/chart-dir']);
    expect(code).toBe(0);
    expect(result.summary.objects).toBe(1);
    expect(result.summary.skipped[0]).toMatch(/mychart \(Helm chart/);
  });

  test('a Helm chart directory named on the command line: one line telling to render it with helm template, exit 2', async () => {
    const r = await runCli(['test/fixtures/check/inputs/chart-dir/mychart']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'check: test/fixtures/check/inputs/chart-dir/mychart is a Helm chart (Chart.yaml): render it first, e.g. helm template my-release test/fixtures/check/inputs/chart-dir/mychart > rendered.yaml, then check rendered.yaml',
    ]);
  });

  describe('symbolic links', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-links-'));
      fs.symlinkSync('self', path.join(dir, 'self'));
      fs.mkdirSync(path.join(dir, 'cycle'));
      fs.copyFileSync('test/fixtures/check/inputs/warnings-only.yml', path.join(dir, 'cycle/a.yml'));
      fs.symlinkSync('..', path.join(dir, 'cycle/up'));
      fs.mkdirSync(path.join(dir, 'linked'));
      fs.symlinkSync(path.resolve('test/fixtures/check/inputs/warnings-only.yml'), path.join(dir, 'linked/w.yaml'));
      fs.symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('a link to itself is reported as a loop, not as a missing file', async () => {
      const r = await runCli([path.join(dir, 'self')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `check: ${path.join(dir, 'self')}: symbolic link loop (a link that leads back to itself); point it at a real file or directory`,
      );
    });

    test('a directory link back to an ancestor is a loop, found without endless recursion', async () => {
      const r = await runCli([path.join(dir, 'cycle')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(
        /^check: .*cycle\/up\/cycle: symbolic link loop \(leads back to .*cycle\); remove the link/,
      );
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

    test('a dangling link names its target', async () => {
      const r = await runCli([path.join(dir, 'dangling.yaml')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `check: ${path.join(dir, 'dangling.yaml')}: broken symbolic link (its target missing.yaml does not exist)`,
      );
    });

    test('a link to a manifest inside a directory is followed and checked', async () => {
      const { code, result } = await runCliJson([path.join(dir, 'linked')]);
      expect(code).toBe(0);
      expect(result.summary.objects).toBeGreaterThan(0);
    });
  });

  test('warnings exit 0, and 1 with --strict', async () => {
    const file = 'test/fixtures/check/inputs/warnings-only.yml';
    const plain = await runCliJson([file]);
    expect(plain.result.summary.errors).toBe(0);
    expect(plain.result.summary.warnings).toBeGreaterThan(0);
    expect(plain.code).toBe(0);
    expect((await runCli(['--strict', file])).code).toBe(1);
  });

  test('the same objects in several directories are checked per directory, not reported as duplicates', async () => {
    const { result } = await runCliJson(['test/fixtures/check/inputs/envs']);
    expect(result.summary.sets).toEqual([
      'test/fixtures/check/inputs/envs/dev',
      'test/fixtures/check/inputs/envs/prod',
    ]);
    expect(result.summary.objects).toBe(2);
    expect(result.findings.map((f) => f.ruleId)).not.toContain('duplicate-object');
  });

  test('--list-rules prints the catalogue', async () => {
    const r = await runCli(['--list-rules']);
    expect(r.code).toBe(0);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual(listRules().map((x) => x.id));
  });
});

// Exit 0 and an unreadable input (exit 2) as a process: test/check/stdin.spec.ts, and the README's blocks
// (test/readme.test.ts) run the clean checks as a user types them.
describe('npm run check as a process: exit codes on the real streams, no stack trace', () => {
  test.each([
    ['schema errors', 1, ['test/fixtures/check/schema'], /schema-unknown-field/, ''],
    ['an unknown flag', 2, ['--stirct'], /^$/, /^error: unknown option '--stirct' \(Did you mean --strict\?\)\n$/],
  ])('%s: exit %i', (_name, code, args, stdout, stderr) => {
    const r = runCommand('check', args);
    expect(r.code).toBe(code);
    expect(r.stdout).toMatch(stdout);
    if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(stderr);
    expect(stackLines(`${r.stdout}${r.stderr}`.split('\n'))).toEqual([]);
  });
});
