/**
 * Runs the CLI in process, from source: `main(argv, io)` with a captured Io. Most CLI
 * behaviour is tested this way (fast, and it reads the code being tested); the
 * spawned `keyhound()` of cli.ts is for the few tests that need a real process
 * (signals, hooks that git runs, the packed package).
 */
import { main } from '../../src/cli/entry.js';
import type { Io } from '../../src/cli/io.js';
import type { RunResult } from './cli.js';

export interface RunOptions {
  cwd: string;
  /** Standard input (pre-push input, `scan -`). */
  input?: string;
  /** Added to process.env; NO_COLOR is set unless given. */
  env?: NodeJS.ProcessEnv;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

export async function run(args: string[], options: RunOptions): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => options.input ?? '',
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
