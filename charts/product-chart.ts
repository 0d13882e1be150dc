import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
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
 * Runs `build` (which creates constructs), renaming the props a construct error names (`'prop'`, `'prop[2]'`) to the
 * config keys they come from, so that a config error always names the key the user wrote.
 */
export function namingConfigKeys<T>(keys: Readonly<Record<string, string>>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    e.message = renameProps(e.message, keys);
    throw e;
  }
}

/** `'certificateArns[1]' ...` with `{certificateArns: 'certificateArn'}` -> `'certificateArn[1]' ...`. */
export const renameProps = (message: string, keys: Readonly<Record<string, string>>) =>
  message.replace(/'([A-Za-z][A-Za-z0-9]*)((?:\[\d+\]|\.[A-Za-z0-9]+)*)'/g, (whole, prop: string, rest: string) => (keys[prop] ? `'${keys[prop]}${rest}'` : whole));
