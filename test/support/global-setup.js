'use strict';
/*
 * One scratch folder per jest run, shared by the workers (their environment inherits SHARED_DIR_ENV): test/helm's
 * writeChart renders the built-in chart into it once and copies it from there, instead of every file rendering it.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const SHARED_DIR_ENV = 'EKS_ALB_ISTIO_TLS_TEST_SHARED';

module.exports = async () => {
  process.env[SHARED_DIR_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-shared-'));
};
module.exports.SHARED_DIR_ENV = SHARED_DIR_ENV;
