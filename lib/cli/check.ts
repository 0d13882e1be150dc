import { Command } from 'commander';
import { commanderOutput, Io, PROCESS_IO } from './io';
import { checkPaths, formatJson, formatMermaid, formatText, hasFailures, InputError, listRules } from '../check';

/** `npm run check -- [PATH ...]`: exit 0 clean, 1 on errors (or warnings with --strict), 2 on unreadable input. */
export async function main(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  const program = new Command()
    .name('check')
    .description(
      'Check ALB + Istio manifests against the Kubernetes, Istio, Argo CD and cert-manager schemas and the ALB/Istio rules, and show the encryption of every hop',
    )
    .argument('[paths...]', 'YAML files or directories (recursive, multi-document); - reads standard input', ['dist/'])
    .option('--json', 'print the result as JSON')
    .option('--mermaid', 'print the traffic paths as a Mermaid flowchart')
    .option('--strict', 'fail on warnings too')
    .option('--list-rules', 'print the rule catalogue and exit')
    .option(
      '--complete',
      'closed world: the manifests are the whole cluster, so a referenced object they lack is an error (IST0101)',
    )
    .option('--no-schema', 'skip schema validation (rules and hop report only)')
    .option('--default-namespace <ns>', 'namespace for objects that set none', 'default')
    .option('--root-namespace <ns>', 'Istio root namespace (mesh-wide PeerAuthentication)', 'istio-system')
    .configureOutput(commanderOutput(io))
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    json?: boolean;
    mermaid?: boolean;
    strict?: boolean;
    listRules?: boolean;
    complete?: boolean;
    schema: boolean;
    defaultNamespace: string;
    rootNamespace: string;
  }>();
  if (opts.listRules) {
    const rules = listRules();
    const width = Math.max(...rules.map((r) => r.id.length));
    const sourceWidth = Math.max(...rules.map((r) => r.source.length));
    for (const r of rules)
      io.out(
        `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.source.padEnd(sourceWidth)}  ${(r.istioCode ?? '').padEnd(7)}  ${r.title}`,
      );
    return 0;
  }
  try {
    const result = await checkPaths(program.processedArgs[0] as string[], {
      schema: opts.schema,
      defaultNamespace: opts.defaultNamespace,
      rootNamespace: opts.rootNamespace,
      complete: opts.complete ?? false,
      stdin: io.stdin,
    });
    io.out(opts.json ? formatJson(result) : opts.mermaid ? formatMermaid(result) : formatText(result));
    return hasFailures(result, opts.strict) ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`check: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(`check: ${(e as Error).stack ?? e}`);
      process.exitCode = 2;
    },
  );
}
