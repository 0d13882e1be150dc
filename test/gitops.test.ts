import { join } from 'path';
import { runSpecs } from './support/specs';

/* The committed dist/, the Argo CD tree, environments, the team apps and the gateway certificate. */
runSpecs(join(__dirname, 'gitops'));
