// The check command's entry point (bin/run.js loads it): runs the exported main on the process's arguments.
import { main } from './check';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`check: ${(e as Error).stack ?? e}`);
    process.exitCode = 2;
  },
);
