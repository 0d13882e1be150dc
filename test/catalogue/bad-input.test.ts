import '../support/shared-templates';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { main as gatewayCert } from '../../lib/cli/gateway-cert';
import { main as synthCli } from '../../lib/cli/synth';
import { OutputError, synth } from '../../lib/synth';
import { runHelm } from '../../lib/tools/helm';
import { Outcome, runMain, stackLines, treeDigest, workspace } from './harness';
import { STACK } from '../../charts';

/*
 * The bad-input catalogue: every input a user can get wrong, through the command they would use, with the exact line
 * it prints, its exit code, no stack trace, and the output left exactly as it was. `<ws>` in a message stands for
 * the case's scratch folder. README "Errors you may meet" lists the same messages with what to do.
 */

const ROOT = join(__dirname, '..', '..');
const ws = workspace('catalogue');
/** A synth output written once: every synth case must leave it byte for byte as it was. */
const OUT = join(ws.dir, 'out');
let outDigest: string;

beforeAll(async () => {
  // The CLI's schema check loads ESM-only validators, which jest's CommonJS runtime cannot; the refusals come first.
  await synth(STACK, { outDir: OUT, schemaCheck: false, helmSelfCheck: false });
  outDigest = treeDigest(OUT);
});
afterAll(() => {
  chmodSync(ws.dir, 0o755);
  ws.cleanup();
});

/** How many table cases the catalogue holds: every table below is passed through `counted`. */
let caseCount = 0;
const counted = <T>(table: T[]): T[] => {
  caseCount += table.length;
  return table;
};

/** The shared assertions of a refused input: the exit code, exactly one error line, no stack trace, output unchanged. */
function expectRefused(
  outcome: Outcome,
  code: number,
  message: string,
  watched: [string, string][] = [[OUT, outDigest]],
): void {
  const shown = (l: string) => l.split(ws.dir).join('<ws>');
  expect({ code: outcome.code, err: outcome.err.map(shown) }).toEqual({ code, err: [message] });
  expect(stackLines([...outcome.err, ...outcome.out])).toEqual([]);
  for (const [dir, digest] of watched) expect(treeDigest(dir)).toBe(digest);
}

/** Config files given with --config: text of the file, the message after `error: `. */
const CONFIG_FILES: [string, string][] = counted([
  [
    'host: 42',
    "'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got 42",
  ],
  [
    'host: []',
    "'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got []",
  ],
  [
    'host: -bad.example.com',
    '\'host\' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "-bad.example.com"',
  ],
  [
    "host: 'yelb.example.com:443'",
    '\'host\' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "yelb.example.com:443"',
  ],
  [
    'certificateArn: []',
    "'certificateArn' must be an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>), or a non-empty list of them, got []",
  ],
  [
    'certificateArn: arn:aws:acm:xxxxxx:999999999999:certificate/xxxxxxxxx',
    '\'certificateArn\' must be an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>), or a non-empty list of them, got "arn:aws:acm:xxxxxx:999999999999:certificate/xxxxxxxxx"',
  ],
  [
    'certificateArn: arn:aws-cn:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab',
    '\'certificateArn\' must name a cn-* region, as its partition is aws-cn, got "arn:aws-cn:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab"',
  ],
  [
    'certificateArn: [arn:aws:acm:us-east-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab, arn:aws:acm:eu-west-1:123456789012:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab]',
    "'certificateArn' must all be in the ALB's region, got regions us-east-1, eu-west-1",
  ],
  [
    'namespace: Yelb',
    '\'namespace\' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "Yelb"',
  ],
  [
    'namespace: istio-system',
    '\'namespace\' must be a namespace of its own, not the mesh root namespace (mesh.rootNamespace), whose policies apply to the whole mesh, got "istio-system"',
  ],
  [
    'namespace: kube-system',
    '\'namespace\' must be a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-system"',
  ],
  [
    'gateway:\n  namespace: istio_system',
    '\'gateway.namespace\' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "istio_system"',
  ],
  [
    'gateway:\n  serviceName: 5',
    '\'gateway.serviceName\' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got 5',
  ],
  [
    "gateway:\n  selector: {'-bad': x}",
    '\'gateway.selector\' must be a Kubernetes label key ([prefix/]name), got "-bad"',
  ],
  [
    "gateway:\n  selector: {istio: 'a b'}",
    '\'gateway.selector.istio\' must be a Kubernetes label value (at most 63 of A-Z a-z 0-9 - _ .), got "a b"',
  ],
  [
    'gateway:\n  tls:\n    mode: vault',
    '\'gateway.tls.mode\' must be one of existingSecret, certManager, none, got "vault"',
  ],
  [
    'gateway:\n  tls:\n    mode: certManager\n    issuerRef: {kind: CA, name: x}',
    '\'gateway.tls.issuerRef.kind\' must be one of Issuer, ClusterIssuer, got "CA"',
  ],
  ['gateway:\n  tls:\n    keyAlgorithm: DSA', '\'gateway.tls.keyAlgorithm\' must be one of RSA, ECDSA, got "DSA"'],
  [
    'gateway:\n  tls:\n    duration: 365d',
    '\'gateway.tls.duration\' must be a duration in hours, minutes or seconds such as 8760h or 720h30m, got "365d"',
  ],
  [
    'gateway:\n  tls:\n    mode: certManager\n    duration: 720h\n    renewBefore: 720h',
    "'gateway.tls.renewBefore' must be shorter than 'gateway.tls.duration' (720h), got \"720h\"",
  ],
  [
    'gateway:\n  tlsMode: none',
    "'gateway.tlsMode' is not a known key (expected one of: api, namespace, name, serviceName, serviceAccount, selector, credentialName, tls)",
  ],
  [
    'alb:\n  ingressName: GW',
    '\'alb.ingressName\' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "GW"',
  ],
  ['alb:\n  scheme: public', '\'alb.scheme\' must be one of internet-facing, internal, got "public"'],
  [
    'alb:\n  ipAddressType: ipv6',
    '\'alb.ipAddressType\' must be one of ipv4, dualstack, dualstack-without-public-ipv4, got "ipv6"',
  ],
  ['alb:\n  targetType: pod', '\'alb.targetType\' must be one of instance, ip, got "pod"'],
  [
    'alb:\n  sslPolicy: TLS13',
    '\'alb.sslPolicy\' must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, got "TLS13"',
  ],
  [
    'alb:\n  groupName: Shared_Group',
    '\'alb.groupName\' must be at most 63 characters of [a-z0-9.-], got "Shared_Group"',
  ],
  [
    'alb:\n  loadBalancerAttributes: [idle_timeout.timeout_seconds]',
    '\'alb.loadBalancerAttributes[0]\' must be a key=value pair (key of A-Z a-z 0-9 _ . : / + @ -, value not empty and without commas), got "idle_timeout.timeout_seconds"',
  ],
  [
    "alb:\n  loadBalancerAttributes: ['a=1', 'a=2']",
    '\'alb.loadBalancerAttributes[1]\' must not repeat the key a, got "a=2"',
  ],
  [
    'alb:\n  targetGroupAttributes: [deregistration_delay.timeout_seconds=4000]',
    '\'alb.targetGroupAttributes[0]\' must be deregistration_delay.timeout_seconds=<seconds from 0 to 3600>, got "deregistration_delay.timeout_seconds=4000"',
  ],
  [
    "alb:\n  tags: ['team=a,b']",
    '\'alb.tags[0]\' must be a key=value pair (key of A-Z a-z 0-9 _ . : / + @ -, value not empty and without commas), got "team=a,b"',
  ],
  [
    'alb:\n  inboundCidrs: [10.0.0.0/33]',
    '\'alb.inboundCidrs[0]\' must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32, got "10.0.0.0/33"',
  ],
  [
    "alb:\n  inboundCidrs: ['2001:db8::/32']",
    "'alb.inboundCidrs[0]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 (the controller rejects IPv6 ones for an IPv4-only ALB), got \"2001:db8::/32\"",
  ],
  [
    'alb:\n  wafv2AclArn: arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1',
    '\'alb.wafv2AclArn\' must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<12-digit account>:regional/webacl/<name>/<id>) or none, got "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"',
  ],
  [
    'alb:\n  wafv2AclArn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/0000-1111',
    "'alb.wafv2AclArn' must be in the ALB's region, us-east-1 (that of 'certificateArn'), got region eu-west-1",
  ],
  [
    'alb:\n  scheme: internal\n  ipAddressType: dualstack-without-public-ipv4',
    "'alb.ipAddressType' dualstack-without-public-ipv4 needs 'alb.scheme' internet-facing, got 'alb.scheme' \"internal\"",
  ],
  ['mesh:\n  mtlsMode: DISABLE', '\'mesh.mtlsMode\' must be one of STRICT, PERMISSIVE, got "DISABLE"'],
  ['mesh:\n  mtlsScope: cluster', '\'mesh.mtlsScope\' must be one of namespace, mesh, got "cluster"'],
  [
    'mesh:\n  outboundTrafficPolicy: DENY',
    '\'mesh.outboundTrafficPolicy\' must be one of REGISTRY_ONLY, ALLOW_ANY, got "DENY"',
  ],
  [
    'mesh:\n  externalHosts: [http://x.example.com]',
    '\'mesh.externalHosts[0]\' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "http://x.example.com"',
  ],
  [
    "mesh:\n  externalHosts: ['*.themealdb.com']",
    '\'mesh.externalHosts[0]\' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "*.themealdb.com"',
  ],
  ["mesh:\n  authorization: 'yes'", '\'mesh.authorization\' must be of type boolean, got "yes"'],
  [
    "mesh:\n  trustDomain: 'Cluster Local'",
    '\'mesh.trustDomain\' must be a trust domain such as cluster.local (lowercase letters, digits, ".", "-" and "_"), got "Cluster Local"',
  ],
  [
    'istioEdge:\n  enabled: false',
    "'istioEdge.enabled' must be true while yelb.enabled is true (the Istio objects hold the PeerAuthentication that enforces mTLS for yelb; to leave both out, set yelb.enabled: false too), got false",
  ],
  [
    'istioEdge:\n  virtualServiceName: UI',
    '\'istioEdge.virtualServiceName\' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "UI"',
  ],
  ['istioEdge:\n  routes: []', "'istioEdge.routes' must be a non-empty list of {pathPrefix, service, port}, got []"],
  [
    'istioEdge:\n  routes: [{pathPrefix: api, service: yelb-ui, port: 80}]',
    '\'istioEdge.routes[0].pathPrefix\' must be an absolute URL path such as / or /api, got "api"',
  ],
  [
    'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 0}]',
    "'istioEdge.routes[0].port' must be a port number from 1 to 65535, got 0",
  ],
  [
    'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 8080}]',
    "'istioEdge.routes[0].port' must be 80, the port of Service yelb-ui, got 8080",
  ],
  [
    'istioEdge:\n  routes: [{pathPrefix: /api, service: yelb-appserver, port: 4567}]',
    '\'istioEdge.routes[0].service\' must be yelb-ui while mesh.authorization is on, got "yelb-appserver"',
  ],
  ['istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui}]', "'istioEdge.routes[0].port' is required"],
  ['albIngress:\n  enabled: no', '\'albIngress.enabled\' must be of type boolean, got "no"'],
  [
    "yelb:\n  ui:\n    image: 'Redis:Latest'",
    '\'yelb.ui.image\' must be a container image reference such as redis:4.0.2, got "Redis:Latest"',
  ],
  ['yelb:\n  ui:\n    replicas: -1', "'yelb.ui.replicas' must be an integer from 0 to 100, got -1"],
  [
    'yelb:\n  db:\n    resources:\n      limits: {cpu: 1 core, memory: 1Gi}',
    '\'yelb.db.resources.limits.cpu\' must be a CPU quantity such as 256m or 1, got "1 core"',
  ],
  [
    'yelb:\n  db:\n    resources:\n      requests: {cpu: 100m, memory: 1GB}',
    '\'yelb.db.resources.requests.memory\' must be a memory quantity such as 256Mi or 2Gi, got "1GB"',
  ],
  [
    'yelb:\n  ui:\n    resources:\n      requests: {cpu: 1}',
    '\'yelb.ui.resources.requests.cpu\' must not exceed yelb.ui.resources.limits.cpu (512m), got "1"',
  ],
  [
    'yelb:\n  cache:\n    image: redis',
    "'yelb.cache' is not a known key (expected one of: enabled, ui, appserver, db, redis)",
  ],
  ['dns:\n  externalDns: route53', '\'dns.externalDns\' must be of type boolean, got "route53"'],
  [
    'gitops:\n  repoURL: github.com/org/repo',
    '\'gitops.repoURL\' must be a Git repository URL (https://host/org/repo.git, ssh://... or git@host:org/repo.git), got "github.com/org/repo"',
  ],
  [
    "gitops:\n  targetRevision: '-main'",
    '\'gitops.targetRevision\' must be a Git branch, tag or commit such as main or v1.2.0, got "-main"',
  ],
  [
    'gitops:\n  distPath: ../dist',
    '\'gitops.distPath\' must be a relative path inside the repository such as dist or deploy/dist (no leading "/", no "." or ".."), got "../dist"',
  ],
  [
    'gitops:\n  name: A',
    '\'gitops.name\' must be a DNS label of at most 40 characters (Application names add -<env>-<component>), got "A"',
  ],
  [
    'gitops:\n  destinationServer: http://k8s',
    '\'gitops.destinationServer\' must be an https URL without a trailing slash such as https://kubernetes.default.svc, got "http://k8s"',
  ],
  ['gitops:\n  appSource: kustomize', '\'gitops.appSource\' must be one of directory, helm, got "kustomize"'],
  [
    "gitops:\n  istioVersion: '^1.30'",
    '\'gitops.istioVersion\' must be an exact version such as 1.30.4 (no range, no "v"), got "^1.30"',
  ],
  [
    'host: yelb.example.com\nhost: other.example.com',
    'config file <ws>/bad.yaml is not valid YAML: Map keys must be unique at line 2, column 1',
  ],
  [
    'host: [unclosed',
    'config file <ws>/bad.yaml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
  ],
  [
    'apps:\n  - { name: shop, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }\n  - { name: shop, namespace: b, hosts: [b.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }',
    `'apps[1].name' repeats the name of apps[0]: app names are unique, got "shop"`,
  ],
  [
    'apps:\n  - { name: shop, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }\n  - { name: cart, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }',
    `'apps[1].hosts[0]' is already a host of apps[0] (shop): a host belongs to one app, got "shop.acme.io"`,
  ],
  [
    'apps:\n  - { name: shop, namespace: kube-system, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }',
    `'apps[0].namespace' must give the app a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-system"`,
  ],
  [
    'apps:\n  - { name: shop, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }, { pathPrefix: /, service: api, port: 80 }] }',
    `'apps[0].routes[1].pathPrefix' repeats the prefix of apps[0].routes[0], which always matches first, got "/"`,
  ],
  [
    'alb:\n  quotas: { albs: 1, rules: 1 }\napps:\n  - { name: shop, hosts: [shop.acme.io], routes: [{ pathPrefix: /, service: web, port: 80 }] }',
    `'apps[0]' needs ALB 2, over alb.quotas.albs (Application Load Balancers per Region, adjustable): 1 (app shop); raise the quota or share certificates between apps`,
  ],
  ['just a string', 'config file <ws>/bad.yaml must hold a YAML mapping, got "just a string"'],
  ['- a\n- list', 'config file <ws>/bad.yaml must hold a YAML mapping, got ["a","list"]'],
  [
    'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'config file <ws>/bad.yaml uses YAML aliases that expand to more than 100 nodes; write the values out instead of aliasing them',
  ],
  [
    '',
    '--config <ws>/bad.yaml needs --out DIR: dist/ holds the committed render of config/default.yaml and config/environments/ (for example: npm run synth -- --config <ws>/bad.yaml --out out)',
  ],
]);

describe('config files (npm run synth -- --config FILE --out DIR)', () => {
  test.each(CONFIG_FILES.map(([text, message], i) => [text.split('\n')[0] || '(no --out)', i, message] as const))(
    '%s',
    async (_name, i, message) => {
      const file = ws.put(`config-${i}/bad.yaml`, `${CONFIG_FILES[i][0]}\n`);
      const shownFile = file.replace(`/config-${i}/`, '/');
      const argv = CONFIG_FILES[i][0] === '' ? ['--config', file] : ['--config', file, '--out', OUT];
      const outcome = await runMain(synthCli, argv);
      expectRefused({ ...outcome, err: outcome.err.map((l) => l.split(file).join(shownFile)) }, 1, `error: ${message}`);
    },
  );

  test('a missing config file', async () => {
    expectRefused(
      await runMain(synthCli, ['--config', join(ws.dir, 'missing.yaml'), '--out', OUT]),
      1,
      'error: cannot read config file <ws>/missing.yaml: ENOENT',
    );
  });

  test('a 1 MB host is echoed in 100 characters', async () => {
    const file = ws.put('huge/bad.yaml', `host: ${'a'.repeat(1_000_000)}.example.com\n`);
    try {
      const outcome = await runMain(synthCli, ['--config', file, '--out', OUT]);
      expect(outcome.err).toHaveLength(1);
      expect(outcome.err[0].length).toBeLessThan(400);
      expectRefused(
        outcome,
        1,
        `error: 'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "${'a'.repeat(99)}... (1000014 characters)`,
      );
    } finally {
      // Later cases digest the whole scratch folder before and after.
      rmSync(file);
    }
  });
});

/** Environment folders given with --environments: files in the folder, the message after `error: `. */
const ENVIRONMENTS: [string, Record<string, string>, string][] = counted([
  [
    'a name that is not a DNS label',
    { 'Prod_1.yaml': 'host: a.example.com\n' },
    'environment file <ws>/envs/Prod_1.yaml: the name must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "Prod_1"',
  ],
  [
    'a reserved name',
    { 'argocd.yaml': 'host: a.example.com\n' },
    'environment file <ws>/envs/argocd.yaml: the name must not be one of argocd, helm (dist/argocd/ is taken), got "argocd"',
  ],
  [
    'a .yml file',
    { 'qa.yml': 'host: a.example.com\n' },
    'environment file <ws>/envs/qa.yml: environment files end in .yaml; rename it to qa.yaml, got "qa.yml"',
  ],
  [
    'a .yml file beside its .yaml twin',
    { 'qa.yml': 'host: a.example.com\n', 'qa.yaml': 'host: b.example.com\n' },
    'environment file <ws>/envs/qa.yml: environment files end in .yaml and qa.yaml exists too; merge it into qa.yaml and delete it, got "qa.yml"',
  ],
  [
    'a bad value',
    { 'qa.yaml': 'alb:\n  targetType: pods\n' },
    '<ws>/envs/qa.yaml: \'alb.targetType\' must be one of instance, ip, got "pods"',
  ],
  [
    'a construct-level error',
    { 'qa.yaml': 'istioEdge:\n  routes: [{pathPrefix: /, service: yelb-ui, port: 8080}]\n' },
    "environment qa: 'istioEdge.routes[0].port' must be 80, the port of Service yelb-ui, got 8080",
  ],
  ['not a mapping', { 'qa.yaml': '[1, 2]\n' }, 'config file <ws>/envs/qa.yaml must hold a YAML mapping, got [1,2]'],
]);

describe('environment files (npm run synth -- --environments DIR)', () => {
  test.each(ENVIRONMENTS.map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const [, files, message] = ENVIRONMENTS[i];
    const envs = join(ws.dir, `envs-${i}`);
    for (const [name, text] of Object.entries(files)) ws.put(`envs-${i}/${name}`, text);
    const outcome = await runMain(synthCli, ['--environments', envs, '--out', OUT]);
    expectRefused(
      { ...outcome, err: outcome.err.map((l) => l.split(envs).join(join(ws.dir, 'envs'))) },
      1,
      `error: ${message}`,
    );
  });
});

describe('synth flags and output directories', () => {
  const userDir = () => {
    const dir = join(ws.dir, 'user');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'sub', 'keep.bin'), 'bin');
    return dir;
  };
  const cases: [string, () => string[], string][] = counted([
    ['an unknown flag', () => ['--outdir', 'x'], "error: unknown option '--outdir' (Did you mean --out?)"],
    ['--out without a value', () => ['--out'], "error: option '-o, --out <dir>' argument missing"],
    ['an extra argument', () => ['dist'], 'error: too many arguments. Expected 0 arguments but got 1.'],
    [
      '--environments with --config',
      () => ['--config', 'x.yaml', '--environments', 'y'],
      'error: --environments has no effect with --config, which renders that one configuration only; pass one of them',
    ],
    ['an empty --out', () => ['--out', ''], 'error: the output directory must be a path, got an empty string'],
    [
      '--out /',
      () => ['--out', '/'],
      'error: refusing to write to /: that is the root of the file system; choose a new or empty directory',
    ],
    [
      '--out the home directory',
      () => ['--out', homedir()],
      `error: refusing to write to ${homedir()}: that is your home directory; choose a new or empty directory below it`,
    ],
    [
      '--out the project',
      () => ['--out', ROOT],
      `error: refusing to write to ${ROOT}: it holds the project or its repository (${ROOT}); choose a new or empty directory such as ${join(ROOT, 'dist')}`,
    ],
    [
      '--out a parent of the project',
      () => ['--out', join(ROOT, '..')],
      `error: refusing to write to ${join(ROOT, '..')}: it holds the project or its repository (${ROOT}); choose a new or empty directory such as ${join(ROOT, 'dist')}`,
    ],
    [
      "--out a folder of the user's",
      () => ['--out', userDir()],
      "error: refusing to write to <ws>/user: it is not empty and has no .synth-files record of an earlier synth, so its files are not synth's to replace; choose a new or empty directory",
    ],
    [
      '--out a file',
      () => ['--out', ws.put('a-file', 'x')],
      'error: refusing to write to <ws>/a-file: it is a file, not a directory; choose a new or empty directory',
    ],
    [
      '--out below a file',
      () => ['--out', join(ws.put('b-file', 'x'), 'sub')],
      'error: cannot create <ws>/b-file/sub: <ws>/b-file is a file, not a directory; choose another output directory',
    ],
  ]);
  test.each(cases.map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const argv = cases[i][1]();
    const watched: [string, string][] = [[ws.dir, treeDigest(ws.dir)]];
    expectRefused(await runMain(synthCli, argv), 1, cases[i][2], watched);
  });

  // Found only once the files are rendered, so through the synth API; the CLI's exit code for these is that of
  // every other error above.
  const renderedRefusals: [string, (dir: string) => void, string][] = counted([
    // the default config writes no 25-gateway-certificate.yaml; the user's own file of that name is in the way of certManager's
    [
      "a file of the user's where synth writes",
      (dir) => writeFileSync(join(dir, '25-gateway-certificate.yaml'), 'kind: Mine\n'),
      'refusing to replace <ws>/rendered-0/25-gateway-certificate.yaml: synth did not write it; move it away or choose another output directory',
    ],
    [
      'a symbolic link inside the output directory',
      (dir) => {
        rmSync(join(dir, 'argocd'), { recursive: true });
        mkdirSync(join(ws.dir, 'elsewhere'));
        symlinkSync(join(ws.dir, 'elsewhere'), join(dir, 'argocd'));
      },
      'refusing to write through <ws>/rendered-1/argocd: it is a symbolic link, and synth writes only into real directories; remove the link or choose another output directory',
    ],
    [
      'a file where synth needs a folder',
      (dir) => {
        rmSync(join(dir, 'prod'), { recursive: true });
        writeFileSync(join(dir, 'prod'), 'notes');
      },
      'refusing to replace <ws>/rendered-2/prod: it is a file synth did not write, where synth needs a directory; move it away or choose another output directory',
    ],
  ]);
  test.each(renderedRefusals.map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const dir = join(ws.dir, `rendered-${i}`);
    await synth(STACK, { outDir: dir, schemaCheck: false, helmSelfCheck: false });
    renderedRefusals[i][1](dir);
    const configFile = i === 0 ? ws.put('cert-manager.yaml', 'gateway:\n  tls:\n    mode: certManager\n') : undefined;
    const before = treeDigest(ws.dir);
    const error = await synth(STACK, { outDir: dir, configFile, schemaCheck: false, helmSelfCheck: false }).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(OutputError);
    expect(error.message.split(ws.dir).join('<ws>')).toBe(renderedRefusals[i][2]);
    expect(treeDigest(ws.dir)).toBe(before);
  });
});

describe('gateway-cert flags (npm run gateway-cert -- ...)', () => {
  const certs = () => join(ws.dir, 'certs');
  const cases: [string, () => string[], string][] = counted([
    [
      'a host that is not a DNS name',
      () => ['--host', 'https://yelb.example.com', '--out', certs()],
      `error: '--host' must be a lowercase DNS name such as yelb.example.com (no scheme, port or path), got "https://yelb.example.com"`,
    ],
    [
      'an unknown key algorithm',
      () => ['--key-algorithm', 'DSA', '--out', certs()],
      `error: '--key-algorithm' must be one of RSA, ECDSA, got "DSA"`,
    ],
    [
      'zero days',
      () => ['--days', '0', '--out', certs()],
      "error: option '--days <n>' argument '0' is invalid. must be a whole number of days from 1 to 3650",
    ],
    [
      'too many days',
      () => ['--days', '4000', '--out', certs()],
      "error: option '--days <n>' argument '4000' is invalid. must be a whole number of days from 1 to 3650",
    ],
    [
      '--out a file',
      () => ['--out', ws.put('cert-file', 'x')],
      `error: '--out' must be a folder (existing or to create), got "<ws>/cert-file", which is a file`,
    ],
    [
      'a bad config',
      () => ['--config', ws.put('cert-config.yaml', 'gateway:\n  credentialName: TLS\n'), '--out', certs()],
      `error: 'gateway.credentialName' must be a DNS label (lowercase letters, digits and "-", at most 63 characters), got "TLS"`,
    ],
    ['an unknown flag', () => ['--hosts', 'a.example.com'], "error: unknown option '--hosts' (Did you mean --host?)"],
  ]);
  test.each(cases.map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const argv = cases[i][1]();
    const watched: [string, string][] = [[ws.dir, treeDigest(ws.dir)]];
    expectRefused(await runMain(gatewayCert, argv), 1, cases[i][2], watched);
  });

  test('existing files without --force', async () => {
    const dir = join(ws.dir, 'certs-existing');
    expect(
      (await runMain(gatewayCert, ['--host', 'a.example.com', '--key-algorithm', 'ECDSA', '--out', dir])).code,
    ).toBe(0);
    const watched: [string, string][] = [[ws.dir, treeDigest(ws.dir)]];
    expectRefused(
      await runMain(gatewayCert, ['--host', 'a.example.com', '--key-algorithm', 'ECDSA', '--out', dir]),
      1,
      `error: <ws>/certs-existing/a.example.com.crt exists; pass --force to replace it`,
      watched,
    );
  });
});

/** Helm values given to the generated chart: `--set` arguments, the line of helm's error that names the value. */
const VALIDATE = 'Error: execution error at (eks-alb-istio-tls/templates/validate.yaml:2:4): ';
const HELM_VALUES: [string, string[], string][] = counted([
  [
    'a host with uppercase',
    ['host=Yelb.example.com'],
    `${VALIDATE}'host' must be a lowercase DNS name of at most 128 characters (the ALB host condition limit) such as yelb.example.com, or a non-empty list of them, got "Yelb.example.com"`,
  ],
  [
    "the blog's certificate_arn, malformed",
    ['certificate_arn=arn:aws:acm:xx'],
    `${VALIDATE}'certificate_arn' must be an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>), or a non-empty list of them, got "arn:aws:acm:xx"`,
  ],
  [
    'an unknown target type',
    ['alb.targetType=pod'],
    '- alb.targetType: alb.targetType must be one of the following: "instance", "ip"',
  ],
  [
    'an unknown scope',
    ['scope=everything'],
    '- scope: scope must be one of the following: "all", "ingress", "edge", "app"',
  ],
  ['a misspelt key', ['hostname=yelb.example.com'], '- (root): Additional property hostname is not allowed'],
  ['negative replicas', ['yelb.ui.replicas=-1'], '- yelb.ui.replicas: Must be greater than or equal to 0'],
  [
    'a system namespace',
    ['namespace=kube-system'],
    `${VALIDATE}'namespace' must be a namespace of its own, not a Kubernetes system namespace (kube-system, kube-public, kube-node-lease), got "kube-system"`,
  ],
  [
    'yelb without the Istio objects',
    ['istioEdge.enabled=false'],
    `${VALIDATE}'istioEdge.enabled' must be true while yelb.enabled is true (the Istio objects hold the PeerAuthentication that enforces mTLS for yelb; to leave both out, set yelb.enabled: false too), got false`,
  ],
  [
    'a wildcard external host',
    ['mesh.externalHosts={*.themealdb.com}'],
    `${VALIDATE}'mesh.externalHosts[0]' must be an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS), got "*.themealdb.com"`,
  ],
  [
    'a request above its limit',
    ['yelb.ui.resources.requests.cpu=2'],
    `${VALIDATE}'yelb.ui.resources.requests.cpu' must not exceed yelb.ui.resources.limits.cpu (512m), got "2"`,
  ],
  [
    'an IPv6 source range on an IPv4 ALB',
    ['alb.inboundCidrs={2001:db8::/32}'],
    `${VALIDATE}'alb.inboundCidrs[0]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 (the controller rejects IPv6 ones for an IPv4-only ALB), got "2001:db8::/32"`,
  ],
  [
    'a repeated attribute key',
    ['alb.tags={team=a,team=b}'],
    `${VALIDATE}'alb.tags[1]' must not repeat the key team, got "team=b"`,
  ],
]);

describe('Helm values (helm template|install <chart> --set ...)', () => {
  const chart = join(ROOT, 'dist', 'helm', 'eks-alb-istio-tls');
  const runs = Promise.all(
    HELM_VALUES.map(([, sets]) =>
      runHelm(['template', 'alb-istio-ingress', chart, ...sets.flatMap((v) => ['--set', v])]),
    ),
  );
  test.each(HELM_VALUES.map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const chartDigest = treeDigest(chart);
    const result = (await runs)[i];
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toContain(HELM_VALUES[i][2]);
    expect(treeDigest(chart)).toBe(chartDigest);
  });
});

test('the catalogue holds at least 100 table cases', () => {
  expect(caseCount).toBeGreaterThanOrEqual(100);
});
