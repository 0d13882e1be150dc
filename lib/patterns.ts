/**
 * The value formats shared by the config schema and the construct validators, so both reject the same input
 * with the same wording.
 */
export interface ValueFormat {
  /** Anchored regular expression. */
  readonly pattern: RegExp;
  /** The expected form, as shown in error messages. */
  readonly expected: string;
  /**
   * A value of this form that the Helm chart generator synthesizes with and then finds in the output (a sentinel):
   * it carries `marker` (see SENTINEL_MARKER) or, where the form has no room for text, digits hashed from it, and
   * differs for each `index` (0: the value itself, n from 1 to MAX_SENTINEL_INDEX: element n of a list). Made here,
   * next to the pattern, so that a narrowed pattern fails its own unit test rather than the synth.
   */
  sentinel(marker: string, index: number): string;
}

/** The markers sentinels carry: `helm-value-` and lowercase words, one marker per config key. */
export const SENTINEL_MARKER = /^helm-value(-[a-z0-9]+)+$/;
/** List values get elements 1 and 2; formats with digits only have room for one digit of index. */
export const MAX_SENTINEL_INDEX = 9;
/**
 * The region of every ARN sentinel: the constructs require the certificates and the web ACL to be in one region, so
 * all ARN formats share it (a relation between values, kept here rather than in the chart's value table). No AWS
 * region starts with `zz`, and the output check for leftover markers still sees `helm-value` in it.
 */
export const SENTINEL_REGION = 'zz-helm-value-1';

/** FNV-1a: the digits of a marker, for formats without room for its text. */
function markerHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The marker with the index appended (none for index 0). */
const tagged = (marker: string, index: number) => (index === 0 ? marker : `${marker}-${index}`);

/** `text` cut to `max` characters, ending in a hash of the whole text so that cut texts stay distinct. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 9)}-${markerHash(text).toString(16).padStart(8, '0')}`;
}

/** A marker's number: seven digits, the first 1-9, the last the index. */
const markerNumber = (marker: string, index: number) => {
  const h = markerHash(marker);
  return `${1 + (h % 9)}${String(Math.floor(h / 9) % 100000).padStart(5, '0')}${index}`;
};

/** A label-sized text sentinel, for the name-like formats. */
const label = (max: number) => (marker: string, index: number) => fit(tagged(marker, index), max);
/** A host under the reserved `.invalid` top-level domain (RFC 2606), which no real value uses. */
const invalidHost = (marker: string, index: number) => `${fit(tagged(marker, index), 63)}.invalid`;

/** One or more labels and a top-level label that starts with a letter. */
const DNS_NAME = '([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?';

/** A lowercase DNS name; ALB rule hosts and Istio hosts are matched case-insensitively but stored as given. */
export const HOSTNAME: ValueFormat = {
  pattern: new RegExp(`^(?=.{1,253}$)(\\*\\.)?${DNS_NAME}$`),
  expected: 'a lowercase DNS name such as yelb.example.com (no scheme, port or path)',
  sentinel: invalidHost,
};

/** ALB host conditions take at most 128 characters per value, fewer than a DNS name may have. */
export const ALB_HOST_MAX_LENGTH = 128;
export const ALB_HOSTNAME: ValueFormat = {
  pattern: new RegExp(`^(?=.{1,${ALB_HOST_MAX_LENGTH}}$)(\\*\\.)?${DNS_NAME}$`),
  expected: `a lowercase DNS name of at most ${ALB_HOST_MAX_LENGTH} characters (the ALB host condition limit) such as yelb.example.com`,
  sentinel: invalidHost,
};

/** An egress host: the ServiceEntry resolves it by DNS, which Istio rejects for wildcard hosts. */
export const EXTERNAL_HOSTNAME: ValueFormat = {
  pattern: new RegExp(`^(?=.{1,253}$)${DNS_NAME}$`),
  expected: 'an exact lowercase DNS name such as www.themealdb.com (no wildcard: the ServiceEntry resolves it by DNS)',
  sentinel: invalidHost,
};

export const ACM_CERTIFICATE_ARN: ValueFormat = {
  pattern:
    /^arn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  expected: 'an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>)',
  sentinel: (marker, index) =>
    `arn:aws:acm:${SENTINEL_REGION}:000000000000:certificate/${markerHash(marker).toString(16).padStart(8, '0')}-0000-4000-8000-${String(index).padStart(12, '0')}`,
};

/** RFC 1123 label: namespaces and most object names. */
export const DNS_LABEL: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
  expected: 'a DNS label (lowercase letters, digits and "-", at most 63 characters)',
  sentinel: label(63),
};

export const LABEL_KEY: ValueFormat = {
  pattern: /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/,
  expected: 'a Kubernetes label key ([prefix/]name)',
  sentinel: label(63),
};

export const LABEL_VALUE: ValueFormat = {
  pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/,
  expected: 'a Kubernetes label value (at most 63 of A-Z a-z 0-9 - _ .)',
  sentinel: label(63),
};

/** An IngressGroup name (the controller's group.name): the same rule as its own validation. */
export const ALB_GROUP_NAME: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/,
  expected: 'at most 63 characters of [a-z0-9.-]',
  sentinel: label(63),
};

/** An Istio Gateway as a VirtualService in another namespace names it: `<namespace>/<name>`. */
export const GATEWAY_REFERENCE: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
  expected: 'a Gateway as <namespace>/<name> (two DNS labels)',
  sentinel: (marker, index) => `${fit(tagged(marker, index), 63)}/${fit(marker, 63)}`,
};

/** A ServiceAccount that may call a workload: `<name>` in the app's namespace, or `<namespace>/<name>`. */
export const SERVICE_ACCOUNT_REF: ValueFormat = {
  pattern: /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\/)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
  expected: 'a ServiceAccount as <name> (in the app namespace) or <namespace>/<name>',
  sentinel: label(63),
};

/** A team's app name: a DNS label short enough to prefix (`app-<name>` labels) and suffix (Argo CD names). */
export const APP_NAME: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/,
  expected: 'a DNS label of at most 32 characters (lowercase letters, digits and "-")',
  sentinel: label(32),
};

/** The Argo CD Application name prefix: `-<env>-<component>` is appended, and the whole must stay a DNS label. */
export const GITOPS_NAME: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
  expected: 'a DNS label of at most 40 characters (Application names add -<env>-<component>)',
  sentinel: label(40),
};

export const SSL_POLICY: ValueFormat = {
  pattern: /^ELBSecurityPolicy-[A-Za-z0-9-]+$/,
  expected: 'an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  sentinel: (marker, index) => `ELBSecurityPolicy-${tagged(marker, index)}`,
};

export const IMAGE: ValueFormat = {
  pattern:
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
  expected: 'a container image reference such as redis:4.0.2',
  sentinel: (marker, index) => `helm-value.invalid/${tagged(marker, index)}:${fit(tagged(marker, index), 128)}`,
};

export const CPU: ValueFormat = {
  pattern: /^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$/,
  expected: 'a CPU quantity such as 256m or 1',
  sentinel: (marker, index) => `${markerNumber(marker, index)}m`,
};

export const MEMORY: ValueFormat = {
  pattern: /^[1-9][0-9]*(Ki|Mi|Gi|Ti)$/,
  expected: 'a memory quantity such as 256Mi or 2Gi',
  sentinel: (marker, index) => `${markerNumber(marker, index)}Mi`,
};

export const PATH_PREFIX: ValueFormat = {
  pattern: /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/,
  expected: 'an absolute URL path such as / or /api',
  sentinel: (marker, index) => `/${tagged(marker, index)}`,
};

/** A duration as cert-manager and Go parse it: hours, minutes and seconds only (no days). */
export const GO_DURATION: ValueFormat = {
  pattern: /^([0-9]+(\.[0-9]+)?(h|m|s))+$/,
  expected: 'a duration in hours, minutes or seconds such as 8760h or 720h30m',
  sentinel: (marker, index) => `${markerNumber(marker, index)}h`,
};

/** A Git repository URL as Argo CD takes it: https or ssh. */
export const GIT_REPO_URL: ValueFormat = {
  pattern: /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/,
  expected: 'a Git repository URL (https://host/org/repo.git, ssh://... or git@host:org/repo.git)',
  sentinel: (marker, index) => `https://${fit(marker, 63)}.invalid/${tagged(marker, index)}.git`,
};

/** A Git branch, tag or commit: no spaces, no "..", not starting with "-" or "/". */
export const GIT_REVISION: ValueFormat = {
  pattern: /^(?!.*\.\.)(?![-/])[A-Za-z0-9._/+-]{1,255}$/,
  expected: 'a Git branch, tag or commit such as main or v1.2.0',
  sentinel: label(255),
};

/** A relative path inside a repository, without "." or ".." segments. */
export const REPO_PATH: ValueFormat = {
  pattern: /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
  expected: 'a relative path inside the repository such as dist or deploy/dist (no leading "/", no "." or "..")',
  sentinel: (marker, index) => tagged(marker, index),
};

/** An https URL without a trailing slash: Kubernetes API servers and Helm chart repositories. */
export const HTTPS_URL: ValueFormat = {
  pattern: /^https:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~%/-]*[A-Za-z0-9._~%-])?$/,
  expected: 'an https URL without a trailing slash such as https://kubernetes.default.svc',
  sentinel: (marker, index) => `https://${invalidHost(marker, index)}`,
};

/** An exact release version: Argo CD must install one pinned version, not a range. */
export const EXACT_VERSION: ValueFormat = {
  pattern: /^[0-9]+\.[0-9]+\.[0-9]+$/,
  expected: 'an exact version such as 1.30.4 (no range, no "v")',
  sentinel: (marker, index) => `${markerNumber(marker, index)}.0.0`,
};

/** A SPIFFE trust domain, as in `meshConfig.trustDomain`. */
export const TRUST_DOMAIN: ValueFormat = {
  pattern: /^[a-z0-9]([a-z0-9._-]{0,253}[a-z0-9])?$/,
  expected: 'a trust domain such as cluster.local (lowercase letters, digits, ".", "-" and "_")',
  sentinel: invalidHost,
};

/** An Istio workload principal: the SPIFFE ID without its `spiffe://` scheme. */
export const SPIFFE_PRINCIPAL: ValueFormat = {
  pattern:
    /^[a-z0-9]([a-z0-9._-]{0,253}[a-z0-9])?\/ns\/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\/sa\/[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
  expected: 'a SPIFFE principal (<trust-domain>/ns/<ns>/sa/<sa>)',
  sentinel: (marker, index) =>
    `${invalidHost(marker, 0)}/ns/${label(63)(marker, index)}/sa/${label(63)(marker, index)}`,
};

/**
 * One `key=value` entry of the controller's stringMap annotations (load-balancer-attributes, target-group-attributes,
 * tags): the comma separates entries, so neither part may hold one; the controller trims spaces, so none at the ends.
 */
export const KEY_VALUE: ValueFormat = {
  pattern: /^[A-Za-z0-9_.:/+@-]{1,128}=[^,\s]([^,\r\n]{0,254}[^,\s])?$/,
  expected: 'a key=value pair (key of A-Z a-z 0-9 _ . : / + @ -, value not empty and without commas)',
  sentinel: (marker, index) => `${fit(tagged(marker, index), 128)}=helm-value`,
};

/** The target-group attribute the gateway's rollout timing depends on, and the range AWS accepts for it. */
export const DEREGISTRATION_DELAY_KEY = 'deregistration_delay.timeout_seconds';
export const DEREGISTRATION_DELAY: ValueFormat = {
  pattern: /^deregistration_delay\.timeout_seconds=(0|[1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|3600)$/,
  expected: 'deregistration_delay.timeout_seconds=<seconds from 0 to 3600>',
  sentinel: (marker, index) => `${DEREGISTRATION_DELAY_KEY}=${1000 + (markerHash(marker) % 260) * 10 + index}`,
};

const IPV4 =
  '((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\/(3[0-2]|[12]?[0-9])';
const H = '[0-9a-fA-F]{1,4}';
const IPV6 = `(${[
  `(${H}:){7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:(:${H}){1,6}`,
  `:((:${H}){1,7}|:)`,
].join('|')})\\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])`;

/** A source CIDR for the ALB's security group (inbound-cidrs): IPv4, or IPv6 without embedded IPv4. */
export const INBOUND_CIDR: ValueFormat = {
  pattern: new RegExp(`^(${IPV4}|${IPV6})$`),
  expected: 'an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32',
  sentinel: (marker, index) => {
    // IPv4 (an IPv6 source needs a dualstack ALB) in the documentation ranges of RFC 5737, which no default uses.
    const h = markerHash(marker);
    return `${['192.0.2', '198.51.100', '203.0.113'][h % 3]}.${10 + (Math.floor(h / 3) % 24) * 10 + index}/32`;
  },
};

/** A regional WAFv2 web ACL (an ALB cannot use a global, CloudFront one), or `none` to detach the ACL. */
export const WAFV2_ACL_ARN: ValueFormat = {
  pattern:
    /^(none|arn:aws(-cn|-us-gov)?:wafv2:[a-z]{2}(-[a-z]+)+-\d:\d{12}:regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128})$/,
  expected:
    'a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<12-digit account>:regional/webacl/<name>/<id>) or none',
  sentinel: (marker, index) =>
    `arn:aws:wafv2:${SENTINEL_REGION}:000000000000:regional/webacl/${fit(marker, 128)}/${fit(tagged(marker, index), 128)}`,
};

/** Every value format by name: the chart generator finds a config key's format by the pattern its schema carries. */
export const VALUE_FORMATS: Readonly<Record<string, ValueFormat>> = {
  HOSTNAME,
  ALB_HOSTNAME,
  EXTERNAL_HOSTNAME,
  ACM_CERTIFICATE_ARN,
  DNS_LABEL,
  LABEL_KEY,
  LABEL_VALUE,
  ALB_GROUP_NAME,
  GATEWAY_REFERENCE,
  SERVICE_ACCOUNT_REF,
  GITOPS_NAME,
  APP_NAME,
  SSL_POLICY,
  IMAGE,
  CPU,
  MEMORY,
  PATH_PREFIX,
  GO_DURATION,
  GIT_REPO_URL,
  GIT_REVISION,
  REPO_PATH,
  HTTPS_URL,
  EXACT_VERSION,
  TRUST_DOMAIN,
  SPIFFE_PRINCIPAL,
  KEY_VALUE,
  DEREGISTRATION_DELAY,
  INBOUND_CIDR,
  WAFV2_ACL_ARN,
};

/** The name and format whose pattern has this source (as a JSON Schema `pattern` holds it), else undefined. */
export function formatOfPattern(source: string): { name: string; format: ValueFormat } | undefined {
  const found = Object.entries(VALUE_FORMATS).find(([, f]) => f.pattern.source === source);
  return found && { name: found[0], format: found[1] };
}

/** Names a prop in an error line: as itself in a construct, as the config key it comes from in a chart. */
export type PropNamer = (prop: string) => string;

/** The leading prop of a field: `certificateArns` of `certificateArns[1]`, `issuerRef` of `issuerRef.kind`. */
const LEADING_PROP = /^[A-Za-z][A-Za-z0-9]*/;

/**
 * A construct's one-line refusal of a prop: `'<field>' <problem>`. `field` is the prop at fault with its index or
 * sub-path (`certificateArns[1]`, `issuerRef.kind`); the problem writes the rest of the line and names every other
 * prop through the namer it is given. A chart that built the props from the configuration calls `renamed` with its
 * prop -> config key table, so that the line names the keys the user wrote, wherever in the line they stand.
 */
export class PropError extends Error {
  readonly field: string;
  private readonly write: (name: PropNamer) => string;

  constructor(field: string, problem: string | ((name: PropNamer) => string)) {
    const write = typeof problem === 'string' ? () => problem : problem;
    super(`'${field}' ${write((prop) => prop)}`);
    this.name = 'PropError';
    this.field = field;
    this.write = write;
  }

  /** The line after the quoted field, as the construct names its props. */
  get problem(): string {
    return this.write((prop) => prop);
  }

  /** The same refusal with every prop, the field's leading one and those the problem names, passed through `name`. */
  renamed(name: PropNamer): PropError {
    const rename = (field: string) => field.replace(LEADING_PROP, (prop) => name(prop));
    return new PropError(rename(this.field), (outer) => this.write((prop) => outer(rename(prop))));
  }
}

/**
 * Runs `build` and names a prop it refuses as the caller names it: `names` maps a prop to the caller's name for it
 * (`selector` -> `gatewaySelector`) and applies to every prop the line names; other errors pass unchanged.
 */
export function renamingProps<T>(names: Readonly<Record<string, string>>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    throw e instanceof PropError ? e.renamed((prop) => (Object.hasOwn(names, prop) ? names[prop] : prop)) : e;
  }
}

/** How much of a bad value an error message shows: a 50 MB value must still give a short line. */
export const ECHO_LIMIT = 100;

/** A value as error messages show it: its JSON, cut to ECHO_LIMIT characters with the full length after it. */
export function echo(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= ECHO_LIMIT ? json : `${json.slice(0, ECHO_LIMIT)}... (${json.length} characters)`;
}

/** The AWS partition a region belongs to: the China and GovCloud regions have partitions of their own. */
export function partitionOfRegion(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export const PARTITION_REGIONS: Record<string, string> = {
  aws: 'a region other than cn-* and us-gov-*',
  'aws-cn': 'a cn-* region',
  'aws-us-gov': 'a us-gov-* region',
};

/**
 * The one-line problem of an ARN whose partition does not own its region (arn:aws-cn: needs cn-*, arn:aws-us-gov:
 * needs us-gov-*, arn:aws: neither; AWS rejects any other pairing), else undefined. Other formats are not its concern.
 */
export function arnPartitionError(field: string, arn: string): PropError | undefined {
  const [scheme, partition, , region] = arn.split(':');
  if (scheme !== 'arn' || !region || !(partition in PARTITION_REGIONS) || partitionOfRegion(region) === partition)
    return undefined;
  return new PropError(
    field,
    `must name ${PARTITION_REGIONS[partition]}, as its partition is ${partition}, got ${echo(arn)}`,
  );
}

/** arnPartitionError's line. */
export const arnPartitionProblem = (field: string, arn: string): string | undefined =>
  arnPartitionError(field, arn)?.message;

/** A Kubernetes quantity as an exact fraction, or undefined when `value` is not one. */
export function parseQuantity(value: unknown): { num: bigint; den: bigint } | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/.exec(text.trim());
  if (!m || !(m[2] || m[3])) return undefined;
  const [, sign, whole, fraction = '', binary, decimal, exponent] = m;
  let num = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(fraction.length);
  if (binary) num *= 1024n ** BigInt('KMGTPE'.indexOf(binary[0]) + 1);
  const power = decimal
    ? { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }[decimal]!
    : exponent
      ? Number(exponent)
      : 0;
  if (Math.abs(power) > 100) return undefined;
  if (power >= 0) num *= 10n ** BigInt(power);
  else den *= 10n ** BigInt(-power);
  return { num, den };
}

/**
 * The one-line problem of a container whose request of a resource exceeds its limit (the API server rejects it),
 * else undefined. `field` names the resources (e.g. yelb.ui.resources); unreadable quantities are not its concern.
 */
export function requestAboveLimitError(
  field: string,
  resources: { requests?: object; limits?: object } | undefined,
): PropError | undefined {
  const requests = (resources?.requests ?? {}) as Record<string, unknown>;
  for (const [name, limit] of Object.entries(resources?.limits ?? {})) {
    const r = parseQuantity(requests[name]);
    const l = parseQuantity(limit);
    if (r && l && r.num * l.den > l.num * r.den) {
      return new PropError(
        `${field}.requests.${name}`,
        (n) =>
          `must not exceed ${n(`${field}.limits.${name}`)} (${String(limit).slice(0, ECHO_LIMIT)}), got ${echo(String(requests[name]))}`,
      );
    }
  }
  return undefined;
}

/** requestAboveLimitError's line. */
export const requestAboveLimitProblem = (
  field: string,
  resources: { requests?: object; limits?: object } | undefined,
): string | undefined => requestAboveLimitError(field, resources)?.message;

/** Throws the house-style error when `value` does not match `format` (a format of a library user needs no sentinel). */
export function assertFormat(field: string, value: unknown, format: Pick<ValueFormat, 'pattern' | 'expected'>): void {
  if (typeof value !== 'string' || !format.pattern.test(value)) {
    throw new PropError(field, `must be ${format.expected}, got ${echo(value)}`);
  }
}

/** Whether `value` is one of an enum's values (`allowed`, a `[...] as const` list). */
export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return allowed.includes(value as T);
}

export function assertOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (!isOneOf(value, allowed)) {
    throw new PropError(field, `must be one of ${allowed.join(', ')}, got ${echo(value)}`);
  }
}

export function assertPort(field: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new PropError(field, `must be a port number from 1 to 65535, got ${echo(value)}`);
  }
}

export function assertNonEmpty(field: string, value: readonly unknown[] | undefined, what: string): void {
  if (!value || value.length === 0) {
    throw new PropError(field, `must list at least one ${what}, got []`);
  }
}
