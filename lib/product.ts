import { name, version } from '../package.json';

/** Product identity, used in labels and chart metadata: package.json is the one place it is set. */
export const PRODUCT_NAME = name;
export const PRODUCT_VERSION = version;
