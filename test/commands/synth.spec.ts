import '../support/shared-templates';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { main as synthCli } from '../../lib/cli/synth';
import { renderAll, synth, verifyRendered } from '../../lib/synth';
import { stackLines } from '../catalogue/harness';
import { manifestsOf } from '../support/manifests';
import { fileHashes, find, schemaErrors } from '../support';
import { runCommand, runMain } from '../support/commands';
import { STACK } from '../../charts';

const tmp = () => mkdtempSync(join(tmpdir(), 'synth-test-'));

/** Every file under `dir`, relative path -> bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else files.set(rel, readFileSync(join(dir, rel)));
    }
  };
  walk('');
  return files;
}

describe('default synth', () => {
  const manifests = manifestsOf();
  const objects: any[] = manifests.flatMap((m) => m.objects);

  test('files apply in a working order: namespaces first', () => {
    const names = manifests.map((m) => m.fileName);
    expect(names).toEqual(['00-namespaces.yaml', '10-yelb.yaml', '20-istio-edge.yaml', '30-alb-ingress.yaml']);
    expect([...names].sort()).toEqual(names);
    expect(manifests[0].objects.every((o) => o.kind === 'Namespace')).toBe(true);
  });

  test('every object is valid against the Kubernetes and Istio schemas', () => {
    expect(objects.length).toBeGreaterThan(15);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('the schema validators do catch a broken object', () => {
    const broken = JSON.parse(JSON.stringify(find(objects, 'Gateway')));
    broken.spec.servers[0].port.number = 'four-four-three';
    expect(schemaErrors([broken])).toEqual([
      { object: 'Gateway istio-system/yelb-gateway', error: expect.stringMatching(/number must be integer/) },
    ]);
  });

  test('every object carries the app.kubernetes.io labels and a stable name', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'eks-alb-istio-tls',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
      expect(o.metadata.labels['app.kubernetes.io/name']).toBeDefined();
      expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6,}$/);
    }
  });

  test('the yelb UI is ClusterIP behind the gateway, not a LoadBalancer', () => {
    expect(objects.filter((o) => o.kind === 'Service').map((s) => s.spec.type)).toEqual([
      'ClusterIP',
      'ClusterIP',
      'ClusterIP',
      'ClusterIP',
    ]);
  });

  test('cross-references resolve: VirtualService -> Gateway, route -> Service port, Ingress -> gateway Service 443', () => {
    const gateways = new Set(
      objects.filter((o) => o.kind === 'Gateway').map((g) => `${g.metadata.namespace}/${g.metadata.name}`),
    );
    const servicePorts = new Set(
      objects
        .filter((o) => o.kind === 'Service')
        .flatMap((s) =>
          s.spec.ports.map((p: any) => `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local:${p.port}`),
        ),
    );
    const virtualServices = objects.filter((o) => o.kind === 'VirtualService');
    expect(virtualServices).toHaveLength(4);
    for (const vs of virtualServices) {
      for (const gw of vs.spec.gateways ?? []) expect(gateways).toContain(gw);
      const routes = [...(vs.spec.http ?? []), ...(vs.spec.tcp ?? [])].flatMap((r: any) => r.route);
      for (const { destination } of routes)
        expect(servicePorts).toContain(`${destination.host}:${destination.port.number}`);
    }
    const ingress = find(objects, 'Ingress');
    const gateway = find(objects, 'Gateway');
    expect(ingress.metadata.namespace).toBe(gateway.metadata.namespace);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'istio-ingressgateway',
      port: { number: 443 },
    });
    expect(gateway.spec.servers[0].port.number).toBe(443);
  });

  test('the scenario objects, fixed: ServiceEntry, Sidecar REGISTRY_ONLY, STRICT mTLS, Gateway on tls-secret', () => {
    expect(find(objects, 'ServiceEntry').spec.hosts).toEqual(['www.themealdb.com']);
    expect(find(objects, 'Sidecar').spec.outboundTrafficPolicy.mode).toBe('REGISTRY_ONLY');
    expect(find(objects, 'PeerAuthentication').spec.mtls.mode).toBe('STRICT');
    expect(find(objects, 'Gateway').spec.servers[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'tls-secret' });
    expect(find(objects, 'DestinationRule', 'redis-server').spec.trafficPolicy.connectionPool.tcp.tcpKeepalive).toEqual(
      { time: '7200s', interval: '75s' },
    );
  });

  test('the written files parse back to the same objects', () => {
    const { files } = renderAll(STACK);
    for (const m of manifests) {
      expect(yaml.loadAll(files.get(m.fileName)!.toString())).toEqual(m.objects);
    }
  });
});

describe('zero-trust authorization (rule B.23)', () => {
  const objectsOf = (text?: string): any[] => {
    if (text === undefined) return manifestsOf().flatMap((m) => m.objects);
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'c.yaml'), `${text}\n`);
      return manifestsOf(join(dir, 'c.yaml')).flatMap((m) => m.objects);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const policies = (objects: any[]) => objects.filter((o) => o.kind === 'AuthorizationPolicy');
  /** workload -> [principals, ports] of its ALLOW policy. */
  const allows = (objects: any[]): Record<string, [string[], string[]]> =>
    Object.fromEntries(
      policies(objects)
        .filter((p) => p.spec.action === 'ALLOW')
        .map((p) => {
          expect(p.spec.rules).toHaveLength(1);
          expect(p.spec.selector.matchLabels).toEqual({ app: p.metadata.name });
          const [rule] = p.spec.rules;
          return [
            p.metadata.name,
            [rule.from.flatMap((f: any) => f.source.principals), rule.to.flatMap((t: any) => t.operation.ports)],
          ];
        }),
    );

  test('allow-nothing in the app namespace, and exactly one ALLOW per in-mesh call edge, in 10-yelb.yaml', () => {
    const manifests = manifestsOf();
    const yelb = manifests.find((m) => m.fileName === '10-yelb.yaml')!.objects;
    expect(policies(manifests.flatMap((m) => m.objects))).toEqual(policies(yelb));
    const deny = find(yelb, 'AuthorizationPolicy', 'allow-nothing');
    expect(deny.metadata.namespace).toBe('yelb');
    expect(deny.spec).toEqual({});
    expect(policies(yelb).every((p) => p.metadata.namespace === 'yelb')).toBe(true);
    expect(allows(yelb)).toEqual({
      'yelb-ui': [['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'], ['80']],
      'yelb-appserver': [['cluster.local/ns/yelb/sa/yelb-ui'], ['4567']],
      'yelb-db': [['cluster.local/ns/yelb/sa/yelb-appserver'], ['5432']],
      'redis-server': [['cluster.local/ns/yelb/sa/yelb-appserver'], ['6379']],
    });
  });

  test('every allowed workload principal is the ServiceAccount its Deployment runs as', () => {
    const objects = objectsOf();
    const accounts = new Set(
      objects
        .filter((o) => o.kind === 'Deployment')
        .map((d) => `cluster.local/ns/${d.metadata.namespace}/sa/${d.spec.template.spec.serviceAccountName}`),
    );
    const inMesh = Object.values(allows(objects))
      .flatMap(([principals]) => principals)
      .filter((p) => p.includes('/ns/yelb/'));
    for (const p of inMesh) expect(accounts).toContain(p);
  });

  test('the principals follow the namespace, gateway namespace and account, and the trust domain', () => {
    const objects = objectsOf(
      'namespace: shop\ngateway:\n  namespace: istio-ingress\n  serviceAccount: edge-gw\nmesh:\n  trustDomain: corp.example',
    );
    expect(allows(objects)).toEqual({
      'yelb-ui': [['corp.example/ns/istio-ingress/sa/edge-gw'], ['80']],
      'yelb-appserver': [['corp.example/ns/shop/sa/yelb-ui'], ['4567']],
      'yelb-db': [['corp.example/ns/shop/sa/yelb-appserver'], ['5432']],
      'redis-server': [['corp.example/ns/shop/sa/yelb-appserver'], ['6379']],
    });
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing').metadata.namespace).toBe('shop');
  });

  test('mesh.authorization: false, or istioEdge off, emits none', () => {
    expect(policies(objectsOf('mesh:\n  authorization: false'))).toEqual([]);
    expect(policies(objectsOf('istioEdge:\n  enabled: false\nyelb:\n  enabled: false'))).toEqual([]);
  });
});

describe('synth to disk', () => {
  test('is deterministic: two synths into different directories give identical bytes', async () => {
    const a = tmp();
    const b = tmp();
    try {
      await synth(STACK, { outDir: join(a, 'dist'), schemaCheck: false, helmSelfCheck: false });
      await synth(STACK, { outDir: join(b, 'nested', 'out'), schemaCheck: false, helmSelfCheck: false });
      const treeA = readTree(join(a, 'dist'));
      const treeB = readTree(join(b, 'nested', 'out'));
      expect([...treeA.keys()]).toEqual([...treeB.keys()]);
      for (const [rel, bytes] of treeA) expect(treeB.get(rel)!.equals(bytes)).toBe(true);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  test("removes the files it wrote that are no longer generated, and keeps the user's own", async () => {
    const dir = tmp();
    try {
      await synth(STACK, { outDir: join(dir, 'dist'), schemaCheck: false, helmSelfCheck: false });
      writeFileSync(join(dir, 'dist', 'mine.yaml'), 'kind: Mine\n');
      const file = join(dir, 'no-alb.yaml');
      writeFileSync(file, 'albIngress:\n  enabled: false\n');
      const { output } = await synth(STACK, {
        configFile: file,
        outDir: join(dir, 'dist'),
        schemaCheck: false,
        helmSelfCheck: false,
      });
      expect(output.removed).toContain('30-alb-ingress.yaml');
      expect(output.removed).toContain('dev/30-alb-ingress.yaml');
      const tree = readTree(join(dir, 'dist'));
      expect(tree.has('30-alb-ingress.yaml')).toBe(false);
      expect(tree.has('dev/10-yelb.yaml')).toBe(false);
      expect(tree.get('mine.yaml')?.toString()).toBe('kind: Mine\n');
      expect(readdirSync(dir).sort()).toEqual(['dist', 'no-alb.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the CLI refuses a folder of the user's and an empty --out with one line, exit 1, nothing touched", async () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'user', 'sub'), { recursive: true });
      writeFileSync(join(dir, 'user', 'notes.txt'), 'mine');
      writeFileSync(join(dir, 'user', 'sub', 'keep.bin'), 'bin');
      const before = fileHashes(dir);
      for (const [out, message] of [
        [
          join(dir, 'user'),
          `error: refusing to write to ${join(dir, 'user')}: it is not empty and has no .synth-files record of an earlier synth, so its files are not synth's to replace; choose a new or empty directory\n`,
        ],
        ['', 'error: the output directory must be a path, got an empty string\n'],
      ]) {
        const result = await runMain(synthCli, ['--out', out]);
        expect([out, result.code, result.stderr, result.stdout]).toEqual([out, 1, message, '']);
      }
      expect(fileHashes(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a custom config needs an explicit output directory, so the committed dist/ is never replaced by it', async () => {
    const error: Error = await synth(STACK, { configFile: 'my.yaml', schemaCheck: false, helmSelfCheck: false }).then(
      () => {
        throw new Error('no error');
      },
      (e) => e,
    );
    expect(error.message).toBe(
      '--config my.yaml needs --out DIR: dist/ holds the committed render of config/default.yaml and config/environments/ (for example: npm run synth -- --config my.yaml --out out)',
    );
  });
});

const BAD_CONFIGS: [string, string, RegExp][] = [
  [
    'blog placeholder ARN',
    'certificateArn: arn:aws:acm:xxxxxx:999999999999:certificate/xxxxxxxxx',
    /^'certificateArn' must be an ACM certificate ARN \(arn:aws:acm:<region>:<12-digit account>:certificate\/<uuid>\), or a non-empty list of them, got "arn:aws:acm:xxxxxx:999999999999:certificate\/xxxxxxxxx"$/,
  ],
  [
    'ARN of another service',
    'certificateArn: arn:aws:iam::123456789012:server-certificate/x',
    /^'certificateArn' must be an ACM certificate ARN/,
  ],
  [
    'ARN list with a bad entry',
    'certificateArn: [arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000, nope]',
    /^'certificateArn' must be .* got \[/,
  ],
  [
    'certificates in two regions',
    'certificateArn: [arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000, arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000]',
    /'certificateArn' must all be in the ALB's region, got regions us-east-1, eu-west-1$/,
  ],
  [
    'host with uppercase',
    'host: Yelb.Example.com',
    /^'host' must be a lowercase DNS name of at most 128 characters \(the ALB host condition limit\) such as yelb.example.com, or a non-empty list of them, got "Yelb.Example.com"$/,
  ],
  [
    'host with scheme',
    'host: https://yelb.example.com',
    /^'host' must be a lowercase DNS name .*got "https:\/\/yelb.example.com"$/,
  ],
  [
    'host with path',
    'host: yelb.example.com/app',
    /^'host' must be a lowercase DNS name .*got "yelb.example.com\/app"$/,
  ],
  [
    'host with port',
    'host: "yelb.example.com:443"',
    /^'host' must be a lowercase DNS name .*got "yelb.example.com:443"$/,
  ],
  [
    'unknown top-level key',
    'hostname: yelb.example.com',
    /^'hostname' is not a known key \(expected one of: apps, host, certificateArn, /,
  ],
  [
    'unknown nested key',
    'alb:\n  targettype: ip',
    /^'alb.targettype' is not a known key \(expected one of: api, ingressName, scheme, ipAddressType, targetType, sslPolicy, groupName, loadBalancerAttributes, targetGroupAttributes, tags, inboundCidrs, wafv2AclArn, quotas\)$/,
  ],
  [
    'targetType typo',
    'alb:\n  targetType: instances',
    /^'alb.targetType' must be one of instance, ip, got "instances"$/,
  ],
  [
    'replicas as a string',
    'yelb:\n  ui:\n    replicas: "2"',
    /^'yelb.ui.replicas' must be an integer from 0 to 100, got "2"$/,
  ],
  ['enabled as a string', 'yelb:\n  enabled: "yes"', /^'yelb.enabled' must be of type boolean, got "yes"$/],
  [
    'empty route list',
    'istioEdge:\n  routes: []',
    /^'istioEdge.routes' must be a non-empty list of \{pathPrefix, service, port\}, got \[\]$/,
  ],
  [
    'route port out of range',
    'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 0}]',
    /^'istioEdge.routes\[0\].port' must be a port number from 1 to 65535, got 0$/,
  ],
  [
    'route to a wrong yelb port',
    'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 8080}]',
    /'istioEdge.routes\[0\].port' must be 80, the port of Service yelb-ui, got 8080$/,
  ],
  [
    'gateway route to a yelb Service the policies deny',
    'istioEdge:\n  routes: [{pathPrefix: /api, service: yelb-appserver, port: 4567}, {pathPrefix: /, service: yelb-ui, port: 80}]',
    /'istioEdge.routes\[0\].service' must be yelb-ui while mesh.authorization is on, got "yelb-appserver"$/,
  ],
  ['namespace not a DNS label', 'namespace: Yelb_App', /^'namespace' must be a DNS label .*got "Yelb_App"$/],
  [
    'mtls mode DISABLE',
    'mesh:\n  mtlsMode: DISABLE',
    /^'mesh.mtlsMode' must be one of STRICT, PERMISSIVE, got "DISABLE"$/,
  ],
  [
    'negative CPU',
    'yelb:\n  db:\n    resources:\n      limits: {cpu: -1}',
    /^'yelb.db.resources.limits.cpu' must be a CPU quantity such as 256m or 1, got -1$/,
  ],
  [
    'bad memory quantity',
    'yelb:\n  db:\n    resources:\n      limits: {cpu: 1, memory: 2GB}',
    /^'yelb.db.resources.limits.memory' must be a memory quantity such as 256Mi or 2Gi, got "2GB"$/,
  ],
  [
    'selector value with spaces',
    'gateway:\n  selector:\n    istio: ingress gateway',
    /^'gateway.selector.istio' must be a Kubernetes label value/,
  ],
  [
    'authorization as a string',
    'mesh:\n  authorization: "off"',
    /^'mesh.authorization' must be of type boolean, got "off"$/,
  ],
  [
    'trust domain with a scheme',
    'mesh:\n  trustDomain: spiffe://cluster.local',
    /^'mesh.trustDomain' must be a trust domain such as cluster.local \(lowercase letters, digits, ".", "-" and "_"\), got "spiffe:\/\/cluster.local"$/,
  ],
  [
    'gateway service account not a DNS label',
    'gateway:\n  serviceAccount: Istio_GW',
    /^'gateway.serviceAccount' must be a DNS label .*got "Istio_GW"$/,
  ],
  [
    'load-balancer attribute without a value',
    'alb:\n  loadBalancerAttributes: [deletion_protection.enabled]',
    /^'alb.loadBalancerAttributes\[0\]' must be a key=value pair \(key of A-Z a-z 0-9 _ . : \/ \+ @ -, value not empty and without commas\), got "deletion_protection.enabled"$/,
  ],
  [
    'load-balancer attributes in one string',
    'alb:\n  loadBalancerAttributes: "a.enabled=true,b.enabled=true"',
    /^'alb.loadBalancerAttributes' must be a list of distinct key=value pairs \(possibly empty\), got "a.enabled=true,b.enabled=true"$/,
  ],
  [
    'a comma inside a tag value',
    'alb:\n  tags: ["team=a,b"]',
    /^'alb.tags\[0\]' must be a key=value pair .*got "team=a,b"$/,
  ],
  [
    'the same tag twice',
    'alb:\n  tags: [team=a, team=a]',
    /^'alb.tags' must be a list of distinct key=value pairs \(possibly empty\), got \["team=a","team=a"\]$/,
  ],
  [
    'one tag key with two values',
    'alb:\n  tags: [team=a, team=b]',
    /'alb.tags\[1\]' must not repeat the key team, got "team=b"$/,
  ],
  [
    'deregistration delay over an hour',
    'alb:\n  targetGroupAttributes: [deregistration_delay.timeout_seconds=3601]',
    /^'alb.targetGroupAttributes\[0\]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=3601"$/,
  ],
  [
    'deregistration delay with a unit',
    'alb:\n  targetGroupAttributes: [deregistration_delay.timeout_seconds=30s]',
    /^'alb.targetGroupAttributes\[0\]' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=30s"$/,
  ],
  [
    'target-group attribute with a space in the key',
    'alb:\n  targetGroupAttributes: ["slow start=30"]',
    /^'alb.targetGroupAttributes\[0\]' must be a key=value pair/,
  ],
  [
    'inbound CIDR without a prefix length',
    'alb:\n  inboundCidrs: [10.0.0.1]',
    /^'alb.inboundCidrs\[0\]' must be an IPv4 or IPv6 CIDR such as 10.0.0.0\/8 or 2001:db8::\/32, got "10.0.0.1"$/,
  ],
  [
    'inbound CIDR as one string',
    'alb:\n  inboundCidrs: 10.0.0.0/8',
    /^'alb.inboundCidrs' must be a list of distinct CIDRs \(possibly empty\), got "10.0.0.0\/8"$/,
  ],
  [
    'IPv6 inbound CIDR on an IPv4 ALB',
    'alb:\n  inboundCidrs: [10.0.0.0/8, "2001:db8::/32"]',
    /^'alb.inboundCidrs\[1\]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 \(the controller rejects IPv6 ones for an IPv4-only ALB\), got "2001:db8::\/32"$/,
  ],
  [
    'IPv6 inbound CIDR with ipAddressType ipv4 set',
    'alb:\n  ipAddressType: ipv4\n  inboundCidrs: ["::/0"]',
    /^'alb.inboundCidrs\[0\]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 \(the controller rejects IPv6 ones for an IPv4-only ALB\), got "::\/0"$/,
  ],
  [
    'unknown ip address type',
    'alb:\n  ipAddressType: ipv6',
    /^'alb.ipAddressType' must be one of ipv4, dualstack, dualstack-without-public-ipv4, got "ipv6"$/,
  ],
  [
    'dualstack as a boolean',
    'alb:\n  ipAddressType: true',
    /^'alb.ipAddressType' must be one of ipv4, dualstack, dualstack-without-public-ipv4, got true$/,
  ],
  [
    'no public IPv4 on an internal ALB',
    'alb:\n  scheme: internal\n  ipAddressType: dualstack-without-public-ipv4',
    /^'alb.ipAddressType' dualstack-without-public-ipv4 needs 'alb.scheme' internet-facing, got 'alb.scheme' "internal"$/,
  ],
  [
    'global (CloudFront) web ACL',
    'alb:\n  wafv2AclArn: arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0000-1111',
    /^'alb.wafv2AclArn' must be a regional WAFv2 web ACL ARN \(arn:aws:wafv2:<region>:<12-digit account>:regional\/webacl\/<name>\/<id>\) or none, got "arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/edge\/0000-1111"$/,
  ],
  [
    'WAF Classic ACL id',
    'alb:\n  wafv2AclArn: 0a1b2c3d-0000-1111-2222-333344445555',
    /^'alb.wafv2AclArn' must be a regional WAFv2 web ACL ARN/,
  ],
  [
    'web ACL in another region',
    'alb:\n  wafv2AclArn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/0000-1111',
    /'alb.wafv2AclArn' must be in the ALB's region, us-east-1 \(that of 'certificateArn'\), got region eu-west-1$/,
  ],
  ['not a mapping', '- just\n- a list', /must hold a YAML mapping/],
  ['invalid YAML', 'host: [unclosed', /is not valid YAML/],
];

describe('bad configuration', () => {
  let dir: string;
  let before: Map<string, string>;
  beforeAll(async () => {
    dir = tmp();
    await synth(STACK, { outDir: join(dir, 'dist'), schemaCheck: false, helmSelfCheck: false });
    before = fileHashes(join(dir, 'dist'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(BAD_CONFIGS)('%s: one-line error and dist/ untouched', async (_name, text, message) => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `${text}\n`);
    const error: Error = await synth(STACK, {
      configFile: file,
      outDir: join(dir, 'dist'),
      schemaCheck: false,
      helmSelfCheck: false,
    }).then(
      () => {
        throw new Error('no error');
      },
      (e) => e,
    );
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n/);
    expect(fileHashes(join(dir, 'dist'))).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
  });

  test('the CLI (npm run synth, a real process) prints one line, exits 1 with no stack trace, and leaves dist/ untouched', () => {
    const file = join(dir, 'cli-bad.yaml');
    writeFileSync(file, 'alb:\n  targetType: ipp\n');
    const result = runCommand('synth', ['--config', file, '--out', join(dir, 'dist')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: \'alb.targetType\' must be one of instance, ip, got "ipp"\n');
    expect(result.stdout).toBe('');
    expect(stackLines(result.stderr.split('\n'))).toEqual([]);
    expect(fileHashes(join(dir, 'dist'))).toEqual(before);
  });

  test('the CLI reports a missing config file', async () => {
    const result = await runMain(synthCli, ['--config', join(dir, 'missing.yaml'), '--out', join(dir, 'dist')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot read config file .*missing.yaml: ENOENT\n$/);
  });
});

test('a numeric CPU quantity is accepted and written as a quantity string', () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'c.yaml'), 'yelb:\n  db:\n    resources:\n      limits: {cpu: 2}\n');
    const manifests = manifestsOf(join(dir, 'c.yaml'));
    const db = find(
      manifests.flatMap((m) => m.objects),
      'Deployment',
      'yelb-db',
    );
    expect(db.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '2048Mi' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A host and certificate that are not placeholders. */
const REAL_NAMES =
  'host: yelb.shop.internal\ncertificateArn: arn:aws:acm:eu-west-1:210987654321:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab\n';

describe('synth checks what it generated', () => {
  test('refuses a rendering that breaks a rule, naming the rule, the object and the field', async () => {
    // GIVEN the default rendering with a Gateway that lists a specific host (breaks the SNI-less ALB handshake)
    const result = renderAll(STACK);
    const gateway = find(
      result.manifests.flatMap((m) => m.objects),
      'Gateway',
    );
    gateway.spec.servers[0].hosts = ['yelb.example.com'];
    // THEN the check fails with the rule id
    await expect(verifyRendered(result, false)).rejects.toThrow(
      /^the generated manifests fail the checks: \[default\] gateway-sni-hosts Gateway istio-system\/yelb-gateway spec\.servers\[0\]\.hosts: /,
    );
  });

  test('passes every rendered set of the default configuration and its environments, warning only of the placeholders', async () => {
    const result = renderAll(STACK);
    expect(result.environments.length).toBeGreaterThan(0);
    const warnings = await verifyRendered(result, false);
    // The certificate ARN and the example.com hosts of the built-in configuration, in each set
    expect(warnings).toHaveLength(2 * (1 + result.environments.length));
    for (const w of warnings)
      expect(w).toMatch(/^\[(default|dev|prod)\] placeholder-value Ingress istio-system\/gw-ingress /);
  });

  test('a deliberate PERMISSIVE mesh is written, with a warning', async () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'permissive.yaml'), `${REAL_NAMES}mesh:\n  mtlsMode: PERMISSIVE\n`);
      const { warnings } = await synth(STACK, {
        configFile: join(dir, 'permissive.yaml'),
        outDir: join(dir, 'dist'),
        schemaCheck: false,
        helmSelfCheck: false,
      });
      expect(warnings).toEqual([
        expect.stringMatching(/^\[default\] mtls-permissive PeerAuthentication yelb\/default spec.mtls.mode: /),
      ]);
      expect(readdirSync(join(dir, 'dist'))).toContain('20-istio-edge.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the CLI validates schemas too, reports success, and warns loudly of the placeholder ARN and host', async () => {
    const dir = tmp();
    try {
      const { code, stdout, stderr } = await runMain(synthCli, ['--out', join(dir, 'dist')]);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^wrote \d+ files to .*dist\/ \(checked: no errors, 6 warnings, the Helm chart renders the plain YAML\)\n$/,
      );
      expect(stderr).toContain(
        "warning: [default] placeholder-value Ingress istio-system/gw-ingress metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']: " +
          'certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000 (account 123456789012 is a documentation placeholder)',
      );
      expect(stderr).toContain(
        'warning: [default] placeholder-value Ingress istio-system/gw-ingress spec.rules[0].host: host yelb.example.com is a name reserved for examples',
      );
      // AND with your own host and certificate, not a word
      writeFileSync(join(dir, 'mine.yaml'), REAL_NAMES);
      const mine = await runMain(synthCli, ['--config', join(dir, 'mine.yaml'), '--out', join(dir, 'mine')]);
      expect(mine.code).toBe(0);
      expect(mine.stdout).toMatch(/\(checked: no errors, 0 warnings, the Helm chart renders the plain YAML\)\n$/);
      expect(mine.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
