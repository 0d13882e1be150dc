/**
 * Regenerates schemas/ from upstream CustomResourceDefinitions: one compact JSON schema per group/version/kind,
 * converted from the CRD's own openAPIV3Schema into the JSON Schema that ajv validates, plus schemas/index.json
 * (kind -> file and upstream source). The output is committed; nothing at build or test time reads the inputs.
 *
 *   npm run import-schemas -- <crd-dir> <kubernetes-definitions.json>
 *
 * <crd-dir> holds one YAML bundle per upstream, named as in SOURCES below.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';

type Node = Record<string, unknown>;

/** Upstream bundles: file name -> where it comes from. */
const SOURCES: Record<string, { name: string; version: string; url: string }> = {
  'istio-1.30.3.yaml': {
    name: 'Istio',
    version: '1.30.3',
    url: 'https://raw.githubusercontent.com/istio/istio/1.30.3/manifests/charts/base/files/crd-all.gen.yaml',
  },
  'argo-cd-v3.5.1.yaml': {
    name: 'Argo CD',
    version: '3.5.1',
    url: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds',
  },
  'cert-manager-v1.21.1.yaml': {
    name: 'cert-manager',
    version: '1.21.1',
    url: 'https://github.com/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.crds.yaml',
  },
  'aws-load-balancer-controller-v3.5.0.yaml': {
    name: 'AWS Load Balancer Controller',
    version: '3.5.0',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/tree/v3.5.0/config/crd/bases',
  },
  'aws-load-balancer-controller-v3.5.0-gateway.yaml': {
    name: 'AWS Load Balancer Controller (gateway)',
    version: '3.5.0',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/tree/v3.5.0/config/crd/gateway',
  },
  'gateway-api-v1.6.1-standard.yaml': {
    name: 'Gateway API (standard)',
    version: '1.6.1',
    url: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml',
  },
};

/** Validation keywords kept as they are (their values are data, not schema nodes). */
const KEEP = [
  'enum',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
];

/** String formats the API server validates (k8s.io/kube-openapi strfmt) that occur in the CRDs above. */
const STRING_FORMATS = [
  'date-time',
  'date',
  'byte',
  'ipv4',
  'ipv6',
  'cidr',
  'uuid',
  'uri',
  'hostname',
  'email',
  'mac',
  'duration',
];

let droppedPatterns = 0;

/** Kubernetes patterns are Go RE2; one that JavaScript cannot compile is dropped (counted in the index). */
function jsPattern(p: string): string | undefined {
  try {
    new RegExp(p, 'u');
    return p;
  } catch {
    droppedPatterns++;
    return undefined;
  }
}

/**
 * One openAPIV3Schema node -> ajv JSON Schema. `closed` adds additionalProperties: false to objects, as the API
 * server's strict field validation rejects unknown fields; value-validation branches (allOf/anyOf/oneOf/not) only
 * constrain and are never closed.
 */
function convert(n: Node, closed = true): Node {
  const out: Node = {};
  let type = n.type as string | undefined;
  if (n['x-kubernetes-int-or-string']) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }, ...(n.nullable ? [{ type: 'null' }] : [])];
    type = undefined;
  }
  if (type) out.type = n.nullable ? [type, 'null'] : type;
  for (const k of KEEP) if (n[k] !== undefined) out[k] = n[k];
  // The string formats the API server checks (integer and number formats are only hints for code generators).
  if (typeof n.format === 'string' && (type === 'string' || type === undefined) && STRING_FORMATS.includes(n.format))
    out.format = n.format;
  // Lists the API server keeps free of duplicates: `set` by value, `map` by the list-map keys.
  if (n['x-kubernetes-list-type'] === 'set' || n['x-kubernetes-list-type'] === 'map') {
    out['x-kubernetes-list-type'] = n['x-kubernetes-list-type'];
    if (n['x-kubernetes-list-type'] === 'map')
      out['x-kubernetes-list-map-keys'] = n['x-kubernetes-list-map-keys'] ?? [];
  }
  if (typeof n.pattern === 'string') {
    const p = jsPattern(n.pattern);
    if (p) out.pattern = p;
  }
  const props = n.properties as Record<string, Node> | undefined;
  if (props) out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, closed)]));
  if (n.items && typeof n.items === 'object') out.items = convert(n.items as Node, closed);
  if (n.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof n.additionalProperties === 'object'
        ? convert(n.additionalProperties as Node, closed)
        : n.additionalProperties;
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(n[k])) {
      const branches = (n[k] as Node[]).map((b) => convert(b, false));
      out[k] = out[k] ? [...(out[k] as Node[]), ...branches] : branches;
    }
  }
  if (n.not) out.not = convert(n.not as Node, false);
  const preserve = n['x-kubernetes-preserve-unknown-fields'] === true;
  if (n['x-kubernetes-embedded-resource']) {
    // An embedded object always may carry apiVersion, kind and metadata.
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...((out.properties as Node) ?? {}),
    };
  }
  if (closed && type === 'object' && !preserve && n.additionalProperties === undefined)
    out.additionalProperties = false;
  const rules = n['x-kubernetes-validations'] as Node[] | undefined;
  if (rules?.length) {
    out['x-kubernetes-validations'] = rules.map((r) =>
      Object.fromEntries(
        ['rule', 'message', 'fieldPath', 'reason'].filter((k) => r[k] !== undefined).map((k) => [k, r[k]]),
      ),
    );
  }
  return out;
}

/** Kubernetes ObjectMeta from the OpenAPI definitions, $refs inlined, closed. */
function objectMeta(defs: Record<string, Node>): Node {
  const inline = (n: Node): Node => {
    if (typeof n.$ref === 'string') {
      const name = n.$ref.replace('#/definitions/', '');
      if (name.endsWith('.Time')) return { type: ['string', 'null'] };
      if (name.endsWith('.FieldsV1')) return { type: 'object' };
      return inline(defs[name]);
    }
    const out: Node = {};
    if (n.type) out.type = n.type;
    if (n.required) out.required = n.required;
    if (n.properties) {
      out.properties = Object.fromEntries(
        Object.entries(n.properties as Record<string, Node>).map(([k, v]) => [k, inline(v)]),
      );
      out.additionalProperties = false;
    }
    if (n.items) out.items = inline(n.items as Node);
    if (n.additionalProperties && typeof n.additionalProperties === 'object')
      out.additionalProperties = inline(n.additionalProperties as Node);
    if (n.type === 'integer') delete out.format;
    return out;
  };
  return inline(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
}

/**
 * Moves subtrees that occur more than once (Argo CD's ApplicationSet repeats the Application template in every
 * generator) into definitions, so ajv compiles each once: ApplicationSet shrinks from 380 KB and 9 s of compilation.
 */
function dedupe(root: Node): Node {
  const counts = new Map<string, number>();
  const definitions: Record<string, Node> = {};
  const names = new Map<string, string>();
  /** Applies `f` to the schema nodes directly below `n` (never to data such as enum values or property-name maps). */
  const mapChildren = (n: Node, f: (c: Node) => Node): Node => {
    const out: Node = { ...n };
    if (n.properties)
      out.properties = Object.fromEntries(
        Object.entries(n.properties as Record<string, Node>).map(([k, v]) => [k, f(v)]),
      );
    for (const k of ['items', 'additionalProperties', 'not']) if (typeof n[k] === 'object') out[k] = f(n[k] as Node);
    for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[k])) out[k] = (n[k] as Node[]).map(f);
    return out;
  };
  const count = (n: Node): Node => {
    const key = JSON.stringify(n);
    if (key.length >= MIN_SHARED) counts.set(key, (counts.get(key) ?? 0) + 1);
    return mapChildren(n, count);
  };
  count(root);
  const replace = (n: Node): Node => {
    const key = JSON.stringify(n);
    if ((counts.get(key) ?? 0) < 2) return mapChildren(n, replace);
    let name = names.get(key);
    if (!name) {
      name = `s${names.size}`;
      names.set(key, name);
      definitions[name] = mapChildren(n, replace);
    }
    return { $ref: `#/definitions/${name}` };
  };
  const out = mapChildren(root, replace);
  return names.size ? { ...out, definitions } : out;
}
const MIN_SHARED = 400;

function main(): void {
  const [crdDir, definitions] = process.argv.slice(2);
  if (!crdDir || !definitions) {
    console.error('usage: npm run import-schemas -- <crd-dir> <kubernetes-definitions.json>');
    process.exit(2);
  }
  const outDir = join(__dirname, '..', 'schemas');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const defs = (JSON.parse(readFileSync(definitions, 'utf8')) as { definitions: Record<string, Node> }).definitions;
  writeFileSync(join(outDir, 'objectmeta.json'), `${JSON.stringify(objectMeta(defs))}\n`);
  const kinds: Record<string, { file: string; source: string }> = {};
  for (const [file, source] of Object.entries(SOURCES)) {
    for (const crd of yaml.loadAll(readFileSync(join(crdDir, file), 'utf8')) as Node[]) {
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const spec = crd.spec as { group: string; names: { kind: string }; versions: Node[] };
      for (const v of spec.versions) {
        const schema = (v.schema as Node | undefined)?.openAPIV3Schema as Node | undefined;
        if (!v.served || !schema) continue;
        const root = convert(schema);
        // The API server always accepts apiVersion, kind and its ObjectMeta, whatever the CRD declares (Istio's omit them).
        root.properties = {
          ...((root.properties as Node) ?? {}),
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: 'objectmeta.json' },
        };
        const rel = `${spec.group}/${v.name}/${spec.names.kind}.json`;
        mkdirSync(join(outDir, spec.group, v.name as string), { recursive: true });
        writeFileSync(join(outDir, rel), `${JSON.stringify(dedupe(root))}\n`);
        kinds[`${spec.group}/${v.name} ${spec.names.kind}`] = { file: rel, source: `${source.name} ${source.version}` };
      }
    }
  }
  const index = {
    comment: 'Generated by `npm run import-schemas` from the upstream CRDs listed in sources; do not edit.',
    sources: Object.values(SOURCES),
    objectMeta: `Kubernetes ${definitions.match(/(\d+\.\d+\.\d+)/)?.[1] ?? '?'} ObjectMeta`,
    droppedPatterns,
    kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  console.log(`${Object.keys(kinds).length} kinds written to schemas/ (${droppedPatterns} Go-only patterns dropped)`);
}

main();
