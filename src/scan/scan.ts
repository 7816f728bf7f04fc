/**
 * The working-tree scan: source → detector → filters → findings. The CLI's `scan`
 * command and the library's `scan()` are this function.
 */
import { relative, sep } from 'node:path';
import { BUNDLED } from '../bundled.js';
import { listTargets, type ScanTarget } from '../sources/worktree.js';
import { defaultWorkerCount, scanFilesInWorkers } from './pool.js';
import { LABELS, type SkipReason } from '../sources/types.js';
import { scanFile, type FileResult } from './scan-file.js';
import { ScanLoop } from './scan-loop.js';
import { FindingStream, type ScanResult } from './result.js';
import { emptyStats, warnInto, isAbsolutePathAllowed, prepareScan, type SetupOptions } from './setup.js';
import { inShard, shardName, type Shard } from './shard.js';
import { relativeToRoot } from './suppress.js';
import { now } from '../builtins.js';

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
  const started = now();
  const cwd = options.cwd ?? process.cwd();
  const setup = await prepareScan(options);
  const { ruleset, contentLimits } = setup;
  const stats = emptyStats(setup.ruleCount);
  const found = new FindingStream(setup, relativeToRoot(setup.root, cwd), options.onFinding);

  const warn = warnInto(stats, options.onWarning);
  const loop = new ScanLoop({
    setup, stats, warn,
    onFinding: (finding) => found.add(finding),
    onProgress: () => options.onProgress?.({ stats, findings: found.all.length }),
  });

  const paths = options.paths?.length ? options.paths : options.stdin === undefined ? ['.'] : [];
  const { targets, skipped } = paths.length ? await listTargets(paths, cwd) : { targets: [], skipped: [] };
  for (const skip of skipped) loop.take({ kind: 'skip', skip });
  /** Why a listed file is left out, if it is. */
  const leftOut = (target: ScanTarget): SkipReason | undefined => {
    const fromRoot = relative(setup.root, target.absolute).split(sep).join('/');
    if (setup.excluded(fromRoot)) return 'excluded';
    if (!inShard(fromRoot, options.shard)) return 'other-shard';
    return isAbsolutePathAllowed(setup, target.absolute) ? 'allowlisted' : undefined;
  };
  // Checked as files are handed out, so that the workers start scanning at once.
  const toScan = (target: ScanTarget): boolean => {
    const reason = leftOut(target);
    if (reason) loop.take({ kind: 'skip', skip: { path: target.shown, reason } });
    return reason === undefined;
  };
  const scanned = (result: FileResult): void => loop.take({ kind: 'file', result });

  // Worker threads run the built worker file, so only the bundle has them; from source
  // (the tests) everything runs on this thread, reading nothing but source files.
  const workers = BUNDLED ? (options.workers ?? defaultWorkerCount()) : 0;
  if (workers > 0 && targets.length >= POOL_THRESHOLD) {
    await scanFilesInWorkers(targets, toScan, ruleset, contentLimits, workers, scanned, (target) => scanFile(target, ruleset.detector, contentLimits));
  } else {
    for (const target of targets) {
      if (toScan(target)) scanned(scanFile(target, ruleset.detector, contentLimits));
      // A finding to pass on goes out now, not after the last file.
      if (options.onFinding) await found.flush();
    }
  }
  if (options.shard) stats.shard = shardName(options.shard);
  if (options.stdin !== undefined && inShard(LABELS.stdin, options.shard)) {
    loop.take({ kind: 'text', fragment: { path: LABELS.stdin, text: options.stdin, startLine: 1 }, ownFile: true });
  }

  return found.finish(stats, started);
}
