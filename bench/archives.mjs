// Archives: what opening them costs.
//   1. The working-tree benchmark's corpus (bench/.corpus/node_modules, see run.mjs) scanned
//      with archives on (the default) and with --no-archives: the cost of looking at every
//      binary file's first bytes for an archive or a key store.
//   2. One package (typescript, about 23 MB in 100-odd files) scanned as a directory, as
//      a .tar.gz and as a .zip (both made here by tar and zip): the cost of reading an
//      archive in memory against reading the same files from disk.
// Wall time and CPU time, median of 3 runs after a warm-up (the machine is shared).

import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CORPUS, KEYHOUND, isMain, measure, mb, mustRun, printTable, strip, updateResults } from './lib.mjs';

const PACKAGE = 'typescript';

function scanTool(name, cwd, args, scratch) {
  return {
    name, cmd: process.execPath, cwd, okStatus: [0, 1],
    args: [KEYHOUND, 'scan', ...args, '--format', 'json', '-o', join(scratch, 'report.json'), '--quiet'],
    // The corpus sits inside this repository's work tree: stop git there.
    env: { GIT_CEILING_DIRECTORIES: dirname(CORPUS) },
  };
}

export async function main() {
  console.log('\n== archives: the working tree with and without --no-archives; one package as files, .tar.gz and .zip ==');
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-archives-'));
  try {
    const withArchives = measure(scanTool('keyhound scan (archives on)', CORPUS, ['node_modules'], scratch), scratch, null);
    const without = measure(scanTool('keyhound scan --no-archives', CORPUS, ['node_modules', '--no-archives'], scratch), scratch, null);
    printTable([withArchives, without]);
    const cost = withArchives.cpuSeconds / without.cpuSeconds;
    console.log(`working tree, archives on / off: ${(withArchives.seconds / without.seconds).toFixed(2)}x wall, ${cost.toFixed(2)}x CPU`);

    const tree = join(scratch, PACKAGE);
    cpSync(join(CORPUS, 'node_modules', PACKAGE), tree, { recursive: true });
    mustRun('tar', ['-czf', join(scratch, `${PACKAGE}.tgz`), '-C', scratch, PACKAGE]);
    mustRun('zip', ['-qr', join(scratch, `${PACKAGE}.zip`), PACKAGE], { cwd: scratch });
    const bytes = Number(mustRun('du', ['-sb', tree], { stdio: 'pipe', encoding: 'utf8' }).stdout.split('\t')[0]);
    console.log(`${PACKAGE}: ${mb(bytes).toFixed(1)} MB; .tgz ${mb(statSync(join(scratch, `${PACKAGE}.tgz`)).size).toFixed(1)} MB, .zip ${mb(statSync(join(scratch, `${PACKAGE}.zip`)).size).toFixed(1)} MB`);
    const rows = ['', '.tgz', '.zip'].map((suffix) => measure(scanTool(`keyhound scan ${PACKAGE}${suffix}`, scratch, [`${PACKAGE}${suffix}`], scratch), scratch, bytes));
    printTable(rows);
    updateResults({ archives: { workingTree: { on: strip(withArchives), off: strip(without), cpuRatio: cost }, package: { name: PACKAGE, bytes, rows: rows.map(strip) } } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
