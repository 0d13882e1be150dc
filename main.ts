import { Command } from 'commander';
import { relative } from 'path';
import { synth } from './lib/synth';

const program = new Command()
  .name('synth')
  .description('Generate the ALB -> Istio -> mTLS manifests into the output directory')
  .option('-c, --config <file>', 'render only this config (merged over config/default.yaml) instead of the default and every config/environments/<env>.yaml; needs --out')
  // `cdk8s synth` passes its output directory in CDK8S_OUTDIR.
  .option('-o, --out <dir>', 'output directory (default: the project\'s dist/); only files synth wrote there before are replaced or removed', process.env.CDK8S_OUTDIR)
  .showHelpAfterError()
  .parse();

/** At most this many removed paths are listed; the rest are counted. */
const LISTED_REMOVALS = 10;

const options = program.opts<{ config?: string; out?: string }>();
synth({ configFile: options.config, outDir: options.out }).then(
  ({ files, warnings, output }) => {
    for (const w of warnings) console.error(`warning: ${w}`);
    const rel = relative(process.cwd(), output.dir);
    const shown = rel.startsWith('..') ? output.dir : rel || '.';
    if (output.completedInterrupted) console.log(`completed the interrupted synth of ${shown}/ first`);
    if (output.removed.length > 0) {
      const listed = output.removed.slice(0, LISTED_REMOVALS).join(', ');
      const more = output.removed.length > LISTED_REMOVALS ? ` and ${output.removed.length - LISTED_REMOVALS} more` : '';
      console.log(`removed ${output.removed.length} files an earlier synth wrote that are no longer generated: ${listed}${more}`);
    }
    console.log(`wrote ${files.size} files to ${shown}/ (checked: no errors, ${warnings.length} warnings)`);
  },
  (e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  },
);
