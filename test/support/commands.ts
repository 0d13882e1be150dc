import { spawnSync } from 'child_process';
import { join } from 'path';
import { Io } from '../../lib/cli/io';

const ROOT = join(__dirname, '..', '..');

/** What a command did: its exit code and what it wrote to each stream. */
export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command's exported `main(argv, io)` in this process, in `cwd`, with `stdin` as what `-` reads, and collects
 * its lines as the process's streams would hold them. Most command tests use this; a few per command run the real
 * process (`runCommand`) for what only a process shows: the exit code, the streams, no stack trace.
 */
export async function runMain(
  main: (argv: string[], io: Io) => Promise<number>,
  argv: string[],
  cwd = ROOT,
  stdin?: string,
): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(argv, {
      out: (l) => {
        stdout += `${l}\n`;
      },
      err: (l) => {
        stderr += `${l}\n`;
      },
      ...(stdin === undefined ? {} : { stdin: () => stdin }),
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

/**
 * Runs `npm run <command> -- ...args` as a child process the way npm does, without npm's banner: `node bin/run.js`,
 * the compiled build, which the launcher rebuilds first when a source changed.
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): CommandRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), command, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
