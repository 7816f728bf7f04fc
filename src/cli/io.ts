import { KeyhoundError } from '../errors.js';
import type { ReportInput } from '../report/types.js';

/** Everything the CLI touches outside itself, so tests can run it in-process too. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Handed each scan's result as it is reported, for a caller that also reports it its own way (the GitHub Action). */
  onReport?: (result: ReportInput) => void;
}

export function processIo(): Io {
  return {
    stdout: writerTo(process.stdout, 'standard output'),
    stderr: writerTo(process.stderr, 'standard error'),
    // Streamed (not readFileSync(0), which fails on some pipes and terminals with EAGAIN).
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** The standard streams keyhound writes to; true once the reader has gone. */
const streamClosed = new WeakMap<NodeJS.WriteStream, boolean>();

/**
 * Writes to a standard stream. A reader that stops early (`keyhound … | head -1`)
 * closes the pipe (EPIPE): what is left has nowhere to go and is dropped quietly, and
 * the exit code still tells what the scan found. Any other write failure (a full disk)
 * is thrown from the stream's error event, so the bin reports it in one line (entry.ts).
 */
function writerTo(stream: NodeJS.WriteStream, name: string): (text: string) => void {
  if (!streamClosed.has(stream)) {
    streamClosed.set(stream, false);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      streamClosed.set(stream, true);
      if (error.code !== 'EPIPE') throw new KeyhoundError(`cannot write to ${name} (${error.code ?? error.message})`);
    });
  }
  return (text) => {
    if (!streamClosed.get(stream)) stream.write(text);
  };
}
