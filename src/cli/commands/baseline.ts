/** `keyhound baseline create` and `keyhound baseline import`. */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { workTreeRoot } from '../../git/git.js';
import { DEFAULT_BASELINE_FILE, entryFor, formatBaseline, loadBaseline, type BaselineEntry } from '../../config/baseline.js';
import { detectFormat, parseForeign, resolveLocations, type ForeignFormat } from '../../config/baseline-import.js';
import { readTextFile } from '../../files/yaml-file.js';
import { prepareFingerprints } from '../../findings/finding.js';
import { newSalt } from '../../findings/fingerprints.js';
import { inert } from '../../report/inert.js';
import { scanHistory } from '../../scan/history.js';
import { scan } from '../../scan/scan.js';
import { prepareScan } from '../../scan/setup.js';
import { EXIT_CLEAN } from '../exit-codes.js';
import type { Io } from '../io.js';
import { writeReport } from '../write-report.js';

export interface BaselineCreateArgs {
  paths: string[];
  /** Default: .keyhound-baseline.json at the repository root. */
  output?: string;
  history: boolean;
  config?: string;
}

/** The salt the baseline file already has, so that writing it again gives the same bytes; else a new one. */
function baselineSalt(output: string): string {
  try {
    return loadBaseline(output).salt ?? newSalt();
  } catch {
    return newSalt(); // no baseline there yet (or not one): it is written anew
  }
}

/** The baseline file: the one named (relative to the working directory), else the default one at the repository root, where scans pick it up. */
async function baselinePath(output: string | undefined, io: Io): Promise<{ path: string; shown: string }> {
  const path = output !== undefined ? resolve(io.cwd, output) : join((await workTreeRoot(io.cwd)) ?? io.cwd, DEFAULT_BASELINE_FILE);
  return { path, shown: output ?? (relative(io.cwd, path) || DEFAULT_BASELINE_FILE) };
}

/** Records the current findings (hashes only) so that later scans report only new ones. */
export async function runBaselineCreate(args: BaselineCreateArgs, io: Io): Promise<number> {
  // Everything there is now: the baseline being replaced suppresses nothing.
  const options = { cwd: io.cwd, baseline: false as const, ...(args.config ? { config: args.config } : {}) };
  const { path: output, shown } = await baselinePath(args.output, io);
  const salt = baselineSalt(output);
  // No paths: the whole repository, as every scan that reads the baseline sees it, even from a subdirectory.
  const paths = args.paths.length ? args.paths : [(await workTreeRoot(io.cwd)) ?? io.cwd];
  const result = args.history ? await scanHistory(options) : await scan({ ...options, paths });
  await prepareFingerprints(result.findings, salt);
  await writeReport(formatBaseline(result.findings.map((finding) => entryFor(finding, salt)), salt), output, io);
  io.stdout(`keyhound: wrote ${result.findings.length} findings to ${shown}\n`);
  return EXIT_CLEAN;
}

export interface BaselineImportArgs {
  files: string[];
  /** Default: .keyhound-baseline.json at the repository root. */
  output?: string;
  from?: ForeignFormat;
  config?: string;
}

/** Reads other scanners' baselines and ignore lists into a keyhound baseline, merging with what is there. */
export async function runBaselineImport(args: BaselineImportArgs, io: Io): Promise<number> {
  const setup = await prepareScan({ cwd: io.cwd, baseline: false, ...(args.config ? { config: args.config } : {}) });
  const { path: output, shown } = await baselinePath(args.output, io);
  const existing = existsSync(output) ? loadBaseline(output) : undefined;
  const salt = existing?.salt ?? newSalt();
  const entries: BaselineEntry[] = existing?.entries ?? [];
  const before = entries.length;
  for (const file of args.files) {
    const text = readTextFile(resolve(io.cwd, file), 'file to import');
    const format = args.from ?? detectFormat(file, text);
    const parsed = parseForeign(text, file, format);
    const resolved = await resolveLocations(setup.root, parsed.locations, setup.ruleset.detector, salt);
    for (const warning of [...parsed.warnings, ...resolved.warnings]) io.stderr(`warning: ${inert(warning)}\n`);
    entries.push(...parsed.entries, ...resolved.entries);
    io.stdout(`keyhound: ${file} (${format}): ${parsed.entries.length + resolved.entries.length} entries\n`);
  }
  const text = formatBaseline(entries, salt);
  await writeReport(text, output, io);
  const count = (JSON.parse(text) as { entries: unknown[] }).entries.length;
  io.stdout(`keyhound: ${shown} now holds ${count} entries (${count - Math.min(before, count)} new)\n`);
  return EXIT_CLEAN;
}

export { DEFAULT_BASELINE_FILE };
