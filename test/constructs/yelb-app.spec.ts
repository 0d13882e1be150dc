import { Testing } from 'cdk8s';
import { YelbApp, YelbAppProps, versionLabelOf } from '../../lib/yelb-app';
import { find, newChart } from '../support';

function synthYelb(props: Partial<YelbAppProps> = {}): any[] {
  const chart = newChart();
  new YelbApp(chart, 'Yelb', { namespace: 'yelb', ...props });
  return Testing.synth(chart);
}

const WORKLOADS = [
  ['yelb-ui', 'frontend', 80, 'http-80', 'mreferre/yelb-ui:0.10', '512m', '1024Mi'],
  [
    'yelb-appserver',
    'middletier',
    4567,
    'http-4567',
    'public.ecr.aws/v2k0k1b1/yelb/yelb-appserver:O3',
    '1024m',
    '1024Mi',
  ],
  ['yelb-db', 'backenddb', 5432, 'tcp-5432', 'mreferre/yelb-db:0.5', '1024m', '2048Mi'],
  ['redis-server', 'cache', 6379, 'tcp-6379', 'redis:4.0.2', '512m', '1024Mi'],
] as const;

describe('YelbApp', () => {
  test('namespace labelled for sidecar injection, and nothing else on it (rule B.26)', () => {
    const ns = find(synthYelb(), 'Namespace');
    expect(ns.metadata.name).toBe('yelb');
    expect(ns.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(synthYelb({ createNamespace: false }).filter((o) => o.kind === 'Namespace')).toHaveLength(0);
  });

  test.each(WORKLOADS)(
    '%s: Deployment + ClusterIP Service of the scenario',
    (name, tier, port, portName, image, cpu, memory) => {
      const objects = synthYelb();
      const deployment = find(objects, 'Deployment', name);
      const service = find(objects, 'Service', name);
      const labels = { app: name, tier, version: versionLabelOf(image) };
      expect(deployment.metadata).toMatchObject({ namespace: 'yelb', labels });
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.selector).toEqual({ matchLabels: { app: name } });
      expect(deployment.spec.template.metadata.labels).toEqual(labels);
      const pod = deployment.spec.template.spec;
      expect(pod.serviceAccountName).toBe(name);
      const [container] = pod.containers;
      expect(container.image).toBe(image);
      expect(container.ports).toEqual([{ name: portName, containerPort: port }]);
      expect(container.resources).toEqual({ requests: { cpu: '256m', memory: '256Mi' }, limits: { cpu, memory } });
      expect(service.spec.type).toBe('ClusterIP');
      // Istio picks the protocol from the port name (rule B.24).
      expect(service.spec.ports).toEqual([{ name: portName, port, targetPort: port, protocol: 'TCP' }]);
      expect(service.spec.selector).toEqual({ app: name });
      expect(find(objects, 'ServiceAccount', name).automountServiceAccountToken).toBe(false);
    },
  );

  test('security context the images can start with: no privilege escalation, root allowed, writable filesystem', () => {
    for (const d of synthYelb().filter((o) => o.kind === 'Deployment')) {
      const [container] = d.spec.template.spec.containers;
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false });
      expect(d.spec.template.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('images, replicas and resources are configurable per workload', () => {
    const objects = synthYelb({
      ui: { image: 'registry.example.com/yelb-ui:1.2.3', replicas: 3 },
      redis: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '2Gi' } } },
    });
    const ui = find(objects, 'Deployment', 'yelb-ui');
    expect(ui.spec.replicas).toBe(3);
    expect(ui.spec.template.spec.containers[0].image).toBe('registry.example.com/yelb-ui:1.2.3');
    expect(ui.metadata.labels.version).toBe('1.2.3');
    expect(find(objects, 'Deployment', 'redis-server').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
  });

  test('exposes the mesh services (not the gateway-only front end) and the Service ports', () => {
    const chart = newChart();
    const app = new YelbApp(chart, 'Yelb', { namespace: 'yelb' });
    expect(app.meshServices.map((s) => [s.name, s.port, s.protocol])).toEqual([
      ['yelb-appserver', 4567, 'http'],
      ['yelb-db', 5432, 'tcp'],
      ['redis-server', 6379, 'tcp'],
    ]);
    expect(app.meshServices[2].tcpKeepalive).toEqual({ time: '7200s', interval: '75s' });
    expect(app.servicePorts.get('yelb-ui')).toBe(80);
  });

  test('authorization: allow-nothing plus one ALLOW per call edge of yelb (rule B.23)', () => {
    const policies = synthYelb().filter((o) => o.kind === 'AuthorizationPolicy');
    expect(policies.map((p) => [p.metadata.name, p.metadata.namespace])).toEqual([
      ['allow-nothing', 'yelb'],
      ['yelb-ui', 'yelb'],
      ['yelb-appserver', 'yelb'],
      ['yelb-db', 'yelb'],
      ['redis-server', 'yelb'],
    ]);
    expect(policies[0].spec).toEqual({});
    const edges = policies
      .slice(1)
      .map((p) => [
        p.spec.selector.matchLabels.app,
        p.spec.action,
        p.spec.rules[0].from[0].source.principals,
        p.spec.rules[0].to[0].operation.ports,
      ]);
    expect(edges).toEqual([
      ['yelb-ui', 'ALLOW', ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'], ['80']],
      ['yelb-appserver', 'ALLOW', ['cluster.local/ns/yelb/sa/yelb-ui'], ['4567']],
      ['yelb-db', 'ALLOW', ['cluster.local/ns/yelb/sa/yelb-appserver'], ['5432']],
      ['redis-server', 'ALLOW', ['cluster.local/ns/yelb/sa/yelb-appserver'], ['6379']],
    ]);
  });

  test('authorization: trust domain and gateway principal are props; false emits no policy', () => {
    const policies = synthYelb({ trustDomain: 'corp.example', gatewayPrincipal: 'corp.example/ns/edge/sa/gw' }).filter(
      (o) => o.kind === 'AuthorizationPolicy',
    );
    expect(policies.find((p) => p.metadata.name === 'yelb-ui').spec.rules[0].from[0].source.principals).toEqual([
      'corp.example/ns/edge/sa/gw',
    ]);
    expect(policies.find((p) => p.metadata.name === 'yelb-db').spec.rules[0].from[0].source.principals).toEqual([
      'corp.example/ns/yelb/sa/yelb-appserver',
    ]);
    expect(synthYelb({ authorization: false }).filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test.each([
    ['redis:4.0.2', '4.0.2'],
    ['host:5000/team/app', 'latest'],
    ['app@sha256:' + 'a'.repeat(64), 'latest'],
    ['x/y:O3', 'O3'],
  ])('version label of %s is %s', (image, label) => expect(versionLabelOf(image)).toBe(label));

  test.each([
    [{ namespace: 'Yelb' }, /'namespace' must be a DNS label .*got "Yelb"/],
    [{ ui: { image: 'UPPER/case' } }, /'ui.image' must be a container image reference .*got "UPPER\/case"/],
    [{ db: { replicas: -1 } }, /'db.replicas' must be a non-negative integer, got -1/],
    [{ db: { replicas: 1.5 } }, /'db.replicas' must be a non-negative integer, got 1.5/],
    [
      { redis: { resources: { requests: { cpu: 'fast', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } },
      /'redis.resources.requests.cpu' must be a CPU quantity .*got "fast"/,
    ],
    [
      { appserver: { resources: { requests: { cpu: '1', memory: '1GB' }, limits: { cpu: '1', memory: '1Gi' } } } },
      /'appserver.resources.requests.memory' must be a memory quantity .*got "1GB"/,
    ],
    [
      { trustDomain: 'Cluster.Local' },
      /'trustDomain' must be a trust domain such as cluster.local .*got "Cluster.Local"/,
    ],
    [
      { gatewayPrincipal: 'istio-system/istio-ingressgateway' },
      /'gatewayPrincipal' must be a SPIFFE principal \(<trust-domain>\/ns\/<ns>\/sa\/<sa>\), got "istio-system\/istio-ingressgateway"/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => synthYelb(props as Partial<YelbAppProps>)).toThrow(message);
  });
});
