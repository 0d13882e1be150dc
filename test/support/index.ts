import { createHash } from 'crypto';
import { readFileSync, readdirSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { validateObject } from '../../lib/check/schema';
import { Config } from '../../lib/config/types';
import { loadDefaultConfig, mergeConfig, validateConfig } from '../../lib/config/load';

export const ROOT = join(__dirname, '..', '..');

/**
 * Validates objects with the checker's schemas (kubernetes-models for core kinds, the generated CRD schemas for the
 * rest), unknown fields included; returns one entry per invalid object or object without a schema.
 */
export function schemaErrors(objects: any[]): { object: string; error: string }[] {
  return objects.flatMap((obj) => {
    const id = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const issues = validateObject(obj);
    if (!issues) return [{ object: id, error: `no schema for ${obj.apiVersion} ${obj.kind}` }];
    return issues.length ? [{ object: id, error: issues.map((i) => `${i.field} ${i.message}`).join('; ') }] : [];
  });
}

/** The default config with `override` merged over it, validated. */
export function configWith(override: object = {}): Config {
  return validateConfig(mergeConfig(loadDefaultConfig(), override));
}

/**
 * A chart for the construct tests. Not cdk8s's Testing.chart(), which makes a temporary folder on every call that
 * nothing removes; the tests read chart.toJson(), so this app never writes its outdir.
 */
export const newChart = () => new Chart(new App({ outdir: join(tmpdir(), 'cdk8s-test-app-never-writes') }), 'test');

/** Finds the single object of `kind` (and `name`) in synthesized output. */
export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

/**
 * Every file under `dir`: relative path -> SHA-256 of its bytes. Compares whole trees as exactly as the bytes do, in
 * milliseconds (a deep toEqual of the Buffers takes a second per tree), and a diff still names the file that changed.
 */
export function fileHashes(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else
        files.set(
          rel,
          createHash('sha256')
            .update(readFileSync(join(dir, rel)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return files;
}
