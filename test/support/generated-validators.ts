import { join } from 'path';
import { GENERATED_DIR, useGeneratedValidators } from '../../lib/check/crd-validators';

/*
 * jest setupFiles: every test file's checks load the custom resources' validators that the build generated
 * (global-setup.js keeps build/ fresh) instead of compiling each schema with ajv again, about 0.4 s of CPU per group.
 */
useGeneratedValidators(join(__dirname, '..', '..', 'build', 'lib', 'check', GENERATED_DIR));
