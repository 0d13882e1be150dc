/** Where a command writes its lines: the process's streams, or a test's own collectors. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** What `-` reads (tests); @default the process's standard input */
  readonly stdin?: () => string;
}

export const PROCESS_IO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * commander's output routed to `io`. An error and its suggestion ("(Did you mean --out?)") become one line; help text
 * stays as it is.
 */
export const commanderOutput = (io: Io) => ({
  writeOut: (s: string) => io.out(s.trimEnd()),
  writeErr: (s: string) => io.err(s.startsWith('error:') ? s.trim().split('\n').join(' ') : s.trimEnd()),
});
