import { CONFIG_SCHEMA } from '../config/schema';
import { APP_NAME } from '../patterns';
import { CHART_NAME } from './helm-names';
import { NOT_VALUES } from './helm-value-rows';

/**
 * Converts a config-schema node for Helm: `expected` becomes `description`. Patterns (and conditions on them) are left
 * to templates/validate.yaml, which names the expected form where Helm's schema error would print the raw regex.
 */
function forHelm(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forHelm);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'expected') out.description = v;
    else if (k === 'propertyNames') out[k] = { type: 'string' };
    else if (k !== 'pattern' && k !== 'if' && k !== 'then') out[k] = forHelm(v);
  }
  return out;
}

/** The chart's values as a config-schema node (patterns and `expected` included): the config's keys but gitops, and the chart's own. */
export function valuesSourceSchema(): { type: 'object'; properties: Record<string, unknown>; required: string[] } {
  const root = CONFIG_SCHEMA as unknown as { properties: Record<string, unknown>; required: string[] };
  const properties = Object.fromEntries(Object.entries(root.properties).filter(([k]) => !NOT_VALUES.includes(k)));
  return {
    type: 'object',
    required: [...root.required.filter((k) => !NOT_VALUES.includes(k)), 'createNamespaces'],
    properties: {
      ...properties,
      certificate_arn: {
        ...(properties.certificateArn as object),
        expected: (properties.certificateArn as { expected: string }).expected,
      },
      // Optional: values.yaml sets it, and Argo CD's inline values may leave it out.
      scope: {
        enum: ['all', 'ingress', 'edge', 'app'],
        expected:
          "all (everything enabled), ingress (only the ALB Ingress), edge (all but the teams' apps) or app (only the app scopeApp)",
      },
      scopeApp: { type: 'string', pattern: APP_NAME.pattern.source, expected: APP_NAME.expected },
      createNamespaces: {
        type: 'object',
        additionalProperties: false,
        required: ['app', 'gateway'],
        properties: { app: { type: 'boolean' }, gateway: { type: 'boolean' } },
      },
    },
  };
}

/** values.schema.json: types, enums and closed objects of the values; their formats are checked by validate.yaml. */
export function valuesSchema(): Record<string, unknown> {
  const source = valuesSourceSchema();
  const properties = forHelm(source.properties) as Record<string, Record<string, unknown>>;
  properties.certificate_arn.description = 'the ALB-Istio-TLS name of certificateArn; wins when set';
  // Helm gives every dependency of a parent chart the parent's `global` values: accepted, so that the chart can be one.
  properties.global = {
    type: 'object',
    description: "Helm's global values, which a parent chart passes to its dependencies; this chart reads none",
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Values of the ${CHART_NAME} chart`,
    type: 'object',
    additionalProperties: false,
    required: source.required,
    properties,
  };
}
