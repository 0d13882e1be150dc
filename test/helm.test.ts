import { join } from 'path';
import { runSpecs } from './support/specs';

/* The generated Helm chart with a real helm: equivalence with the plain synth, values, schema, lint, the archive. */
runSpecs(join(__dirname, 'helm'));
