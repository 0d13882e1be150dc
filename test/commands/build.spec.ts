import { spawnSync } from 'child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { templateCacheKey } from '../../lib/output/helm-chart';
import { ROOT } from '../support';

/*
 * Commands run the compiled build (bin/run.js), and the synth keeps the Helm templates in .cache/: neither may ever
 * serve what older code produced.
 */

/** The parts of the project the build and the commands read, copied with their times; node_modules linked. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'build-'));
  for (const part of [
    'bin',
    'lib',
    'charts',
    'imports',
    'schemas',
    'config',
    'main.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
    'package-lock.json',
  ])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true, preserveTimestamps: true });
  // A build that is fresh for these very sources is reused (its stamp names their sizes and times): it saves a build.
  if (existsSync(join(ROOT, 'build')))
    cpSync(join(ROOT, 'build'), join(dir, 'build'), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const checkHelp = (dir: string) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), 'check', '--help'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });

describe('never stale', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  // One copy for the source edit and the schema edit: each test edits a different input of the same build.
  let copy: string | undefined;
  const sharedCopy = () => {
    if (copy === undefined) dirs.push((copy = projectCopy()));
    return copy;
  };

  test('a command runs the edited source: bin/run.js compiles again the source that changed, and only that one', () => {
    const dir = sharedCopy();
    const before = checkHelp(dir);
    expect(before.status).toBe(0);
    expect(before.stdout).toContain('Check ALB + Istio manifests');

    const untouched = statSync(join(dir, 'build', 'lib', 'cli', 'synth.js')).mtimeMs;
    const source = join(dir, 'lib', 'cli', 'check.ts');
    writeFileSync(
      source,
      readFileSync(source, 'utf8').replace('Check ALB + Istio manifests', 'Check edited manifests'),
    );
    const after = checkHelp(dir);
    expect(after.stderr).toBe('');
    expect(after.stdout).toContain('Check edited manifests');
    expect(readFileSync(join(dir, 'build', 'lib', 'cli', 'check.js'), 'utf8')).toContain('Check edited manifests');
    // Only the edited source was compiled again.
    expect(statSync(join(dir, 'build', 'lib', 'cli', 'synth.js')).mtimeMs).toBe(untouched);
  });

  test("a check validates against an edited schema: bin/run.js regenerates that schema's validator, and only that one", () => {
    const dir = sharedCopy();
    const manifest = join(dir, 'gateway.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: Gateway',
        'metadata: { name: gw, namespace: istio-ingress }',
        'spec:',
        '  selector: { istio: ingressgateway }',
        "  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['example.com'] }]",
        '',
      ].join('\n'),
    );
    const schemaFindings = () => {
      const run = spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), 'check', manifest, '--json'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(run.stderr).toBe('');
      return (JSON.parse(run.stdout) as { findings: { ruleId: string; field: string }[] }).findings
        .filter((f) => f.ruleId.startsWith('schema-'))
        .map((f) => `${f.ruleId} ${f.field}`);
    };
    expect(schemaFindings()).toEqual([]);
    const generated = (kind: string) =>
      join(dir, 'build', 'lib', 'check', 'crd-validators', `networking.istio.io_v1_${kind}.generated.js`);
    const untouched = statSync(generated('VirtualService')).mtimeMs;

    // WHEN the schema no longer declares spec.selector
    const schema = join(dir, 'schemas', 'networking.istio.io', 'v1', 'Gateway.json');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('"selector":', '"workloadSelector":'));

    // THEN the next check reports it, from a regenerated validator; the other kinds' validators were kept
    expect(schemaFindings()).toEqual(['schema-unknown-field spec.selector']);
    expect(readFileSync(generated('Gateway'), 'utf8')).toContain('workloadSelector');
    expect(statSync(generated('VirtualService')).mtimeMs).toBe(untouched);
  });

  test('a source that does not compile fails the build with its place; the fix, a new and a removed source and an edited config schema are each picked up', () => {
    const dir = sharedCopy();
    const build = () =>
      spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), 'build'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    const validator = join(dir, 'build', 'lib', 'config', 'config-validator.generated.js');
    const validatorTime = statSync(validator).mtimeMs;
    const source = join(dir, 'lib', 'probe.ts');
    const compiled = join(dir, 'build', 'lib', 'probe.js');

    // a new source is compiled
    writeFileSync(source, 'export const probe = 1;\n');
    expect(build().status).toBe(0);
    expect(readFileSync(compiled, 'utf8')).toContain('probe = 1');
    // WHEN it no longer compiles THEN one line names the file, line and column, and the build fails
    writeFileSync(source, 'export const probe = ;\n');
    const broken = build();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^error: cannot compile lib\/probe\.ts:1:\d+: .*; fix the source and run again\n$/);
    // AND the fix is compiled, though the size is the same
    writeFileSync(source, 'export const probe = 2;\n');
    expect(build().status).toBe(0);
    expect(readFileSync(compiled, 'utf8')).toContain('probe = 2');
    // AND a removed source leaves no output behind
    rmSync(source);
    expect(build().status).toBe(0);
    expect(existsSync(compiled)).toBe(false);
    // AND the config validator was generated once, and again only when the config schema changed
    expect(statSync(validator).mtimeMs).toBe(validatorTime);
    const before = readFileSync(validator, 'utf8').split('\n')[0];
    const schema = join(dir, 'lib', 'config', 'schema.ts');
    writeFileSync(
      schema,
      readFileSync(schema, 'utf8').replace("'a port number from 1 to 65535'", "'a port from 1 to 65535'"),
    );
    expect(build().status).toBe(0);
    expect(readFileSync(validator, 'utf8').split('\n')[0]).not.toBe(before);
  });

  test("the Helm templates' cache key changes with any construct and with the lockfile", () => {
    const dir = mkdtempSync(join(tmpdir(), 'template-key-'));
    dirs.push(dir);
    for (const part of ['lib', 'charts', 'imports', 'package-lock.json'])
      cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    const original = templateCacheKey(dir, dir);
    // The same code elsewhere has the same key: the key names contents, not places.
    expect(templateCacheKey(ROOT, ROOT)).toBe(original);

    appendFileSync(join(dir, 'charts', 'yelb-chart.ts'), '\n// edited\n');
    const construct = templateCacheKey(dir, dir);
    expect(construct).not.toBe(original);

    appendFileSync(join(dir, 'package-lock.json'), '\n');
    expect(templateCacheKey(dir, dir)).not.toBe(construct);
  });
});
