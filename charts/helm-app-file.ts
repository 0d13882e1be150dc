import { App } from 'cdk8s';
import { ResolvedApp } from '../lib/config/apps';
import { Config } from '../lib/config/types';
import { MTLS_MODES, OUTBOUND_POLICIES, resourceNameOf } from '../lib/istio-edge';
import { policyName } from '../lib/mesh-app';
import { spiffePrincipal } from '../lib/mesh-authorization';
import { helper } from '../lib/output/helm-names';
import { ListSpec, Ref } from '../lib/output/helm-nodes';
import { SchemaNode, configSchemaAt } from '../lib/output/helm-schema-node';
import { Sentinels } from '../lib/output/helm-templatize';
import { SentinelSet, formatAt, marker } from '../lib/output/helm-value-rows';
import { nodeKey } from '../lib/output/helm-nodes';
import { RepeatedFile, RepeatedVariant } from '../lib/output/stack';
import { AppChart } from './app-chart';

/*
 * The teams' apps in the Helm chart: one template file repeats AppChart's objects for every enabled element of the
 * `apps` value. The objects come from synths of AppChart with a sentinel app; the templates read the app through
 * `$app`, the app as resolvedApps (lib/config/apps.ts) resolves it, computed by the named template resolvedApp: its
 * defaults (namespace from the name, targetPort from port, ...) and what MeshApp derives from several fields at once
 * (one gateway policy per workload with the ports of all its routes, the callers' principals), which the sentinels
 * of single fields could not show. The equivalence tests compare both on apps with every optional key set and unset.
 */

/** The template file of all apps. */
export const APPS_FILE = '22-apps.yaml';

const APP = '$app';
const LIST = 'apps';

/** The config schema node of an app field (`routes.workload`). */
function appNode(field: string): SchemaNode | undefined {
  return field
    .split('.')
    .reduce<SchemaNode | undefined>((n, k) => (n?.items ?? n)?.properties?.[k], configSchemaAt(LIST)?.items);
}
/** Element `index` of a field's sentinels, made by the field's value format. */
const sentinel = (field: string, set: SentinelSet, index = 0) =>
  formatAt(`${LIST}.${field}`, appNode(field)).sentinel(marker(`${LIST}.${field}`, set), index);
/**
 * A workload's sentinel: its index in the marker, ahead of set 1's padding, so that the policy names made from
 * the two workloads (`gateway-to-<workload>` cut to 63 characters) stay distinct.
 */
const workloadSentinel = (field: string, set: SentinelSet, index: number) =>
  formatAt(`${LIST}.${field}`, appNode(field)).sentinel(marker(`${LIST}.${field}${index + 1}`, set), 0);

/** Ports carry no marker: numbers no default and no other row uses. */
const PORTS = { port: 65101, targetPort: 65103, allow: 65105 } as const;
const portOf = (base: number, set: SentinelSet, i: number) => base + i + 10 * set;
const allowPorts = (set: SentinelSet, i: number) => [0, 1].map((j) => portOf(PORTS.allow, set, 2 * i + j));

const elem = (list: string, index: number, field?: string): Ref => ({ t: 'elem', list: `app.${list}`, index, field });
const field = (name: string): Ref => ({ t: 'expr', expr: `${APP}.${name}` });

/** The sentinel app of a set: every list with two elements, every optional key set (defaults are the resolver's). */
function sentinelApp(set: SentinelSet): ResolvedApp {
  const two = <T>(make: (i: number) => T) => [make(0), make(1)];
  return {
    key: 'apps[0]',
    configured: { name: '', hosts: [], routes: [] },
    name: sentinel('name', set),
    namespace: sentinel('namespace', set),
    hosts: two((i) => sentinel('hosts', set, i + 1)),
    certificateArns: [],
    routes: two((i) => ({
      pathPrefix: sentinel('routes.pathPrefix', set, i + 1),
      service: sentinel('routes.service', set, i + 1),
      port: portOf(PORTS.port, set, i),
      targetPort: portOf(PORTS.targetPort, set, i),
      workload: workloadSentinel('routes.workload', set, i),
    })),
    externalHosts: two((i) => sentinel('externalHosts', set, i + 1)),
    mtlsMode: 'STRICT',
    namespacePeerAuthentication: true,
    outboundTrafficPolicy: 'REGISTRY_ONLY',
    authorization: true,
    workloadLabel: sentinel('workloadLabel', set),
    allow: two((i) => ({
      workload: workloadSentinel('allow.workload', set, i),
      ports: allowPorts(set, i),
      from: two((j) => sentinel('allow.from', set, 2 * i + j + 1)),
    })),
  };
}

/** What the sentinels of a set stand for; the trust domain is the main synth's sentinel of mesh.trustDomain. */
function appSentinels(set: SentinelSet, trustDomain: string): Sentinels {
  const app = sentinelApp(set);
  const strings = new Map<string, Ref>([
    [app.name, field('name')],
    [app.namespace, field('namespace')],
    [app.workloadLabel, field('workloadLabel')],
  ]);
  const numbers = new Map<number, Ref>();
  const maps = new Map<string, Ref>();
  app.hosts.forEach((h, i) => strings.set(h, elem('hosts', i)));
  app.externalHosts.forEach((h, i) => {
    strings.set(h, elem('externalHosts', i));
    strings.set(resourceNameOf(h), { t: 'derived', helper: helper('resourceName'), of: elem('externalHosts', i) });
  });
  app.routes.forEach((r, i) => {
    strings.set(r.pathPrefix, elem('routes', i, 'pathPrefix'));
    strings.set(r.service, elem('routes', i, 'service'));
    numbers.set(r.port, elem('routes', i, 'port'));
    // The sentinel routes reach two workloads, one port each: the resolver's gateway targets, one per workload.
    strings.set(r.workload, elem('gatewayTargets', i, 'workload'));
    strings.set(policyName('gateway-to-', r.workload), elem('gatewayTargets', i, 'name'));
    maps.set(nodeKey({ [app.workloadLabel]: r.workload }), elem('gatewayTargets', i, 'selector'));
    maps.set(nodeKey([String(r.targetPort)]), elem('gatewayTargets', i, 'ports'));
  });
  app.allow.forEach((a, i) => {
    strings.set(a.workload, elem('allow', i, 'workload'));
    strings.set(policyName('callers-of-', a.workload), elem('allow', i, 'name'));
    maps.set(nodeKey({ [app.workloadLabel]: a.workload }), elem('allow', i, 'selector'));
    maps.set(nodeKey(a.ports.map(String)), elem('allow', i, 'ports'));
    const principals = a.from.map((sa) => spiffePrincipal(trustDomain, app.namespace, sa));
    maps.set(nodeKey(principals), elem('allow', i, 'principals'));
  });
  return { strings, numbers, maps };
}

const LISTS = new Map<string, ListSpec>(
  (
    [
      ['hosts', 'host'],
      ['routes', 'route'],
      ['externalHosts', 'externalHost'],
      ['gatewayTargets', 'target'],
      ['allow', 'allowed'],
    ] as const
  ).map(([list, variable]) => [`app.${list}`, { variable, expr: `${APP}.${list}` }]),
);

const enumVariants = (key: 'mtlsMode' | 'outboundTrafficPolicy', values: readonly string[]): RepeatedVariant[] => {
  const base = sentinelApp(0)[key];
  const others = values.filter((v) => v !== base);
  return others.map((value) => ({
    key,
    expr: `${APP}.${key}`,
    base,
    value,
    cond: `eq ${APP}.${key} ${JSON.stringify(value)}`,
    others: others.length,
  }));
};
const switchVariant = (key: 'authorization' | 'namespacePeerAuthentication'): RepeatedVariant => ({
  key,
  expr: `${APP}.${key}`,
  base: true,
  value: false,
  cond: `not ${APP}.${key}`,
  others: 1,
});

const VARIANTS: readonly RepeatedVariant[] = [
  ...enumVariants('mtlsMode', MTLS_MODES),
  ...enumVariants('outboundTrafficPolicy', OUTBOUND_POLICIES),
  switchVariant('authorization'),
  switchVariant('namespacePeerAuthentication'),
];

/** The file of the teams' apps. */
export const APPS_REPEATED_FILE: RepeatedFile = {
  list: LIST,
  fileName: APPS_FILE,
  open: `{{- range $element := $.Values.${LIST} }}
{{- if and (or (not (hasKey $element "enabled")) $element.enabled) (or (ne $.Values.scope "app") (eq $element.name $.Values.scopeApp)) }}
{{- ${APP} := include "${helper('resolvedApp')}" (list $ $element) | fromJson }}
`,
  close: `{{- end }}
{{- end }}
`,
  lists: LISTS,
  sentinels: (set, config) => appSentinels(set, config.mesh.trustDomain),
  variants: VARIANTS,
  build: (app: App, config: Config, set: SentinelSet, variant?: number) => {
    const element = { ...sentinelApp(set) } as Record<string, unknown>;
    if (variant !== undefined) element[VARIANTS[variant].key] = VARIANTS[variant].value;
    return [new AppChart(app, 'App', config, element as unknown as ResolvedApp)];
  },
};

/**
 * The named templates of the apps: resolvedApp (takes (list $ app); returns the app as JSON with resolvedApps'
 * defaults, the gateway targets and the callers' principals) and policyName (MeshApp's name of a policy).
 */
export function appTemplates(h: (name: string) => string): string {
  return `{{/* An app with its defaults applied (lib/config/apps.ts resolvedApps) and what MeshApp derives from it. */}}
{{- define "${h('resolvedApp')}" -}}
{{- $mesh := (index . 0).Values.mesh -}}
{{- $a := index . 1 -}}
{{- $label := $a.workloadLabel | default "app" -}}
{{- $namespace := $a.namespace | default $a.name -}}
{{- $routes := list -}}
{{- $workloads := list -}}
{{- $portsOf := dict -}}
{{- range $a.routes }}
{{- $port := int .port }}
{{- $targetPort := int (.targetPort | default .port) }}
{{- $workload := .workload | default .service }}
{{- $routes = append $routes (dict "pathPrefix" .pathPrefix "service" .service "port" $port "targetPort" $targetPort "workload" $workload) }}
{{- if not (hasKey $portsOf $workload) }}{{ $workloads = append $workloads $workload }}{{ $_ := set $portsOf $workload (list) }}{{ end }}
{{- if not (has (toString $targetPort) (get $portsOf $workload)) }}{{ $_ := set $portsOf $workload (append (get $portsOf $workload) (toString $targetPort)) }}{{ end }}
{{- end }}
{{- $targets := list }}
{{- range $workloads }}
{{- $targets = append $targets (dict "workload" . "name" (include "${h('policyName')}" (list "gateway-to-" .)) "selector" (dict $label .) "ports" (get $portsOf .)) }}
{{- end }}
{{- $allow := list }}
{{- range (default (list) $a.allow) }}
{{- $principals := list }}
{{- range .from }}
{{- $caller := splitList "/" . }}
{{- if eq (len $caller) 1 }}{{ $caller = list $namespace . }}{{ end }}
{{- $principals = append $principals (printf "%s/ns/%s/sa/%s" $mesh.trustDomain (index $caller 0) (index $caller 1)) }}
{{- end }}
{{- $ports := list }}
{{- range .ports }}{{ $ports = append $ports (toString (int .)) }}{{ end }}
{{- $allow = append $allow (dict "workload" .workload "name" (include "${h('policyName')}" (list "callers-of-" .workload)) "selector" (dict $label .workload) "ports" $ports "principals" $principals) }}
{{- end }}
{{- $authorization := $mesh.authorization }}
{{- if hasKey $a "authorization" }}{{ $authorization = $a.authorization }}{{ end }}
{{- toJson (dict "name" $a.name "namespace" $namespace "hosts" $a.hosts "routes" $routes "gatewayTargets" $targets "externalHosts" (default (list) $a.externalHosts) "mtlsMode" ($a.mtlsMode | default $mesh.mtlsMode) "namespacePeerAuthentication" (or (hasKey $a "mtlsMode") (eq $mesh.mtlsScope "namespace")) "outboundTrafficPolicy" ($a.outboundTrafficPolicy | default $mesh.outboundTrafficPolicy) "authorization" $authorization "workloadLabel" $label "allow" $allow) -}}
{{- end }}

{{/* "true" when the top-level keys describe an app (sampleAppActive): yelb is on or no app is enabled. */}}
{{- define "${h('sampleActive')}" -}}
{{- $apps := false }}
{{- range .Values.${LIST} }}{{ if or (not (hasKey . "enabled")) .enabled }}{{ $apps = true }}{{ end }}{{ end }}
{{- if or .Values.yelb.enabled (not $apps) }}true{{ end -}}
{{- end }}

{{/* The namespaces whose HTTPRoutes the Gateway API gateway admits (IstioEdgeChart): the sample's while active, then the enabled apps', sorted, once each. JSON. */}}
{{- define "${h('routeNamespaces')}" -}}
{{- $namespaces := list }}
{{- if include "${h('sampleActive')}" . }}{{ $namespaces = append $namespaces .Values.namespace }}{{ end }}
{{- range .Values.${LIST} }}{{ if or (not (hasKey . "enabled")) .enabled }}{{ $namespaces = append $namespaces (.namespace | default .name) }}{{ end }}{{ end }}
{{- $namespaces | uniq | sortAlpha | toJson -}}
{{- end }}

{{/* MeshApp's policy name: prefix and workload, cut to 63 characters without a trailing dash. Takes (list prefix workload). */}}
{{- define "${h('policyName')}" -}}
{{- regexReplaceAll "-+$" (printf "%s%s" (index . 0) (index . 1) | trunc 63) "" -}}
{{- end }}`;
}
