import { createHash } from 'crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { join } from 'path';
import type Ajv from 'ajv';
import type { Code, CodeKeywordDefinition, KeywordCxt, KeywordDefinition, Name, Options, ValidateFunction } from 'ajv';
import * as runtime from './crd-runtime';
import { PROJECT_ROOT } from '../project-root';

/**
 * The validators of the custom resources, from the schemas generated into schemas/ (docs/SCHEMAS.md). Compiling the
 * kinds a check usually meets takes ajv over a second of CPU, so the build writes each schema's validator as
 * standalone code (GENERATED_DIR next to the compiled module, one file per schema) and a check loads only the kinds it
 * meets. Run from the sources (tsx), they are compiled here, with the same keywords, unless useGeneratedValidators
 * points at a build's (as the tests do).
 *
 * The keywords and formats call crd-runtime.ts: ajv can write a keyword as code only when its definition generates
 * code, so each keyword's code calls a function of that module, which the generated files require by RUNTIME.
 */
export const GENERATED_DIR = 'crd-validators';
/** crd-runtime's compiled module as the generated files require it: relative, so the built package can move. */
export const RUNTIME = '../crd-runtime';

// Read from the project (or package) root: the compiled code runs one folder deeper than the sources.
const SCHEMAS_DIR = join(PROJECT_ROOT, 'schemas');
let kinds: Record<string, { file: string; source: string }> | undefined;
function schemaIndex(): Record<string, { file: string; source: string }> {
  kinds ??= (
    JSON.parse(readFileSync(join(SCHEMAS_DIR, 'index.json'), 'utf8')) as {
      kinds: Record<string, { file: string; source: string }>;
    }
  ).kinds;
  return kinds;
}

/** The schema file (relative to schemas/) of a custom resource kind; undefined when there is none. */
export function crdSchemaFile(apiVersion: string, kind: string): string | undefined {
  return schemaIndex()[`${apiVersion} ${kind}`]?.file;
}

/** Every schema file of schemas/index.json, once each. */
export function crdSchemaFiles(): string[] {
  return [...new Set(Object.values(schemaIndex()).map((e) => e.file))].sort();
}

/** `networking.istio.io/v1/Gateway.json` -> `networking.istio.io_v1_Gateway.generated.js`. */
export function generatedFileName(schemaFile: string): string {
  return `${schemaFile.replace(/\.json$/, '').replace(/\//g, '_')}.generated.js`;
}

type CodeGen = typeof import('ajv');
const ajvModule = (): CodeGen => require('ajv') as CodeGen; // eslint-disable-line @typescript-eslint/no-require-imports

/**
 * A keyword whose errors come from a crd-runtime function: `call` is the code calling it. The errors are added with
 * ajv's own helpers (internal modules; the lockfile pins ajv) as ajv adds those of a keyword defined by a `validate`
 * function: instancePath where the function left none, then schemaPath.
 */
function runtimeKeyword(
  keyword: string,
  schemaType: 'array' | 'string',
  call: (cxt: KeywordCxt, fn: (name: 'celErrors' | 'listTypeErrors') => Name) => Code,
): CodeKeywordDefinition {
  return {
    keyword,
    schemaType,
    trackErrors: true,
    code(cxt) {
      const { _, Name: CodeName } = ajvModule();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const N = (require('ajv/dist/compile/names') as typeof import('ajv/dist/compile/names')).default;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { extendErrors } = require('ajv/dist/compile/errors') as typeof import('ajv/dist/compile/errors');
      const { gen } = cxt;
      const fn = (name: 'celErrors' | 'listTypeErrors') =>
        gen.scopeValue('keyword', { ref: runtime[name], code: _`require(${RUNTIME}).${new CodeName(name)}` });
      const errs = gen.const('errs', call(cxt, fn));
      const valid = gen.const('valid', _`${errs}.length === 0`);
      gen.if(_`!${valid}`, () => {
        gen
          .assign(N.vErrors, _`${N.vErrors} === null ? ${errs} : ${N.vErrors}.concat(${errs})`)
          .assign(N.errors, _`${N.vErrors}.length`);
        extendErrors(cxt);
      });
      cxt.ok(valid);
    },
  };
}

function crdKeywords(): KeywordDefinition[] {
  const { _, stringify } = ajvModule();
  return [
    runtimeKeyword('x-kubernetes-validations', 'array', ({ gen, schema, data }, fn) => {
      const rules = gen.scopeValue('keyword', { ref: schema as unknown, code: stringify(schema) });
      return _`${fn('celErrors')}(${rules}, ${data})`;
    }),
    runtimeKeyword('x-kubernetes-list-type', 'string', ({ schema, parentSchema, data }, fn) => {
      const keys =
        schema === 'map' ? ((parentSchema as Record<string, unknown>)['x-kubernetes-list-map-keys'] ?? []) : [];
      return _`${fn('listTypeErrors')}(${schema as string}, ${stringify(keys)}, ${data})`;
    }),
    { keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' },
  ];
}

function crdAjv(options: Options = {}): Ajv {
  const { default: AjvClass, _ } = ajvModule();
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    formats: runtime.formats,
    ...options,
    code: { ...options.code, formats: _`require(${RUNTIME}).formats` },
  });
  ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'objectmeta.json'), 'utf8')), 'objectmeta.json');
  for (const k of crdKeywords()) ajv.addKeyword(k);
  return ajv;
}

const readSchema = (schemaFile: string): unknown => JSON.parse(readFileSync(join(SCHEMAS_DIR, schemaFile), 'utf8'));

let compiling: Ajv | undefined;
/** The validator compiled now, with ajv. */
export function compiledCrdValidator(schemaFile: string): ValidateFunction {
  compiling ??= crdAjv();
  return compiling.compile(readSchema(schemaFile) as object);
}

let generatedDir = join(__dirname, GENERATED_DIR);
/**
 * Where crdValidateFunction looks for generated validators; by default next to this module, as in build/. The tests
 * run this module from its source and point it at the build's, which their global setup keeps fresh.
 */
export function useGeneratedValidators(dir: string): void {
  generatedDir = dir;
}

/** The validator of a schema file: the build's generated code when there is some, else compiled now. */
export function crdValidateFunction(schemaFile: string): ValidateFunction {
  const generated = join(generatedDir, generatedFileName(schemaFile));
  // Not a try of the require: a generated file that fails to load is a broken build, not a reason to compile.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return existsSync(generated) ? (require(generated) as ValidateFunction) : compiledCrdValidator(schemaFile);
}

/** What every generated file depends on: ajv's version, this module, crd-runtime and the shared ObjectMeta schema. */
function generatorHash(): string {
  const hash = createHash('sha256');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  hash.update(`ajv ${(require('ajv/package.json') as { version: string }).version}\0`);
  for (const file of [__filename, require.resolve('./crd-runtime'), join(SCHEMAS_DIR, 'objectmeta.json')])
    hash.update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** The first line of a generated file: the hash of its inputs, so an unchanged schema is not generated again. */
function stampLine(generator: string, schemaFile: string): string {
  const hash = createHash('sha256')
    .update(generator)
    .update(readFileSync(join(SCHEMAS_DIR, schemaFile)));
  return `// inputs ${hash.digest('hex')}\n`;
}

function firstLine(file: string, length: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(length);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the standalone validator of every schema file into `dir` (by default GENERATED_DIR next to this module,
 * where crdValidateFunction looks), except those whose first line says they were generated from the same inputs, and
 * removes generated files of schemas that are gone. Returns how many files were written.
 */
export function writeGeneratedValidators(dir = join(__dirname, GENERATED_DIR)): number {
  mkdirSync(dir, { recursive: true });
  const generator = generatorHash();
  let ajv: Ajv | undefined;
  let written = 0;
  const wanted = new Set<string>();
  for (const file of crdSchemaFiles()) {
    const name = generatedFileName(file);
    wanted.add(name);
    const target = join(dir, name);
    const stamp = stampLine(generator, file);
    if (firstLine(target, stamp.length) === stamp) continue;
    ajv ??= crdAjv({ code: { source: true } });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const standalone = (require('ajv/dist/standalone') as { default: (a: Ajv, v: ValidateFunction) => string }).default;
    // Whole files only, renamed into place: a check running meanwhile never reads half a module.
    writeFileSync(`${target}.${process.pid}`, stamp + standalone(ajv, ajv.compile(readSchema(file) as object)));
    renameSync(`${target}.${process.pid}`, target);
    written++;
  }
  for (const name of readdirSync(dir))
    if (name.endsWith('.generated.js') && !wanted.has(name)) rmSync(join(dir, name), { force: true });
  return written;
}
