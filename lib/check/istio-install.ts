/** How Istio and its gateway are installed: forwarded-header trust, gateway injection, installation profile. */
import { albGatewayWorkloads, AlbIngress } from './alb-model';
import { Findings } from './findings';
import { helmSources, isIstioChartRepo } from './helm-sources';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { WorkloadInfo } from './services-workloads';
import { arr, at, num, parseYamlText, rec, str } from './util';

const PROXY_CONFIG = 'proxy.istio.io/config';
const TRUSTED_PROXIES = 'gatewayTopology.numTrustedProxies';

/** numTrustedProxies from the mesh-wide proxy defaults: IstioOperator meshConfig, istiod chart values, or the `istio` ConfigMap. */
function meshTrustedProxies(inv: Inventory): number | undefined {
  const found: (number | undefined)[] = [];
  for (const io of inv.of('IstioOperator'))
    found.push(num(at(io.raw.spec, `meshConfig.defaultConfig.${TRUSTED_PROXIES}`)));
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app)) {
      if (s.chart === 'istiod' && isIstioChartRepo(s.repoURL))
        found.push(num(at(s.values, `meshConfig.defaultConfig.${TRUSTED_PROXIES}`)));
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
  if (w.installer.kind === 'IstioOperator')
    return { obj: w.installer, field: `spec.meshConfig.defaultConfig.${TRUSTED_PROXIES}` };
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
    f.add(
      'gateway-namespace-injection',
      src.obj,
      src.field,
      `namespace ${w.namespace} has istio-injection=disabled, but ${w.ref}${w.obj ? '' : ` (${w.origin})`} gets its proxy by injection: its pods never start`,
      `remove istio-injection=disabled from namespace ${w.namespace} (leave it unlabelled or set istio-injection=enabled)`,
    );
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
      f.add(
        'gateway-trusted-proxies',
        target.obj,
        target.field,
        `${w.ref}${w.obj ? '' : ` (${w.origin})`} ${trusted === undefined ? 'does not set' : `sets ${trusted} for`} ${TRUSTED_PROXIES}: behind the ALB, Envoy takes the ALB as the client and ignores X-Forwarded-For`,
        `annotate the gateway pods ${PROXY_CONFIG}: '{"gatewayTopology":{"numTrustedProxies":1}}' (or set meshConfig.defaultConfig.gatewayTopology)`,
      );
    }
    checkGatewayInjection(inv, w, f);
  }
  for (const io of inv.of('IstioOperator')) {
    if (str(at(io.raw.spec, 'profile')) === 'demo') {
      f.add(
        'istio-profile-demo',
        io,
        'spec.profile',
        'the demo profile turns on heavy tracing and access logging and is not meant for production',
        'use the default profile (or the Helm charts with their default values)',
      );
    }
  }
  for (const app of inv.of('Application', 'argoproj.io')) {
    for (const s of helmSources(app)) {
      if (!isIstioChartRepo(s.repoURL) || str(s.values.profile) !== 'demo') continue;
      f.add(
        'istio-profile-demo',
        app,
        `${s.valuesField}.profile`,
        `the ${s.chart ?? 'Istio'} chart is installed with profile demo, which is not meant for production`,
        'remove the profile value (chart defaults) or use profile default',
      );
    }
  }
}
