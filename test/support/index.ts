import { execFileSync } from 'child_process';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { Config } from '../../lib/config/types';
import { loadConfig, mergeConfig, validateConfig } from '../../lib/config/load';

export const ROOT = join(__dirname, '..', '..');

/**
 * Validates objects against the Kubernetes, Istio, Argo CD and cert-manager schemas of the npm validators, in a
 * child process (they are ESM-only); returns one entry per invalid object.
 */
export function schemaErrors(objects: unknown[]): { object: string; error: string }[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-schemas.mjs')], {
    input: JSON.stringify(objects), cwd: ROOT, encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** The default config with `override` merged over it, validated. */
export function configWith(override: object = {}): Config {
  return validateConfig(mergeConfig(loadConfig(), override));
}

/** A fresh chart for construct tests. */
export const newChart = () => Testing.chart();

/** Finds the single object of `kind` (and `name`) in synthesized output. */
export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}
