// Runs one output update in its own process and kills itself (SIGKILL, no cleanup) after the named step.
import { readFileSync } from 'fs';
import { writeOwnedTree } from '../../lib/output/owned-dir';

const [dir, filesJson, killAfter] = process.argv.slice(2);
const files = new Map<string, string>(
  Object.entries(JSON.parse(readFileSync(filesJson, 'utf8')) as Record<string, string>),
);
const result = writeOwnedTree(dir, files, {
  onStep: (step) => {
    if (step === killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
console.log(JSON.stringify(result));
