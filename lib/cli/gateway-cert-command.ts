// The gateway-cert command's entry point (bin/run.js loads it): runs the exported main on the process's arguments.
import { main } from './gateway-cert';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
