/** Istio Gateways: the selector, the servers behind an ALB (SNI hosts, TLS mode, redirect) and their credentials. */
import { AlbIngress, gatewaysBehindAlb } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { gatewaySelector, gatewayServers, isTlsServer, workloadsOfGateway } from './mesh-model';
import { append, at, rec, str, unique } from './util';

export function checkGateways(inv: Inventory, albs: AlbIngress[], f: Findings): void {
  const knownWorkloads = inv.gatewayWorkloads();
  const behind = new Set(gatewaysBehindAlb(inv, albs));
  // The gateway workloads and their labels, written once for every Gateway that selects none of them.
  let labels: string | undefined;
  for (const gw of inv.istio('Gateway')) {
    const selector = gatewaySelector(gw);
    const workloads = workloadsOfGateway(inv, gw);
    if (knownWorkloads.length && !workloads.length) {
      labels ??= knownWorkloads
        .map(
          (w) =>
            `${w.ref}: ${Object.entries(w.podLabels)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')}`,
        )
        .join('; ');
      f.add(
        'gateway-selector',
        gw,
        'spec.selector',
        `selector ${JSON.stringify(selector)} matches no gateway workload (${labels})`,
        `set spec.selector to the gateway pod labels, e.g. istio: ${knownWorkloads[0].podLabels.istio ?? 'ingressgateway'}`,
      );
    } else if (!knownWorkloads.length) {
      f.add(
        'not-verifiable',
        gw,
        'spec.selector',
        `no gateway workload in the manifests to match selector ${JSON.stringify(selector)} against`,
        'check the selector matches the ingress gateway pod labels (istio: ingressgateway for istioctl installs)',
        { missing: true },
      );
    }
    for (const s of gatewayServers(gw)) {
      const field = `spec.servers[${s.index}]`;
      // Whatever fronts a Gateway no ALB targets (an NLB, nothing yet), only its credential is checked here.
      if (!behind.has(gw)) {
        if (isTlsServer(s) && s.tlsMode === 'SIMPLE')
          checkCredential(
            inv,
            gw,
            s.credentialName,
            `${field}.tls.credentialName`,
            workloads.map((w) => w.namespace),
            f,
          );
        continue;
      }
      if (s.httpsRedirect) {
        f.add(
          'gateway-https-redirect',
          gw,
          `${field}.tls.httpsRedirect`,
          'httpsRedirect behind an ALB that already terminates TLS can loop redirects',
          'remove tls.httpsRedirect; let the ALB redirect HTTP with ssl-redirect',
        );
      }
      if (!isTlsServer(s)) continue;
      const bad = s.hosts.filter((h) => h !== '*' && !/^[^/]+\/\*$/.test(h));
      if (bad.length) {
        f.add(
          'gateway-sni-hosts',
          gw,
          `${field}.hosts`,
          `hosts ${bad.join(', ')} add an SNI match, but the ALB sends no SNI: the handshake is reset and the ALB returns 502`,
          'set hosts: ["*"] (or ["<vs-namespace>/*"]) and restrict hosts in the VirtualService and the Ingress rule',
        );
      }
      const mode = s.tlsMode;
      if (mode !== 'SIMPLE') {
        f.add(
          'gateway-tls-mode',
          gw,
          `${field}.tls.mode`,
          mode
            ? `tls.mode ${mode}: the ALB ${/MUTUAL/.test(mode) ? 'cannot present a client certificate' : 'needs the gateway to terminate TLS'}, so requests fail with 502`
            : 'HTTPS server without tls settings',
          'set tls.mode: SIMPLE with credentialName',
        );
        continue;
      }
      checkCredential(
        inv,
        gw,
        s.credentialName,
        `${field}.tls.credentialName`,
        workloads.map((w) => w.namespace),
        f,
      );
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

/** The first cert-manager Certificate writing each Secret, by `namespace name`: indexed once. */
function certificateFor(inv: Inventory, namespace: string, name: string): Obj | undefined {
  const index = inv.memo('certificatesBySecret', () => {
    const m = new Map<string, Obj>();
    for (const [secret, providers] of credentialProviders(inv))
      for (const c of providers) {
        const key = `${c.namespace}\u0000${secret}`;
        if (c.kind === 'Certificate' && !m.has(key)) m.set(key, c);
      }
    return m;
  });
  return index.get(`${namespace}\u0000${name}`);
}

function checkCredential(
  inv: Inventory,
  gw: Obj,
  credential: string | undefined,
  field: string,
  workloadNamespaces: string[],
  f: Findings,
): void {
  if (!credential) {
    f.add(
      'gateway-credential',
      gw,
      field,
      'SIMPLE TLS server has no credentialName',
      'set tls.credentialName to a kubernetes.io/tls Secret in the gateway namespace',
      { istioCode: null },
    );
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
      f.add(
        'not-verifiable',
        gw,
        field,
        `credentialName '${credential}' names namespace ${ns}: it works only if the gateway pods run there, and they are not in the manifests`,
        `check the gateway pods matching ${JSON.stringify(gatewaySelector(gw))} run in ${ns}, or include the gateway Deployment`,
      );
      return;
    }
    if (!namespaces.includes(ns)) {
      f.add(
        'gateway-credential',
        gw,
        field,
        `credentialName '${credential}' points outside the gateway namespace ${namespaces.join(', ')}; istiod never allows that`,
        `create the Secret in ${namespaces[0]} and set credentialName: ${n}`,
      );
      return;
    }
  }
  const providers = credentialProviders(inv);
  for (const ns of namespaces) {
    const secret = inv.find('Secret', ns, name, '');
    const certificate = certificateFor(inv, ns, name);
    if (secret) {
      if (!hasCertKeys(secret)) {
        f.add(
          'gateway-credential',
          secret,
          'data',
          `Secret ${ns}/${name} has neither tls.crt/tls.key nor cert/key`,
          `recreate it with kubectl create secret tls ${name} -n ${ns} --cert=... --key=...`,
          { istioCode: 'IST0161' },
        );
      }
      continue;
    }
    if (certificate) continue;
    const elsewhere = providers.get(name) ?? [];
    if (elsewhere.length && !known) {
      f.add(
        'not-verifiable',
        gw,
        field,
        `credentialName '${name}' is provided by ${elsewhere.map((o) => o.ref).join(', ')}; the gateway pods, whose namespace Istio reads it from, are not in the manifests`,
        `check the gateway pods matching ${JSON.stringify(gatewaySelector(gw))} run in ${unique(elsewhere.map((o) => o.namespace)).join(' or ')}, or include the gateway Deployment`,
      );
    } else if (elsewhere.length) {
      f.add(
        'gateway-credential',
        gw,
        field,
        `credentialName '${name}' is provided by ${elsewhere.map((o) => o.ref).join(', ')}, but the gateway workload reads Secrets only from ${ns}`,
        `create the Secret (or Certificate) in namespace ${ns}`,
      );
    } else {
      f.add(
        'not-verifiable',
        gw,
        field,
        `Secret ${ns}/${name} is not in the manifests (expected: created out of band)`,
        `create it with kubectl create secret tls ${name} -n ${ns} --cert=... --key=... before applying`,
        { missing: true },
      );
    }
  }
}
