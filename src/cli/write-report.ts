/** Prints a report to stdout or writes it to --output, never leaving a partial file behind. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { KeyhoundError } from '../errors.js';
import type { Io } from './io.js';

export function writeReport(text: string, output: string | undefined, io: Io): void {
  if (!output) {
    io.stdout(text);
    return;
  }
  const partial = `${output}.keyhound-partial`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, output);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new KeyhoundError(`cannot write report ${output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
