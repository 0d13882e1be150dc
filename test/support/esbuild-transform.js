'use strict';
/*
 * jest transform: TypeScript to CommonJS with esbuild, without type checking (`npm test` runs `tsc` once for that).
 * tsconfig.json has isolatedModules, so file-by-file compilation is exact; esbuild is what bin/run.js builds with.
 */
const { createHash } = require('crypto');
const { readFileSync } = require('fs');
const { join } = require('path');
const esbuild = require('esbuild');

const SELF = readFileSync(join(__dirname, 'esbuild-transform.js'));

module.exports = {
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      sourcesContent: false,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(SELF)
      .update(esbuild.version)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
