/** Worker thread: scans batches of files sent by the pool and posts back the results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanTarget } from '../sources/worktree.js';
import { compileRuleset, type RulesetSpec } from './ruleset.js';
import type { ContentLimits } from './scan-contents.js';
import { scanFile } from './scan-file.js';

// The scan's archive budget arrives as shared memory: every thread draws on the one budget.
const { ruleset, keywords, limits } = workerData as { ruleset: RulesetSpec; keywords?: Uint8Array; limits: ContentLimits };
const { detector } = compileRuleset(ruleset, keywords);

parentPort!.on('message', (batch: ScanTarget[]) => {
  parentPort!.postMessage(batch.map((target) => scanFile(target, detector, limits)));
});
