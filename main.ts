import { main } from './lib/cli/synth';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
