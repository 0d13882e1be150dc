import '../support/shared-templates';
import { execFileSync } from 'child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { gunzipSync } from 'zlib';
import * as yaml from 'js-yaml';
import { loadConfig } from '../../lib/config/load';
import { renderHelmChart } from '../../lib/output/helm-chart';
import {
  CHART_NAME,
  helm,
  helmOnce,
  lintMany,
  parseObjects,
  scratch,
  sorted,
  template,
  templateMany,
  withoutHelmLabels,
  writeChart,
} from './support';
import { STACK } from '../../charts';

const BLOG_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab';
/** The values of the blog's `helm install` command. */
const BLOG_COMMAND = ['--set', 'host=blog.example.com', '--set', `certificate_arn=${BLOG_ARN}`];

/** Files of a tar archive: path -> header fields and content. */
function untar(tgz: Buffer): Map<string, { mode: number; uid: number; gid: number; mtime: number; data: string }> {
  const tar = gunzipSync(tgz);
  const files = new Map();
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim();
    const size = parseInt(field(124, 12), 8);
    files.set(field(0, 100), {
      mode: parseInt(field(100, 8), 8),
      uid: parseInt(field(108, 8), 8),
      gid: parseInt(field(116, 8), 8),
      mtime: parseInt(field(136, 12), 8),
      data: tar.subarray(off + 512, off + 512 + size).toString('utf8'),
    });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe(`the ${CHART_NAME} chart`, () => {
  const { dir, cleanup } = scratch('helm-chart');
  const { chartDir, archive } = writeChart(dir);
  afterAll(cleanup);

  test('helm lint --strict passes without a warning, on the folder and the archive, with defaults and every switch flipped', async () => {
    // The folder and the archive with the defaults (one run lints both), then a copy per value set (one run).
    const [both, switched] = await Promise.all([
      helm(['lint', '--strict', chartDir, archive]),
      lintMany(chartDir, dir, 'switches', [
        {
          alb: { targetType: 'ip', groupName: 'shared' },
          gateway: { tls: { mode: 'certManager' } },
          yelb: { enabled: false },
          dns: { externalDns: true },
          mesh: { mtlsScope: 'mesh' },
        },
        { istioEdge: { enabled: false }, yelb: { enabled: false }, albIngress: { enabled: false } },
        { scope: 'ingress', alb: { targetType: 'ip' } },
      ]),
    ]);
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 0, stderr: '' });
    expect(both.stdout).toContain('2 chart(s) linted, 0 chart(s) failed');
    expect(both.stdout).toContain(`==> Linting ${archive}`);
    expect(both.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect({ code: switched.code, stderr: switched.stderr }).toEqual({ code: 0, stderr: '' });
    expect(switched.summary).toBe('3 chart(s) linted, 0 chart(s) failed');
    for (const section of switched.sections) {
      expect(section).toMatch(/^==> Linting /);
      expect(section).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  test('Chart.yaml: apiVersion v2, a lowercase-dash name, SemVer version and appVersion; no CRDs in the chart', () => {
    const chart = yaml.load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: CHART_NAME, type: 'application', appVersion: '0.1.0' });
    expect(chart.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(join(chartDir, 'crds'))).toBe(false);
    expect(readdirSync(join(chartDir, 'templates')).sort()).toEqual([
      '00-namespaces.yaml',
      '01-gateway-namespace.yaml',
      '10-yelb.yaml',
      '20-istio-edge.yaml',
      '22-apps.yaml',
      '25-gateway-certificate.yaml',
      '30-alb-ingress.yaml',
      'NOTES.txt',
      '_helpers.tpl',
      'validate.yaml',
    ]);
  });

  test('every value in values.yaml has a comment', () => {
    const lines = readFileSync(join(chartDir, 'values.yaml'), 'utf8').split('\n');
    // Keys of free-form maps (selector) and of resources, list items and their fields need none.
    const exempt = /^(\s+)(istio|requests|limits|cpu|memory|pathPrefix|service|port):|^\s+- /;
    const uncommented = lines.filter(
      (l, i) => /^\s*[A-Za-z_]+:/.test(l) && !exempt.test(l) && !lines[i - 1].trim().startsWith('#'),
    );
    expect(uncommented).toEqual([]);
    expect(lines.filter((l) => /^\s*[A-Za-z_]+:/.test(l)).length).toBeGreaterThan(50);
  });

  test("the blog's command works verbatim and gives the ALB Ingress with the corrected annotations", async () => {
    // GIVEN the blog's helm install arguments, as helm template
    const run = await helmOnce(['template', 'alb-istio-ingress', chartDir, ...BLOG_COMMAND]);
    expect(run.stderr).toBe('');
    const ingress = parseObjects(run.stdout).find((o) => o.kind === 'Ingress');
    // THEN the Ingress for that host and certificate
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['blog.example.com']);
    expect(ingress.metadata.namespace).toBe('istio-system');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'istio-ingressgateway',
      port: { number: 443 },
    });
    const annotations = ingress.metadata.annotations;
    expect(annotations['alb.ingress.kubernetes.io/certificate-arn']).toBe(BLOG_ARN);
    // AND the fixes over the blog's chart
    expect(annotations).not.toHaveProperty('kubernetes.io/ingress.class');
    expect(annotations).toMatchObject({
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'alb.ingress.kubernetes.io/healthcheck-port': 'status-port',
      'alb.ingress.kubernetes.io/healthcheck-protocol': 'HTTP',
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz/ready',
      'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
    });
  });

  test('numbers and booleans render as numbers and booleans, strings that look like numbers as strings', async () => {
    const run = await helm([
      'template',
      'r',
      chartDir,
      '--set',
      'yelb.ui.replicas=3',
      '--set',
      'istioEdge.routes[0].port=80',
      '--set',
      'istioEdge.routes[0].pathPrefix=/',
      '--set',
      'istioEdge.routes[0].service=yelb-ui',
      '--set',
      'yelb.db.image=postgres:16',
    ]);
    expect(run.stderr).toBe('');
    const objects = parseObjects(run.stdout);
    const ui = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'yelb-ui');
    expect(ui.spec.replicas).toBe(3);
    expect(ui.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(ui.metadata.labels.version).toBe('0.10');
    const db = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'yelb-db');
    expect(db.metadata.labels.version).toBe('16');
    const edge = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'yelb-ui');
    expect(edge.spec.http[0].route[0].destination.port.number).toBe(80);
  });

  test('NOTES.txt tells what was created and the next steps', async () => {
    // GIVEN a copy of the chart that renders NOTES.txt as an object (helm template leaves NOTES out), with only the
    // templates NOTES needs (the helpers, and the checks that refuse bad values)
    const copy = join(dir, 'notes-chart');
    cpSync(chartDir, copy, { recursive: true });
    copyFileSync(join(chartDir, 'templates', 'NOTES.txt'), join(copy, 'notes.txt'));
    for (const t of readdirSync(join(copy, 'templates')))
      if (!['_helpers.tpl', 'validate.yaml'].includes(t)) rmSync(join(copy, 'templates', t));
    writeFileSync(
      join(copy, 'templates', 'notes-preview.yaml'),
      'notes: {{ tpl (.Files.Get "notes.txt") . | toJson }}\n',
    );
    // WHEN it renders each value set (one helm run)
    const rendered = await templateMany(copy, dir, 'notes', [
      { host: 'blog.example.com' },
      { gateway: { tls: { mode: 'certManager' } }, dns: { externalDns: true } },
      { yelb: { enabled: false }, istioEdge: { enabled: false } },
      { scope: 'ingress', alb: { targetType: 'ip' } },
      { alb: { targetType: 'ip' } },
      { alb: { targetType: 'ip' }, createNamespaces: { gateway: true } },
    ]);
    const [existing, certManager, ingressOnly, scopeIngress, ipTargets, ipDeclared] = rendered.map((objects) => {
      expect(objects).toHaveLength(1);
      return (objects[0] as { notes: string }).notes;
    });
    // THEN what was created, the secret to create and the DNS record to point at the ALB
    expect(existing).toMatch(/the yelb sample app in namespace yelb/);
    expect(existing).toMatch(/Istio Gateway istio-system\/yelb-gateway/);
    expect(existing).toMatch(/ALB Ingress istio-system\/gw-ingress \(internet-facing, instance targets\)/);
    expect(existing).toMatch(/kubectl create secret tls tls-secret -n istio-system --cert=tls.crt --key=tls.key/);
    expect(existing).toMatch(/CN=blog.example.com/);
    expect(existing).toMatch(
      /Point DNS for blog.example.com at the ALB:\n\s+kubectl get ingress gw-ingress -n istio-system/,
    );
    expect(certManager).toMatch(/cert-manager Certificate istio-system\/tls-secret/);
    expect(certManager).toMatch(/kubectl get certificate tls-secret -n istio-system/);
    expect(certManager).toMatch(/external-dns \(--source=ingress\) creates the DNS records for yelb.example.com/);
    expect(ingressOnly).not.toMatch(/yelb sample app|Istio Gateway/);
    expect(ingressOnly).toMatch(/ALB Ingress/);
    // AND the scope: what the default installs, and the one value for the blog chart's scope
    expect(existing).toMatch(/\(release alb-istio-ingress, scope all\) created:/);
    expect(existing).toMatch(/Only the ALB Ingress, the scope of the ALB-Istio-TLS chart: --set scope=ingress\./);
    expect(scopeIngress).toMatch(
      /scope ingress\) created:\n\s+- ALB Ingress istio-system\/gw-ingress \(internet-facing, ip targets\)/,
    );
    expect(scopeIngress).not.toMatch(/yelb sample app|Istio Gateway istio-system|create secret/);
    // AND with ip targets: the readiness-gate label (not looked up without a cluster) and the one-time restart
    expect(existing).not.toMatch(/readiness/);
    for (const text of [ipTargets, scopeIngress]) {
      expect(text).toMatch(
        /not checked: no cluster to look at\):\n\s+kubectl label namespace istio-system elbv2.k8s.aws\/pod-readiness-gate-inject=enabled/,
      );
      expect(text).toMatch(/kubectl rollout restart deployment\/istio-ingressgateway -n istio-system/);
    }
    expect(ipDeclared).not.toMatch(/kubectl label namespace/);
    expect(ipDeclared).toMatch(/kubectl rollout restart/);
  });

  test('with ip targets, the default install declares no Namespace the cluster already has (Helm cannot adopt it)', async () => {
    const run = await helm([
      'template',
      'alb-istio-ingress',
      chartDir,
      '--set',
      'alb.targetType=ip',
      '--set',
      'host=blog.example.com',
    ]);
    expect(run.stderr).toBe('');
    const namespaces = parseObjects(run.stdout)
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata.name);
    expect(namespaces).toEqual(['yelb']);
    // The gateway namespace only on request
    const declared = await helm([
      'template',
      'r',
      chartDir,
      '--set',
      'alb.targetType=ip',
      '--set',
      'createNamespaces.gateway=true',
    ]);
    expect(
      parseObjects(declared.stdout)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['istio-system', 'yelb']);
  });

  test("the blog's command installs the whole stack; scope=ingress installs only the Ingress, like the blog's chart", async () => {
    const blog = BLOG_COMMAND;
    const [all, ingressOnly, ingressOnlyIp] = await Promise.all([
      helmOnce(['template', 'alb-istio-ingress', chartDir, ...blog]),
      helm(['template', 'alb-istio-ingress', chartDir, ...blog, '--set', 'scope=ingress']),
      helm([
        'template',
        'alb-istio-ingress',
        chartDir,
        ...blog,
        '--set',
        'scope=ingress',
        '--set',
        'alb.targetType=ip',
        '--set',
        'gateway.tls.mode=certManager',
      ]),
    ]);
    for (const run of [all, ingressOnly, ingressOnlyIp]) expect(run.stderr).toBe('');
    const kinds = (run: { stdout: string }) =>
      parseObjects(run.stdout)
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort();
    expect(kinds(all)).toEqual(
      expect.arrayContaining(['Namespace/yelb', 'Deployment/yelb-ui', 'Gateway/yelb-gateway', 'Ingress/gw-ingress']),
    );
    expect(kinds(ingressOnly)).toEqual(['Ingress/gw-ingress']);
    expect(kinds(ingressOnlyIp)).toEqual(['Ingress/gw-ingress']);
    const bad = await helm(['template', 'r', chartDir, '--set', 'scope=everything']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/scope/);
  });

  test('helm package of the folder gives an archive that helm template renders like the folder', async () => {
    const out = join(dir, 'packaged');
    const packaged = await helm(['package', chartDir, '--destination', out]);
    expect(packaged.stderr).toBe('');
    expect(packaged.code).toBe(0);
    const tgz = join(out, `${CHART_NAME}-0.1.0.tgz`);
    const [fromFolder, fromPackage, fromOurArchive] = await Promise.all(
      [chartDir, tgz, archive].map((c) => helmOnce(['template', 'my-release', c])),
    );
    for (const run of [fromFolder, fromPackage, fromOurArchive]) expect(run.stderr).toBe('');
    expect(parseObjects(fromFolder.stdout).length).toBeGreaterThan(15);
    expect(fromPackage.stdout).toBe(fromFolder.stdout);
    expect(fromOurArchive.stdout).toBe(fromFolder.stdout);
  });

  test('as a dependency of a parent chart (an umbrella chart, here once per alias), it renders what it renders alone', async () => {
    // A parent gives each dependency Helm's `global` values, and numbers of its values arrive as json.Number.
    const sets = [
      {},
      { host: 'blog.example.com', certificate_arn: BLOG_ARN, alb: { targetType: 'ip' } },
      {
        gateway: { api: 'gatewayApi' },
        yelb: { ui: { replicas: 3, resources: { requests: { cpu: 1, memory: '64Mi' }, limits: { cpu: 2 } } } },
      },
      {
        alb: { api: 'gatewayApi', quotas: { rules: 3 } },
        yelb: { db: { replicas: 2 } },
        apps: [
          {
            name: 'shop',
            hosts: ['shop.example.com'],
            routes: [
              { pathPrefix: '/api', service: 'api', port: 8080, targetPort: 9090 },
              { pathPrefix: '/', service: 'web', port: 80 },
            ],
            allow: [{ workload: 'api', ports: [9090], from: ['web'] }],
          },
        ],
      },
    ];
    const [asDependency, alone] = await Promise.all([
      templateMany(chartDir, dir, 'parent', sets),
      Promise.all(sets.map((values, i) => template(chartDir, dir, `alone-${i}`, values))),
    ]);
    sets.forEach((_, i) => {
      expect(asDependency[i].length).toBeGreaterThan(15);
      // Only helm.sh/chart differs: Helm names a dependency's chart after its alias.
      expect(asDependency[i].map((o) => o.metadata.labels['helm.sh/chart'])).toContain(`set${i}-0.1.0`);
      expect(sorted(withoutHelmLabels(asDependency[i]))).toEqual(sorted(withoutHelmLabels(alone[i])));
    });
  });

  test("the synth's archive holds exactly the chart folder, with fixed times, owners and modes", () => {
    const files = untar(readFileSync(archive));
    const folder = [...renderHelmChart(STACK, loadConfig()).entries()].filter(([p]) => !p.endsWith('.tgz'));
    expect([...files.keys()].sort()).toEqual(folder.map(([p]) => p.replace(/^helm\//, '')).sort());
    for (const [path, content] of folder) expect(files.get(path.replace(/^helm\//, ''))!.data).toBe(String(content));
    for (const f of files.values())
      expect([f.mode, f.uid, f.gid, f.mtime]).toEqual([0o644, 0, 0, Date.UTC(2000, 0, 1) / 1000]);
  });

  test('the chart is the same on every synth, whatever the clock, the directory or the time zone', () => {
    // GIVEN another process, in another directory and time zone, with a clock ten years ahead
    const root = join(__dirname, '..', '..');
    const clock = join(dir, 'clock.js');
    writeFileSync(
      clock,
      `const Real = Date; const ahead = 10 * 365 * 86400000;
      globalThis.Date = class extends Real { constructor(...a) { super(...(a.length ? a : [Real.now() + ahead])); } static now() { return Real.now() + ahead; } };`,
    );
    // The compiled build (jest's global setup keeps it fresh): plain node, no TypeScript loader.
    const build = join(root, 'build');
    const script = `const { renderHelmChart } = require(${JSON.stringify(join(build, 'lib/output/helm-chart'))});
      const { loadConfig } = require(${JSON.stringify(join(build, 'lib/config/load'))});
      const { STACK } = require(${JSON.stringify(join(build, 'charts'))});
      if (new Date().getFullYear() < 2030) throw new Error('clock not moved');
      const files = renderHelmChart(STACK, loadConfig());
      process.stdout.write(JSON.stringify([...files].map(([p, c]) => [p, Buffer.from(c).toString('base64')])));`;
    const out = execFileSync(process.execPath, ['--require', clock, '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
    });
    // THEN the same files, byte for byte
    const there = new Map((JSON.parse(out) as [string, string][]).map(([p, b]) => [p, Buffer.from(b, 'base64')]));
    const here = renderHelmChart(STACK, loadConfig());
    expect([...there.keys()]).toEqual([...here.keys()]);
    for (const [p, c] of here) expect(there.get(p)!.equals(Buffer.from(c))).toBe(true);
  });

  test("rendered objects carry the component labels of the plain YAML and Helm's release labels", async () => {
    const run = await helmOnce(['template', 'my-release', chartDir]);
    const objects = parseObjects(run.stdout);
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': CHART_NAME,
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/instance': 'my-release',
        'helm.sh/chart': `${CHART_NAME}-0.1.0`,
      });
    }
    expect(new Set(withoutHelmLabels(objects).map((o) => o.metadata.labels['app.kubernetes.io/name']))).toEqual(
      new Set(['namespaces', 'yelb', 'istio-edge', 'alb-ingress']),
    );
  });
});
