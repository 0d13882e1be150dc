import { AlbIngress, albGatewayWorkloads, gatewaysBehindAlb } from './alb-model';
import { Findings } from './findings';
import { helmSources, isIstioChartRepo } from './helm-sources';
import { Inventory } from './inventory';
import { Obj } from './identity';
import { WorkloadInfo } from './services-workloads';
import {
  gatewayByRef, gatewayRefKey, gatewayServers, meshNamespace, gatewaySelector, injectionOf, isTlsServer, namespaceMtls, resolveHost,
  serviceEntryFor, workloadsOfGateway,
} from './mesh-model';
import { append, arr, at, isRec, num, parseYamlText, rec, str, strMap, unique } from './util';

const V1_KINDS: Record<string, string[]> = {
  'networking.istio.io': ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'],
  'security.istio.io': ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'],
  'telemetry.istio.io': ['Telemetry'],
};
const PROXY_CONFIG = 'proxy.istio.io/config';
const TRUSTED_PROXIES = 'gatewayTopology.numTrustedProxies';
const PROTOCOL_PORT_NAME = /^(grpc|grpc-web|http|http2|https|mongo|mysql|redis|tcp|tls|udp)(-.*)?$/;

export function checkApiVersions(inv: Inventory, f: Findings): void {
  for (const o of inv.objects) {
    if (o.removed) {
      const r = o.removed;
      f.add('api-removed', o, 'apiVersion',
        `${o.apiVersion} ${o.kind} was removed in Kubernetes ${r.removedIn}: the API server rejects it${r.replacement ? `; the replacement is ${r.replacement}` : ''}`,
        r.replacement ? `set apiVersion: ${r.replacement}${r.note ? ` (${r.note})` : ''}` : `remove the ${o.kind}${r.note ? `: ${r.note}` : ''}`);
    } else if (o.kind === 'IstioOperator') {
      f.add('istio-operator', o, 'kind', 'IstioOperator: istioctl and Helm stopped installing its CRD in Istio 1.21 and the in-cluster operator was removed in 1.24',
        'install Istio with the base, istiod and gateway Helm charts (values instead of IstioOperator spec)');
    } else if (V1_KINDS[o.group]?.includes(o.kind) && o.version !== 'v1') {
      // Istio still serves these versions and plans no removal: a note, not a deprecation.
      f.add('api-version-deprecated', o, 'apiVersion', `${o.apiVersion} is an older API version, prefer v1 (the stored version since Istio 1.22; same fields)`, `set apiVersion: ${o.group}/v1`);
    }
  }
}

export function checkGateways(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const knownWorkloads = inv.gatewayWorkloads();
  const behind = new Set(gatewaysBehindAlb(inv, albs));
  for (const gw of inv.istio('Gateway')) {
    const selector = gatewaySelector(gw);
    const workloads = workloadsOfGateway(inv, gw);
    if (knownWorkloads.length && !workloads.length) {
      const labels = knownWorkloads.map((w) => `${w.ref}: ${Object.entries(w.podLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
      f.add('gateway-selector', gw, 'spec.selector', `selector ${JSON.stringify(selector)} matches no gateway workload (${labels.join('; ')})`,
        `set spec.selector to the gateway pod labels, e.g. istio: ${knownWorkloads[0].podLabels.istio ?? 'ingressgateway'}`);
    } else if (!knownWorkloads.length) {
      f.add('not-verifiable', gw, 'spec.selector', `no gateway workload in the manifests to match selector ${JSON.stringify(selector)} against`,
        'check the selector matches the ingress gateway pod labels (istio: ingressgateway for istioctl installs)', { missing: true });
    }
    for (const s of gatewayServers(gw)) {
      const field = `spec.servers[${s.index}]`;
      // Whatever fronts a Gateway no ALB targets (an NLB, nothing yet), only its credential is checked here.
      if (!behind.has(gw)) {
        if (isTlsServer(s) && s.tlsMode === 'SIMPLE') checkCredential(inv, gw, s.credentialName, `${field}.tls.credentialName`, workloads.map((w) => w.namespace), f);
        continue;
      }
      if (s.httpsRedirect) {
        f.add('gateway-https-redirect', gw, `${field}.tls.httpsRedirect`, 'httpsRedirect behind an ALB that already terminates TLS can loop redirects',
          'remove tls.httpsRedirect; let the ALB redirect HTTP with ssl-redirect');
      }
      if (!isTlsServer(s)) continue;
      const bad = s.hosts.filter((h) => h !== '*' && !/^[^/]+\/\*$/.test(h));
      if (bad.length) {
        f.add('gateway-sni-hosts', gw, `${field}.hosts`, `hosts ${bad.join(', ')} add an SNI match, but the ALB sends no SNI: the handshake is reset and the ALB returns 502`,
          'set hosts: ["*"] (or ["<vs-namespace>/*"]) and restrict hosts in the VirtualService and the Ingress rule');
      }
      const mode = s.tlsMode;
      if (mode !== 'SIMPLE') {
        f.add('gateway-tls-mode', gw, `${field}.tls.mode`,
          mode ? `tls.mode ${mode}: the ALB ${/MUTUAL/.test(mode) ? 'cannot present a client certificate' : 'needs the gateway to terminate TLS'}, so requests fail with 502`
            : 'HTTPS server without tls settings',
          'set tls.mode: SIMPLE with credentialName');
        continue;
      }
      checkCredential(inv, gw, s.credentialName, `${field}.tls.credentialName`, workloads.map((w) => w.namespace), f);
    }
  }
}

function hasCertKeys(secret: Obj): boolean {
  const keys = new Set([...Object.keys(rec(secret.raw.data)), ...Object.keys(rec(secret.raw.stringData))]);
  return (keys.has('tls.crt') && keys.has('tls.key')) || (keys.has('cert') && keys.has('key'));
}

/** Secrets, and cert-manager Certificates by the Secret they write, by Secret name: indexed once. */
function credentialProviders(inv: Inventory): Map<string, Obj[]> {
  return inv.memo('credentialProviders', () => {
    const m = new Map<string, Obj[]>();
    for (const o of [...inv.of('Secret', ''), ...inv.of('Certificate', 'cert-manager.io')]) {
      const name = o.kind === 'Secret' ? o.name : str(at(o.raw.spec, 'secretName'));
      if (name) append(m, name, o);
    }
    return m;
  });
}

function checkCredential(inv: Inventory, gw: Obj, credential: string | undefined, field: string, workloadNamespaces: string[], f: Findings): void {
  if (!credential) {
    f.add('gateway-credential', gw, field, 'SIMPLE TLS server has no credentialName', 'set tls.credentialName to a kubernetes.io/tls Secret in the gateway namespace', { istioCode: null });
    return;
  }
  // Istio reads the Secret from the namespace of the gateway pods the selector matches, not of the Gateway; with
  // those pods not in the manifests, their namespace is unknown and the Gateway's is only a guess.
  const known = workloadNamespaces.length > 0;
  const namespaces = unique(known ? workloadNamespaces : [gw.namespace]);
  let name = credential;
  if (credential.includes('/')) {
    const [ns, n] = credential.split('/', 2);
    name = n;
    if (!known) {
      f.add('not-verifiable', gw, field, `credentialName '${credential}' names namespace ${ns}: it works only if the gateway pods run there, and they are not in the manifests`,
        `check the gateway pods matching ${JSON.stringify(gatewaySelector(gw))} run in ${ns}, or include the gateway Deployment`);
      return;
    }
    if (!namespaces.includes(ns)) {
      f.add('gateway-credential', gw, field, `credentialName '${credential}' points outside the gateway namespace ${namespaces.join(', ')}; istiod never allows that`,
        `create the Secret in ${namespaces[0]} and set credentialName: ${n}`);
      return;
    }
  }
  const providers = credentialProviders(inv);
  for (const ns of namespaces) {
    const secret = inv.find('Secret', ns, name, '');
    const certificate = (providers.get(name) ?? []).find((c) => c.kind === 'Certificate' && c.namespace === ns);
    if (secret) {
      if (!hasCertKeys(secret)) {
        f.add('gateway-credential', secret, 'data', `Secret ${ns}/${name} has neither tls.crt/tls.key nor cert/key`,
          `recreate it with kubectl create secret tls ${name} -n ${ns} --cert=... --key=...`, { istioCode: 'IST0161' });
      }
      continue;
    }
    if (certificate) continue;
    const elsewhere = providers.get(name) ?? [];
    if (elsewhere.length && !known) {
      f.add('not-verifiable', gw, field, `credentialName '${name}' is provided by ${elsewhere.map((o) => o.ref).join(', ')}; the gateway pods, whose namespace Istio reads it from, are not in the manifests`,
        `check the gateway pods matching ${JSON.stringify(gatewaySelector(gw))} run in ${unique(elsewhere.map((o) => o.namespace)).join(' or ')}, or include the gateway Deployment`);
    } else if (elsewhere.length) {
      f.add('gateway-credential', gw, field, `credentialName '${name}' is provided by ${elsewhere.map((o) => o.ref).join(', ')}, but the gateway workload reads Secrets only from ${ns}`,
        `create the Secret (or Certificate) in namespace ${ns}`);
    } else {
      f.add('not-verifiable', gw, field, `Secret ${ns}/${name} is not in the manifests (expected: created out of band)`,
        `create it with kubectl create secret tls ${name} -n ${ns} --cert=... --key=... before applying`, { missing: true });
    }
  }
}

export function checkVirtualServices(inv: Inventory, f: Findings): void {
  const gateways = inv.istio('Gateway');
  const byName = new Map<string, Obj[]>();
  for (const g of gateways) append(byName, g.name, g);
  for (const vs of inv.istio('VirtualService')) {
    const spec = rec(vs.raw.spec);
    const refs = arr(spec.gateways).map(str).filter((g): g is string => !!g && g !== 'mesh');
    refs.forEach((ref) => {
      const index = arr(spec.gateways).indexOf(ref);
      const key = gatewayRefKey(vs.namespace, ref);
      const gw = gatewayByRef(inv, vs.namespace, ref);
      const field = `spec.gateways[${index}]`;
      if (!gw) {
        if (!gateways.length) {
          f.add('not-verifiable', vs, field, `Gateway ${key.namespace}/${key.name} is not in the manifests`, 'check the Gateway exists', { missing: true });
        } else {
          const same = byName.get(key.name) ?? [];
          f.add('vs-gateway-ref', vs, field, `gateway '${ref}' resolves to ${key.namespace}/${key.name}, which does not exist${same.length ? ` (found ${same.map((g) => g.ref).join(', ')})` : ''}`,
            same.length ? `write it as ${same[0].namespace}/${same[0].name}` : 'reference an existing Gateway as <namespace>/<name>');
        }
        return;
      }
      const exportTo = arr(spec.exportTo).map(str).filter((e): e is string => !!e);
      if (exportTo.length) {
        const needed = unique(workloadsOfGateway(inv, gw).map((w) => w.namespace));
        for (const ns of needed.length ? needed : [gw.namespace]) {
          const ok = exportTo.includes('*') || exportTo.includes(ns) || (exportTo.includes('.') && ns === vs.namespace);
          if (!ok) {
            f.add('vs-export-to', vs, 'spec.exportTo', `exportTo ${JSON.stringify(exportTo)} hides the VirtualService from the gateway in namespace ${ns}`,
              `add '${ns}' to spec.exportTo (or remove exportTo)`);
          }
        }
      }
    });
    for (const kind of ['http', 'tcp', 'tls']) {
      arr(spec[kind]).forEach((route, i) => {
        arr(rec(route).route).forEach((dest, j) => {
          const host = str(at(dest, 'destination.host'));
          if (!host) return;
          const port = at(dest, 'destination.port.number');
          checkDestination(inv, vs, `spec.${kind}[${i}].route[${j}].destination`, host, typeof port === 'number' ? port : undefined, f);
        });
      });
    }
  }
}

function checkDestination(inv: Inventory, vs: Obj, field: string, host: string, port: number | undefined, f: Findings): void {
  if (serviceEntryFor(inv, host)) return;
  const key = resolveHost(inv, vs.namespace, host);
  if ('external' in key) return; // egress-service-entry covers external hosts
  const svc = inv.service(key.namespace, key.name);
  if (!svc) {
    if (inv.knowsNamespace(key.namespace) && !f.closedWorld) {
      // A warning, not an error: the Service may be deployed from other manifests into the same namespace.
      f.add('vs-destination-absent', vs, `${field}.host`, `host '${host}' resolves to Service ${key.namespace}/${key.name}, which is not in the manifests`,
        `use the Service name (short in the same namespace, <name>.<ns>.svc.cluster.local otherwise)`);
    } else {
      f.add('not-verifiable', vs, `${field}.host`, `Service ${key.namespace}/${key.name} is not in the manifests`, 'check the destination Service exists', { missing: true });
    }
    return;
  }
  if (port !== undefined && !svc.ports.some((p) => p.port === port)) {
    f.add('vs-destination', vs, `${field}.port.number`, `port ${port} is not a port of ${svc.ref} (ports: ${svc.ports.map((p) => p.port).join(', ')})`,
      `set destination.port.number to one of ${svc.ports.map((p) => p.port).join(', ')}`);
  } else if (port === undefined && svc.ports.length > 1) {
    f.add('vs-destination', vs, `${field}.port`, `${svc.ref} has several ports, so the destination must name one`, 'set destination.port.number', { istioCode: 'IST0112' });
  }
}

export function checkPortNames(inv: Inventory, f: Findings): void {
  const apps = new Set(inv.appNamespaces());
  for (const svc of inv.services) {
    if (!svc.obj || !apps.has(svc.namespace) || !meshNamespace(inv, svc.namespace)) continue;
    if (inv.workloadsOf(svc).some((w) => w.gateway)) continue;
    svc.ports.forEach((p) => {
      if (p.appProtocol || (p.name && PROTOCOL_PORT_NAME.test(p.name))) return;
      f.add('port-naming', svc.obj!, `spec.ports[${p.index}].name`,
        `port ${p.port}${p.name ? ` named '${p.name}'` : ' has no name and'} does not declare a protocol; Istio falls back to sniffing`,
        `name it <protocol>[-suffix] (e.g. http-${p.port} or tcp-${p.port}) or set appProtocol`);
    });
  }
}

export function checkMesh(inv: Inventory, f: Findings): void {
  for (const ns of inv.namespaces()) {
    const labels = strMap(ns.raw.metadata?.labels);
    if (labels['istio-injection'] !== undefined && labels['istio.io/rev'] !== undefined) {
      f.add('injection-labels', ns, 'metadata.labels', 'both istio-injection and istio.io/rev are set; istio-injection wins and the revision is ignored',
        'keep one: istio-injection=enabled, or istio.io/rev=<revision> for canary upgrades');
    }
  }
  for (const ns of inv.appNamespaces()) {
    if (!meshNamespace(inv, ns)) continue;
    const nsObj = inv.namespaceObj(ns);
    const target = nsObj ?? `Namespace ${ns}`;
    // Sidecar injection.
    const workloads = inv.workloadsIn(ns).filter((w) => !w.gateway);
    const states = workloads.map((w) => injectionOf(inv, w));
    if (states.some((s) => s.state === 'no')) {
      const no = states.find((s) => s.state === 'no')!;
      // istioctl: IST0103 for a pod that opts out in an injected namespace, IST0102 for a namespace without injection.
      f.add('namespace-injection', target, 'metadata.labels', `application workloads in ${ns} get no sidecar (${no.why}): traffic to them is plaintext`,
        `label the namespace istio-injection=enabled (or istio.io/rev=<revision>)`, no.podOptOut ? { istioCode: 'IST0103' } : {});
    } else if (states.some((s) => s.state === 'unknown')) {
      f.add('not-verifiable', target, 'metadata.labels', `Namespace ${ns} is not in the manifests: sidecar injection not verifiable`,
        `include the Namespace with label istio-injection=enabled`, { missing: true });
    }
    // mTLS.
    const mode = namespaceMtls(inv, ns);
    if (mode.mode !== 'STRICT') {
      // An explicit PERMISSIVE policy is a deliberate migration step; no policy at all, or DISABLE, is a mistake.
      f.add(mode.mode === 'PERMISSIVE' && mode.by ? 'mtls-permissive' : 'mtls-not-strict', mode.by ?? target, mode.by ? 'spec.mtls.mode' : '-',
        `mTLS in ${ns} is ${mode.mode} (${mode.by ? mode.by.ref : 'Istio default: no PeerAuthentication'}): plaintext is accepted, mTLS is not enforced`,
        `add PeerAuthentication 'default' in ${inv.rootNamespace} (mesh-wide) or in ${ns} with spec.mtls.mode: STRICT`);
    }
    for (const pa of inv.istioIn('PeerAuthentication', ns).filter((p) => Object.keys(strMap(at(p.raw.spec, 'selector.matchLabels'))).length)) {
      const m = str(at(pa.raw.spec, 'mtls.mode'));
      const weakPorts = Object.entries(rec(at(pa.raw.spec, 'portLevelMtls'))).filter(([, v]) => ['PERMISSIVE', 'DISABLE'].includes(str(rec(v).mode) ?? ''));
      if (m === 'PERMISSIVE' || m === 'DISABLE' || weakPorts.length) {
        f.add('mtls-not-strict', pa, m === 'PERMISSIVE' || m === 'DISABLE' ? 'spec.mtls.mode' : 'spec.portLevelMtls',
          `workload-level PeerAuthentication relaxes mTLS to ${m === 'PERMISSIVE' || m === 'DISABLE' ? m : weakPorts.map(([p, v]) => `${p}: ${str(rec(v).mode)}`).join(', ')}`,
          'remove the override or set mode: STRICT');
      }
    }
    // Egress.
    const namespaceWide = (scope: string) => inv.istioIn('Sidecar', scope).find((s) => !isRec(at(s.raw.spec, 'workloadSelector')));
    const sidecar = namespaceWide(ns) ?? namespaceWide(inv.rootNamespace);
    const mode2 = str(at(sidecar?.raw.spec, 'outboundTrafficPolicy.mode'));
    if (mode2 !== 'REGISTRY_ONLY') {
      f.add('sidecar-outbound', sidecar ?? target, sidecar ? 'spec.outboundTrafficPolicy.mode' : '-',
        `${sidecar ? `outboundTrafficPolicy ${mode2 ?? 'unset'}` : 'no namespace-wide Sidecar'}: workloads in ${ns} may call any external host (ALLOW_ANY)`,
        `add Sidecar 'default' in ${ns} (no workloadSelector) with outboundTrafficPolicy.mode: REGISTRY_ONLY and a ServiceEntry per external host`);
    } else {
      checkEgressHosts(inv, ns, f);
    }
  }
  checkDestinationRules(inv, f);
}

/** With REGISTRY_ONLY, external hosts routed from the namespace need a ServiceEntry or the sidecar drops them. */
function checkEgressHosts(inv: Inventory, ns: string, f: Findings): void {
  const routed: { obj: Obj; field: string; host: string }[] = [];
  for (const vs of inv.istioIn('VirtualService', ns)) {
    // Hosts of gateway-only VirtualServices are what the gateway serves, not egress destinations.
    const gws = arr(at(vs.raw.spec, 'gateways'));
    if (gws.length && !gws.includes('mesh')) continue;
    arr(at(vs.raw.spec, 'hosts')).forEach((h, i) => { if (typeof h === 'string') routed.push({ obj: vs, field: `spec.hosts[${i}]`, host: h }); });
  }
  for (const dr of inv.istioIn('DestinationRule', ns)) {
    const h = str(at(dr.raw.spec, 'host'));
    if (h) routed.push({ obj: dr, field: 'spec.host', host: h });
  }
  for (const r of routed) {
    if (r.host === '*' || r.host.startsWith('*')) continue;
    const key = resolveHost(inv, ns, r.host);
    if ('external' in key && !serviceEntryFor(inv, r.host)) {
      f.add('egress-service-entry', r.obj, r.field, `external host ${r.host} has no ServiceEntry, so REGISTRY_ONLY sidecars in ${ns} block it`,
        `add a ServiceEntry for ${r.host} (location: MESH_EXTERNAL, resolution: DNS, its ports)`);
    }
  }
}

function checkDestinationRules(inv: Inventory, f: Findings): void {
  for (const dr of inv.istio('DestinationRule')) {
    const spec = rec(dr.raw.spec);
    const host = str(spec.host);
    if (!host) continue;
    const key = resolveHost(inv, dr.namespace, host);
    const inMesh = !('external' in key) && !serviceEntryFor(inv, host);
    if (!inMesh) continue;
    const policies: [string, unknown][] = [['spec.trafficPolicy', spec.trafficPolicy]];
    arr(at(spec, 'trafficPolicy.portLevelSettings')).forEach((p, i) => policies.push([`spec.trafficPolicy.portLevelSettings[${i}]`, p]));
    arr(spec.subsets).forEach((s, i) => policies.push([`spec.subsets[${i}].trafficPolicy`, rec(s).trafficPolicy]));
    for (const [field, policy] of policies) {
      if (str(at(policy, 'tls.mode')) === 'DISABLE') {
        f.add('destination-rule-tls', dr, `${field}.tls.mode`, `tls.mode DISABLE sends plaintext to in-mesh host ${host} (and fails against STRICT mTLS)`,
          'remove the tls block (auto mTLS) or set tls.mode: ISTIO_MUTUAL');
      }
    }
  }
}

/** numTrustedProxies from the mesh-wide proxy defaults: IstioOperator meshConfig, istiod chart values, or the `istio` ConfigMap. */
function meshTrustedProxies(inv: Inventory): number | undefined {
  const found: (number | undefined)[] = [];
  for (const io of inv.of('IstioOperator')) found.push(num(at(io.raw.spec, `meshConfig.defaultConfig.${TRUSTED_PROXIES}`)));
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app)) {
      if (s.chart === 'istiod' && isIstioChartRepo(s.repoURL)) found.push(num(at(s.values, `meshConfig.defaultConfig.${TRUSTED_PROXIES}`)));
    }
  }
  const cm = inv.find('ConfigMap', inv.rootNamespace, 'istio', '');
  const mesh = str(at(cm?.raw, 'data.mesh'));
  if (mesh) found.push(num(at(parseYamlText(mesh), `defaultConfig.${TRUSTED_PROXIES}`)));
  return found.find((n) => n !== undefined);
}

/** Where a gateway workload's pod annotations are written: the Deployment, or the installer that renders it. */
function podAnnotationTarget(w: WorkloadInfo): { obj: Obj; field: string } | undefined {
  if (w.obj) return { obj: w.obj, field: `spec.template.metadata.annotations['${PROXY_CONFIG}']` };
  if (!w.installer) return undefined;
  if (w.installer.kind === 'IstioOperator') return { obj: w.installer, field: `spec.meshConfig.defaultConfig.${TRUSTED_PROXIES}` };
  return { obj: w.installer, field: `${w.installerField ?? 'spec'}.podAnnotations['${PROXY_CONFIG}']` };
}

/** Gateway pods get their proxy by injection (gateway chart, or `image: auto` with the gateway template); istioctl's do not. */
function reliesOnInjection(w: WorkloadInfo): boolean {
  if (w.installer?.kind === 'Application') return true;
  if ((w.podAnnotations['inject.istio.io/templates'] ?? '').split(',').includes('gateway')) return true;
  return arr(at(w.obj?.raw.spec, 'template.spec.containers')).some((c) => str(rec(c).image) === 'auto');
}

function checkGatewayInjection(inv: Inventory, w: WorkloadInfo, f: Findings): void {
  if (!reliesOnInjection(w)) return;
  for (const src of inv.namespaceLabelSources(w.namespace)) {
    if (src.labels['istio-injection'] !== 'disabled') continue;
    f.add('gateway-namespace-injection', src.obj, src.field,
      `namespace ${w.namespace} has istio-injection=disabled, but ${w.ref}${w.obj ? '' : ` (${w.origin})`} gets its proxy by injection: its pods never start`,
      `remove istio-injection=disabled from namespace ${w.namespace} (leave it unlabelled or set istio-injection=enabled)`);
  }
}

/** How Istio and its gateway are installed: forwarded-header trust, gateway injection, installation profile. */
export function checkIstioInstall(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const meshDefault = meshTrustedProxies(inv);
  const behindAlb = new Set(albGatewayWorkloads(inv, albs));
  for (const w of inv.gatewayWorkloads().filter((x) => x.podLabels.istio !== 'egressgateway')) {
    const target = podAnnotationTarget(w);
    // Only an ALB in front makes the proxy count hops: an NLB passes the client address through.
    if (!behindAlb.has(w)) {
      checkGatewayInjection(inv, w, f);
      continue;
    }
    const raw = w.podAnnotations[PROXY_CONFIG];
    const own = raw === undefined ? undefined : num(at(parseYamlText(raw), TRUSTED_PROXIES));
    const trusted = own ?? meshDefault;
    if (target && !(trusted !== undefined && trusted >= 1)) {
      f.add('gateway-trusted-proxies', target.obj, target.field,
        `${w.ref}${w.obj ? '' : ` (${w.origin})`} ${trusted === undefined ? 'does not set' : `sets ${trusted} for`} ${TRUSTED_PROXIES}: behind the ALB, Envoy takes the ALB as the client and ignores X-Forwarded-For`,
        `annotate the gateway pods ${PROXY_CONFIG}: '{"gatewayTopology":{"numTrustedProxies":1}}' (or set meshConfig.defaultConfig.gatewayTopology)`);
    }
    checkGatewayInjection(inv, w, f);
  }
  for (const io of inv.of('IstioOperator')) {
    if (str(at(io.raw.spec, 'profile')) === 'demo') {
      f.add('istio-profile-demo', io, 'spec.profile', 'the demo profile turns on heavy tracing and access logging and is not meant for production',
        'use the default profile (or the Helm charts with their default values)');
    }
  }
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app)) {
      if (!isIstioChartRepo(s.repoURL) || str(s.values.profile) !== 'demo') continue;
      f.add('istio-profile-demo', app, `${s.valuesField}.profile`, `the ${s.chart ?? 'Istio'} chart is installed with profile demo, which is not meant for production`,
        'remove the profile value (chart defaults) or use profile default');
    }
  }
}
