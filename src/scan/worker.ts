/** Worker thread: scans batches of files sent by the pool and posts back the results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanTarget } from '../sources/worktree.js';
import { compileRuleset, type RulesetSpec } from './ruleset.js';
import { scanFile } from './scan-file.js';

const { ruleset, maxFileSize } = workerData as { ruleset: RulesetSpec; maxFileSize: number };
const { detector } = compileRuleset(ruleset);

parentPort!.on('message', (batch: ScanTarget[]) => {
  parentPort!.postMessage(batch.map((target) => scanFile(target, detector, maxFileSize)));
});
