import { CONFIG_SCHEMA } from '../config/schema';

/** A node of the config schema (JSON Schema with `expected`, the form named in errors), as the chart writer reads it. */
export interface SchemaNode {
  readonly type?: string;
  readonly pattern?: string;
  readonly expected?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly propertyNames?: SchemaNode;
  readonly if?: SchemaNode;
  readonly then?: SchemaNode;
}

/** The config schema's node at a key path; undefined when there is no such key. */
export function configSchemaAt(path: string): SchemaNode | undefined {
  return path.split('.').reduce<SchemaNode | undefined>((s, k) => s?.properties?.[k], CONFIG_SCHEMA as SchemaNode);
}
