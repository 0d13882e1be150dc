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
    .option('-a, --apps <dir>', "folder of the teams' app files (*.yaml, one app or a list each; default: config/apps)")
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
  const options = program.opts<{
    config?: string;
    out?: string;
    environments?: string;
    apps?: string;
    skipHelmCheck?: boolean;
  }>();
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
      appsDir: options.apps,
      helmSelfCheck,
    });
    const shown = shownPath(output.dir);
    for (const line of summarizedWarnings(warnings, shown)) io.err(`warning: ${line}`);
    if (!helmSelfCheck)
      io.err('warning: --skip-helm-check: the Helm chart was not rendered with helm to prove it equals the plain YAML');
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

/** Warnings of one rule shown in full before the rest are counted (many apps can give one per app). */
export const LISTED_WARNINGS_PER_RULE = 3;

/**
 * The warnings as printed: the first few of each rule in full, then one line counting the others of that rule, so a
 * thousand apps give a readable summary; `npm run check` lists every finding.
 */
export function summarizedWarnings(warnings: readonly string[], outDir: string): string[] {
  const ruleOf = (w: string) => /^(?:\[[^\]]*\] )?([a-z0-9-]+) /.exec(w)?.[1] ?? w;
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const w of warnings) {
    const rule = ruleOf(w);
    const n = (seen.get(rule) ?? 0) + 1;
    seen.set(rule, n);
    if (n <= LISTED_WARNINGS_PER_RULE) lines.push(w);
  }
  for (const [rule, n] of seen)
    if (n > LISTED_WARNINGS_PER_RULE)
      lines.push(`${n - LISTED_WARNINGS_PER_RULE} more ${rule} warnings (npm run check -- ${outDir} lists them all)`);
  return lines;
}
