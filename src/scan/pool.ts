/**
 * Runs file scans on every core: worker threads and the main thread all pull small
 * batches from one queue, which keeps them evenly loaded when file sizes differ
 * wildly, and the main thread scans while the workers are still starting.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KeyhoundError } from '../errors.js';
import { packagePath } from '../package-root.js';
import type { ScanTarget } from '../sources/worktree.js';
import type { Ruleset, RulesetSpec } from './ruleset.js';
import type { ContentLimits } from './scan-contents.js';
import type { FileResult } from './scan-file.js';

const BATCH_SIZE = 24;

/**
 * Worker threads besides the main thread, which scans too: one thread per core in all.
 * (One more measured slower on two cores: 2.4 s against 2.2 s on the npm benchmark.)
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism() - 1, 8));
}

export async function scanFilesInWorkers(
  targets: readonly ScanTarget[],
  /** Whether a target is to be scanned at all (asked as targets are handed out). */
  accept: (target: ScanTarget) => boolean,
  ruleset: Pick<Ruleset, 'spec' | 'keywords'>,
  limits: ContentLimits,
  workerCount: number,
  onResult: (result: FileResult) => void,
  scanHere: (target: ScanTarget) => FileResult,
): Promise<void> {
  let next = 0;
  let failed = false;
  const take = (): readonly ScanTarget[] => {
    const batch: ScanTarget[] = [];
    while (batch.length < BATCH_SIZE && next < targets.length) {
      const target = targets[next++]!;
      if (accept(target)) batch.push(target);
    }
    return batch;
  };
  const inWorkers = new Promise<void>((resolve, reject) => {
    let running = 0;
    const workers: Worker[] = [];
    const finished = new Set<Worker>();
    const fail = (message: string): void => {
      if (failed) return;
      failed = true;
      for (const other of workers) void other.terminate();
      // The message never carries file contents, only what failed.
      reject(new KeyhoundError(message));
    };
    const feed = (worker: Worker): void => {
      const batch = take();
      if (batch.length === 0) {
        finished.add(worker);
        void worker.terminate();
        running -= 1;
        if (running === 0 && !failed) resolve();
        return;
      }
      worker.postMessage(batch);
    };
    const count = Math.max(1, Math.min(workerCount, Math.ceil(targets.length / BATCH_SIZE)));
    // Plain data: the built-in rules parse their JSON when first read (builtin-rules.ts),
    // and a structured clone would copy only what was read.
    const spec = JSON.parse(JSON.stringify(ruleset.spec)) as RulesetSpec;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(packagePath('dist', 'worker.js'), { workerData: { ruleset: spec, keywords: ruleset.keywords, limits } });
      workers.push(worker);
      running += 1;
      worker.on('message', (results: FileResult[]) => {
        for (const result of results) onResult(result);
        feed(worker);
      });
      worker.on('error', (error) => fail(`scanner worker failed: ${error.message}`));
      // A worker that dies without an error (killed, out of memory) must not leave the scan waiting forever.
      worker.on('exit', (code) => {
        if (!finished.has(worker)) fail(`scanner worker stopped unexpectedly (exit code ${code})`);
      });
      feed(worker);
    }
  });
  const onMainThread = async (): Promise<void> => {
    for (let batch = take(); batch.length && !failed; batch = take()) {
      for (const target of batch) onResult(scanHere(target));
      // Let the workers' results in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([inWorkers, onMainThread()]);
}
