import {
  APPS_NEED_ISTIO_EDGE,
  APP_NAMESPACE_NOT,
  GATEWAY_NAME_WITH_GATEWAY_API,
  GROUP_NAME_WITH_GATEWAY_API,
  YELB_NEEDS_ISTIO_EDGE,
} from '../lib/config/semantics';
import { WAF_DETACH_WITH_GATEWAY_API } from '../lib/alb-gateway-values';
import { GATEWAY_API_NAME_MAX } from '../lib/istio-gateway-class';
import { KUBERNETES_SYSTEM_NAMESPACES } from '../lib/mesh-namespace';
import { PARTITION_REGIONS } from '../lib/patterns';
import { YELB_GATEWAY_CALLABLE, YELB_WORKLOADS } from '../lib/yelb-app';

/**
 * The checks across several config values, which the JSON Schema cannot express: one registry for both outputs. The
 * plain synth makes each check in TypeScript (lib/config/semantics.ts, or the construct that owns the fact, whose
 * errors the charts map to config keys); the Helm chart makes it in validate.yaml from `template`. `example` breaks
 * the rule: test/helm/cross-field-rules.spec.ts proves that synth and `helm template` refuse it with the same line.
 */
export interface CrossFieldRule {
  readonly id: string;
  /** Where the TypeScript twin lives. */
  readonly madeBy: string;
  /** Go template lines for the chart's validate define; `h` names the chart's helpers (`h('echo')`). */
  readonly template: (h: (name: string) => string) => string;
  /** Values (a config file's content) that break the rule, and the one line both refusals give. */
  readonly example: { readonly values: Record<string, unknown>; readonly message: string };
}

/** The Kubernetes system namespaces as a Go-template list. */
const SYSTEM_NAMESPACES = `(list ${KUBERNETES_SYSTEM_NAMESPACES.map((n) => JSON.stringify(n)).join(' ')})`;

/** A team's app with the required keys, for the examples. */
const app = (name: string, more: Record<string, unknown> = {}) => ({
  name,
  hosts: [`${name}.example.com`],
  routes: [{ pathPrefix: '/', service: 'web', port: 80 }],
  ...more,
});

const ARN = (region: string, partition = 'aws') =>
  `arn:${partition}:acm:${region}:210987654321:certificate/6f1c0e5e-2f0a-4d5b-9e0c-0123456789ab`;

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    id: 'yelb-needs-istio-edge',
    madeBy: 'lib/config/semantics.ts componentProblem',
    template: (h) => `{{- if and .Values.yelb.enabled (not .Values.istioEdge.enabled) }}
{{- include "${h('refuse')}" (list $ ${JSON.stringify(YELB_NEEDS_ISTIO_EDGE)}) }}
{{- end }}`,
    example: { values: { istioEdge: { enabled: false } }, message: YELB_NEEDS_ISTIO_EDGE },
  },
  {
    id: 'app-namespace-of-its-own',
    madeBy: 'lib/config/semantics.ts appNamespaceProblem',
    template: (
      h,
    ) => `{{- if and (or .Values.yelb.enabled .Values.istioEdge.enabled) (include "${h('sampleActive')}" .) }}
{{- $ns := .Values.namespace }}
{{- $not := "" }}
{{- if eq $ns .Values.mesh.rootNamespace }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.root)} }}
{{- else if eq $ns .Values.gateway.namespace }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.gateway)} }}
{{- else if has $ns ${SYSTEM_NAMESPACES} }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.system)} }}
{{- end }}
{{- if $not }}
{{- include "${h('refuse')}" (list $ (printf "'namespace' must be a namespace of its own, not %s, got %s" $not (include "${h('echo')}" $ns))) }}
{{- end }}
{{- end }}`,
    example: {
      values: { namespace: 'kube-system' },
      message: `'namespace' must be a namespace of its own, not ${APP_NAMESPACE_NOT.system}, got "kube-system"`,
    },
  },
  {
    id: 'group-name-with-gateway-api',
    madeBy: 'lib/config/semantics.ts albApiProblem',
    template: (h) => `{{- if and (eq .Values.alb.api "gatewayApi") .Values.alb.groupName }}
{{- include "${h('refuse')}" (list $ (printf "%s, got %s" ${JSON.stringify(GROUP_NAME_WITH_GATEWAY_API)} (include "${h('echo')}" .Values.alb.groupName))) }}
{{- end }}`,
    example: {
      values: { alb: { api: 'gatewayApi', groupName: 'shared' } },
      message: `${GROUP_NAME_WITH_GATEWAY_API}, got "shared"`,
    },
  },
  {
    id: 'gateway-name-with-gateway-api',
    madeBy: 'lib/config/semantics.ts gatewayNameProblem',
    template: (
      h,
    ) => `{{- if and (eq .Values.gateway.api "gatewayApi") (gt (len .Values.gateway.name) ${GATEWAY_API_NAME_MAX}) }}
{{- include "${h('refuse')}" (list $ (printf "%s, got %s" ${JSON.stringify(GATEWAY_NAME_WITH_GATEWAY_API)} (include "${h('echo')}" .Values.gateway.name))) }}
{{- end }}`,
    example: {
      values: { gateway: { api: 'gatewayApi', name: 'g'.repeat(GATEWAY_API_NAME_MAX + 1) } },
      message: `${GATEWAY_NAME_WITH_GATEWAY_API}, got "${'g'.repeat(GATEWAY_API_NAME_MAX + 1)}"`,
    },
  },
  {
    id: 'waf-detach-with-gateway-api',
    madeBy: 'lib/alb-gateway.ts AlbGateway',
    template: (
      h,
    ) => `{{- if and .Values.albIngress.enabled (eq .Values.alb.api "gatewayApi") (eq (toString .Values.alb.wafv2AclArn) "none") }}
{{- include "${h('refuse')}" (list $ ${JSON.stringify(`'alb.wafv2AclArn' ${WAF_DETACH_WITH_GATEWAY_API}`)}) }}
{{- end }}`,
    example: {
      values: { alb: { api: 'gatewayApi', wafv2AclArn: 'none' } },
      message: `'alb.wafv2AclArn' ${WAF_DETACH_WITH_GATEWAY_API}`,
    },
  },
  {
    id: 'arn-partition-region',
    madeBy: 'lib/config/semantics.ts configProblem (arnPartitionProblem)',
    template: (h) => `{{- $arnKey := ternary "certificate_arn" "certificateArn" (not (empty .Values.certificate_arn)) }}
{{- $arns := .Values.certificate_arn | default .Values.certificateArn }}
{{- if kindIs "slice" $arns }}
{{- range $i, $arn := $arns }}{{ include "${h('partition')}" (list (printf "%s[%d]" $arnKey $i) $arn $) }}{{ end }}
{{- else }}{{ include "${h('partition')}" (list $arnKey $arns $) }}
{{- end }}
{{- if .Values.alb.wafv2AclArn }}{{ include "${h('partition')}" (list "alb.wafv2AclArn" .Values.alb.wafv2AclArn $) }}{{ end }}`,
    example: {
      values: { certificateArn: ARN('us-east-1', 'aws-cn') },
      message: `'certificateArn' must name ${PARTITION_REGIONS['aws-cn']}, as its partition is aws-cn, got "${ARN('us-east-1', 'aws-cn')}"`,
    },
  },
  {
    id: 'request-not-above-limit',
    madeBy: 'lib/config/semantics.ts configProblem (requestAboveLimitProblem)',
    template: (h) => `{{- if .Values.yelb.enabled }}
{{- range $w := list ${YELB_WORKLOADS.map((w) => JSON.stringify(w.key)).join(' ')} }}
{{- $r := (get $.Values.yelb $w).resources }}
{{- range $resource, $size := dict "cpu" "${h('millicores')}" "memory" "${h('bytes')}" }}
{{- $request := get $r.requests $resource }}
{{- $limit := get $r.limits $resource }}
{{- if gt (include $size $request | float64) (include $size $limit | float64) }}
{{- include "${h('refuse')}" (list $ (printf "'yelb.%s.resources.requests.%s' must not exceed yelb.%s.resources.limits.%s (%s), got %s" $w $resource $w $resource (toString $limit) (include "${h('echo')}" (toString $request)))) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
    example: {
      values: { yelb: { db: { resources: { requests: { memory: '3Gi' } } } } },
      message: `'yelb.db.resources.requests.memory' must not exceed yelb.db.resources.limits.memory (2048Mi), got "3Gi"`,
    },
  },
  {
    id: 'certificates-one-region',
    madeBy: 'lib/alb-ingress.ts AlbIngress',
    template: (h) => `{{- if .Values.albIngress.enabled }}
{{- $regions := list }}
{{- range include "${h('certificateArns')}" . | fromJsonArray }}
{{- $regions = append $regions (index (splitList ":" .) 3) | uniq }}
{{- end }}
{{- if gt (len $regions) 1 }}
{{- include "${h('refuse')}" (list $ (printf "'certificateArn' must all be in the ALB's region, got regions %s" (join ", " $regions))) }}
{{- end }}
{{- end }}`,
    example: {
      values: { certificateArn: [ARN('us-east-1'), ARN('eu-west-1')] },
      message: `'certificateArn' must all be in the ALB's region, got regions us-east-1, eu-west-1`,
    },
  },
  {
    id: 'alb-list-keys-once',
    madeBy: 'lib/alb-ingress.ts AlbIngress (assertKeyValues)',
    template: (h) => `{{- if .Values.albIngress.enabled }}
{{- range $name := list "loadBalancerAttributes" "targetGroupAttributes" "tags" }}
{{- $keys := list }}
{{- range $i, $entry := get $.Values.alb $name }}
{{- $key := splitList "=" $entry | first }}
{{- if has $key $keys }}
{{- include "${h('refuse')}" (list $ (printf "'alb.%s[%d]' must not repeat the key %s, got %q" $name $i $key $entry)) }}
{{- end }}
{{- $keys = append $keys $key }}
{{- end }}
{{- end }}
{{- end }}`,
    example: {
      values: { alb: { tags: ['team=a', 'team=b'] } },
      message: `'alb.tags[1]' must not repeat the key team, got "team=b"`,
    },
  },
  {
    id: 'ipv6-only-alb-faces-internet',
    madeBy: 'lib/alb-ingress.ts addressTypeError',
    template: (
      h,
    ) => `{{- if and .Values.albIngress.enabled (eq .Values.alb.ipAddressType "dualstack-without-public-ipv4") (ne .Values.alb.scheme "internet-facing") }}
{{- include "${h('refuse')}" (list $ (printf "'alb.ipAddressType' dualstack-without-public-ipv4 needs 'alb.scheme' internet-facing, got 'alb.scheme' %q" .Values.alb.scheme)) }}
{{- end }}`,
    example: {
      values: { alb: { scheme: 'internal', ipAddressType: 'dualstack-without-public-ipv4' } },
      message: `'alb.ipAddressType' dualstack-without-public-ipv4 needs 'alb.scheme' internet-facing, got 'alb.scheme' "internal"`,
    },
  },
  {
    id: 'ipv6-cidr-needs-dualstack',
    madeBy: 'lib/alb-ingress.ts addressTypeError',
    template: (h) => `{{- if .Values.albIngress.enabled }}
{{- range $i, $cidr := .Values.alb.inboundCidrs }}
{{- if and (contains ":" $cidr) (not (hasPrefix "dualstack" $.Values.alb.ipAddressType)) }}
{{- include "${h('refuse')}" (list $ (printf "'alb.inboundCidrs[%d]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 (the controller rejects IPv6 ones for an IPv4-only ALB), got %q" $i $cidr)) }}
{{- end }}
{{- end }}
{{- end }}`,
    example: {
      values: { alb: { inboundCidrs: ['10.0.0.0/8', '2001:db8::/32'] } },
      message: `'alb.inboundCidrs[1]' must be an IPv4 CIDR unless 'alb.ipAddressType' is dualstack or dualstack-without-public-ipv4 (the controller rejects IPv6 ones for an IPv4-only ALB), got "2001:db8::/32"`,
    },
  },
  {
    id: 'web-acl-in-alb-region',
    madeBy: 'lib/alb-ingress.ts AlbIngress',
    template: (
      h,
    ) => `{{- if and .Values.albIngress.enabled .Values.alb.wafv2AclArn (ne .Values.alb.wafv2AclArn "none") }}
{{- $region := index (splitList ":" .Values.alb.wafv2AclArn) 3 }}
{{- $albRegion := index (splitList ":" (include "${h('certificateArns')}" . | fromJsonArray | first)) 3 }}
{{- if ne $region $albRegion }}
{{- include "${h('refuse')}" (list $ (printf "'alb.wafv2AclArn' must be in the ALB's region, %s (that of 'certificateArn'), got region %s" $albRegion $region)) }}
{{- end }}
{{- end }}`,
    example: {
      values: { alb: { wafv2AclArn: 'arn:aws:wafv2:eu-west-1:210987654321:regional/webacl/edge/0000-1111' } },
      message: `'alb.wafv2AclArn' must be in the ALB's region, us-east-1 (that of 'certificateArn'), got region eu-west-1`,
    },
  },
  {
    id: 'route-to-yelb-port',
    madeBy: 'charts/index.ts (IstioEdge validation with the yelb Service ports)',
    template: (h) => `{{- if and .Values.yelb.enabled .Values.istioEdge.enabled }}
{{- $ports := dict ${YELB_WORKLOADS.map((w) => `${JSON.stringify(w.name)} ${w.port}`).join(' ')} }}
{{- range $i, $route := .Values.istioEdge.routes }}
{{- if and (hasKey $ports $route.service) (ne (int (get $ports $route.service)) (int $route.port)) }}
{{- include "${h('refuse')}" (list $ (printf "'istioEdge.routes[%d].port' must be %d, the port of Service %s, got %d" $i (int (get $ports $route.service)) $route.service (int $route.port))) }}
{{- end }}
{{- if and $.Values.mesh.authorization (hasKey $ports $route.service) (not (has $route.service (list ${YELB_GATEWAY_CALLABLE.map((n) => JSON.stringify(n)).join(' ')}))) }}
{{- include "${h('refuse')}" (list $ (printf "'istioEdge.routes[%d].service' must be ${YELB_GATEWAY_CALLABLE.join(' or ')} while mesh.authorization is on, got %q" $i $route.service)) }}
{{- end }}
{{- end }}
{{- end }}`,
    example: {
      values: { istioEdge: { routes: [{ pathPrefix: '/', service: 'yelb-ui', port: 8080 }] } },
      message: `'istioEdge.routes[0].port' must be 80, the port of Service yelb-ui, got 8080`,
    },
  },
  {
    id: 'gateway-route-authorized',
    madeBy: 'charts/index.ts (IstioEdge validation with the yelb Service ports)',
    // made by the template of route-to-yelb-port
    template: () => '',
    example: {
      values: { istioEdge: { routes: [{ pathPrefix: '/api', service: 'yelb-appserver', port: 4567 }] } },
      message: `'istioEdge.routes[0].service' must be yelb-ui while mesh.authorization is on, got "yelb-appserver"`,
    },
  },
  {
    id: 'virtual-service-name-free',
    madeBy: 'lib/istio-edge.ts IstioEdge',
    template: (h) => `{{- if and .Values.yelb.enabled .Values.istioEdge.enabled }}
{{- if has .Values.istioEdge.virtualServiceName (list ${YELB_WORKLOADS.filter((w) => w.mesh)
      .map((w) => JSON.stringify(w.name))
      .join(' ')}) }}
{{- include "${h('refuse')}" (list $ (printf "'istioEdge.virtualServiceName' must differ from the mesh service names, got %q" .Values.istioEdge.virtualServiceName)) }}
{{- end }}
{{- end }}`,
    example: {
      values: { istioEdge: { virtualServiceName: 'yelb-appserver' } },
      message: `'istioEdge.virtualServiceName' must differ from the mesh service names, got "yelb-appserver"`,
    },
  },
  {
    id: 'certificate-lifetime',
    madeBy: 'lib/gateway-certificate.ts GatewayCertificate',
    template: (h) => `{{- if eq .Values.gateway.tls.mode "certManager" }}
{{- $duration := include "${h('seconds')}" .Values.gateway.tls.duration | float64 }}
{{- if ge (include "${h('seconds')}" .Values.gateway.tls.renewBefore | float64) $duration }}
{{- include "${h('refuse')}" (list $ (printf "'gateway.tls.renewBefore' must be shorter than 'gateway.tls.duration' (%s), got %q" .Values.gateway.tls.duration .Values.gateway.tls.renewBefore)) }}
{{- end }}
{{- if lt $duration 3600.0 }}
{{- include "${h('refuse')}" (list $ (printf "'gateway.tls.duration' must be at least 1h, got %q" .Values.gateway.tls.duration)) }}
{{- end }}
{{- end }}`,
    example: {
      values: { gateway: { tls: { mode: 'certManager', duration: '720h', renewBefore: '720h' } } },
      message: `'gateway.tls.renewBefore' must be shorter than 'gateway.tls.duration' (720h), got "720h"`,
    },
  },
  {
    id: 'certificate-lifetime-minimum',
    madeBy: 'lib/gateway-certificate.ts GatewayCertificate',
    // made by the template of certificate-lifetime
    template: () => '',
    example: {
      values: { gateway: { tls: { mode: 'certManager', duration: '59m', renewBefore: '10m' } } },
      message: `'gateway.tls.duration' must be at least 1h, got "59m"`,
    },
  },
  {
    id: 'apps-need-istio-edge',
    madeBy: 'lib/config/semantics.ts appsProblem',
    template: (h) => `{{- $apps := list }}
{{- range $i, $a := .Values.apps }}{{ if or (not (hasKey $a "enabled")) $a.enabled }}{{ $apps = append $apps (list $i $a) }}{{ end }}{{ end }}
{{- if $apps }}
{{- if not .Values.istioEdge.enabled }}{{ include "${h('refuse')}" (list $ ${JSON.stringify(APPS_NEED_ISTIO_EDGE)}) }}{{ end }}
{{- $names := dict }}
{{- $namespaces := dict }}
{{- $hosts := dict }}
{{- if include "${h('sampleActive')}" . }}
{{- $_ := set $namespaces .Values.namespace "'namespace' (the sample's)" }}
{{- range include "${h('hosts')}" . | fromJsonArray }}{{ $_ := set $hosts . "'host' (the sample's)" }}{{ end }}
{{- end }}
{{- $region := index (splitList ":" (include "${h('certificateArns')}" . | fromJsonArray | first)) 3 }}
{{- range $entry := $apps }}
{{- $a := index $entry 1 }}
{{- $key := printf "apps[%d]" (index $entry 0) }}
{{- if hasKey $names $a.name }}
{{- include "${h('refuse')}" (list $ (printf "'%s.name' repeats the name of %s: app names are unique, got %s" $key (get $names $a.name) (include "${h('echo')}" $a.name))) }}
{{- end }}
{{- $_ := set $names $a.name $key }}
{{- $ns := $a.namespace | default $a.name }}
{{- $nsKey := ternary (printf "%s.namespace" $key) (printf "%s.name" $key) (hasKey $a "namespace") }}
{{- $not := "" }}
{{- if eq $ns $.Values.mesh.rootNamespace }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.root)} }}
{{- else if eq $ns $.Values.gateway.namespace }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.gateway)} }}
{{- else if has $ns ${SYSTEM_NAMESPACES} }}{{ $not = ${JSON.stringify(APP_NAMESPACE_NOT.system)} }}
{{- end }}
{{- if $not }}
{{- include "${h('refuse')}" (list $ (printf "'%s' must give the app a namespace of its own, not %s, got %s" $nsKey $not (include "${h('echo')}" $ns))) }}
{{- end }}
{{- if hasKey $namespaces $ns }}
{{- include "${h('refuse')}" (list $ (printf "'%s' must give the app a namespace of its own, not that of %s, got %s" $nsKey (get $namespaces $ns) (include "${h('echo')}" $ns))) }}
{{- end }}
{{- $_ := set $namespaces $ns $key }}
{{- range $i, $host := $a.hosts }}
{{- if hasKey $hosts $host }}
{{- include "${h('refuse')}" (list $ (printf "'%s.hosts[%d]' is already a host of %s: a host belongs to one app, got %s" $key $i (get $hosts $host) (include "${h('echo')}" $host))) }}
{{- end }}
{{- $_ := set $hosts $host (printf "%s (%s)" $key $a.name) }}
{{- end }}
{{- $prefixes := dict }}
{{- range $i, $route := $a.routes }}
{{- if hasKey $prefixes $route.pathPrefix }}
{{- include "${h('refuse')}" (list $ (printf "'%s.routes[%d].pathPrefix' repeats the prefix of %s.routes[%d], which always matches first, got %s" $key $i $key (get $prefixes $route.pathPrefix) (include "${h('echo')}" $route.pathPrefix))) }}
{{- end }}
{{- $_ := set $prefixes $route.pathPrefix $i }}
{{- end }}
{{- $workloads := dict }}
{{- range $i, $allow := (default (list) $a.allow) }}
{{- if hasKey $workloads $allow.workload }}
{{- include "${h('refuse')}" (list $ (printf "'%s.allow[%d].workload' repeats %s.allow[%d]: list all callers and ports of a workload in one entry, got %s" $key $i $key (get $workloads $allow.workload) (include "${h('echo')}" $allow.workload))) }}
{{- end }}
{{- $_ := set $workloads $allow.workload $i }}
{{- end }}
{{- if hasKey $a "certificateArn" }}
{{- $single := kindIs "string" $a.certificateArn }}
{{- range $i, $arn := include "${h('asList')}" $a.certificateArn | fromJsonArray }}
{{- $field := ternary (printf "%s.certificateArn" $key) (printf "%s.certificateArn[%d]" $key $i) $single }}
{{- include "${h('partition')}" (list $field $arn $) }}
{{- $own := index (splitList ":" $arn) 3 }}
{{- if ne $own $region }}
{{- include "${h('refuse')}" (list $ (printf "'%s' must be in the ALBs' region, %s (that of 'certificateArn'), got region %s" $field $region $own)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
    example: {
      values: { istioEdge: { enabled: false }, yelb: { enabled: false }, apps: [app('shop')] },
      message: APPS_NEED_ISTIO_EDGE,
    },
  },
  ...(
    [
      [
        'app-names-unique',
        { apps: [app('shop'), app('shop', { namespace: 'shop-2', hosts: ['b.example.com'] })] },
        `'apps[1].name' repeats the name of apps[0]: app names are unique, got "shop"`,
      ],
      [
        'app-namespace-not-a-system-one',
        { apps: [app('kube-system')] },
        `'apps[0].name' must give the app a namespace of its own, not ${APP_NAMESPACE_NOT.system}, got "kube-system"`,
      ],
      [
        'app-namespaces-distinct',
        { apps: [app('shop', { namespace: 'yelb' })] },
        `'apps[0].namespace' must give the app a namespace of its own, not that of 'namespace' (the sample's), got "yelb"`,
      ],
      [
        'app-hosts-distinct',
        { apps: [app('shop'), app('blog', { hosts: ['blog.example.com', 'shop.example.com'] })] },
        `'apps[1].hosts[1]' is already a host of apps[0] (shop): a host belongs to one app, got "shop.example.com"`,
      ],
      [
        'app-route-prefixes-distinct',
        {
          apps: [
            app('shop', {
              routes: [
                { pathPrefix: '/', service: 'a', port: 80 },
                { pathPrefix: '/', service: 'b', port: 80 },
              ],
            }),
          ],
        },
        `'apps[0].routes[1].pathPrefix' repeats the prefix of apps[0].routes[0], which always matches first, got "/"`,
      ],
      [
        'app-allow-workloads-distinct',
        {
          apps: [
            app('shop', {
              allow: [
                { workload: 'api', ports: [80], from: ['web'] },
                { workload: 'api', ports: [81], from: ['web'] },
              ],
            }),
          ],
        },
        `'apps[0].allow[1].workload' repeats apps[0].allow[0]: list all callers and ports of a workload in one entry, got "api"`,
      ],
      [
        'app-certificate-in-alb-region',
        { apps: [app('shop', { certificateArn: [ARN('us-east-1'), ARN('eu-west-1')] })] },
        `'apps[0].certificateArn[1]' must be in the ALBs' region, us-east-1 (that of 'certificateArn'), got region eu-west-1`,
      ],
    ] as const
  ).map(([id, values, message]) => ({
    id,
    madeBy: 'lib/config/semantics.ts appsProblem',
    // made by the template of apps-need-istio-edge
    template: () => '',
    example: { values, message },
  })),
  {
    id: 'alb-plan-within-quotas',
    madeBy: 'charts/alb-ingress-chart.ts albPlanOf (lib/alb-plan.ts planAlbs)',
    template: (h) => `{{- if .Values.albIngress.enabled }}
{{- $plan := include "${h('albPlan')}" . | fromJson }}
{{- if $plan.error }}{{ include "${h('refuse')}" (list $ $plan.error) }}{{ end }}
{{- end }}`,
    example: {
      values: { alb: { quotas: { albs: 1, rules: 1 } }, apps: [app('shop')] },
      message: `'apps[0]' needs ALB 2, over alb.quotas.albs (Application Load Balancers per Region, adjustable): 1 (app shop); raise the quota or share certificates between apps`,
    },
  },
];

/** The body of the chart's validate define: every rule's template, in registry order. */
export const crossFieldTemplate = (h: (name: string) => string) =>
  CROSS_FIELD_RULES.map((r) => r.template(h))
    .filter((t) => t !== '')
    .join('\n');
