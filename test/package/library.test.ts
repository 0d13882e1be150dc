import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { builtinModules } from 'module';
import { dirname, join } from 'path';
import { promisify } from 'util';
import * as yaml from 'js-yaml';
import { ROOT } from '../support';

/*
 * The package as a user gets it: `npm pack`, installed with its peers into a fresh cdk8s app (no tsx, no project
 * files), running docs/LIBRARY.md's program verbatim with the commands that page gives. `npm pack` runs prepack, which
 * emits the declarations (TypeScript 7) unless they are fresh.
 */

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const versionOf = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The compile command docs/LIBRARY.md gives. */
const COMPILE = 'npx tsc --target es2022 --module commonjs main.ts';

/** The one TypeScript block of docs/LIBRARY.md: the program a user copies. */
function libraryProgram(): string {
  const blocks = [...readFileSync(join(ROOT, 'docs', 'LIBRARY.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (m) => m[1],
  );
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

describe('the npm package in a fresh cdk8s app', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'package-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let files: string[] = [];
  let tarball = '';

  beforeAll(async () => {
    const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(scratch, packed.filename);
    files = packed.files.map((f) => f.path);
  }, 180_000);

  test('the tarball holds the compiled constructs, their declarations, the README and the licence, and nothing else of the project', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'build/lib/index.js',
        'build/lib/index.d.ts',
        'build/lib/alb-ingress.d.ts',
      ]),
    );
    expect(files.filter((f) => /^(test|dist|config|scripts|charts)\//.test(f) || f.startsWith('lib/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // The commands, the synth and the checker (with its schemas and generated validators) are the project's own.
    expect(files.filter((f) => /^(build\/(charts|lib\/(cli|check|output|tools))|schemas)\/|synth/.test(f))).toEqual([]);
  });

  test('what the package ships needs nothing but its peers and Node.js', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    expect(pkg.dependencies ?? {}).toEqual({});
    // Every module a shipped file requires or imports (types included) is shipped, a peer or built into Node.js.
    const allowed = new Set([...Object.keys(pkg.peerDependencies), ...builtinModules]);
    const outside = files
      .filter((f) => /\.(js|d\.ts)$/.test(f))
      .flatMap((f) => {
        const text = readFileSync(join(ROOT, f), 'utf8');
        const specifiers = [...text.matchAll(/(?:require\(|from |import\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
        return specifiers
          .filter((s) => !s.startsWith('.') && !allowed.has(s.replace(/^node:/, '').split('/')[0]))
          .map((s) => `${f}: ${s}`);
      });
    expect(outside).toEqual([]);
    // And relative requires stay inside the package.
    const shipped = new Set(files);
    const missing = files
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) =>
        [...readFileSync(join(ROOT, f), 'utf8').matchAll(/require\(["'](\.[^"']+)["']\)/g)]
          .map((m) => join(dirname(f), m[1]).replace(/(\.js)?$/, '.js'))
          .filter((target) => !shipped.has(target))
          .map((target) => `${f} -> ${target}`),
      );
    expect(missing).toEqual([]);
  });

  test("docs/LIBRARY.md's program compiles with tsc and synthesizes a non-yelb app with IstioEdge and AlbIngress", async () => {
    // GIVEN a fresh app with the package and its peers (the versions this project is tested with)
    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-app', version: '1.0.0', private: true }));
    const peers = ['cdk8s', 'cdk8s-plus-27', 'constructs'].map((p) => `${p}@${versionOf(p)}`);
    // From npm's cache; without the optional dependencies (cdk8s-plus-27's is a release tool, `backport`, and about
    // 150 packages): none is needed at run time.
    await run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--omit=optional',
        tarball,
        ...peers,
      ],
      { cwd: app, maxBuffer: 16 * 1024 * 1024 },
    );

    // WHEN the page's program is saved as main.ts, compiled with the page's command and run with `node main.js`
    expect(readFileSync(join(ROOT, 'docs', 'LIBRARY.md'), 'utf8').replace(/\n/g, ' ')).toContain(`\`${COMPILE}\``);
    writeFileSync(join(app, 'main.ts'), libraryProgram());
    // The page's `npx tsc` with TypeScript 7 (this project's typescript-native): it resolves the package and its peers
    // from the app's node_modules, next to main.ts, as the app's own copy would.
    const [, , ...tscArgs] = COMPILE.split(' ');
    await run(
      process.execPath,
      [join(dirname(require.resolve('typescript-native/package.json', { paths: [ROOT] })), 'bin', 'tsc'), ...tscArgs],
      { cwd: app },
    );
    await run(process.execPath, ['main.js'], { cwd: app });

    // THEN dist/shop.k8s.yaml holds the shop's edge and no yelb object
    const objects = yaml.loadAll(readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8')) as {
      kind: string;
      metadata: { name: string; annotations?: Record<string, string> };
      spec?: Record<string, unknown>;
    }[];
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['Namespace', 'Gateway', 'VirtualService', 'PeerAuthentication', 'Sidecar', 'Ingress']),
    );
    expect(JSON.stringify(objects)).not.toMatch(/yelb/);
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'alb.ingress.kubernetes.io/certificate-arn':
        'arn:aws:acm:us-east-1:111122223333:certificate/0b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
    });
    const peer = objects.find((o) => o.kind === 'PeerAuthentication')!;
    expect(peer.spec).toMatchObject({ mtls: { mode: 'STRICT' } });
  }, 300_000);
});
