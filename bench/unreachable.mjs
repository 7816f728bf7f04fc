// Unreachable objects: what `history --unreachable` costs.
//
// A mirror of the history benchmark's repository (bench/.corpus/history-repo) loses its
// two side branches, as after a force-push or a deleted branch: their 400 commits, and
// the secret planted on one of them, are left dangling. `keyhound history` and
// `keyhound history --unreachable` are timed on it (median of 3 after a warm-up), and
// the second must report the dangling branch's secret that the first cannot see.
//
// Run alone with `node bench/unreachable.mjs` (needs dist/ and the history repository).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, KEYHOUND, git, isMain, machineLoad, measure, mustRun, printTable, strip, updateResults } from './lib.mjs';

const REPO = join(CORPUS, 'history-repo');
const SIDE_BRANCHES = ['feature/pagination', 'release/1.x'];

/** Every commit read (--no-cache): with the history cache, runs after the first would read only what is new. */
function historyTool(name, mirror, extra, scratch) {
  return {
    name, cmd: process.execPath, cwd: mirror, okStatus: [0, 1],
    args: [KEYHOUND, 'history', '.', '--no-cache', ...extra, '--format', 'json', '-o', join(scratch, 'report.json'), '--quiet'],
  };
}

const findingsIn = (scratch) => JSON.parse(readFileSync(join(scratch, 'report.json'), 'utf8')).findings.length;

export async function main() {
  console.log('\n== unreachable objects: history with and without --unreachable, after two branches were deleted ==');
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-unreachable-'));
  try {
    const mirror = join(scratch, 'mirror.git');
    mustRun('git', ['clone', '-q', '--mirror', REPO, mirror]);
    for (const branch of SIDE_BRANCHES) git(mirror, ['update-ref', '-d', `refs/heads/${branch}`]);
    const dangling = git(mirror, ['fsck', '--unreachable', '--no-reflogs'], { encoding: 'utf8' }).split('\n').filter((line) => line.startsWith('unreachable commit')).length;
    console.log(`mirror without ${SIDE_BRANCHES.join(' and ')}: ${dangling} unreachable commits`);
    const load = machineLoad();

    const reachable = measure(historyTool('keyhound history', mirror, [], scratch), scratch, null);
    const reachableFindings = findingsIn(scratch);
    const all = measure(historyTool('keyhound history --unreachable', mirror, ['--unreachable'], scratch), scratch, null);
    const allFindings = findingsIn(scratch);
    printTable([reachable, all]);
    const ratio = all.seconds / reachable.seconds;
    console.log(`--unreachable / without: ${ratio.toFixed(2)}x wall, ${(all.cpuSeconds / reachable.cpuSeconds).toFixed(2)}x CPU; findings ${reachableFindings} → ${allFindings}`);
    if (allFindings <= reachableFindings) throw new Error('--unreachable found nothing more: the dangling branch holds a planted secret');
    updateResults({ unreachable: { load, danglingCommits: dangling, without: strip(reachable), with: strip(all), ratio, findings: { without: reachableFindings, with: allFindings } } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
