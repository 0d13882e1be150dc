import { PRODUCT_NAME } from '../product';

export const CHART_NAME = PRODUCT_NAME;
/** Name of a named template in `_helpers.tpl`. */
export const helper = (name: string) => `${CHART_NAME}.${name}`;
