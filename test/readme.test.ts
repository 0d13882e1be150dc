/**
 * Every command block of the README is exercised. A block marked `<!-- needs: cluster|aws|network -->` is only
 * syntax-checked and must name existing scripts and output files; every other `sh` block runs for real, in order, in
 * a copy of the project (tracked files, node_modules linked), and must exit 0, with its output asserted below.
 */
import 'reflect-metadata';
import { execFileSync, spawnSync } from 'child_process';
import { X509Certificate, createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as x509 from '@peculiar/x509';
import * as yaml from 'js-yaml';
import { loadConfig } from '../lib/config/load';
import { loadEnvironments } from '../lib/config/environments';
import { istioGatewayValues, istiodValues } from '../lib/output/argocd-istio-values';
import { METRICS_SERVER_CHART } from '../lib/output/argocd';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
const NEEDS = new Set(['cluster', 'aws', 'network']);

interface Block {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** What the block needs beyond the project (empty: it runs here). */
  readonly needs: string[];
  /** `<!-- file: NAME -->`: the file the text says to save the block as. */
  readonly file?: string;
}

function blocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    let j = i - 1;
    while (j >= 0 && lines[j].trim() === '') j--;
    const marker = j >= 0 ? /^<!-- (needs|file): (.+) -->$/.exec(lines[j].trim()) : null;
    out.push({
      lang: open[1],
      code: lines.slice(i + 1, end).join('\n') + '\n',
      line: i + 1,
      needs: marker?.[1] === 'needs' ? marker[2].split(',').map((s) => s.trim()) : [],
      file: marker?.[1] === 'file' ? marker[2].trim() : undefined,
    });
    i = end;
  }
  return out;
}

const ALL = blocks(README);
const SHELL = ALL.filter((b) => b.lang === 'sh');
const RUNNABLE = SHELL.filter((b) => b.needs.length === 0);
/** The one runnable block containing `text`: an assertion on a block that was edited away fails loudly. */
const blockWith = (text: string, among = SHELL) => {
  const found = among.filter((b) => b.code.includes(text));
  if (found.length !== 1)
    throw new Error(`expected one README block containing ${JSON.stringify(text)}, found ${found.length}`);
  return found[0];
};
/** The command text without comments (a `#` after whitespace, to the end of the line). */
const commands = (code: string) =>
  code
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');

describe('README code blocks: marks and syntax', () => {
  test('every shell block is runnable here or says what it needs (cluster, aws, network)', () => {
    expect(SHELL.length).toBeGreaterThan(15);
    for (const b of SHELL)
      for (const n of b.needs) expect(`${n} (README.md:${b.line})`).toMatch(new RegExp(`^(${[...NEEDS].join('|')}) `));
    expect(RUNNABLE.length).toBeGreaterThanOrEqual(6);
  });

  test.each(SHELL.map((b) => [b.line, b] as const))('block at README.md:%i is valid bash (bash -n)', (_line, b) => {
    const r = spawnSync('bash', ['-n'], { input: b.code, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('every npm command names a script of package.json (or is npm ci / npm test)', () => {
    const used = SHELL.flatMap((b) =>
      [...commands(b.code).matchAll(/\bnpm (?:run(?: -s)? ([\w:-]+)|(ci|test|install)\b)/g)].map((m) => m[1] ?? m[2]),
    );
    expect(used.length).toBeGreaterThan(20);
    for (const s of used) if (!['ci', 'test'].includes(s)) expect(SCRIPTS).toContain(s);
  });

  test('yaml blocks parse; the Argo CD health check is the Lua the text describes', () => {
    const yamlBlocks = ALL.filter((b) => b.lang === 'yaml');
    expect(yamlBlocks.length).toBeGreaterThan(0);
    for (const b of yamlBlocks) expect(() => yaml.load(b.code)).not.toThrow();
    const cm = ALL.find((b) => b.file === 'argocd-cm-health.yaml');
    const lua = (yaml.load(cm!.code) as { data: Record<string, string> }).data[
      'resource.customizations.health.argoproj.io_Application'
    ];
    expect(lua).toMatch(/hs\.status = obj\.status\.health\.status/);
    expect(blockWith('--patch-file argocd-cm-health.yaml').needs).toEqual(['cluster']);
  });

  test('pinned versions in the commands are the ones the configuration and the Argo CD tree use', () => {
    expect(blockWith('ISTIO_VERSION=').code).toContain(`ISTIO_VERSION=${loadConfig().gitops.istioVersion} `);
    expect(blockWith('metrics-server/metrics-server').code).toContain(`--version ${METRICS_SERVER_CHART.version} `);
    // The IAM policy is the one of the controller release the chart installs (chart 1.x.y ships v2.x.y).
    const lbc = blockWith('eks/aws-load-balancer-controller').code;
    const chart = /aws-load-balancer-controller --version 1\.(\d+\.\d+)/.exec(lbc)![1];
    expect(lbc).toContain(`aws-load-balancer-controller/v2.${chart}/docs/install/iam_policy.json`);
  });
});

describe('README code blocks, run in a copy of the project', () => {
  let dir: string;
  const runs = new Map<Block, { code: number | null; stdout: string; stderr: string }>();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    // The tracked files as they are in the working tree (so an edited README or config is what is exercised).
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const f of tracked) {
      if (!fs.existsSync(path.join(ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      // With their times: the build's stamp names the sources' sizes and times (see below).
      fs.cpSync(path.join(ROOT, f), path.join(dir, f), { preserveTimestamps: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    // The unpacked helm, when there is one already: saves unpacking it again.
    if (fs.existsSync(path.join(ROOT, '.tools'))) fs.symlinkSync(path.join(ROOT, '.tools'), path.join(dir, '.tools'));
    // The build: its stamp names the sizes and times of the sources it was compiled from, so the copy's commands use
    // it only when it is fresh for the copy's sources, and rebuild otherwise.
    if (fs.existsSync(path.join(ROOT, 'build')))
      fs.cpSync(path.join(ROOT, 'build'), path.join(dir, 'build'), { recursive: true, preserveTimestamps: true });
    // The synth's caches (Helm templates, check results, helm proofs): each file is named by the hash of its inputs
    // (the compiled code, the objects, the chart), so the copy reads only those that are valid for it.
    const caches = path.join(ROOT, '.cache');
    if (fs.existsSync(caches)) fs.cpSync(caches, path.join(dir, '.cache'), { recursive: true });
    for (const b of RUNNABLE) {
      const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', b.code], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      runs.set(b, { code: r.status, stdout: r.stdout, stderr: r.stderr });
    }
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every runnable block exits 0', () => {
    for (const b of RUNNABLE) {
      const r = runs.get(b)!;
      expect({ line: b.line, code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({
        line: b.line,
        code: 0,
        stderr: '',
      });
    }
  });

  test('every dist/ and my-dist/ path a block names exists once the runnable blocks have run', () => {
    const paths = new Set(
      SHELL.flatMap((b) => [...commands(b.code).matchAll(/(?<![\w$/.-])((?:my-)?dist\/[\w./-]*)/g)].map((m) => m[1])),
    );
    expect(paths.size).toBeGreaterThan(8);
    for (const p of paths)
      expect(`${p} ${fs.existsSync(path.join(dir, p)) ? 'exists' : 'is missing'}`).toBe(`${p} exists`);
  });

  test('a custom config renders only itself into my-dist/', () => {
    const r = runs.get(blockWith('--config my.yaml --out my-dist'))!;
    expect(r.stdout).toMatch(/wrote \d+ files to my-dist/);
    expect(fs.readFileSync(path.join(dir, 'my-dist/30-alb-ingress.yaml'), 'utf8')).toContain(
      'host: yelb.mycompany.com',
    );
    expect(fs.existsSync(path.join(dir, 'my-dist/argocd'))).toBe(false);
  });

  test('the Istio values extracted for Helm are exactly what the generator derives from the dev environment', () => {
    const dev = loadEnvironments(path.join(ROOT, 'config/environments')).find((e) => e.name === 'dev')!.config;
    expect(yaml.load(fs.readFileSync(path.join(dir, 'istio-gateway-values.yaml'), 'utf8'))).toEqual(
      istioGatewayValues(dev),
    );
    expect(yaml.load(fs.readFileSync(path.join(dir, 'istiod-values.yaml'), 'utf8'))).toEqual(istiodValues(dev));
  });

  test('a new environment file becomes dist/staging/ and its Argo CD root', () => {
    blockWith('config/environments/staging.yaml', RUNNABLE);
    expect(fs.readFileSync(path.join(dir, 'dist/staging/30-alb-ingress.yaml'), 'utf8')).toContain(
      'host: yelb.staging.example.com',
    );
    expect(fs.readFileSync(path.join(dir, 'dist/argocd/applicationset.yaml'), 'utf8')).toContain('staging');
  });

  test('npm run gateway-cert prints what the README shows, and writes the key and certificate', () => {
    const b = blockWith('npm run gateway-cert -- --config config/environments/dev.yaml');
    const shown = b.code
      .split('\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2));
    expect(shown).toHaveLength(3);
    expect(runs.get(b)!.stdout.trim().split('\n').slice(-3)).toEqual(shown);
    // The default key (the README says RSA 4096, SHA-256): the one real RSA key the tests make.
    const cert = new X509Certificate(fs.readFileSync(path.join(dir, '.secrets', 'yelb.dev.example.com.crt')));
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(new x509.X509Certificate(cert.raw).signatureAlgorithm).toMatchObject({
      name: 'RSASSA-PKCS1-v1_5',
      hash: { name: 'SHA-256' },
    });
    const key = createPrivateKey(fs.readFileSync(path.join(dir, '.secrets', 'yelb.dev.example.com.key')));
    expect(cert.checkPrivateKey(key)).toBe(true);
  });

  test('the hop report of prod says end-to-end encrypted', () => {
    expect(runs.get(blockWith('npm run check -- dist/prod dist/argocd/prod'))!.stdout).toContain(
      'end-to-end encrypted: yes',
    );
  });

  test('npm run -s check -- --json writes plain JSON; helm template piped into check - reports the Ingress', () => {
    const r = runs.get(blockWith('> report.json'))!;
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.summary.errors).toBe(0);
    expect(report.hops.map((h: { host: string }) => h.host)).toEqual(['yelb.example.com']);
    // The piped render (scope=ingress: the Ingress alone) ends the block's output with its own hop report.
    expect(r.stdout).toMatch(/checked 1 objects[\s\S]*yelb\.example\.com {2}\/ -> istio-ingressgateway:443[\s\S]*$/);
  });
});
