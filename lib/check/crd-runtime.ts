import { isIP, isIPv4, isIPv6 } from 'net';
import type { CelEnv } from '@bufbuild/cel';
import type { ErrorObject, FormatDefinition } from 'ajv';

/**
 * What the custom resources' validators call while validating: the string formats, the x-kubernetes-validations CEL
 * rules and the x-kubernetes-list-type check (their keywords are in crd-validators.ts). The validators the build
 * writes as standalone code require this module by its path relative to theirs, so it stays light: no ajv, and CEL
 * is loaded on the first rule, so a check of objects without rules never pays for its start-up.
 */

/** The errors a keyword reports; ajv adds instancePath and schemaPath. */
type KeywordErrors = Partial<ErrorObject>[];

interface CelRule {
  readonly rule: string;
  readonly message?: string;
}

const isRec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Cel = typeof import('@bufbuild/cel');
let cel: Cel | undefined;
let env: CelEnv | undefined;
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
export function celErrors(rules: readonly CelRule[], data: unknown): KeywordErrors {
  const errors: KeywordErrors = [];
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
  return errors;
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

/** The formats as ajv takes them (its `formats` option); generated code reads them from here by name. */
export const formats: Record<string, FormatDefinition<string>> = Object.fromEntries(
  Object.entries(STRING_FORMATS).map(([name, validate]) => [name, { type: 'string', validate }]),
);

const identityOf = (item: unknown, keys: readonly string[]) =>
  JSON.stringify(keys.length === 0 ? item : keys.map((k) => (isRec(item) ? item[k] : undefined)));

/**
 * `x-kubernetes-list-type: set | map`: the API server rejects a repeated value (set) or a repeated combination of the
 * `x-kubernetes-list-map-keys` (map, given as `keys`), such as two Gateway listeners of one name.
 */
export function listTypeErrors(listType: string, keys: readonly string[], data: unknown): KeywordErrors {
  const errors: KeywordErrors = [];
  if (!Array.isArray(data)) return errors;
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
  return errors;
}
