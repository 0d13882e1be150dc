import { readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { validateObject } from '../../../lib/check/schema';

export const ROOT = join(__dirname, '..', '..', '..');

export { schemaErrors } from '../../support';

/**
 * The unknown fields (at any depth) of each object, one line each, from the checker's closed schemas: the upstream
 * CRD's schema, where every object that does not preserve unknown fields is closed.
 */
export function unknownFieldErrors(objects: any[]): string[] {
  return objects.flatMap((o) => {
    const issues = validateObject(o);
    if (!issues) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
    return issues.filter((i) => i.unknown).map((i) => `${o.kind} ${o.metadata?.name}: ${i.field} ${i.message}`);
  });
}

/** Every file under `dir`, relative path -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else files.set(rel, readFileSync(join(dir, rel)));
    }
  };
  walk('');
  return files;
}

/** The objects of the YAML files under `dir` (recursively, but not Helm templates), with the file each came from. */
export function loadObjects(dir: string): { file: string; object: any }[] {
  return [...readTree(dir)]
    .filter(([rel]) => rel.endsWith('.yaml') && !rel.startsWith('helm/'))
    .flatMap(([rel, bytes]) =>
      yaml
        .loadAll(bytes.toString('utf8'))
        .filter(Boolean)
        .map((object) => ({ file: rel, object })),
    );
}

/** Finds the single object of `kind` (and `name`). */
export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}
