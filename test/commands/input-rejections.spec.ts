import '../support/shared-templates';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { newChart } from '../support';
import { AlbIngress, AlbIngressProps } from '../../lib/alb-ingress';
import { environmentFiles } from '../../lib/config/environments';
import { ConfigError, MAX_ALIAS_COUNT, loadConfig } from '../../lib/config/load';
import { IstioEdge, IstioEdgeProps } from '../../lib/istio-edge';
import { MeshNamespace } from '../../lib/mesh-namespace';
import { PropError, echo } from '../../lib/patterns';
import { APP_NAMESPACE_NOT } from '../../lib/config/semantics';
import { ALB_INGRESS_CONFIG_KEYS } from '../../charts/alb-ingress-chart';
import { CROSS_FIELD_RULES } from '../../charts/cross-field-rules';
import { ISTIO_EDGE_CONFIG_KEYS } from '../../charts/istio-edge-chart';
import { namingConfigKeys } from '../../charts/product-chart';
import { renderAll, verifyRendered } from '../../lib/synth';
import { YelbApp } from '../../lib/yelb-app';
import { runCommand } from '../support/commands';
import { STACK } from '../../charts';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab';
const CN_ARN = ARN.replace('arn:aws:', 'arn:aws-cn:');
const WAF = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/edge/0000-1111';
const HOST_200 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(60)}.example.com`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'input-rejections-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as a config file and loads it; returns the error message, or 'accepted'. */
function configError(text: string, name = 'my.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    loadConfig(file);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}
const config = (values: object) => configError(yaml.dump(values, { lineWidth: -1 }));

describe('configuration values the schema alone would accept but AWS, Kubernetes or Istio reject', () => {
  test.each([
    [
      'yelb without the Istio objects (no PeerAuthentication: plaintext accepted)',
      { istioEdge: { enabled: false } },
      `'istioEdge.enabled' must be true while yelb.enabled is true (the Istio objects hold the PeerAuthentication that enforces mTLS for yelb; to leave both out, set yelb.enabled: false too), got false`,
    ],
    [
      'the app namespace is the mesh root namespace',
      { namespace: 'istio-system' },
      `'namespace' must be a namespace of its own, not the mesh root namespace (mesh.rootNamespace), whose policies apply to the whole mesh, got "istio-system"`,
    ],
    [
      'the app namespace is the gateway namespace',
      { namespace: 'ingress', gateway: { namespace: 'ingress' } },
      `'namespace' must be a namespace of its own, not the gateway namespace (gateway.namespace), as allow-nothing and the Sidecar would apply to the gateway, got "ingress"`,
    ],
    [
      'the app namespace is kube-system',
      { namespace: 'kube-system' },
      `'namespace' must be a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-system"`,
    ],
    [
      'the app namespace is kube-node-lease',
      { namespace: 'kube-node-lease' },
      `'namespace' must be a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-node-lease"`,
    ],
    [
      'a wildcard external host',
      { mesh: { externalHosts: ['*.themealdb.com'] } },
      `'mesh.externalHosts[0]' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "*.themealdb.com"`,
    ],
    [
      'a CPU request above its limit',
      { yelb: { ui: { resources: { requests: { cpu: 1 } } } } },
      `'yelb.ui.resources.requests.cpu' must not exceed yelb.ui.resources.limits.cpu (512m), got "1"`,
    ],
    [
      'a memory request above its limit',
      { yelb: { db: { resources: { requests: { memory: '3Gi' } } } } },
      `'yelb.db.resources.requests.memory' must not exceed yelb.db.resources.limits.memory (2048Mi), got "3Gi"`,
    ],
    [
      'a 200-character host',
      { host: HOST_200 },
      `'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "${HOST_200.slice(0, 99)}... (202 characters)`,
    ],
    [
      'an aws-cn certificate in us-east-1',
      { certificateArn: CN_ARN },
      `'certificateArn' must name a cn-* region, as its partition is aws-cn, got "${CN_ARN}"`,
    ],
    [
      'an aws certificate in a China region, second in a list',
      { certificateArn: [ARN, ARN.replace('us-east-1', 'cn-north-1')] },
      `'certificateArn[1]' must name a region other than cn-* and us-gov-*, as its partition is aws, got "${ARN.replace('us-east-1', 'cn-north-1')}"`,
    ],
    [
      'an aws-us-gov web ACL outside GovCloud',
      { alb: { wafv2AclArn: WAF.replace('arn:aws:', 'arn:aws-us-gov:') } },
      `'alb.wafv2AclArn' must name a us-gov-* region, as its partition is aws-us-gov, got "${WAF.replace('arn:aws:', 'arn:aws-us-gov:')}"`,
    ],
  ])('%s', (_, values, message) => {
    expect(config(values)).toBe(message);
  });

  test('the fixed twins are accepted', () => {
    for (const values of [
      { namespace: 'shop' },
      { mesh: { externalHosts: ['www.themealdb.com', 'api.example.com'] } },
      { yelb: { ui: { resources: { requests: { cpu: '0.512', memory: '1Gi' } } } } },
      { host: HOST_200.slice(74) },
      { certificateArn: ARN.replace('arn:aws:acm:us-east-1', 'arn:aws-cn:acm:cn-north-1') },
      {
        certificateArn: ARN.replace('arn:aws:acm:us-east-1', 'arn:aws-us-gov:acm:us-gov-west-1'),
        alb: { wafv2AclArn: WAF.replace('arn:aws:wafv2:us-east-1', 'arn:aws-us-gov:wafv2:us-gov-west-1') },
      },
      // the app namespace is not used at all without yelb and the Istio objects
      { namespace: 'istio-system', yelb: { enabled: false }, istioEdge: { enabled: false } },
    ])
      expect(config(values)).toBe('accepted');
  });

  test('27 certificates on one ALB need alb.quotas.certificates raised; then they are a warning of the synth', async () => {
    const arns = Array.from({ length: 27 }, (_, i) => ARN.replace('6f1c0e5e', String(i).padStart(8, '0')));
    // (a host and account that are not placeholders, so that the quota is the only warning)
    writeFileSync(
      join(dir, 'many.yaml'),
      yaml.dump({
        host: 'yelb.acme.internal',
        certificateArn: arns.map((a) => a.replace('123456789012', '210987654321')),
      }),
    );
    expect(() => renderAll(STACK, join(dir, 'many.yaml'))).toThrow(
      "'certificateArn' needs 26 certificates besides the ALB's default, over alb.quotas.certificates (Certificates per Application Load Balancer (excluding default certificates), adjustable): 25 (app yelb (top-level keys))",
    );
    appendFileSync(join(dir, 'many.yaml'), yaml.dump({ alb: { quotas: { certificates: 26 } } }));
    const warnings = await verifyRendered(renderAll(STACK, join(dir, 'many.yaml')), false);
    expect(warnings).toEqual([
      "[default] alb-certificate-quota Ingress istio-system/gw-ingress metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']: 27 certificates on the HTTPS listener of the ALB: AWS allows the default plus 25 (26) unless the quota is raised",
    ]);
  });
});

describe('config files', () => {
  test('an alias bomb fails at once, naming the file', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = join(dir, 'bomb.yaml');
    expect(configError(`${levels.join('\n')}\n`, 'bomb.yaml')).toBe(
      `config file ${file} uses YAML aliases that expand to more than ${MAX_ALIAS_COUNT} nodes; write the values out instead of aliasing them`,
    );
  });

  test('a few aliases are fine', () => {
    expect(configError('host: &h yelb.shop.example.com\ngateway:\n  selector: &s {istio: ingressgateway}\n')).toBe(
      'accepted',
    );
  });

  test('a huge bad value is echoed by its first 100 characters only', () => {
    const message = configError(`host: ${'x'.repeat(1_000_000)}\n`);
    expect(message).toBe(
      `'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "${'x'.repeat(99)}... (1000002 characters)`,
    );
  });

  test('a selector key that is not a label key is named', () => {
    expect(config({ gateway: { selector: { 'bad key!': 'x' } } })).toBe(
      `'gateway.selector' must be a Kubernetes label key ([prefix/]name), got "bad key!"`,
    );
  });

  test('echo keeps short values whole and cuts long ones', () => {
    expect(echo('yelb')).toBe('"yelb"');
    expect(echo('y'.repeat(98))).toBe(`"${'y'.repeat(98)}"`);
    expect(echo('y'.repeat(99))).toBe(`"${'y'.repeat(99)}... (101 characters)`);
    expect(echo([1, 2])).toBe('[1,2]');
  });
});

describe('environment files', () => {
  const write = (name: string) => writeFileSync(join(dir, name), 'host: yelb.qa.example.com\n');

  test('a .yml environment is refused with the name to rename it to', () => {
    write('qa.yml');
    expect(() => environmentFiles(dir)).toThrow(
      /^environment file \S*\/qa.yml: environment files end in .yaml; rename it to qa.yaml, got "qa.yml"$/,
    );
  });

  test('dev.yml next to dev.yaml is refused: merge it', () => {
    write('dev.yaml');
    write('dev.yml');
    expect(() => environmentFiles(dir)).toThrow(
      /dev.yml: environment files end in .yaml and dev.yaml exists too; merge it into dev.yaml and delete it, got "dev.yml"$/,
    );
  });

  test('an upper-case .YAML is refused too; files that are not YAML are still ignored', () => {
    write('qa.YAML');
    expect(() => environmentFiles(dir)).toThrow(
      /qa.YAML: environment files end in .yaml; rename it to qa.yaml, got "qa.YAML"$/,
    );
    rmSync(join(dir, 'qa.YAML'));
    write('notes.txt');
    mkdirSync(join(dir, 'old.yml'));
    expect(environmentFiles(dir)).toEqual([]);
  });
});

describe('constructs reject the same facts with their own prop names', () => {
  const alb = (props: Partial<AlbIngressProps>) =>
    new AlbIngress(newChart(), 'Alb', {
      namespace: 'istio-system',
      hosts: ['yelb.example.com'],
      certificateArns: [ARN],
      serviceName: 'istio-ingressgateway',
      ...props,
    });
  const edge = (props: object) =>
    new IstioEdge(newChart(), 'Edge', {
      namespace: 'yelb',
      hosts: ['yelb.example.com'],
      routes: [{ pathPrefix: '/', service: 'yelb-ui', port: 80 }],
      gatewayName: 'gw',
      gatewayNamespace: 'istio-system',
      gatewaySelector: { istio: 'ingressgateway' },
      credentialName: 'tls',
      ...props,
    });

  test.each([
    [
      'an ALB host over 128 characters',
      () => alb({ hosts: [HOST_200] }),
      `'hosts[0]' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, got "${HOST_200.slice(0, 99)}... (202 characters)`,
    ],
    [
      'a certificate outside its partition',
      () => alb({ certificateArns: [CN_ARN] }),
      `'certificateArns[0]' must name a cn-* region, as its partition is aws-cn, got "${CN_ARN}"`,
    ],
    [
      'a web ACL outside its partition',
      () => alb({ wafv2AclArn: WAF.replace('arn:aws:', 'arn:aws-cn:') }),
      `'wafv2AclArn' must name a cn-* region, as its partition is aws-cn, got "${WAF.replace('arn:aws:', 'arn:aws-cn:')}"`,
    ],
    [
      'a wildcard egress host',
      () => edge({ externalHosts: ['*.example.com'] }),
      `'externalHosts[0]' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "*.example.com"`,
    ],
    [
      'the edge in the mesh root namespace',
      () => edge({ namespace: 'istio-system' }),
      `'namespace' must be a namespace of its own, not the mesh root namespace (rootNamespace), whose policies apply to the whole mesh, got "istio-system"`,
    ],
    [
      'requests above limits',
      () =>
        new YelbApp(newChart(), 'Yelb', {
          namespace: 'yelb',
          redis: { resources: { requests: { cpu: '600m', memory: '1Gi' }, limits: { cpu: '0.5', memory: '1Gi' } } },
        }),
      `'redis.resources.requests.cpu' must not exceed redis.resources.limits.cpu (0.5), got "600m"`,
    ],
    [
      'yelb next to the gateway it would deny',
      () => new YelbApp(newChart(), 'Yelb', { namespace: 'istio-system' }),
      `'namespace' must not be the gateway's namespace while authorization is on (allow-nothing would deny the gateway), got "istio-system"`,
    ],
    [
      'injection in kube-system',
      () => new MeshNamespace(newChart(), 'Ns', { name: 'kube-system' }),
      `'name' must not be a Kubernetes system namespace (kube-system, kube-public, kube-node-lease) when labelled for sidecar injection, got "kube-system"`,
    ],
  ])('%s', (_, build, message) => {
    expect(build).toThrow(new Error(message));
  });
});

describe('charts name the config keys in construct refusals', () => {
  const albProps: AlbIngressProps = {
    namespace: 'istio-system',
    hosts: ['yelb.example.com'],
    certificateArns: [ARN],
    serviceName: 'istio-ingressgateway',
  };
  const edgeProps: IstioEdgeProps = {
    namespace: 'yelb',
    hosts: ['yelb.example.com'],
    routes: [{ pathPrefix: '/', service: 'yelb-ui', port: 80 }],
    gatewayName: 'gw',
    gatewayNamespace: 'istio-system',
    gatewaySelector: { istio: 'ingressgateway' },
    credentialName: 'tls',
  };
  const fromConfig = <T>(keys: Readonly<Record<string, string>>, build: () => T): PropError => {
    try {
      namingConfigKeys(keys, build);
    } catch (e) {
      if (e instanceof PropError) return e;
      throw e;
    }
    throw new Error('accepted');
  };
  const rule = (id: string) => CROSS_FIELD_RULES.find((r) => r.id === id)!.example.message;

  test.each([
    [
      'a prop the line names besides the field',
      () =>
        fromConfig(
          ALB_INGRESS_CONFIG_KEYS,
          () =>
            new AlbIngress(newChart(), 'Alb', {
              ...albProps,
              wafv2AclArn: WAF.replace('us-east-1', 'eu-west-1'),
            }),
        ),
      'alb.wafv2AclArn',
      rule('web-acl-in-alb-region'),
    ],
    [
      'a prop named twice',
      () =>
        fromConfig(
          ALB_INGRESS_CONFIG_KEYS,
          () =>
            new AlbIngress(newChart(), 'Alb', {
              ...albProps,
              scheme: 'internal',
              ipAddressType: 'dualstack-without-public-ipv4',
            }),
        ),
      'alb.ipAddressType',
      rule('ipv6-only-alb-faces-internet'),
    ],
    [
      'an unquoted prop',
      () =>
        fromConfig(
          ISTIO_EDGE_CONFIG_KEYS,
          () => new IstioEdge(newChart(), 'Edge', { ...edgeProps, namespace: 'istio-system' }),
        ),
      'namespace',
      `'namespace' must be a namespace of its own, not ${APP_NAMESPACE_NOT.root}, got "istio-system"`,
    ],
    [
      'a field with a sub-path',
      () =>
        fromConfig(
          ISTIO_EDGE_CONFIG_KEYS,
          () => new IstioEdge(newChart(), 'Edge', { ...edgeProps, gatewaySelector: { 'a b': 'x' } }),
        ),
      'gateway.selector key',
      `'gateway.selector key' must be a Kubernetes label key ([prefix/]name), got "a b"`,
    ],
    [
      'a value that looks like a prop',
      () =>
        fromConfig(
          ALB_INGRESS_CONFIG_KEYS,
          () => new AlbIngress(newChart(), 'Alb', { ...albProps, groupName: "'hosts'" }),
        ),
      'alb.groupName',
      `'alb.groupName' must be at most 63 characters of [a-z0-9.-], got "'hosts'"`,
    ],
  ])('%s', (_, refusal, field, message) => {
    const error = refusal();
    expect([error.field, error.message]).toEqual([field, message]);
  });

  test('the construct itself names its props, and other errors pass unchanged', () => {
    expect(
      () => new AlbIngress(newChart(), 'Alb', { ...albProps, wafv2AclArn: WAF.replace('us-east-1', 'eu-west-1') }),
    ).toThrow(
      new Error(
        `'wafv2AclArn' must be in the ALB's region, us-east-1 (that of 'certificateArns'), got region eu-west-1`,
      ),
    );
    const other = new Error("'hosts' is not a PropError");
    expect(() =>
      namingConfigKeys(ALB_INGRESS_CONFIG_KEYS, () => {
        throw other;
      }),
    ).toThrow(other);
    expect(other.message).toBe("'hosts' is not a PropError");
  });
});

describe('npm run gateway-cert', () => {
  test('--out naming an existing file: one line, exit 1, no stack trace', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me\n');
    const result = runCommand('gateway-cert', ['--out', file, '--key-algorithm', 'ECDSA']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: '--out' must be a folder (existing or to create), got "${file}", which is a file\n`,
    });
  });
});
