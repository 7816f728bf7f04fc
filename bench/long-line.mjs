// Long lines: one minified line of `password="…";` repeated, from 1 MB up to the 10 MB
// default --max-file-size, each value a finding (32,768 findings a MB). keyhound scans it
// alone (on the main thread) and as the first of 300 files (in a worker thread, whose
// findings cross to the main thread). Target: linear, so 10 MB takes about ten times
// 1 MB (quadratic would be a hundred times). CPU time is compared: wall time on a shared
// machine moves with the other work on it.
//
// Before the fix, the inline-comment check read the whole line once per finding: 8.9 s
// at 1 MB, 32.5 s at 2 MB, over 120 s at 4 MB; in a worker, each finding carried the
// whole line across threads, and 1 MB ran out of 24 GB of memory.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYHOUND, isMain, printColumns, prng, timedRun, updateResults } from './lib.mjs';

const SIZES_MB = [1, 2, 4, 8, 10];
const OTHER_FILES = 300;
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `password="<20 random characters>";` repeated, one line of at most `bytes` (10 MB stays within the default limit). */
function longLine(bytes) {
  const random = prng(7);
  const parts = [];
  const PART = 32; // password="…"; with a value of 20 characters
  for (let length = PART + 1; length <= bytes; length += PART) parts.push(`password="${Array.from({ length: 20 }, () => random.pick(ALNUM)).join('')}";`);
  return `${parts.join('')}\n`;
}

function scanTool(dir, target, scratch) {
  return {
    name: `keyhound scan ${target}`, cmd: process.execPath, cwd: dir, okStatus: [1], stdout: 'ignore', timeoutSeconds: 600,
    args: [KEYHOUND, 'scan', target, '--format', 'json', '--output', join(scratch, 'report.json'), '-q'],
  };
}

export async function main() {
  console.log(`\n== one long line with a finding every 32 characters, ${SIZES_MB.join(', ')} MB ==`);
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-long-line-'));
  try {
    const rows = SIZES_MB.map((sizeMb) => {
      const dir = join(scratch, `${sizeMb}mb`);
      mkdirSync(dir);
      // Named to sort first: the pool hands it to a worker thread.
      writeFileSync(join(dir, 'a-minified.js'), longLine(sizeMb * 1024 * 1024));
      for (let i = 0; i < OTHER_FILES; i += 1) writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`);
      const alone = timedRun(scanTool(dir, 'a-minified.js', scratch), scratch);
      const inWorker = timedRun(scanTool(dir, '.', scratch), scratch);
      process.stdout.write('.');
      const row = (run) => ({ seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakRssMb: run.rssKb / 1024 });
      return { sizeMb, alone: row(alone), inWorker: row(inWorker) };
    });
    process.stdout.write('\n');
    // CPU seconds move less than wall time when other work shares the machine.
    const cells = (run, sizeMb) => [run.seconds.toFixed(2), run.cpuSeconds.toFixed(2), (run.cpuSeconds / sizeMb).toFixed(2), run.peakRssMb.toFixed(0)];
    printColumns(
      ['line MB', 'alone s', 'CPU s', 'CPU s/MB', 'peak RSS MB', 'in a worker s', 'CPU s', 'CPU s/MB', 'peak RSS MB'],
      rows.map((row) => [String(row.sizeMb), ...cells(row.alone, row.sizeMb), ...cells(row.inWorker, row.sizeMb)]),
    );
    const first = rows[0];
    const last = rows.at(-1);
    const growth = {
      alone: last.alone.cpuSeconds / first.alone.cpuSeconds,
      worker: last.inWorker.cpuSeconds / first.inWorker.cpuSeconds,
    };
    const sizes = last.sizeMb / first.sizeMb;
    console.log(
      `CPU time, ${last.sizeMb} MB / ${first.sizeMb} MB: ${growth.alone.toFixed(1)}x alone, ${growth.worker.toFixed(1)}x in a worker ` +
        `(linear: ${sizes}x, quadratic: ${sizes ** 2}x)`,
    );
    updateResults({ longLine: { rows, growth } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
