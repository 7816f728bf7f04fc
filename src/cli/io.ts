/** Everything the CLI touches outside itself, so tests can run it in-process too. */
import { readFileSync } from 'node:fs';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}
