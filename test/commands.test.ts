import { join } from 'path';
import { runSpecs } from './support/specs';

/* The commands and the build: synth and its refusals, the output directory it owns, the cdk8s CLI, the caches. */
runSpecs(join(__dirname, 'commands'));
