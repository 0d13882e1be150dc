import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';
import {
  compiledCrdValidator,
  crdSchemaFile,
  crdSchemaFiles,
  GENERATED_DIR,
  generatedFileName,
  RUNTIME,
  writeGeneratedValidators,
} from '../../lib/check/crd-validators';
import { loadDir, ROOT } from './helpers';

/*
 * The custom resources' validators the build writes as standalone code (lib/check/crd-validators.ts) against the ones
 * compiled at run time from the same schemas and keywords: the same verdict and the same errors, on valid objects
 * (every custom resource of dist/ and of the schema fixtures) and on broken ones.
 */

type Obj = { apiVersion: string; kind: string; [field: string]: unknown };

let scratch = '';
let generatedDir = '';
let written = 0;

beforeAll(() => {
  // Inside the project: the generated code requires ajv's runtime from node_modules.
  fs.mkdirSync(path.join(ROOT, '.cache', 'jest'), { recursive: true });
  scratch = fs.mkdtempSync(path.join(ROOT, '.cache', 'jest', 'crd-validators-'));
  generatedDir = path.join(scratch, GENERATED_DIR);
  // The generated files require crd-runtime by RUNTIME, relative to their folder, as in build/lib/check/: here that
  // path leads to a module handing out the sources' crd-runtime.
  fs.writeFileSync(
    path.join(generatedDir, '..', `${path.basename(RUNTIME)}.js`),
    `module.exports = require(${JSON.stringify(path.join(ROOT, 'lib', 'check', 'crd-runtime.ts'))});\n`,
  );
  written = writeGeneratedValidators(generatedDir);
}, 120_000);
afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

const generated = new Map<string, ValidateFunction>();
const compiled = new Map<string, ValidateFunction>();
function validators(o: Obj): { file: string; gen: ValidateFunction; run: ValidateFunction } {
  const file = crdSchemaFile(o.apiVersion, o.kind);
  if (!file) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  if (!generated.has(file))
    generated.set(file, require(path.join(generatedDir, generatedFileName(file))) as ValidateFunction);
  if (!compiled.has(file)) compiled.set(file, compiledCrdValidator(file));
  return { file, gen: generated.get(file)!, run: compiled.get(file)! };
}

/** The verdict and errors of both validators on a copy of `o` each; asserts they are identical and returns them. */
function both(o: Obj): { valid: boolean; errors: ErrorObject[] } {
  const { gen, run } = validators(o);
  const viaGenerated = { valid: gen(structuredClone(o)), errors: gen.errors ?? [] };
  const viaCompiled = { valid: run(structuredClone(o)), errors: run.errors ?? [] };
  // Serialized: the same fields in the same order, as the checker reads them.
  expect(JSON.stringify(viaGenerated)).toBe(JSON.stringify(viaCompiled));
  return viaCompiled;
}

const crdObjectsOfDist = (): Obj[] => {
  const out: Obj[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      // dist/helm holds templates, not manifests.
      if (e.isDirectory()) {
        if (p !== path.join(ROOT, 'dist', 'helm')) walk(p);
      } else if (/\.ya?ml$/.test(e.name))
        for (const doc of yaml.loadAll(fs.readFileSync(p, 'utf8')) as Obj[])
          if (doc && crdSchemaFile(doc.apiVersion, doc.kind)) out.push(doc);
    }
  };
  walk(path.join(ROOT, 'dist'));
  return out;
};

test('the build function writes one module per schema file, requiring only crd-runtime (by its relative path) and ajv', () => {
  const files = fs.readdirSync(generatedDir).filter((f) => f.endsWith('.generated.js'));
  expect(written).toBe(crdSchemaFiles().length);
  expect(files.sort()).toEqual(crdSchemaFiles().map(generatedFileName).sort());
  const required = new Set<string>();
  for (const f of files)
    for (const m of fs.readFileSync(path.join(generatedDir, f), 'utf8').matchAll(/require\(("[^"]*")\)/g))
      required.add(JSON.parse(m[1]) as string);
  expect([...required].filter((r) => r !== RUNTIME && !r.startsWith('ajv/dist/runtime/'))).toEqual([]);
  expect(required).toContain(RUNTIME);
  // Fresh: a second run finds its stamp and writes nothing.
  expect(writeGeneratedValidators(generatedDir)).toBe(0);
});

test('valid custom resources (dist/ and the schema fixtures) pass both validators alike', () => {
  const objs = [...crdObjectsOfDist(), ...loadDir('crd-schemas').map((o) => o.object as Obj)];
  expect(objs.length).toBeGreaterThan(10);
  const verdicts = objs.map((o) => `${o.kind} ${both(o).valid}`);
  // The fixtures' broken twins (CEL rules) fail; everything of dist/ passes.
  expect(verdicts.filter((v) => v.endsWith('false'))).toEqual(['IngressClassParams false', 'Issuer false']);
});

describe('broken custom resources get the same errors from both validators', () => {
  const keywords = (o: Obj) => both(o).errors.map((e) => `${e.instancePath} ${e.keyword}`);
  const gateway = (spec: Record<string, unknown>): Obj => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'istio-system' },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], ...spec },
  });

  test('a CEL rule that evaluates to false (x-kubernetes-validations)', () => {
    const params: Obj = {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'IngressClassParams',
      metadata: { name: 'both' },
      spec: { prefixListsIDs: ['pl-1'], PrefixListsIDs: ['pl-1'] },
    };
    expect(keywords(params)).toEqual(['/spec x-kubernetes-validations']);
    const issuer: Obj = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'v', namespace: 'demo' },
      spec: { venafi: { zone: 'z' } },
    };
    expect(both(issuer).errors.map((e) => e.message)).toContain(
      'fails the rule "exactly one of tpp, cloud, or ngts must be configured"',
    );
  });

  test('a repeated key of a list of type map and a repeated value of a list of type set (x-kubernetes-list-type)', () => {
    const listeners = [
      { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'a' }] } },
      { name: 'https', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'b' }] } },
    ];
    expect(keywords(gateway({ listeners }))).toContain('/spec/listeners x-kubernetes-list-type');
    const route: Obj = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'shop' },
      spec: {
        rules: [{ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['X-A', 'X-A'] } }] }],
      },
    };
    expect(both(route).errors.map((e) => e.message)).toContain(
      'repeats the value "X-A" of item 0 at item 1 (a list of type set: the API server rejects duplicates)',
    );
  });

  test('a bad format: base64 and an address that is neither IPv4 nor IPv6', () => {
    const issuer: Obj = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'acme' },
      spec: {
        acme: { server: 'https://acme.example.org/directory', privateKeySecretRef: { name: 'k' }, caBundle: '!' },
      },
    };
    expect(keywords(issuer)).toEqual(['/spec/acme/caBundle format']);
    expect(keywords(gateway({ addresses: [{ type: 'IPAddress', value: '10.0.0.300' }] }))).toEqual(
      expect.arrayContaining(['/spec/addresses/0/value format', '/spec/addresses/0/value anyOf']),
    );
  });

  test('an unknown field, a wrong type, a missing required field and bad metadata', () => {
    const route: Obj = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 7, namespace: 'shop' },
      spec: { rules: [{ backendRef: [] }], parentRefs: [{ port: 80 }] },
    };
    expect(keywords(route)).toEqual(
      expect.arrayContaining([
        '/metadata/name type',
        '/spec/rules/0 additionalProperties',
        '/spec/parentRefs/0 required',
      ]),
    );
    const vs: Obj = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v' },
      spec: { hosts: 'web', http: [{ route: [{ destination: { host: 'web', port: { number: 'x' } } }] }] },
    };
    expect(keywords(vs)).toEqual(expect.arrayContaining(['/spec/hosts type']));
  });
});
