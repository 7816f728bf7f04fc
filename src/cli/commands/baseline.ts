/** `keyhound baseline create` and `keyhound baseline import`. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_BASELINE_FILE, entryFor, formatBaseline, loadBaseline, type BaselineEntry } from '../../config/baseline.js';
import { detectFormat, parseForeign, resolveLocations, type ForeignFormat } from '../../config/baseline-import.js';
import { readTextFile } from '../../config/yaml-file.js';
import { scanHistory } from '../../scan/history.js';
import { scan } from '../../scan/scan.js';
import { prepareScan } from '../../scan/setup.js';
import { EXIT_CLEAN } from '../exit-codes.js';
import type { Io } from '../io.js';
import { writeReport } from '../write-report.js';

export interface BaselineCreateArgs {
  paths: string[];
  output: string;
  history: boolean;
  config?: string;
}

/** Records the current findings (hashes only) so that later scans report only new ones. */
export async function runBaselineCreate(args: BaselineCreateArgs, io: Io): Promise<number> {
  const options = { cwd: io.cwd, ...(args.config ? { config: args.config } : {}) };
  const result = args.history ? await scanHistory(options) : await scan({ ...options, paths: args.paths });
  await writeReport(formatBaseline(result.findings.map(entryFor)), resolve(io.cwd, args.output), io);
  io.stdout(`keyhound: wrote ${result.findings.length} findings to ${args.output}\n`);
  return EXIT_CLEAN;
}

export interface BaselineImportArgs {
  files: string[];
  output: string;
  from?: ForeignFormat;
  config?: string;
}

/** Reads other scanners' baselines and ignore lists into a keyhound baseline, merging with what is there. */
export async function runBaselineImport(args: BaselineImportArgs, io: Io): Promise<number> {
  const setup = await prepareScan({ cwd: io.cwd, ...(args.config ? { config: args.config } : {}) });
  const output = resolve(io.cwd, args.output);
  const entries: BaselineEntry[] = existsSync(output) ? loadBaseline(output).entries : [];
  const before = entries.length;
  for (const file of args.files) {
    const text = readTextFile(resolve(io.cwd, file), 'file to import');
    const format = args.from ?? detectFormat(file, text);
    const parsed = parseForeign(text, file, format);
    const resolved = await resolveLocations(setup.root, parsed.locations, setup.ruleset.detector);
    for (const warning of [...parsed.warnings, ...resolved.warnings]) io.stderr(`warning: ${warning}\n`);
    entries.push(...parsed.entries, ...resolved.entries);
    io.stdout(`keyhound: ${file} (${format}): ${parsed.entries.length + resolved.entries.length} entries\n`);
  }
  const text = formatBaseline(entries);
  await writeReport(text, output, io);
  const count = (JSON.parse(text) as { entries: unknown[] }).entries.length;
  io.stdout(`keyhound: ${args.output} now holds ${count} entries (${count - Math.min(before, count)} new)\n`);
  return EXIT_CLEAN;
}

export { DEFAULT_BASELINE_FILE };
