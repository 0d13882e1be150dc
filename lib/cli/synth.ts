import { Command } from 'commander';
import { STACK } from '../../charts';
import { shownPath } from '../config/load';
import { synth } from '../synth';
import { commanderOutput, Io, PROCESS_IO } from './io';

export type { Io };

/** At most this many removed paths are listed; the rest are counted. */
const LISTED_REMOVALS = 10;

/** `npm run synth -- [--config FILE --out DIR]`: 0 on success, 1 on any error (one line, nothing written). */
export async function main(
  argv: readonly string[],
  io: Io = PROCESS_IO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = new Command()
    .name('synth')
    .description('Generate the ALB -> Istio -> mTLS manifests into the output directory')
    .option(
      '-c, --config <file>',
      'render only this config (merged over config/default.yaml) instead of the default and every config/environments/<env>.yaml; needs --out',
    )
    // `cdk8s synth` passes its output directory in CDK8S_OUTDIR.
    .option('-e, --environments <dir>', 'folder of the environment files (<env>.yaml)', undefined)
    .option(
      '-o, --out <dir>',
      "output directory (default: the project's dist/); only files synth wrote there before are replaced or removed",
      env.CDK8S_OUTDIR,
    )
    .option(
      '--skip-helm-check',
      'do not prove with helm that the generated chart renders the plain YAML (for machines without helm)',
    )
    .configureOutput(commanderOutput(io))
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 1;
  }
  const options = program.opts<{ config?: string; out?: string; environments?: string; skipHelmCheck?: boolean }>();
  if (options.config !== undefined && options.environments !== undefined) {
    io.err(
      'error: --environments has no effect with --config, which renders that one configuration only; pass one of them',
    );
    return 1;
  }
  try {
    const helmSelfCheck = options.skipHelmCheck !== true;
    const { files, warnings, output } = await synth(STACK, {
      configFile: options.config,
      outDir: options.out,
      environmentsDir: options.environments,
      helmSelfCheck,
    });
    for (const w of warnings) io.err(`warning: ${w}`);
    if (!helmSelfCheck)
      io.err('warning: --skip-helm-check: the Helm chart was not rendered with helm to prove it equals the plain YAML');
    const shown = shownPath(output.dir);
    if (output.completedInterrupted) io.out(`completed the interrupted synth of ${shown}/ first`);
    if (output.removed.length > 0) {
      const listed = output.removed.slice(0, LISTED_REMOVALS).join(', ');
      const more =
        output.removed.length > LISTED_REMOVALS ? ` and ${output.removed.length - LISTED_REMOVALS} more` : '';
      io.out(
        `removed ${output.removed.length} files an earlier synth wrote that are no longer generated: ${listed}${more}`,
      );
    }
    const proven = helmSelfCheck ? ', the Helm chart renders the plain YAML' : '';
    io.out(`wrote ${files.size} files to ${shown}/ (checked: no errors, ${warnings.length} warnings${proven})`);
    return 0;
  } catch (e) {
    io.err(`error: ${(e as Error).message}`);
    return 1;
  }
}
