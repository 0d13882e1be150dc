import '../support/shared-templates';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS_DIR, environmentFiles, loadEnvironments } from '../../lib/config/environments';
import { main as synthCli } from '../../lib/cli/synth';
import { ConfigError, loadConfig } from '../../lib/config/load';
import { renderAll } from '../../lib/synth';
import { runMain } from '../support/commands';
import { find } from './support';
import { STACK } from '../../charts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'environments-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

describe('environment discovery', () => {
  test('finds config/environments/<env>.yaml, sorted: dev and prod', () => {
    expect(environmentFiles().map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(environmentFiles()[0].file).toBe(join(ENVIRONMENTS_DIR, 'dev.yaml'));
  });

  test('ignores other files and folders; a missing folder means no environments', () => {
    write('staging.yaml', 'host: yelb.staging.example.com\n');
    write('README.md', '# notes\n');
    write('qa.yaml.bak', 'host: x\n');
    mkdirSync(join(dir, 'old.yaml'));
    expect(environmentFiles(dir).map((e) => e.name)).toEqual(['staging']);
    expect(environmentFiles(join(dir, 'none'))).toEqual([]);
  });

  test('rejects a file name that is not a DNS label, and the names of the other dist/ folders', () => {
    write('Prod_EU.yaml', '{}\n');
    expect(() => environmentFiles(dir)).toThrow(/Prod_EU.yaml: the name must be a DNS label .*got "Prod_EU"$/);
    rmSync(join(dir, 'Prod_EU.yaml'));
    write('argocd.yaml', '{}\n');
    expect(() => environmentFiles(dir)).toThrow(
      /argocd.yaml: the name must not be one of argocd, helm \(dist\/argocd\/ is taken\), got "argocd"$/,
    );
  });

  test('an environment is the default config with its file merged over it', () => {
    const [dev, prod] = loadEnvironments();
    const base = loadConfig();
    expect(prod.config.alb.targetType).toBe('ip');
    expect(prod.config.yelb.ui.replicas).toBe(2);
    expect(prod.config.yelb.ui.image).toBe(base.yelb.ui.image);
    expect(prod.config.gateway.tls.mode).toBe('certManager');
    expect(prod.config.gateway.credentialName).toBe(base.gateway.credentialName);
    expect(dev.config.alb.targetType).toBe('instance');
    expect(dev.config.host).toBe('yelb.dev.example.com');
    expect(prod.config.host).toBe('yelb.example.com');
    expect(dev.config.gitops.destinationServer).not.toBe(prod.config.gitops.destinationServer);
  });

  test('a bad environment file is reported with its file name, in one line', () => {
    write('qa.yaml', 'alb:\n  targetType: pods\n');
    const error = (() => {
      try {
        loadEnvironments(dir);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/qa.yaml: 'alb.targetType' must be one of instance, ip, got "pods"$/);
    expect(error?.message).not.toContain('\n');
  });
});

describe('rendering environments', () => {
  test('without a config file: the default at the top level, each environment in <env>/, Argo CD in argocd/', () => {
    const { files, environments } = renderAll(STACK);
    expect(environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    const paths = [...files.keys()];
    expect(paths.filter((p) => !p.includes('/') && p.endsWith('.yaml'))).toEqual(
      expect.arrayContaining(['00-namespaces.yaml', '10-yelb.yaml', '20-istio-edge.yaml', '30-alb-ingress.yaml']),
    );
    expect(paths.filter((p) => p.startsWith('dev/'))).toEqual([
      'dev/00-namespaces.yaml',
      'dev/10-yelb.yaml',
      'dev/20-istio-edge.yaml',
      'dev/30-alb-ingress.yaml',
    ]);
    expect(paths.filter((p) => p.startsWith('prod/'))).toEqual([
      'prod/00-namespaces.yaml',
      'prod/01-gateway-namespace.yaml',
      'prod/10-yelb.yaml',
      'prod/20-istio-edge.yaml',
      'prod/25-gateway-certificate.yaml',
      'prod/30-alb-ingress.yaml',
    ]);
    expect(paths).toContain('argocd/root-dev.yaml');
  });

  test('the environments differ as configured: host, target type, replicas, certificate', () => {
    const { files } = renderAll(STACK);
    const objects = (path: string) => yaml.loadAll(files.get(path)!.toString()) as any[];
    const devIngress = find(objects('dev/30-alb-ingress.yaml'), 'Ingress');
    const prodIngress = find(objects('prod/30-alb-ingress.yaml'), 'Ingress');
    expect(devIngress.spec.rules[0].host).toBe('yelb.dev.example.com');
    expect(prodIngress.spec.rules[0].host).toBe('yelb.example.com');
    expect(devIngress.metadata.annotations['alb.ingress.kubernetes.io/target-type']).toBe('instance');
    expect(prodIngress.metadata.annotations['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(find(objects('prod/10-yelb.yaml'), 'Deployment', 'yelb-ui').spec.replicas).toBe(2);
    expect(find(objects('dev/10-yelb.yaml'), 'Deployment', 'yelb-ui').spec.replicas).toBe(1);
    expect(find(objects('prod/25-gateway-certificate.yaml'), 'Certificate').spec.dnsNames).toEqual([
      'yelb.example.com',
    ]);
  });

  test('with a config file: only that config, at the top level (no environments, no Argo CD)', () => {
    write('mine.yaml', 'host: shop.example.org\n');
    const { files, environments } = renderAll(STACK, join(dir, 'mine.yaml'));
    expect(environments).toEqual([]);
    expect(
      [...files.keys()].every((p) => !p.startsWith('dev/') && !p.startsWith('prod/') && !p.startsWith('argocd/')),
    ).toBe(true);
    expect(files.get('30-alb-ingress.yaml')!.toString()).toContain('host: shop.example.org');
  });

  test('another environments folder: its environments only', () => {
    write('staging.yaml', 'host: yelb.staging.example.com\n');
    const { files } = renderAll(STACK, undefined, { environmentsDir: dir });
    const paths = [...files.keys()];
    expect(paths).toContain('staging/30-alb-ingress.yaml');
    expect(paths).toContain('argocd/root-staging.yaml');
    expect(paths.some((p) => p.startsWith('dev/') || p.includes('root-dev'))).toBe(false);
  });

  test('a construct error in an environment names the environment', () => {
    write('qa.yaml', 'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 8080}]\n');
    expect(() => renderAll(STACK, undefined, { environmentsDir: dir })).toThrow(
      /^environment qa: .*'istioEdge.routes\[0\].port' must be 80/,
    );
  });

  test('the synth CLI documents what --config means', async () => {
    const { code, stdout: help } = await runMain(synthCli, ['--help']);
    expect(code).toBe(0);
    expect(help.replace(/\s+/g, ' ')).toMatch(
      /--config <file> render only this config .* instead of the default and every config\/environments\/<env>.yaml/,
    );
  });
});
