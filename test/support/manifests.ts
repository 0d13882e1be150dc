import { STACK } from '../../charts';
import { loadConfig } from '../../lib/config/load';
import { ManifestFile, synthManifests } from '../../lib/output/plain';

/**
 * The manifests renderAll gives for a config file (the built-in config without one), made the way renderAll makes
 * them, without rendering the Helm chart, the Argo CD tree and the environments, which cost a test that reads only
 * the manifests most of its time.
 */
export function manifestsOf(configFile?: string, appsDir?: string): ManifestFile[] {
  return synthManifests(STACK, loadConfig(configFile, appsDir));
}
