import { spawnSync } from 'child_process';
import { helmBinary } from './helm';

/** `npm run helm -- <args>`: runs the project's helm with the given arguments. */
try {
  const result = spawnSync(helmBinary(), process.argv.slice(2), { stdio: 'inherit' });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
