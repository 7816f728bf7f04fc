/**
 * Runs file scans on worker threads, so detection uses every core. Workers pull
 * small batches, which keeps them evenly loaded when file sizes differ wildly.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KeyhoundError } from '../errors.js';
import { packagePath } from '../package-root.js';
import type { ScanTarget } from '../sources/worktree.js';
import type { RulesetSpec } from './ruleset.js';
import type { FileResult } from './scan-file.js';

const BATCH_SIZE = 24;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

export function scanFilesInWorkers(
  targets: readonly ScanTarget[],
  ruleset: RulesetSpec,
  maxFileSize: number,
  workerCount: number,
  onResult: (result: FileResult) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let failed = false;
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
      if (next >= targets.length) {
        finished.add(worker);
        void worker.terminate();
        running -= 1;
        if (running === 0 && !failed) resolve();
        return;
      }
      worker.postMessage(targets.slice(next, next + BATCH_SIZE));
      next += BATCH_SIZE;
    };
    const count = Math.max(1, Math.min(workerCount, Math.ceil(targets.length / BATCH_SIZE)));
    for (let i = 0; i < count; i++) {
      const worker = new Worker(packagePath('dist', 'worker.js'), { workerData: { ruleset, maxFileSize } });
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
}
