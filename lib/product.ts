import { readFileSync } from 'fs';
import { join } from 'path';
import { PROJECT_ROOT } from './project-root';

// Read at run time rather than imported: the compiled build sits one folder deeper than the sources.
const { name, version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Product identity, used in labels and chart metadata: package.json is the one place it is set. */
export const PRODUCT_NAME = name;
export const PRODUCT_VERSION = version;
