import { join } from 'path';
import { STACK } from '../../charts';
import { useTemplateCache } from '../../lib/output/helm-chart';
const { SHARED_DIR_ENV } = require('./global-setup') as { SHARED_DIR_ENV: string };

/*
 * Imported by the test files that render the built-in stack's chart: they share its templates (124 synths, about 2 s
 * of CPU to build) through the jest run's folder (test/support/global-setup.js), as the synth command shares them
 * through .cache/, instead of each file building them again. The global setup seeds the folder with the synth's own,
 * so a run after `npm run synth` builds none; otherwise the first file to need them builds them, and
 * test/helm/chart.spec.ts builds them again in a process of its own (another clock, directory and time zone) and
 * compares.
 * Only the templates: every test still runs its own checks and helm proofs (useResultCache stays off).
 */
const shared = process.env[SHARED_DIR_ENV];
if (shared) useTemplateCache(join(shared, 'cache'), STACK);
