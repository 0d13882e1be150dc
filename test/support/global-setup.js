'use strict';
/*
 * Before the workers start:
 * - one scratch folder per jest run, shared by the workers (their environment inherits SHARED_DIR_ENV): test/helm's
 *   writeChart renders the built-in chart into it once and copies it from there, instead of every file rendering it;
 * - the config validator as standalone code, as the build writes it (lib/config/validator.ts): package.json's jest
 *   moduleNameMapper points lib/config's `./config-validator.generated.js` at it. Without it, every test file that
 *   loads a config would compile the schema with ajv again (about 0.4 s of CPU each);
 * - the helm binary, found and checked (`helm version`) once: the workers inherit the proof (VERIFIED_HELM_ENV of
 *   lib/tools/helm.ts) instead of each test file running `helm version` again;
 * - a fresh build/ (`node bin/run.js build` compiles only when a source or schema changed): the tests load the custom
 *   resources' validators it generates (test/support/generated-validators.ts).
 */
const { execFileSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SHARED_DIR_ENV = 'EKS_ALB_ISTIO_TLS_TEST_SHARED';
const ROOT = path.join(__dirname, '..', '..');
const VALIDATOR = path.join(ROOT, '.cache', 'jest', 'config-validator.generated.js');

/** Writes VALIDATOR from the sources, unless it was generated from this very schema, generator and ajv. */
function writeConfigValidator() {
  const { CONFIG_SCHEMA } = require('../../lib/config/schema');
  const validator = require('../../lib/config/validator');
  const inputs = createHash('sha256')
    .update(JSON.stringify(CONFIG_SCHEMA))
    .update(fs.readFileSync(path.join(ROOT, 'lib', 'config', 'validator.ts')))
    .update(require('ajv/package.json').version)
    .digest('hex');
  const stamp = `// inputs ${inputs}\n`;
  if (fs.existsSync(VALIDATOR) && fs.readFileSync(VALIDATOR, 'utf8').startsWith(stamp)) return;
  fs.mkdirSync(path.dirname(VALIDATOR), { recursive: true });
  // Written aside and renamed: a jest run in parallel never loads half a file.
  const partial = `${VALIDATOR}.${process.pid}.partial`;
  fs.writeFileSync(partial, stamp + validator.standaloneValidatorCode());
  fs.renameSync(partial, VALIDATOR);
}

/** Sets VERIFIED_HELM_ENV for the helm the tests will choose; without one, each test that needs it reports it. */
function verifyHelm() {
  const { helmBinary, verifiedHelmToken, VERIFIED_HELM_ENV, HelmNotFoundError } = require('../../lib/tools/helm');
  try {
    const token = verifiedHelmToken(helmBinary());
    if (token !== undefined) process.env[VERIFIED_HELM_ENV] = token;
  } catch (e) {
    if (!(e instanceof HelmNotFoundError)) throw e;
  }
}

/** Rebuilds build/ unless its stamp says it is fresh; a source that does not compile fails the run here. */
function ensureBuilt() {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
}

module.exports = async () => {
  // Both read the TypeScript sources.
  require('./register-ts');
  process.env[SHARED_DIR_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-shared-'));
  ensureBuilt();
  writeConfigValidator();
  verifyHelm();
};
module.exports.SHARED_DIR_ENV = SHARED_DIR_ENV;
