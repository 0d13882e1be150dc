import { join } from 'path';
import { runSpecs } from './support/specs';

/* The checker: rules, schemas, the hop report, scale, and the `check` command. */
runSpecs(join(__dirname, 'check'));
