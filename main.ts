import { Command } from 'commander';
import { synth } from './lib/synth';

const program = new Command()
  .name('synth')
  .description('Generate the ALB -> Istio -> mTLS manifests into the output directory')
  .option('-c, --config <file>', 'render only this config (merged over config/default.yaml) instead of the default and every config/environments/<env>.yaml')
  // `cdk8s synth` passes its output directory in CDK8S_OUTDIR.
  .option('-o, --out <dir>', 'output directory', process.env.CDK8S_OUTDIR ?? 'dist')
  .showHelpAfterError()
  .parse();

const options = program.opts<{ config?: string; out: string }>();
synth({ configFile: options.config, outDir: options.out }).then(
  ({ files, warnings }) => {
    for (const w of warnings) console.error(`warning: ${w}`);
    console.log(`wrote ${files.size} files to ${options.out}/ (checked: no errors, ${warnings.length} warnings)`);
  },
  (e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  },
);
