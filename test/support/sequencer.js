'use strict';
/*
 * Starts the longest test files first, so that no worker is left running one long file at the end while the others
 * idle. jest's own order uses the durations it cached from earlier runs on this machine; a fresh clone (CI) has none
 * and would go by file size, which says little here (a short file may run real processes). So a file without a
 * cached duration gets its measured one from the list below; a file on neither list just starts later.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds of each jest file in a full run on a quiet 2-core machine (`npx jest --json`), about. */
const EXPECTED = {
  'test/helm.test.ts': 26,
  'test/commands.test.ts': 17,
  'test/readme.test.ts': 17,
  'test/check.test.ts': 17,
  'test/package/library.test.ts': 11,
  'test/gitops.test.ts': 9,
  'test/property/config.property.test.ts': 7,
  'test/catalogue/bad-input.test.ts': 6,
  'test/constructs.test.ts': 5,
};

const ROOT = path.join(__dirname, '..', '..');

class LongestFirst extends Sequencer {
  sort(tests) {
    const weight = (test) =>
      this.time(test) ?? (EXPECTED[path.relative(ROOT, test.path).split(path.sep).join('/')] ?? 0) * 1000;
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), weight: weight(test), size: size(test) }));
    keyed.sort((a, b) => Number(b.failed) - Number(a.failed) || b.weight - a.weight || b.size - a.size);
    return keyed.map((k) => k.test);
  }
}

module.exports = LongestFirst;
