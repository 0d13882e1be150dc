import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { renamingProps } from '../lib/patterns';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../lib/product';

/** A chart with the product's `app.kubernetes.io/*` labels on every object and stable (hash-free) names. */
export class ProductChart extends Chart {
  /** The file this chart is written to: the numeric prefix makes `kubectl apply -f dir/` apply it in order. */
  public readonly fileName: string;

  constructor(scope: Construct, id: string, component: string, order: number) {
    super(scope, id, {
      disableResourceNameHashes: true,
      labels: {
        'app.kubernetes.io/name': component,
        'app.kubernetes.io/part-of': PRODUCT_NAME,
        'app.kubernetes.io/version': PRODUCT_VERSION,
        'app.kubernetes.io/managed-by': 'cdk8s',
      },
    });
    this.fileName = `${String(order).padStart(2, '0')}-${component}.yaml`;
  }
}

/**
 * Runs `build` (which creates constructs from config values) and turns a construct's refusal of a prop into the same
 * line about the config key: `keys` maps each prop to the key it comes from, and applies to every prop the line names.
 */
export const namingConfigKeys = renamingProps;
