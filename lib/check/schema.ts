import { readFileSync } from 'fs';
import { isIP, isIPv4, isIPv6 } from 'net';
import { join } from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import type { CelEnv } from '@bufbuild/cel';
import { Findings } from './findings';
import { Obj, splitApiVersion } from './identity';
import { Inventory } from './inventory';
import { PROJECT_ROOT } from '../project-root';
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

// Read from the project (or package) root: the compiled code runs one folder deeper than the sources.
const SCHEMAS_DIR = join(PROJECT_ROOT, 'schemas');
const SCHEMA_INDEX = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'index.json'), 'utf8')) as {
  kinds: Record<string, { file: string; source: string }>;
};
const KINDS: Record<string, { file: string; source: string }> = SCHEMA_INDEX.kinds;

interface CelRule {
  readonly rule: string;
  readonly message?: string;
}

type Cel = typeof import('@bufbuild/cel');
let cel: Cel | undefined;
let env: CelEnv | undefined;
/** The CEL library, loaded on the first rule: a check of objects without rules never pays for its start-up. */
function celLibrary(): Cel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cel ??= require('@bufbuild/cel') as Cel;
  return cel;
}
/** Compiled rules by text; undefined when the rule cannot be compiled here. */
const plans = new Map<string, ((ctx: { self: unknown }) => unknown) | undefined>();
const celValues = new WeakMap<object, unknown>();

/** JSON -> CEL input: objects are maps, whole numbers are CEL ints (Kubernetes integers). */
function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v !== 'object' || v === null) return v;
  let out = celValues.get(v);
  if (out === undefined) {
    out = Array.isArray(v) ? v.map(toCel) : new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
    celValues.set(v, out);
  }
  return out;
}

function planFor(rule: string): ((ctx: { self: unknown }) => unknown) | undefined {
  if (!plans.has(rule)) {
    const { celEnv, parse, plan } = celLibrary();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    env ??= celEnv({ funcs: (require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext')).strings });
    let p: ((ctx: { self: unknown }) => unknown) | undefined;
    try {
      p = plan(env, parse(rule)) as (ctx: { self: unknown }) => unknown;
    } catch {
      p = undefined;
    }
    plans.set(rule, p);
  }
  return plans.get(rule);
}

/**
 * Evaluates a node's x-kubernetes-validations. Transition rules (oldSelf) need the stored object and are skipped;
 * a rule that errors here (a Kubernetes-only function such as isURL, or a field the rule assumes) is not reported:
 * only a rule that evaluates to false is.
 */
function celKeyword(rules: CelRule[], data: unknown): boolean {
  const errors: Partial<ErrorObject>[] = [];
  for (const r of rules) {
    if (/\boldSelf\b/.test(r.rule)) continue;
    const p = planFor(r.rule);
    if (!p) continue;
    const result = p({ self: toCel(data) });
    if (result === false && !celLibrary().isCelError(result)) {
      errors.push({
        keyword: 'x-kubernetes-validations',
        params: { rule: r.rule },
        message: `fails the rule "${r.message ?? r.rule}"`,
      });
    }
  }
  (celKeyword as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
  return errors.length === 0;
}

/*
 * String formats as the API server checks them (k8s.io/kube-openapi strfmt): RFC 3339 date-times, base64, IP
 * addresses and the others the importer keeps. Checked only on strings, as there.
 */
const RFC3339_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const RFC3339_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/;
const isCidr = (v: string) => {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
};
const STRING_FORMATS: Record<string, (v: string) => boolean> = {
  'date-time': (v) => RFC3339_DATE_TIME.test(v),
  date: (v) => RFC3339_DATE.test(v),
  byte: (v) => BASE64.test(v),
  ipv4: (v) => isIPv4(v),
  ipv6: (v) => isIPv6(v),
  cidr: isCidr,
  uuid: (v) => UUID.test(v),
  uri: (v) => URL.canParse(v),
  hostname: (v) => HOSTNAME.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
  mac: (v) => MAC.test(v),
  duration: (v) => GO_DURATION.test(v),
};

const identityOf = (item: unknown, keys: readonly string[]) =>
  JSON.stringify(keys.length === 0 ? item : keys.map((k) => (isRec(item) ? item[k] : undefined)));

/**
 * `x-kubernetes-list-type: set | map`: the API server rejects a repeated value (set) or a repeated combination of the
 * `x-kubernetes-list-map-keys` (map), such as two Gateway listeners of one name.
 */
function listTypeKeyword(listType: string, data: unknown, parentSchema?: Record<string, unknown>): boolean {
  const errors: Partial<ErrorObject>[] = [];
  if (Array.isArray(data)) {
    const keys =
      listType === 'map' ? ((parentSchema?.['x-kubernetes-list-map-keys'] as string[] | undefined) ?? []) : [];
    const seen = new Map<string, number>();
    data.forEach((item, i) => {
      const id = identityOf(item, keys);
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else {
        const what =
          keys.length === 0
            ? `the value ${id.length > 60 ? `${id.slice(0, 57)}...` : id}`
            : `${keys.join(', ')} ${keys.map((k) => JSON.stringify(isRec(item) ? item[k] : undefined)).join(', ')}`;
        errors.push({
          keyword: 'x-kubernetes-list-type',
          params: { listType },
          message: `repeats ${what} of item ${first} at item ${i} (a list of type ${listType}: the API server rejects duplicates)`,
        });
      }
    });
  }
  (listTypeKeyword as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
  return errors.length === 0;
}

let ajv: Ajv | undefined;

function crdAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true,
      strict: false,
      formats: Object.fromEntries(
        Object.entries(STRING_FORMATS).map(([name, validate]) => [name, { type: 'string', validate }]),
      ),
    });
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'objectmeta.json'), 'utf8')), 'objectmeta.json');
    ajv.addKeyword({ keyword: 'x-kubernetes-validations', schemaType: 'array', errors: true, validate: celKeyword });
    ajv.addKeyword({
      keyword: 'x-kubernetes-list-type',
      schemaType: 'string',
      errors: true,
      validate: listTypeKeyword,
    });
    ajv.addKeyword({ keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' });
  }
  return ajv;
}

/** The validator of a custom resource, compiled on first use from its generated schema. */
function crdValidator(apiVersion: string, kind: string): Validator | undefined {
  const entry = KINDS[`${apiVersion} ${kind}`];
  if (!entry) return undefined;
  const validate: ValidateFunction = crdAjv().compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, entry.file), 'utf8')));
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
