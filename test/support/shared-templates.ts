import { join } from 'path';
import { STACK } from '../../charts';
import { useTemplateCache } from '../../lib/output/helm-chart';
const { SHARED_DIR_ENV } = require('./global-setup') as { SHARED_DIR_ENV: string };

/*
 * Imported by the test files that render the built-in stack's chart: they share its templates (124 synths, about 2 s
 * of CPU to build) through .cache/, as the synth command does, and with it: the key names the compiled build, which
 * the jest run's global setup (test/support/global-setup.js) made fresh from these very sources. So a run after
 * `npm run synth` builds none, and otherwise the first file to need them builds them for the others.
 * test/helm/chart.spec.ts builds them again in a process of its own (another clock, directory and time zone) and
 * compares.
 * Only the templates: every test still runs its own checks and helm proofs (useResultCache stays off).
 */
const ROOT = join(__dirname, '..', '..');
// Only under the global setup: outside it, nothing says the build is fresh.
if (process.env[SHARED_DIR_ENV]) useTemplateCache(join(ROOT, '.cache'), STACK, join(ROOT, 'build'));
