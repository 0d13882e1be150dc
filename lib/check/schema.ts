import type { ErrorObject } from 'ajv';
import { crdSchemaFile, crdValidateFunction } from './crd-validators';
import { Findings } from './findings';
import { Obj, splitApiVersion } from './identity';
import { Inventory } from './inventory';
import { append, isRec } from './util';

/**
 * Schema validation. Core Kubernetes kinds use the kubernetes-models validators; custom resources (Istio, Argo CD,
 * cert-manager, AWS Load Balancer Controller, Gateway API) use the schemas generated into schemas/ from the
 * upstream CRDs' own openAPIV3Schema (docs/SCHEMAS.md), with their x-kubernetes-validations CEL rules.
 *
 * The kubernetes-models validators are precompiled ajv code that ignores unknown fields. To close them without their
 * source schemas, the object is validated through a Proxy that records which properties the validator reads: a
 * validator reads every property its schema declares and enumerates the keys of maps and free-form objects, so a
 * key that was neither read nor enumerated is not in the schema.
 */

const K8S_GROUPS = new Set([
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

export interface ValidationIssue {
  readonly field: string;
  readonly message: string;
  readonly unknown: boolean;
}

type Validator = (data: unknown) => ValidationIssue[];

function modulePath(group: string, version: string, kind: string): string | undefined {
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^v[0-9a-z]+$/.test(version)) return undefined;
  if (group === '') return version === 'v1' ? `kubernetes-models/v1/${kind}` : undefined;
  if (K8S_GROUPS.has(group)) return `kubernetes-models/${group}/${version}/${kind}`;
  return undefined;
}

/** `/spec/servers/0/hosts` -> `spec.servers[0].hosts`. */
export function pointerToField(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `['${key}']`;
  }
  return out || '(root)';
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues))
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? `${e.keyword} ${JSON.stringify(params)}`;
}

/**
 * An anyOf/oneOf that fails reports each branch's error at the same place and then its own "must match a schema";
 * they become one error that lists the branches' requirements (`must match format "ipv4", or match format "ipv6"`).
 */
function withBranchesMerged(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPlace = new Map<string, ErrorObject[]>();
  for (const e of errors) append(byPlace, e.instancePath, e);
  const absorbed = new Set<ErrorObject>();
  const messages = new Map<ErrorObject, string>();
  for (const c of errors) {
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf') continue;
    const branches = (byPlace.get(c.instancePath) ?? []).filter(
      (e) => e !== c && !absorbed.has(e) && e.schemaPath.startsWith(`${c.schemaPath}/`),
    );
    if (branches.length === 0) continue;
    for (const b of branches) absorbed.add(b);
    messages.set(c, `must ${[...new Set(branches.map((b) => describe(b).replace(/^must /, '')))].join(', or ')}`);
  }
  return errors.filter((e) => !absorbed.has(e)).map((e) => (messages.has(e) ? { ...e, message: messages.get(e) } : e));
}

function issuesFromAjv(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  return withBranchesMerged(errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return {
        field: pointerToField(`${e.instancePath}/${params.additionalProperty}`),
        message: 'is not a field of this kind',
        unknown: true,
      };
    }
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      return {
        field: pointerToField(`${e.instancePath}/${params.missingProperty}`),
        message: 'is required',
        unknown: false,
      };
    }
    return { field: pointerToField(e.instancePath), message: describe(e), unknown: false };
  });
}

interface Access {
  readonly read: Set<string>;
  enumerated: boolean;
}

/** Wraps `root` so every property read and key enumeration by a validator is recorded per object. */
function traced(root: unknown): { proxy: unknown; access: Map<object, Access> } {
  const access = new Map<object, Access>();
  const proxies = new WeakMap<object, unknown>();
  const wrap = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    const rec: Access = { read: new Set(), enumerated: false };
    access.set(value, rec);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === 'string') rec.read.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === 'string') rec.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        rec.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root), access };
}

/**
 * The fields of a CustomResourceDefinition's schema nodes (apiextensions.k8s.io/v1 JSONSchemaProps, as declared by
 * kubernetes-models). Its precompiled validator leaves most of them unread (`description`, every `x-kubernetes-*`),
 * so read access cannot tell them from typos: schema nodes are walked with this list instead.
 */
const JSON_SCHEMA_PROPS = new Set([
  '$ref',
  '$schema',
  'additionalItems',
  'additionalProperties',
  'allOf',
  'anyOf',
  'default',
  'definitions',
  'dependencies',
  'description',
  'enum',
  'example',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'externalDocs',
  'format',
  'id',
  'items',
  'maxItems',
  'maxLength',
  'maxProperties',
  'maximum',
  'minItems',
  'minLength',
  'minProperties',
  'minimum',
  'multipleOf',
  'not',
  'nullable',
  'oneOf',
  'pattern',
  'patternProperties',
  'properties',
  'required',
  'title',
  'type',
  'uniqueItems',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);
const VALIDATION_RULE = new Set(['rule', 'message', 'messageExpression', 'reason', 'fieldPath', 'optionalOldSelf']);
const EXTERNAL_DOCS = new Set(['description', 'url']);
/** Where a CRD holds a schema node: the openAPIV3Schema of each version. */
const CRD_SCHEMA = /^\/spec\/versions\/\d+\/schema\/openAPIV3Schema$/;

function childPointerOf(pointer: string, key: string): string {
  return `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function unknownKeys(value: Record<string, unknown>, known: Set<string>, pointer: string): ValidationIssue[] {
  return Object.keys(value)
    .filter((k) => !known.has(k))
    .map((k) => ({
      field: pointerToField(childPointerOf(pointer, k)),
      message: 'is not a field of a CRD schema (JSONSchemaProps)',
      unknown: true,
    }));
}

/** Unknown fields of a JSONSchemaProps node and the schema nodes below it; values (`default`, `enum`, `example`) are free-form. */
function schemaPropsUnknowns(node: unknown, pointer: string): ValidationIssue[] {
  if (!isRec(node)) return [];
  const out = unknownKeys(node, JSON_SCHEMA_PROPS, pointer);
  const sub = (key: string) => childPointerOf(pointer, key);
  const schemaOrBool = (v: unknown, p: string) => (typeof v === 'boolean' ? [] : schemaPropsUnknowns(v, p));
  for (const key of ['properties', 'patternProperties', 'definitions', 'dependencies']) {
    // dependencies map to a schema or to a list of property names.
    if (isRec(node[key]))
      for (const [name, v] of Object.entries(node[key]))
        if (!Array.isArray(v)) out.push(...schemaPropsUnknowns(v, childPointerOf(sub(key), name)));
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(node[key]))
      node[key].forEach((v: unknown, i: number) => out.push(...schemaPropsUnknowns(v, `${sub(key)}/${i}`)));
  if (Array.isArray(node.items))
    node.items.forEach((v: unknown, i: number) => out.push(...schemaPropsUnknowns(v, `${sub('items')}/${i}`)));
  else out.push(...schemaPropsUnknowns(node.items, sub('items')));
  out.push(
    ...schemaPropsUnknowns(node.not, sub('not')),
    ...schemaOrBool(node.additionalProperties, sub('additionalProperties')),
    ...schemaOrBool(node.additionalItems, sub('additionalItems')),
  );
  if (isRec(node.externalDocs)) out.push(...unknownKeys(node.externalDocs, EXTERNAL_DOCS, sub('externalDocs')));
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules))
    rules.forEach((r: unknown, i: number) => {
      if (isRec(r)) out.push(...unknownKeys(r, VALIDATION_RULE, `${sub('x-kubernetes-validations')}/${i}`));
    });
  return out;
}

function unknownFields(
  value: unknown,
  access: Map<object, Access>,
  pointer: string,
  schemaAt?: RegExp,
): ValidationIssue[] {
  if (typeof value !== 'object' || value === null) return [];
  if (schemaAt?.test(pointer)) return schemaPropsUnknowns(value, pointer);
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, access, `${pointer}/${i}`, schemaAt));
  const rec = access.get(value);
  // Never read at all: free-form (preserve-unknown-fields) or not reached because of another error.
  const closed = !!rec && !rec.enumerated && rec.read.size > 0;
  const out: ValidationIssue[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (closed && !rec!.read.has(key))
      out.push({ field: pointerToField(childPointer), message: 'is not a field of this kind', unknown: true });
    else out.push(...unknownFields(child, access, childPointer, schemaAt));
  }
  return out;
}

type ModelClass = { apiVersion?: string; kind?: string; prototype: { validate(): void } };

function modelValidator(specifier: string, apiVersion: string, kind: string): Validator | undefined {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(specifier) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const cls = mod[kind] as ModelClass | undefined;
  if (!cls || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
  const schemaAt =
    apiVersion === 'apiextensions.k8s.io/v1' && kind === 'CustomResourceDefinition' ? CRD_SCHEMA : undefined;
  return (data) => {
    const { proxy, access } = traced(data);
    let errors: ErrorObject[] = [];
    try {
      cls.prototype.validate.call(proxy);
    } catch (e) {
      errors = (e as { errors?: ErrorObject[] }).errors ?? [];
    }
    return [...issuesFromAjv(errors), ...unknownFields(data, access, '', schemaAt)];
  };
}

/** The validator of a custom resource: the build's generated code, or compiled on first use from its schema. */
function crdValidator(apiVersion: string, kind: string): Validator | undefined {
  const file = crdSchemaFile(apiVersion, kind);
  if (!file) return undefined;
  const validate = crdValidateFunction(file);
  return (data) => (validate(data) ? [] : issuesFromAjv(validate.errors));
}

const cache = new Map<string, Validator | undefined>();

function validatorFor(o: Pick<Obj, 'apiVersion' | 'kind' | 'group' | 'version'>): Validator | undefined {
  const key = `${o.apiVersion} ${o.kind}`;
  if (!cache.has(key)) {
    const specifier = modulePath(o.group, o.version, o.kind);
    cache.set(key, specifier ? modelValidator(specifier, o.apiVersion, o.kind) : crdValidator(o.apiVersion, o.kind));
  }
  return cache.get(key);
}

/** The schema issues of one manifest object; undefined when there is no schema for its apiVersion and kind. */
export function validateObject(raw: {
  apiVersion?: unknown;
  kind?: unknown;
  [field: string]: unknown;
}): ValidationIssue[] | undefined {
  if (typeof raw.apiVersion !== 'string' || typeof raw.kind !== 'string') return undefined;
  const validate = validatorFor({ apiVersion: raw.apiVersion, kind: raw.kind, ...splitApiVersion(raw.apiVersion) });
  return validate?.(raw);
}

/** Validates every object; returns how many had no schema (reported as `schema-not-checked`). */
export async function validateSchemas(inv: Inventory, f: Findings): Promise<number> {
  let notChecked = 0;
  // A repeated object is validated too: either copy may be the one that reaches the cluster.
  for (const o of [...inv.objects, ...inv.duplicates.map((d) => d.obj)]) {
    // A removed API version has no schema left to check against; api-removed reports it.
    if (o.removed) continue;
    const validate = validatorFor(o);
    if (!validate) {
      notChecked++;
      f.add(
        'schema-not-checked',
        o,
        'apiVersion',
        `no schema for ${o.apiVersion} ${o.kind} here: the object was not validated`,
        'validate it with the tool that owns its CRD, or leave it out of these manifests',
      );
      continue;
    }
    for (const issue of validate(o.raw)) {
      if (issue.unknown) {
        f.add(
          'schema-unknown-field',
          o,
          issue.field,
          `${issue.field} ${issue.message} (${o.apiVersion} ${o.kind})`,
          `remove or rename ${issue.field}; check its spelling and indentation`,
        );
      } else {
        f.add(
          'schema-invalid',
          o,
          issue.field,
          `${issue.field} ${issue.message}`,
          `fix ${issue.field} to match the ${o.apiVersion} ${o.kind} schema`,
        );
      }
    }
  }
  return notChecked;
}
