import { AWS_ALB_QUOTAS, quotaName, ruleLimitsOf } from '../lib/alb-plan';
import { FileContext } from '../lib/output/stack';
import { helper } from '../lib/output/helm-names';
import { INGRESS_SCOPE_FILE } from './helm-chart-rules';
import { ALB_PLAN_RULES, nthAlbName, samplePlanName } from './alb-ingress-chart';

/*
 * The chart's twin of albPlanOf (charts/alb-ingress-chart.ts over planAlbs, lib/alb-plan.ts): the same next-fit over
 * the sample (when active) and the enabled apps, the same quotas and the same refusals, as a named template that
 * returns the plan as JSON. test/helm/alb-plan.spec.ts compares both on generated inputs through a real helm.
 *
 * Left out: planAlbs' refusals of a repeated name or host (validate.yaml refuses those first, with appsProblem's
 * words), of an app without hosts (the schema's minItems) and of an app without certificates (the top-level
 * certificateArn is every ALB's default).
 */

/** `quotas.x (...)` as albPlanOf words it: with the config's `alb.` in front. */
const quota = (key: Parameters<typeof quotaName>[0]) => quotaName(key).replace(/^quotas\./, 'alb.quotas.');
/** A message as a printf format: the words outside the arguments never hold `%`. */
const format = (text: string) => JSON.stringify(text.replace(/%(?![sd])/g, '%%'));

/**
 * Named templates `albPlan` (takes the root context; returns {"albs": [{"apps", "certificateArns", "rules":
 * [{"hosts"}], "hosts"}], "error": <the synth's line or "">}) and `albCost`, what adding an app to an ALB makes it.
 */
export function albPlanTemplate(h: (name: string) => string): string {
  const limits = ruleLimitsOf(AWS_ALB_QUOTAS, ALB_PLAN_RULES);
  const wildcards = (v: string) => `sub (len ${v}) (len (${v} | replace "*" "" | replace "?" ""))`;
  return `{{/*
The plan of ALBs (charts/alb-ingress-chart.ts albPlanOf): the sample's hosts when yelb is on or no app is enabled,
then the enabled apps, placed in order by next-fit within alb.quotas; one host per rule. JSON, with "error" set
to the synth's refusal when the apps do not fit.
*/}}
{{- define "${h('albPlan')}" -}}
{{- $certificates := include "${h('certificateArns')}" . | fromJsonArray -}}
{{- $maxCertificates := int .Values.alb.quotas.certificates -}}
{{- $maxRules := int .Values.alb.quotas.rules -}}
{{- $maxAlbs := int .Values.alb.quotas.albs -}}
{{- $apps := list -}}
{{- range $i, $a := .Values.apps }}
{{- if or (not (hasKey $a "enabled")) $a.enabled }}
{{- $certs := list }}
{{- if hasKey $a "certificateArn" }}{{ $certs = include "${h('asList')}" $a.certificateArn | fromJsonArray }}{{ end }}
{{- $apps = append $apps (dict "name" $a.name "key" (printf "apps[%d]" $i) "hostsKey" (printf "apps[%d].hosts" $i) "certsKey" (printf "apps[%d].certificateArn" $i) "hosts" $a.hosts "certificateArns" $certs) }}
{{- end }}
{{- end }}
{{- $entries := list -}}
{{- if or .Values.yelb.enabled (not $apps) }}
{{- $entries = list (dict "name" (printf ${format(samplePlanName('%s'))} .Values.namespace) "key" "host" "hostsKey" "host" "certsKey" "certificateArn" "hosts" (include "${h('hosts')}" . | fromJsonArray) "certificateArns" $certificates) }}
{{- end }}
{{- $albs := list -}}
{{- $error := "" -}}
{{- range $e := concat $entries $apps }}
{{- range $h, $host := $e.hosts }}
{{- $w := ${wildcards('$host')} }}
{{- if and (not $error) (gt $w ${limits.wildcards}) }}
{{- $error = printf ${format(`'%s[%d]' has %d wildcards, over the ${limits.wildcards} a rule has room for (${quota('wildcardsPerRule')}: ${AWS_ALB_QUOTAS.wildcardsPerRule}), got %s`)} $e.hostsKey $h $w (include "${h('echo')}" $host) }}
{{- end }}
{{- end }}
{{- if not $error }}
{{- $alb := dict }}
{{- $fits := false }}
{{- if $albs }}
{{- $alb = last $albs }}
{{- $cost := include "${h('albCost')}" (list $alb $e) | splitList " " }}
{{- $fits = and (le (index $cost 0 | atoi) $maxCertificates) (le (index $cost 1 | atoi) $maxRules) }}
{{- end }}
{{- if not $fits }}
{{- $alb = dict "apps" (list) "rules" (list) "certificateArns" (list (first $certificates)) }}
{{- $cost := include "${h('albCost')}" (list $alb $e) | splitList " " }}
{{- $sni := index $cost 0 | atoi }}
{{- $rules := index $cost 1 | atoi }}
{{- if gt $sni $maxCertificates }}
{{- $error = printf ${format(`'%s' needs %d certificates besides the ALB's default, over ${quota('certificates')}: %d (app %s)`)} $e.certsKey $sni $maxCertificates $e.name }}
{{- else if gt $rules $maxRules }}
{{- $error = printf ${format(`'%s' needs %d rules for its %d hosts at ${limits.values} per rule, over ${quota('rules')}: %d (app %s)`)} $e.hostsKey $rules (len $e.hosts) $maxRules $e.name }}
{{- else if eq (len $albs) $maxAlbs }}
{{- $error = printf ${format(`'%s' needs ALB %d, over ${quota('albs')}: %d (app %s); raise the quota or share certificates between apps`)} $e.key (add1 (len $albs)) $maxAlbs $e.name }}
{{- else }}
{{- $albs = append $albs $alb }}
{{- end }}
{{- end }}
{{- if not $error }}
{{- $_ := set $alb "apps" (append $alb.apps $e.name) }}
{{- range $e.certificateArns }}
{{- if not (has . $alb.certificateArns) }}{{ $_ := set $alb "certificateArns" (append $alb.certificateArns .) }}{{ end }}
{{- end }}
{{- range $host := $e.hosts }}
{{- $w := ${wildcards('$host')} }}
{{- $rule := dict }}
{{- $new := true }}
{{- if $alb.rules }}
{{- $rule = last $alb.rules }}
{{- $new = or (gt (add1 (len $rule.hosts)) ${limits.values}) (gt (add $rule.wildcards $w) ${limits.wildcards}) }}
{{- end }}
{{- if $new }}{{ $rule = dict "hosts" (list) "wildcards" 0 }}{{ $_ := set $alb "rules" (append $alb.rules $rule) }}{{ end }}
{{- $_ := set $rule "hosts" (append $rule.hosts $host) }}
{{- $_ := set $rule "wildcards" (add $rule.wildcards $w) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- $out := list }}
{{- range $albs }}
{{- $hosts := list }}
{{- $rules := list }}
{{- range .rules }}{{ $hosts = concat $hosts .hosts }}{{ $rules = append $rules (dict "hosts" .hosts) }}{{ end }}
{{- $out = append $out (dict "apps" .apps "certificateArns" .certificateArns "rules" $rules "hosts" $hosts) }}
{{- end }}
{{- toJson (dict "albs" $out "error" $error) -}}
{{- end }}

{{/* What placing an app on an ALB makes the ALB's totals: "<certificates besides the default> <rules>". Takes (list alb app). */}}
{{- define "${h('albCost')}" -}}
{{- $alb := index . 0 }}
{{- $app := index . 1 }}
{{- $certs := len $alb.certificateArns }}
{{- $added := list }}
{{- range $app.certificateArns }}
{{- if not (or (has . $alb.certificateArns) (has . $added)) }}{{ $added = append $added . }}{{ $certs = add1 $certs }}{{ end }}
{{- end }}
{{- $rules := len $alb.rules }}
{{- $values := ${limits.values} }}
{{- $wildcards := 0 }}
{{- if $alb.rules }}{{ $last := last $alb.rules }}{{ $values = len $last.hosts }}{{ $wildcards = $last.wildcards }}{{ end }}
{{- range $host := $app.hosts }}
{{- $w := ${wildcards('$host')} }}
{{- if or (gt (add1 $values) ${limits.values}) (gt (add $wildcards $w) ${limits.wildcards}) }}{{ $rules = add1 $rules }}{{ $values = 0 }}{{ $wildcards = 0 }}{{ end }}
{{- $values = add1 $values }}
{{- $wildcards = add $wildcards $w }}
{{- end }}
{{- printf "%d %d" (max (sub $certs 1) 0) $rules -}}
{{- end }}`;
}

/** The Ingresses: one per planned ALB, with its hosts and certificates, named as nthAlbName names them. */
export const ALB_INGRESS_CONTEXT: FileContext = {
  fileName: INGRESS_SCOPE_FILE,
  open: `{{- range $n, $alb := (include "${helper('albPlan')}" $ | fromJson).albs }}\n`,
  close: '{{- end }}\n',
  lists: new Map([
    ['host', { variable: 'host', expr: '$alb.hosts' }],
    ['certificateArn', { variable: 'certificateArn', expr: '$alb.certificateArns' }],
  ]),
  values: Object.fromEntries(
    ['alb.ingressName', 'alb.groupName'].map((path) => [
      path,
      `include "${helper('nthAlbName')}" (list $.Values.${path} $n)`,
    ]),
  ),
};

/** nthAlbName (charts/alb-ingress-chart.ts): the first ALB keeps the name, the n-th (from 0) gets `-<n+1>`. */
export const nthAlbNameTemplate = (h: (name: string) => string): string => {
  if (nthAlbName('x', 0) !== 'x' || nthAlbName('x', 2) !== 'x-3')
    throw new Error('nthAlbName changed: change its template');
  return `{{/* The name of the n-th (from 0) ALB's Ingress or IngressGroup. Takes (list name n). */}}
{{- define "${h('nthAlbName')}" -}}
{{- if eq (int (index . 1)) 0 }}{{ index . 0 }}{{ else }}{{ printf "%s-%d" (index . 0) (add1 (index . 1)) }}{{ end -}}
{{- end }}`;
};

/** keyValueList and keyValueMap (lib/alb-gateway.ts): `key=value` entries as {key, value} objects or a map, as JSON. */
export const keyValueTemplates = (
  h: (name: string) => string,
): string => `{{/* key=value entries as a JSON list of {key, value}: the first = splits. */}}
{{- define "${h('keyValueList')}" -}}
{{- $out := list }}
{{- range . }}{{ $kv := splitn "=" 2 . }}{{ $out = append $out (dict "key" $kv._0 "value" $kv._1) }}{{ end }}
{{- toJson $out -}}
{{- end }}

{{/* key=value entries as a JSON map. */}}
{{- define "${h('keyValueMap')}" -}}
{{- $out := dict }}
{{- range . }}{{ $kv := splitn "=" 2 . }}{{ $_ := set $out $kv._0 $kv._1 }}{{ end }}
{{- toJson $out -}}
{{- end }}`;
