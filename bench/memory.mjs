// Memory in the size of the history: keyhound history on a synthetic 50,000-commit
// repository (tiny edits, built with git fast-import in a few seconds), with Node's own
// peak RSS at 5,000, 20,000 and 50,000 commits, each a full read (--no-cache: with the
// history cache a run would read only what earlier runs did not). Target: flat, whatever the length
// (git log's own memory is not keyhound's and is left out).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, KEYHOUND, git, isMain, nodeOwnPeakRss, printColumns, run, updateResults } from './lib.mjs';

const REPO = join(CORPUS, 'memory-repo-50k');
const COMMITS = 50_000;
const LENGTHS = [5_000, 20_000, COMMITS];

/** Two small files edited per commit, in a tree of 500, all from one fast-import stream. */
function buildRepo() {
  if (existsSync(join(REPO, '.git'))) return;
  rmSync(REPO, { recursive: true, force: true });
  git(CORPUS, ['init', '-q', '-b', 'main', REPO]);
  const lines = [];
  for (let i = 0; i < COMMITS; i += 1) {
    const message = `edit ${i}`;
    lines.push('commit refs/heads/main', `committer Bench <bench@test.invalid> ${1_700_000_000 + i} +0000`, `data ${Buffer.byteLength(message)}`, message);
    for (let f = 0; f < 2; f += 1) {
      const content = `// file ${f}, edit ${i}\nconst value${i} = ${i * 7};\n`;
      lines.push(`M 100644 inline src/f${(i * 3 + f) % 500}.js`, `data ${Buffer.byteLength(content)}`, content);
    }
  }
  const imported = run('git', ['fast-import', '--quiet'], { cwd: REPO, input: `${lines.join('\n')}\n` });
  if (imported.status !== 0) throw new Error(`git fast-import failed: ${imported.stderr}`);
}

export async function main() {
  console.log(`\n== memory in the length of the history ==\nbuilding ${COMMITS} commits in ${REPO} (once) ...`);
  buildRepo();
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-memory-'));
  try {
    const rows = LENGTHS.map((commits) => {
      const tool = { name: `keyhound history --max-commits ${commits}`, cmd: process.execPath, args: [KEYHOUND, 'history', '--no-cache', '--max-commits', String(commits), '--format', 'json', '--output', join(scratch, 'r.json'), '-q'], cwd: REPO, env: { GIT_CEILING_DIRECTORIES: CORPUS }, okStatus: [0, 1], stdout: 'ignore', timeoutSeconds: 600 };
      return { commits, nodePeakRssMb: Math.round(nodeOwnPeakRss(tool, scratch) * 10) / 10 };
    });
    printColumns(['commits', 'node peak RSS MB'], rows.map((row) => [String(row.commits), row.nodePeakRssMb.toFixed(1)]));
    const growth = rows.at(-1).nodePeakRssMb / rows[0].nodePeakRssMb;
    console.log(`peak RSS ${COMMITS} commits / ${LENGTHS[0]} commits: ${growth.toFixed(2)}x (target: flat)`);
    updateResults({ memory: { commits: COMMITS, rows, growth } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
