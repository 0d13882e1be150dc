'use strict';
/*
 * `node -r ./test/support/register-ts.js script.ts`: runs a TypeScript helper script of the tests in a child process,
 * compiled file by file with esbuild like the tests themselves (test/support/esbuild-transform.js). Lighter than
 * tsx's loader, which such a short-lived process pays for on every start.
 */
const fs = require('fs');
const { process: compile } = require('./esbuild-transform');

require.extensions['.ts'] = (module, filename) => {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename).code, filename);
};
