import { readFileSync } from 'fs';
import { isAbsolute, join, relative, resolve } from 'path';
import type { ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { echo } from '../patterns';
import { APPS_DIR, Plain, appFiles, isPlainObject, mergeApps } from './apps';
import { configProblem } from './semantics';
import { Config } from './types';
import { configValidator } from './validator';
import { PROJECT_ROOT } from '../project-root';
import { recent } from '../tools/recent';

/** A path as messages show it: relative to the working directory when below it, else absolute. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

/** A configuration problem: the message is one line naming the key, the value and the expected form. */
export class ConfigError extends Error {}

export const DEFAULT_CONFIG_FILE = join(PROJECT_ROOT, 'config', 'default.yaml');

const validateSchema = configValidator();

/** Deep-merges `override` over `base`; lists and scalars replace, except the top-level `apps`, merged by name. */
export function mergeConfig(base: unknown, override: unknown): unknown {
  const merged = mergeValues(base, override);
  if (isPlainObject(merged) && isPlainObject(base) && isPlainObject(override) && override.apps !== undefined)
    merged.apps = mergeApps(base.apps, override.apps, mergeValues);
  return merged;
}

/** Deep merge: maps merge, lists and scalars replace. */
function mergeValues(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeValues(base[key], value);
  return merged;
}

/** How many nodes aliases may expand to in a config file: plenty for reuse, far too few for an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/** The values of the last config texts parsed: every render reads config/default.yaml; a copy costs less than a parse. */
const parsedTexts = recent<unknown>(16);

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  // A copy: callers build on what they read.
  return structuredClone(parsedTexts(text, () => parseYaml(file, text)));
}

function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new ConfigError(
      `config file ${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0].replace(/:$/, '')}`,
    );
  try {
    // Bounded alias expansion: a few nested aliases can otherwise expand to billions of nodes (an "alias bomb").
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ConfigError(
      `config file ${file} uses YAML aliases that expand to more than ${MAX_ALIAS_COUNT} nodes; write the values out instead of aliasing them`,
    );
  }
}

/** `/istioEdge/routes/0/port` -> `istioEdge.routes[0].port` */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .concat(child === undefined ? [] : [child]);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function describe(error: ErrorObject): string {
  const parent = error.parentSchema as { expected?: string } | undefined;
  const value = echo(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((parent as { properties?: object })?.properties ?? {});
      return `'${fieldName(error.instancePath, key)}' is not a known key (expected one of: ${known.join(', ')})`;
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      return `'${fieldName(error.instancePath, key)}' is required`;
    }
    case 'enum':
      return `'${fieldName(error.instancePath)}' must be one of ${(error.schema as string[]).join(', ')}, got ${value}`;
    case 'propertyNames':
      return `'${fieldName(error.instancePath)}' has a key that is not ${parent?.expected ?? 'valid'}, got ${echo((error.params as { propertyName: string }).propertyName)}`;
    default: {
      const expected = parent?.expected ?? error.message ?? 'valid';
      const shown =
        error.keyword === 'type' && !parent?.expected ? `of type ${(error.params as { type: string }).type}` : expected;
      return `'${fieldName(error.instancePath)}' must be ${shown}, got ${value}`;
    }
  }
}

/** Picks the most useful error: for anyOf, the branch error on the value itself rather than the anyOf summary. */
function firstError(errors: ErrorObject[]): ErrorObject {
  const anyOf = errors.find((e) => e.keyword === 'anyOf');
  return anyOf ?? errors[0];
}

/** Validates a resolved config object; throws ConfigError with a one-line message. */
export function validateConfig(candidate: unknown): Config {
  if (!validateSchema(candidate)) throw new ConfigError(describe(firstError(validateSchema.errors ?? [])));
  const config = structuredClone(candidate) as Config;
  // The schema accepts a number for cpu (YAML reads `cpu: 1` as one); the constructs take the quantity string.
  for (const workload of Object.values(config.yelb)) {
    if (!isPlainObject(workload)) continue;
    const resources = workload.resources as Record<'requests' | 'limits', { cpu: string | number }>;
    for (const kind of ['requests', 'limits'] as const) resources[kind].cpu = String(resources[kind].cpu);
  }
  const problem = configProblem(config);
  if (problem !== undefined) throw new ConfigError(problem);
  return config as Config;
}

/** The apps of the files of an apps folder, in order; each file holds one app (a mapping) or a list of apps. */
function readAppFiles(dir: string): { apps: unknown[]; origins: string[] } {
  const apps: unknown[] = [];
  const origins: string[] = [];
  for (const file of appFiles(dir)) {
    const content = readYaml(file);
    const items = Array.isArray(content) ? content : [content];
    if (items.length === 0 || items.some((item) => !isPlainObject(item)))
      throw new ConfigError(
        `app file ${shownPath(file)} must hold an app (a mapping with name, hosts and routes) or a list of them, got ${echo(content)}`,
      );
    apps.push(...items);
    origins.push(...items.map(() => file));
  }
  return { apps, origins };
}

/** The default config with the apps of the apps folder added, before any config file: read once per render. */
export interface BaseConfig {
  readonly value: Plain;
  /** The file each app of `value.apps` comes from, by index. */
  readonly origins: readonly string[];
}

function readDefaultConfig(): Plain {
  const base = readYaml(DEFAULT_CONFIG_FILE);
  if (!isPlainObject(base)) throw new ConfigError(`config file ${DEFAULT_CONFIG_FILE} must hold a YAML mapping`);
  return base;
}

/**
 * config/default.yaml alone, validated, without the teams' app files: what the Helm chart's templates are generated
 * from (the apps of config/apps/ are values of the chart, never templates of their own).
 */
export function loadDefaultConfig(): Config {
  return validateConfig(readDefaultConfig());
}

/** Reads config/default.yaml and the app files of `appsDir` (config/apps/). */
export function loadBaseConfig(appsDir: string = APPS_DIR): BaseConfig {
  const base = readDefaultConfig();
  const fromFiles = readAppFiles(appsDir);
  const baseApps = Array.isArray(base.apps) ? base.apps : [];
  return {
    value: fromFiles.apps.length > 0 ? { ...base, apps: [...baseApps, ...fromFiles.apps] } : base,
    origins: [...baseApps.map(() => DEFAULT_CONFIG_FILE), ...fromFiles.origins],
  };
}

/**
 * Loads the default config, adds the apps of `appsDir` (config/apps/), merges `file` over it (if given) and validates
 * the result. A problem with an app read from a file names that file.
 */
export function loadConfig(file?: string, appsDir: string = APPS_DIR): Config {
  return configOver(loadBaseConfig(appsDir), file);
}

/**
 * `file` (if given) merged over `base`, validated, as loadConfig does: a render reads the default and the app files
 * once (loadBaseConfig) and passes them for the top-level config and every environment.
 */
export function configOver(base: BaseConfig, file?: string): Config {
  const { origins } = base;
  let merged: unknown = base.value;
  if (file !== undefined) {
    const override = readYaml(file);
    if (!isPlainObject(override))
      throw new ConfigError(`config file ${file} must hold a YAML mapping, got ${echo(override)}`);
    merged = mergeConfig(merged, override);
  }
  try {
    return validateConfig(merged);
  } catch (e) {
    const at = e instanceof ConfigError ? /^'apps\[(\d+)\]/.exec(e.message) : null;
    const origin = at ? origins[Number(at[1])] : undefined;
    if (origin === undefined || origin === DEFAULT_CONFIG_FILE) throw e;
    throw new ConfigError(`${shownPath(origin)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
