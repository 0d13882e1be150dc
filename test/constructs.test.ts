import { join } from 'path';
import { runSpecs } from './support/specs';

/* The constructs and the config that drives them: each construct's output by value and its refusals, the apps. */
runSpecs(join(__dirname, 'constructs'));
