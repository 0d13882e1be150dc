'use strict';
/*
 * Before the workers start:
 * - one scratch folder per jest run, shared by the workers (their environment inherits SHARED_DIR_ENV): test/helm's
 *   writeChart renders the built-in chart into it once and copies it from there, instead of every file rendering it,
 *   and the files that render the chart share its templates there, seeded from what `npm run synth` cached;
 * - the helm binary, found and checked (`helm version`) once: the workers inherit the proof (VERIFIED_HELM_ENV of
 *   lib/tools/helm.ts) instead of each test file running `helm version` again;
 * - a fresh build/ (`node bin/run.js build` compiles only when a source or schema changed): the tests load the
 *   validators it generates instead of compiling schemas with ajv in every test file (about 0.4 s of CPU each): the
 *   config's (package.json's jest moduleNameMapper points lib/config's `./config-validator.generated.js` at the
 *   build's) and the custom resources' (test/support/generated-validators.ts); the children that run a module of the
 *   product as plain node load it from there too.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SHARED_DIR_ENV = 'EKS_ALB_ISTIO_TLS_TEST_SHARED';
const ROOT = path.join(__dirname, '..', '..');
/** Sets VERIFIED_HELM_ENV for the helm the tests will choose; without one, each test that needs it reports it. */
function verifyHelm() {
  const { helmBinary, verifiedHelmToken, VERIFIED_HELM_ENV, HelmNotFoundError } = require(
    path.join(ROOT, 'build', 'lib', 'tools', 'helm.js'),
  );
  try {
    const token = verifiedHelmToken(helmBinary());
    if (token !== undefined) process.env[VERIFIED_HELM_ENV] = token;
  } catch (e) {
    if (!(e instanceof HelmNotFoundError)) throw e;
  }
}

/**
 * Copies the Helm templates that `npm run synth` cached in .cache/ (keyed by the compiled build, fresh from these very
 * sources after ensureBuilt) into the run's folder, under the key the workers compute from the sources they run. The
 * workers write only to the run's folder: .cache/ is never written by a test.
 */
function seedTemplates(shared) {
  const { templateCacheFile, templateCacheKey } = require(path.join(ROOT, 'build', 'lib', 'output', 'helm-chart.js'));
  const cached = path.join(ROOT, '.cache', templateCacheFile(templateCacheKey(path.join(ROOT, 'build'))));
  if (!fs.existsSync(cached)) return;
  fs.mkdirSync(path.join(shared, 'cache'), { recursive: true });
  fs.copyFileSync(cached, path.join(shared, 'cache', templateCacheFile(templateCacheKey(ROOT))));
}

/** Rebuilds build/ unless its stamp says it is fresh; a source that does not compile fails the run here. */
function ensureBuilt() {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
}

module.exports = async () => {
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-shared-'));
  process.env[SHARED_DIR_ENV] = shared;
  ensureBuilt();
  seedTemplates(shared);
  verifyHelm();
};
module.exports.SHARED_DIR_ENV = SHARED_DIR_ENV;
