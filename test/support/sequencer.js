'use strict';
/*
 * Starts the longest test files first, so that no worker is left running one long file at the end while the others
 * idle. jest's own order uses the durations it cached from earlier runs on this machine; a fresh clone (CI) has none
 * and would go by file size, which says little here (a short file may run real processes). So a file without a
 * cached duration gets its measured one from the list below; a file on neither list just starts later.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds on a quiet 2-core machine, about: a third of a full run's per-file times under load (`npx jest --json`). */
const EXPECTED = {
  'test/readme.test.ts': 36,
  'test/package/library.test.ts': 14,
  'test/synth.test.ts': 13,
  'test/catalogue/bad-input.test.ts': 12,
  'test/property/config.property.test.ts': 10,
  'test/output/owned-dir.test.ts': 9,
  'test/cdk8s-cli.test.ts': 9,
  'test/helm/chart.test.ts': 8,
  'test/check/stdin.test.ts': 7,
  'test/gitops/gateway-cert-cli.test.ts': 7,
  'test/helm/equivalence.test.ts': 7,
  'test/helm/value-formats.test.ts': 6,
  'test/helm/values.test.ts': 6,
  'test/check/cli.test.ts': 5,
  'test/check/many-apps.test.ts': 5,
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
