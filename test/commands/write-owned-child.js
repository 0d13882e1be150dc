'use strict';
// Runs one output update in its own process and kills itself (SIGKILL, no cleanup) after the named step. Plain node
// on the compiled build (jest's global setup keeps build/ fresh): no TypeScript loader to start in every child.
const { existsSync, readFileSync } = require('fs');
const { join } = require('path');
const BUILD = join(__dirname, '..', '..', 'build');
if (!existsSync(join(BUILD, '.stamp'))) {
  console.error(
    'write-owned-child: no build/; run it under jest (its global setup builds) or after node bin/run.js build',
  );
  process.exit(2);
}
const { writeOwnedTree } = require(join(BUILD, 'lib', 'output', 'owned-dir.js'));

const [dir, filesJson, killAfter] = process.argv.slice(2);
const files = new Map(Object.entries(JSON.parse(readFileSync(filesJson, 'utf8'))));
const result = writeOwnedTree(dir, files, {
  onStep: (step) => {
    if (step === killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
console.log(JSON.stringify(result));
