// keyhound benchmark: scan speed on a large tree of real third-party code.
//
// What it measures: wall time (median of 3 warm runs, after one warm-up run),
// throughput (corpus bytes / wall time) and the child's peak RSS for
//   - keyhound:  `keyhound scan . --format json -o <tmp>` run in the corpus;
//   - ripgrep:   the reference, searching the same files for every rule keyword
//                (`rg -i -F -c --no-ignore --hidden --max-filesize 10M -f <keywords>`);
//   - `node -e 0`: Node's start-up floor, which keyhound cannot go under.
// The corpus is the node_modules of a scratch npm install of pinned packages, in
// bench/.corpus/ (created when missing; about 270 MB in 12k files).
//
// Target: keyhound within 3x of ripgrep's wall time on this 2-core machine.
//
// It also prints keyhound's findings in the corpus per rule, with a few
// file:line samples (paths and rule ids only, never secret values), and writes
// every number to bench/.results.json.
//
// Run with `npm run bench` (builds first).

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CORPUS = join(ROOT, 'bench', '.corpus');
const RESULTS = join(ROOT, 'bench', '.results.json');
const KEYHOUND = join(ROOT, 'bin', 'keyhound.js');
const TIME = '/usr/bin/time';

/** Pinned so that every run scans the same bytes. */
const PACKAGES = {
  typescript: '5.9.3',
  googleapis: '144.0.0',
  '@aws-sdk/client-s3': '3.1169.0',
  '@aws-sdk/client-ec2': '3.1169.0',
  '@aws-sdk/client-dynamodb': '3.1169.0',
  'aws-sdk': '2.1692.0',
};
const MIN_CORPUS_BYTES = 200 * 1e6;
const MAX_FILE_SIZE = 10 * 1024 * 1024; // keyhound's default; rg's 10M is the same number
const RUNS = 3;
const TARGET_RATIO = 3;
const TOP_RULES = 5;
const SAMPLES_PER_RULE = 3;

// ---------------------------------------------------------------- helpers

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

function mustRun(cmd, args, options = {}) {
  const result = run(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}`);
}

function works(cmd, args) {
  try {
    return run(cmd, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => bytes / 1e6;

// ---------------------------------------------------------------- set-up

/** Installs a Debian package when `check` fails (apt-get update only if the first try fails). */
function ensureApt(pkg, check) {
  if (check()) return;
  console.log(`installing ${pkg} (apt-get)…`);
  if (!works('apt-get', ['install', '-y', pkg])) {
    mustRun('apt-get', ['update'], { stdio: 'ignore' });
    mustRun('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  }
  if (!check()) throw new Error(`${pkg} is still missing after apt-get install`);
}

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(CORPUS, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Creates bench/.corpus with a scratch npm install unless every pinned package is already there. */
function ensureCorpus() {
  const missing = Object.entries(PACKAGES).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) return;
  console.log(`creating corpus in ${CORPUS} (npm install)…`);
  const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}@${version}`);
  mustRun('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', CORPUS, ...specs]);
  // A top-level .gitignore would hide the tree from keyhound (it honours .gitignore outside git).
  if (existsSync(join(CORPUS, '.gitignore'))) throw new Error(`${CORPUS}/.gitignore would hide the corpus`);
}

/** Regular files only (symlinks are skipped by both tools); `scanned` counts those within the size limit. */
function corpusSize(dir) {
  const size = { files: 0, bytes: 0, scannedFiles: 0, scannedBytes: 0 };
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        const bytes = lstatSync(child).size;
        size.files += 1;
        size.bytes += bytes;
        if (bytes <= MAX_FILE_SIZE) {
          size.scannedFiles += 1;
          size.scannedBytes += bytes;
        }
      }
    }
  };
  walk(dir);
  return size;
}

/** Another engineer may be rebuilding: wait for dist/ to be complete. */
function waitForBuild() {
  for (let i = 0; i < 60; i += 1) {
    if (existsSync(join(ROOT, 'dist', 'cli.js')) && existsSync(join(ROOT, 'dist', 'worker.js'))) return;
    sleep(1000);
  }
  throw new Error('dist/ is missing: run npm run build');
}

function listRules() {
  const result = run(process.execPath, [KEYHOUND, 'rules', 'list', '--format', 'json'], { cwd: ROOT });
  if (result.status !== 0) throw new Error(`keyhound rules list exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function writeKeywords(rules, dir) {
  const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))].sort();
  const file = join(dir, 'keywords.txt');
  writeFileSync(file, `${keywords.join('\n')}\n`);
  return { file, count: keywords.length };
}

// ---------------------------------------------------------------- measuring

/** One run under /usr/bin/time: wall time from Node's clock, peak RSS (KB) from time's %M. */
function timedRun(tool, scratch) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return timedRunOnce(tool, scratch);
    } catch (error) {
      // A concurrent `npm run build` can remove dist/ under a running scan: wait for it and retry.
      if (attempt === 3 || !String(error.message).includes('Cannot find module')) throw error;
      waitForBuild();
    }
  }
}

function timedRunOnce(tool, scratch) {
  const timeFile = join(scratch, 'time.txt');
  const started = process.hrtime.bigint();
  const result = run(TIME, ['-f', '%M', '-o', timeFile, tool.cmd, ...tool.args], {
    cwd: tool.cwd,
    env: { ...process.env, ...tool.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!tool.okStatus.includes(result.status)) {
    throw new Error(`${tool.name} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  }
  const rssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  return { seconds, rssKb, stdout: result.stdout, status: result.status };
}

/** One warm-up run, then RUNS measured runs: median wall time, largest peak RSS. */
function measure(tool, scratch, corpusBytes) {
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
    mbPerSecond: corpusBytes ? mb(corpusBytes) / seconds : null,
    peakRssMb: Math.max(...runs.map((r) => r.rssKb)) / 1024,
    last: runs.at(-1),
  };
}

function tools(keywordsFile, reportFile) {
  return {
    keyhound: {
      name: 'keyhound',
      cmd: process.execPath,
      args: [KEYHOUND, 'scan', '.', '--format', 'json', '-o', reportFile, '--quiet'],
      cwd: CORPUS,
      // The corpus sits inside this repo's work tree: stop git there, so that it is scanned as the plain directory it is.
      env: { GIT_CEILING_DIRECTORIES: dirname(CORPUS) },
      okStatus: [0, 1],
    },
    ripgrep: {
      name: 'ripgrep',
      cmd: 'rg',
      args: ['-i', '-F', '-c', '--no-ignore', '--hidden', '--max-filesize', '10M', '-f', keywordsFile, '.'],
      cwd: CORPUS,
      env: {},
      okStatus: [0, 1],
    },
    nodeFloor: { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], cwd: ROOT, env: {}, okStatus: [0] },
  };
}

// ---------------------------------------------------------------- reporting

function summariseFindings(report) {
  const byRule = new Map();
  for (const finding of report.findings) {
    const list = byRule.get(finding.ruleId) ?? [];
    list.push(`${finding.file}:${finding.line}`);
    byRule.set(finding.ruleId, list);
  }
  const rules = [...byRule.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([ruleId, locations], index) => ({
      ruleId,
      count: locations.length,
      files: new Set(locations.map((l) => l.slice(0, l.lastIndexOf(':')))).size,
      samples: index < TOP_RULES ? spreadSamples(locations) : [],
    }));
  return { total: report.findings.length, stats: report.stats, rules };
}

/** Samples from different files where possible, so one noisy file does not fill them all. */
function spreadSamples(locations) {
  const samples = [];
  const files = new Set();
  for (const location of locations) {
    const file = location.slice(0, location.lastIndexOf(':'));
    if (!files.has(file)) {
      files.add(file);
      samples.push(location);
    }
    if (samples.length === SAMPLES_PER_RULE) break;
  }
  return samples;
}

function ripgrepMatches(stdout) {
  const lines = stdout.split('\n').filter(Boolean);
  return { files: lines.length, lines: lines.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(':') + 1)), 0) };
}

function printTable(rows) {
  const header = ['tool', 'median s', 'runs (s)', 'MB/s', 'peak RSS MB'];
  const body = rows.map((r) => [
    r.name,
    r.seconds.toFixed(3),
    r.runs.map((s) => s.toFixed(2)).join(' '),
    r.mbPerSecond === null ? '-' : r.mbPerSecond.toFixed(1),
    r.peakRssMb.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

function printFindings(summary) {
  console.log(`\nkeyhound findings in the corpus: ${summary.total}`);
  for (const rule of summary.rules) {
    console.log(`  ${String(rule.count).padStart(6)}  ${rule.ruleId} (${rule.files} files)`);
    for (const sample of rule.samples) console.log(`            ${sample}`);
  }
}

// ---------------------------------------------------------------- main

function main() {
  ensureApt('ripgrep', () => works('rg', ['--version']));
  ensureApt('time', () => works(TIME, ['-f', '%M', 'true']));
  ensureCorpus();
  waitForBuild();

  const size = corpusSize(CORPUS);
  console.log(
    `corpus: ${CORPUS}\n  ${size.files} files, ${mb(size.bytes).toFixed(1)} MB` +
      ` (${size.scannedFiles} files, ${mb(size.scannedBytes).toFixed(1)} MB within the 10 MB limit)`,
  );
  if (size.bytes < MIN_CORPUS_BYTES) console.log(`  warning: under the ${mb(MIN_CORPUS_BYTES)} MB target`);

  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-'));
  try {
    const rules = listRules();
    const keywords = writeKeywords(rules, scratch);
    console.log(`rules: ${rules.length}, distinct keywords: ${keywords.count}\n`);

    const t = tools(keywords.file, join(scratch, 'report.json'));
    const keyhound = measure(t.keyhound, scratch, size.bytes);
    const ripgrep = measure(t.ripgrep, scratch, size.bytes);
    const floor = measure(t.nodeFloor, scratch, null);

    const ratio = keyhound.seconds / ripgrep.seconds;
    const report = JSON.parse(readFileSync(join(scratch, 'report.json'), 'utf8'));
    const findings = summariseFindings(report);
    const rg = ripgrepMatches(ripgrep.last.stdout);

    console.log();
    printTable([keyhound, ripgrep, floor]);
    console.log(`\nkeyhound / ripgrep: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}`);
    console.log(`keyhound scanned ${report.stats.files} files, ${mb(report.stats.bytes).toFixed(1)} MB; skipped ${JSON.stringify(report.stats.skipped)}`);
    console.log(`ripgrep: keyword lines in ${rg.files} files, ${rg.lines} lines`);
    printFindings(findings);

    const strip = ({ last, ...row }) => row;
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      corpus: { path: CORPUS, packages: PACKAGES, ...size },
      rules: rules.length,
      keywords: keywords.count,
      runs: RUNS,
      keyhound: strip(keyhound),
      ripgrep: { ...strip(ripgrep), matchingFiles: rg.files, matchingLines: rg.lines },
      nodeFloor: strip(floor),
      ratio,
      targetRatio: TARGET_RATIO,
      targetMet: ratio <= TARGET_RATIO,
      findings,
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
