'use strict';
/*
 * Starts the longest test files first, so that no worker is left running one long file at the end while the others
 * idle. jest's own order uses the durations it cached from earlier runs on this machine; a fresh clone (CI) has none
 * and would go by file size, which says little here (a short file may run real processes). So a file without a
 * cached duration gets its measured one from the list below; a file on neither list just starts later.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds, each file alone on a 2-core machine (`npx jest -i FILE`); only the files that take the longest. */
const EXPECTED = {
  'test/readme.test.ts': 16,
  'test/catalogue/bad-input.test.ts': 12,
  'test/cdk8s-cli.test.ts': 8,
  'test/check/stdin.test.ts': 7,
  'test/helm/chart.test.ts': 7,
  'test/check/cli.test.ts': 6,
  'test/helm/equivalence.test.ts': 5,
  'test/gitops/gateway-cert-cli.test.ts': 5,
  'test/check/rules.test.ts': 5,
  'test/output/owned-dir.test.ts': 4,
  'test/property/config.property.test.ts': 4,
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
