/**
 * Prints a report to stdout or writes it to --output (relative to the working directory).
 *
 * A regular file (or a new one) is replaced whole: the report is written beside it,
 * then renamed over it, so that a reader never sees half a report. Anything else that
 * already exists (a device such as /dev/null, a FIFO, a terminal) is written to as a
 * stream: renaming over it would put a regular file in its place.
 */
import { realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { writeFile } from '../builtins.js';
import { resolve } from 'node:path';
import { KeyhoundError } from '../errors.js';
import type { Io } from './io.js';

export async function writeReport(text: string, output: string | undefined, io: Io): Promise<void> {
  if (!output) {
    io.stdout(text);
    return;
  }
  const path = resolve(io.cwd, output);
  const existing = statOrUndefined(path);
  try {
    if (existing && !existing.isFile()) await writeFile(path, text);
    // Through a symlink, the file it points to is replaced, and the link stays.
    else await withSignalsHeld(() => replaceWhole(existing ? realpathSync(path) : path, text, existing?.mode));
  } catch (error) {
    throw new KeyhoundError(`cannot write report ${output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Writes a file beside `file` and renames it over `file`; never more permissive than the file it replaces. */
function replaceWhole(file: string, text: string, mode: number | undefined): void {
  const partial = `${file}.keyhound-partial-${process.pid}`;
  try {
    // wx: never through something already at that name (a symlink planted beside the report).
    rmSync(partial, { force: true });
    writeFileSync(partial, text, { flag: 'wx', ...(mode === undefined ? {} : { mode: mode & 0o7777 }) });
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

const HELD_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * keyhound sets no signal handler while it scans: SIGINT and SIGTERM take their default
 * action and end the process at once, even while the main thread is busy in a long
 * detection (a JavaScript handler would wait for it). Only while a report is put in
 * place are they held; one that came meanwhile is raised again once the report is whole.
 */
async function withSignalsHeld(work: () => void): Promise<void> {
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals): void => void held.push(signal);
  for (const signal of HELD_SIGNALS) process.on(signal, hold);
  try {
    work();
  } finally {
    // A signal reaches its handler only in the event loop's poll phase; two turns of the
    // loop (a check phase, then the next) make sure one has passed.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    for (const signal of HELD_SIGNALS) process.off(signal, hold);
    if (held[0]) process.kill(process.pid, held[0]);
  }
}
