/**
 * `keyhound ignore FINGERPRINT --reason "…"`: records a false alarm in the ignore file,
 * for a finding whose line cannot hold a `keyhound:allow` comment (JSON, generated files).
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { IGNORE_FILE_NAME, parseIgnoreFile } from '../../config/ignore-file.js';
import { readTextFile } from '../../files/yaml-file.js';
import { KeyhoundError } from '../../errors.js';
import { workTreeRoot } from '../../git/git.js';
import { inert } from '../../report/inert.js';
import { EXIT_CLEAN } from '../exit-codes.js';
import type { Io } from '../io.js';
import { writeReport } from '../write-report.js';

export interface IgnoreArgs {
  fingerprint: string;
  reason: string;
  /** The ignore file; default .keyhoundignore at the repository root (the one scans read). */
  ignoreFile?: string;
}

const FINGERPRINT = /^[0-9a-f]{32}$/;

export async function runIgnore(args: IgnoreArgs, io: Io): Promise<number> {
  // Not quoted: a value that is not a fingerprint may be the key itself, pasted.
  if (!FINGERPRINT.test(args.fingerprint)) throw new KeyhoundError('ignore: not a fingerprint (32 lower-case hex digits, as the report shows them)');
  const reason = args.reason.trim();
  if (!reason || /[\r\n]/.test(reason)) throw new KeyhoundError('--reason: say why in one line of text');
  // The file the scan read is the one whose salt the fingerprint was computed with: write there.
  const file = args.ignoreFile !== undefined ? resolve(io.cwd, args.ignoreFile) : join((await workTreeRoot(io.cwd)) ?? io.cwd, IGNORE_FILE_NAME);
  const shown = args.ignoreFile ?? (relative(io.cwd, file) || IGNORE_FILE_NAME);
  const text = existsSync(file) ? readTextFile(file, 'ignore file', shown) : '';
  const known = parseIgnoreFile(text, shown).entries.find((entry) => entry.fingerprint === args.fingerprint);
  if (known) {
    io.stdout(`keyhound: ${shown}:${known.line} already ignores ${args.fingerprint}\n`);
    return EXIT_CLEAN;
  }
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeReport(`${text}${separator}${args.fingerprint}  # ${reason}\n`, file, io);
  io.stdout(`keyhound: ${shown}: ignoring ${args.fingerprint} (${inert(reason)})\n`);
  return EXIT_CLEAN;
}
