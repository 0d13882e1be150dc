import type Ajv from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import { CONFIG_SCHEMA } from './schema';

/**
 * The config schema's validator. Compiling it takes ajv about half a second, more than a whole synth otherwise
 * spends on the config, so the build writes it out as standalone code (GENERATED_FILE, next to the compiled
 * load.js) and a command only loads that. jest's tests load the build's file too (package.json's moduleNameMapper);
 * run from the sources otherwise (tsx), it is compiled here.
 */
export const GENERATED_FILE = 'config-validator.generated.js';

const OPTIONS: Options = { allErrors: false, verbose: true, strict: true };

function configAjv(extra: Options = {}): Ajv {
  // Required here rather than imported: a command that loads the generated validator never loads ajv's compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvClass = (require('ajv') as { default: typeof Ajv }).default;
  const ajv = new AjvClass({ ...OPTIONS, ...extra });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  return ajv;
}

/** The validator compiled now, with ajv. */
export function compiledValidator(): ValidateFunction {
  return configAjv().compile(CONFIG_SCHEMA);
}

/** The standalone CommonJS module of the validator, as the build writes it. */
export function standaloneValidatorCode(): string {
  const ajv = configAjv({ code: { source: true } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standalone = (require('ajv/dist/standalone') as { default: (a: Ajv, v: ValidateFunction) => string }).default;
  return standalone(ajv, ajv.compile(CONFIG_SCHEMA));
}

/** The generated validator when the build wrote one, else the validator compiled now. */
export function configValidator(): ValidateFunction {
  let generated: ValidateFunction | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    generated = require(`./${GENERATED_FILE}`) as ValidateFunction;
  } catch {
    generated = undefined;
  }
  return typeof generated === 'function' ? generated : compiledValidator();
}
