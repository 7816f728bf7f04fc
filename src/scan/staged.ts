/**
 * `keyhound staged`: what the next commit will contain. Reads the index side of
 * `git diff --cached`, so after `git add -p` or an edit after `git add`, the staged
 * content is what is checked, with the staged file's line numbers.
 */
import { KeyhoundError } from '../errors.js';
import type { Finding } from '../findings.js';
import { failureReason, SAFE_DIFF_OPTIONS, streamGitLines } from '../git/git.js';
import { DiffParser } from '../sources/diff-parser.js';
import { FragmentScanner } from './fragments.js';
import { finishScan, type ScanResult } from './result.js';
import { countSkip, emptyStats, prepareScan, requireRepository, type SetupOptions } from './setup.js';

export const STAGED_DIFF_ARGS = ['diff', '--cached', '-U0', '-M', '--ignore-submodules=all', ...SAFE_DIFF_OPTIONS];

export async function scanStaged(options: SetupOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  // git and the set-up run side by side: the hook's start-up is what users feel.
  const lines: string[] = [];
  const diff = streamGitLines(options.cwd ?? process.cwd(), STAGED_DIFF_ARGS, (line) => lines.push(line));
  const setup = await prepareScan(options);
  requireRepository(setup);
  const stats = emptyStats(setup.ruleCount);
  const scanner = new FragmentScanner(setup, stats);
  const findings: Finding[] = [];
  const parser = new DiffParser({
    fragment: (fragment) => findings.push(...scanner.scan(fragment)),
    binary: () => countSkip(stats, 'binary'),
  });
  const result = await diff;
  for (const line of lines) parser.line(line);
  parser.end();
  if (result.code !== 0) throw new KeyhoundError(`git diff --cached failed: ${failureReason(result)}`);
  return finishScan(findings, setup, stats, started, (file) => file);
}
