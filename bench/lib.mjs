// Helpers shared by the benchmarks (run.mjs, history.mjs, hook.mjs): running
// commands, installing tools, timing a command under /usr/bin/time, tables and
// bench/.results.json.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const CORPUS = join(ROOT, 'bench', '.corpus');
export const RESULTS = join(ROOT, 'bench', '.results.json');
export const KEYHOUND = join(ROOT, 'bin', 'keyhound.cjs');
export const TIME = '/usr/bin/time';
export const RUNS = 3;

// ---------------------------------------------------------------- helpers

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

export function mustRun(cmd, args, options = {}) {
  const result = run(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}`);
  return result;
}

/** Runs git and returns its stdout; throws with git's stderr on failure. */
export function git(cwd, args, options = {}) {
  const result = run('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export function works(cmd, args) {
  try {
    return run(cmd, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

/** Bytes a command writes to stdout, counted as they stream (never held in memory). */
export function countOutputBytes(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

export const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const mb = (bytes) => bytes / 1e6;

/** Cores and load averages: other work on the machine (a load above ~0.3) makes timings noisier. */
export function machineLoad() {
  const load = { cores: cpus().length, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) };
  console.log(`machine: ${load.cores} cores, load average ${load.loadAverage.join(' ')} (1, 5, 15 min)`);
  return load;
}

/** True when `import.meta.url` is the script node was started with. */
export const isMain = (url) => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/** Deterministic pseudo-random numbers (mulberry32), so that generated corpora are the same on every machine. */
export function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (min, max) => min + Math.floor(next() * (max - min + 1)); // inclusive
  next.pick = (list) => list[Math.floor(next() * list.length)];
  next.shuffle = (list) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  return next;
}

// ---------------------------------------------------------------- set-up

/** Installs a Debian package when `check` fails (apt-get update only if the first try fails). */
export function ensureApt(pkg, check) {
  if (check()) return;
  console.log(`installing ${pkg} (apt-get)…`);
  if (!works('apt-get', ['install', '-y', pkg])) {
    mustRun('apt-get', ['update'], { stdio: 'ignore' });
    mustRun('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  }
  if (!check()) throw new Error(`${pkg} is still missing after apt-get install`);
}

/** Another engineer may be rebuilding: wait for dist/ to be complete. */
export function waitForBuild() {
  for (let i = 0; i < 60; i += 1) {
    if (existsSync(join(ROOT, 'dist', 'cli.cjs')) && existsSync(join(ROOT, 'dist', 'worker.js'))) return;
    sleep(1000);
  }
  throw new Error('dist/ is missing: run npm run compile');
}

// ---------------------------------------------------------------- measuring

/**
 * One run under /usr/bin/time: wall time from Node's clock; peak RSS (KB, %M) and CPU
 * seconds (%U + %S, the child's and its reaped children's) from time. CPU time moves
 * less than wall time when other work shares the machine.
 */
export function timedRun(tool, scratch) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return timedRunOnce(tool, scratch);
    } catch (error) {
      // A concurrent `npm run compile` can remove dist/ under a running scan: wait for it and retry.
      if (attempt === 3 || !String(error.message).includes('Cannot find module')) throw error;
      waitForBuild();
    }
  }
}

/**
 * `tool.stdout: 'ignore'` sends the child's stdout to /dev/null (for commands that print a lot);
 * `tool.timeoutSeconds` runs it under timeout(1), so that a hung scan fails instead of stalling the benchmark.
 */
function timedRunOnce(tool, scratch) {
  const timeFile = join(scratch, 'time.txt');
  const command = tool.timeoutSeconds ? ['timeout', '-s', 'KILL', String(tool.timeoutSeconds), tool.cmd] : [tool.cmd];
  const started = process.hrtime.bigint();
  const result = run(TIME, ['-f', '%M %U %S', '-o', timeFile, ...command, ...tool.args], {
    cwd: tool.cwd,
    env: { ...process.env, ...tool.env },
    stdio: ['ignore', tool.stdout ?? 'pipe', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Node exits 1 on a missing module too, which a scanner's okStatus [0, 1] would take for "findings".
  if (!tool.okStatus.includes(result.status) || /Cannot find module|ERR_MODULE_NOT_FOUND/.test(result.stderr)) {
    const timedOut = tool.timeoutSeconds && result.status === 137 ? ` (killed after ${tool.timeoutSeconds} s)` : '';
    throw new Error(`${tool.name} exited ${result.status}${timedOut}: ${result.stderr.slice(0, 2000)}`);
  }
  const [rssKb, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { seconds, rssKb, cpuSeconds: user + system, stdout: result.stdout, status: result.status };
}

/** One warm-up run, then RUNS measured runs: median wall time, largest peak RSS. */
export function measure(tool, scratch, corpusBytes) {
  process.stdout.write(`measuring ${tool.name} `);
  timedRun(tool, scratch);
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) {
    runs.push(timedRun(tool, scratch));
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const seconds = median(runs.map((r) => r.seconds));
  return {
    name: tool.name,
    command: [tool.cmd, ...tool.args].join(' '),
    seconds,
    runs: runs.map((r) => r.seconds),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    mbPerSecond: corpusBytes ? mb(corpusBytes) / seconds : null,
    peakRssMb: Math.max(...runs.map((r) => r.rssKb)) / 1024,
    last: runs.at(-1),
  };
}

/**
 * One extra (untimed) run of a Node tool with bench/peak-rss.mjs preloaded: the peak RSS
 * of the Node process alone, in MB. /usr/bin/time's figure is the largest of the
 * process and its children, which for a history scan is git's.
 */
export function nodeOwnPeakRss(tool, scratch) {
  const file = join(scratch, 'node-rss.txt');
  rmSync(file, { force: true });
  timedRun({ ...tool, args: ['--import', pathToFileURL(join(ROOT, 'bench', 'peak-rss.mjs')).href, ...tool.args], env: { ...tool.env, KEYHOUND_BENCH_RSS_FILE: file } }, scratch);
  return Number(readFileSync(file, 'utf8')) / 1024;
}

/** A measured row without the last run's output, for the results file. */
export const strip = ({ last: _last, ...row }) => row;

// ---------------------------------------------------------------- reporting

/** Right-aligned columns except the first; `rows` are arrays of strings. */
export function printColumns(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function printTable(rows) {
  printColumns(
    ['tool', 'median s', 'runs (s)', 'CPU s', 'MB/s', 'peak RSS MB'],
    rows.map((r) => [
      r.name,
      r.seconds.toFixed(3),
      r.runs.map((s) => s.toFixed(2)).join(' '),
      r.cpuSeconds.toFixed(2),
      r.mbPerSecond === null ? '-' : r.mbPerSecond.toFixed(1),
      r.peakRssMb.toFixed(1),
    ]),
  );
}

/** Merges `entries` into bench/.results.json, keeping every other benchmark's keys. */
export function updateResults(entries) {
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    // No results yet (or a broken file): start afresh.
  }
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, ...entries }, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS}`);
}
