/**
 * The working-tree scan: source → detector → filters → findings. The CLI's `scan`
 * command and the library's `scan()` are this function.
 */
import { relative, sep } from 'node:path';
import { BUNDLED } from '../bundled.js';
import type { Finding } from '../findings/finding.js';
import type { Skip } from '../sources/types.js';
import { listTargets, type ScanTarget } from '../sources/worktree.js';
import { defaultWorkerCount, scanFilesInWorkers } from './pool.js';
import { LABELS } from '../sources/types.js';
import { placeFindings } from './file-findings.js';
import { scanFile, type FileResult } from './scan-file.js';
import { findingsInText } from './text-scan.js';
import { finishScan, type ScanResult } from './result.js';
import { addContents } from './scan-contents.js';
import { countSkip, emptyStats, isAbsolutePathAllowed, prepareScan, type SetupOptions } from './setup.js';
import { inShard, shardName, type Shard } from './shard.js';
import { relativeToRoot } from './suppress.js';

export { DEFAULT_MAX_FILE_SIZE, type ScanStats } from './setup.js';
export { compareFindings, type ScanResult } from './result.js';

/** Below this many files, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 256;

export interface ScanOptions extends SetupOptions {
  /** Files and directories to scan; default the current directory (unless stdin is given). */
  paths?: string[];
  /** Text to scan as if it were a file named `<stdin>`. */
  stdin?: string;
  /** Worker threads; 0 scans on the main thread. Default: one per core. */
  workers?: number;
  /** Only the files of this shard (by a hash of the path from the root). */
  shard?: Shard;
}

export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const setup = await prepareScan(options);
  const { ruleset, contentLimits } = setup;
  const stats = emptyStats(setup.ruleCount);
  const findings: Finding[] = [];

  const paths = options.paths?.length ? options.paths : options.stdin === undefined ? ['.'] : [];
  const { targets, skipped } = paths.length ? await listTargets(paths, cwd) : { targets: [], skipped: [] };
  // Checked as files are handed out, so that the workers start scanning at once.
  const notAllowlisted = (target: ScanTarget): boolean => {
    const fromRoot = relative(setup.root, target.absolute).split(sep).join('/');
    if (setup.excluded(fromRoot)) {
      countSkip(stats, 'excluded');
      return false;
    }
    if (!inShard(fromRoot, options.shard)) {
      countSkip(stats, 'other-shard');
      return false;
    }
    if (!isAbsolutePathAllowed(setup, target.absolute)) return true;
    countSkip(stats, 'allowlisted');
    return false;
  };

  const warn = (warning: string): void => {
    stats.warnings.push(warning);
    options.onWarning?.(warning);
  };
  const skip = ({ reason, warning }: Skip): void => {
    countSkip(stats, reason);
    if (warning) warn(warning);
  };
  skipped.forEach(skip);

  const collect = (result: FileResult): void => {
    if (result.skip) {
      skip(result.skip);
      return;
    }
    const found = result.contents ? addContents(stats, result.contents, warn) : result.findings;
    if (!result.contents) {
      stats.files += 1;
      stats.bytes += result.bytes;
    }
    // One at a time: a minified file can hold more findings than a call takes arguments.
    for (const finding of placeFindings(found, { path: result.target.shown, startLine: 1 }, ruleset.byId)) findings.push(finding);
    options.onProgress?.({ stats, findings: findings.length });
  };

  // Worker threads run the built worker file, so only the bundle has them; from source
  // (the tests) everything runs on this thread, reading nothing but source files.
  const workers = BUNDLED ? (options.workers ?? defaultWorkerCount()) : 0;
  if (workers > 0 && targets.length >= POOL_THRESHOLD) {
    await scanFilesInWorkers(targets, notAllowlisted, ruleset.spec, contentLimits, workers, collect, (target) => scanFile(target, ruleset.detector, contentLimits));
  } else {
    for (const target of targets.filter(notAllowlisted)) collect(scanFile(target, ruleset.detector, contentLimits));
  }
  if (options.shard) stats.shard = shardName(options.shard);
  if (options.stdin !== undefined && inShard(LABELS.stdin, options.shard)) {
    stats.files += 1;
    findings.push(...findingsInText(setup, stats, { path: LABELS.stdin, text: options.stdin, startLine: 1 }));
  }

  return finishScan(findings, setup, stats, started, relativeToRoot(setup.root, cwd));
}
