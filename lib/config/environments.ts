import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { DNS_LABEL, echo } from '../patterns';
import { BaseConfig, ConfigError, configOver, loadBaseConfig, shownPath } from './load';
import { Config } from './types';
import { PROJECT_ROOT } from '../project-root';

/** Where environment files live: `config/environments/<env>.yaml`. */
export const ENVIRONMENTS_DIR = join(PROJECT_ROOT, 'config', 'environments');

/** Names that would collide with the other folders of `dist/`. */
export const RESERVED_ENVIRONMENT_NAMES = ['argocd', 'helm'] as const;

/** One environment: a config file merged over the default config, rendered into `dist/<name>/`. */
export interface Environment {
  /** The file name without `.yaml`; names the `dist/` folder and the Argo CD Applications. */
  readonly name: string;
  /** The environment file. */
  readonly file: string;
  /** The resolved configuration: the default config with the environment file merged over it. */
  readonly config: Config;
}

/**
 * The environment files of `dir` (`<env>.yaml`), sorted by name; files that are not YAML are ignored. Other spellings
 * of the extension (`.yml`, `.YAML`) are refused rather than skipped, which would silently drop an environment.
 */
export function environmentFiles(dir: string = ENVIRONMENTS_DIR): { name: string; file: string }[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile());
  const names = new Set(entries.map((d) => d.name));
  for (const d of entries) {
    if (!/\.ya?ml$/i.test(d.name) || d.name.endsWith('.yaml')) continue;
    const renamed = d.name.replace(/\.ya?ml$/i, '.yaml');
    const shown = shownPath(join(dir, d.name));
    throw new ConfigError(
      names.has(renamed)
        ? `environment file ${shown}: environment files end in .yaml and ${renamed} exists too; merge it into ${renamed} and delete it, got ${echo(d.name)}`
        : `environment file ${shown}: environment files end in .yaml; rename it to ${renamed}, got ${echo(d.name)}`,
    );
  }
  return entries
    .filter((d) => d.name.endsWith('.yaml'))
    .map((d) => d.name)
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.yaml'.length);
      const shown = shownPath(join(dir, f));
      if (!DNS_LABEL.pattern.test(name)) {
        throw new ConfigError(`environment file ${shown}: the name must be ${DNS_LABEL.expected}, got ${echo(name)}`);
      }
      if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
        throw new ConfigError(
          `environment file ${shown}: the name must not be one of ${RESERVED_ENVIRONMENT_NAMES.join(', ')} (dist/${name}/ is taken), got ${echo(name)}`,
        );
      }
      return { name, file: join(dir, f) };
    });
}

/** Loads every environment of `dir`; a config error names the environment file it comes from. */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR, base: BaseConfig = loadBaseConfig()): Environment[] {
  return environmentFiles(dir).map(({ name, file }) => {
    try {
      return { name, file, config: configOver(base, file) };
    } catch (e) {
      if (!(e instanceof ConfigError) || e.message.startsWith('config file ')) throw e;
      throw new ConfigError(`${shownPath(file)}: ${e.message}`);
    }
  });
}
