import { join } from 'path';
import { main } from './lib/cli/synth';
import { STACK } from './charts';
import { useResultCache } from './lib/output/cache-file';
import { useTemplateCache } from './lib/output/helm-chart';
import { PROJECT_ROOT } from './lib/project-root';

// The Helm templates, the check result and the helm proof are kept between runs in .cache/ (git-ignored), keyed by a
// hash of everything they depend on.
useTemplateCache(join(PROJECT_ROOT, '.cache'), STACK);
useResultCache(join(PROJECT_ROOT, '.cache'));
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
