import { readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import * as ts from 'typescript';

export const ROOT = join(__dirname, '..', '..', '..');

export { schemaErrors } from '../../support';

/** The TypeScript interfaces of the same npm models, by apiVersion and kind. */
const TYPES: Record<string, [string, string]> = {
  'argoproj.io/v1alpha1/Application': ['@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application', 'IApplication'],
  'argoproj.io/v1alpha1/ApplicationSet': ['@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet', 'IApplicationSet'],
  'cert-manager.io/v1/Certificate': ['@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate', 'ICertificate'],
  'cert-manager.io/v1/Issuer': ['@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer', 'IIssuer'],
};

/**
 * The schema validators accept unknown fields; TypeScript's excess-property check on an object literal does not.
 * Type-checks each object as a literal of its model interface and returns the errors (unknown or mistyped fields,
 * at any depth), one line each.
 */
export function unknownFieldErrors(objects: any[]): string[] {
  const file = join(ROOT, 'test', 'gitops', '__closed_check__.ts');
  const lines = objects.map((o, i) => {
    const type = TYPES[`${o.apiVersion}/${o.kind}`];
    if (!type) throw new Error(`no type for ${o.apiVersion} ${o.kind}`);
    return `import type { ${type[1]} as T${i} } from '${type[0]}';\nexport const o${i}: T${i} = ${JSON.stringify(o)};`;
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file
    ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const obj = objects[Math.floor((line - 1) / 2)];
    return `${obj ? `${obj.kind} ${obj.metadata?.name}: ` : ''}${text}`;
  });
}

/** Every file under `dir`, relative path -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel); else files.set(rel, readFileSync(join(dir, rel)));
    }
  };
  walk('');
  return files;
}

/** The objects of the YAML files under `dir` (recursively, but not Helm templates), with the file each came from. */
export function loadObjects(dir: string): { file: string; object: any }[] {
  return [...readTree(dir)].filter(([rel]) => rel.endsWith('.yaml') && !rel.startsWith('helm/'))
    .flatMap(([rel, bytes]) => yaml.loadAll(bytes.toString('utf8')).filter(Boolean).map((object) => ({ file: rel, object })));
}

/** Finds the single object of `kind` (and `name`). */
export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}
