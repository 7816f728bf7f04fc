// keyhound benchmark: scan speed on a large tree of real third-party code.
//
// What it measures: wall time (median of 3 warm runs, after one warm-up run),
// throughput (corpus bytes / wall time) and the child's peak RSS for
//   - keyhound:  `keyhound scan node_modules --format json -o <tmp>` run in the corpus;
//   - ripgrep:   the reference, searching the same files for every rule keyword
//                (`rg -i -F -c --no-ignore --hidden --max-filesize 10M -f <keywords>`);
//   - `node -e 0`: Node's start-up floor, which keyhound cannot go under.
// The corpus is the node_modules of a scratch npm install of pinned packages, in
// bench/.corpus/node_modules (created when missing; about 270 MB in 12k files).
//
// Target: keyhound within 3x of ripgrep's wall time on this 2-core machine.
//
// It also prints keyhound's findings in the corpus per rule, with a few
// file:line samples (paths and rule ids only, never secret values), and writes
// every number to bench/.results.json.
//
// Then it runs the other benchmarks, each also runnable alone:
//   - bench/history.mjs: `keyhound history` on a generated 10,000-commit repository;
//   - bench/hook.mjs:    `keyhound staged` (the pre-commit hook) in a 10,000-file repository;
//   - bench/memory.mjs:  Node's peak memory over a synthetic 50,000-commit history;
//   - bench/noise.mjs:   findings (false alarms) in 380 MB of Debian source packages;
//   - bench/long-line.mjs: one minified line full of findings, 1 MB up to 10 MB (linear time);
//   - bench/fingerprints.mjs: guesses a second against a fingerprint, and what fingerprints cost a scan.
//   - bench/unreachable.mjs: history with and without --unreachable after two branches were deleted;
//   - bench/archives.mjs: this corpus with and without --no-archives, and one package as files, .tar.gz and .zip.
// Shared helpers are in bench/lib.mjs; every benchmark adds its own keys to bench/.results.json.
//
// Run with `npm run bench` (builds first).

import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main as fingerprintsBenchmark } from './fingerprints.mjs';
import { main as archivesBenchmark } from './archives.mjs';
import { main as historyBenchmark } from './history.mjs';
import { main as unreachableBenchmark } from './unreachable.mjs';
import { main as longLineBenchmark } from './long-line.mjs';
import { main as hookBenchmark } from './hook.mjs';
import { main as memoryBenchmark } from './memory.mjs';
import { main as noiseBenchmark } from './noise.mjs';
import {
  CORPUS, KEYHOUND, ROOT, RUNS, TIME, ensureApt, mb, measure, mustRun, printTable, run, strip, updateResults, waitForBuild, works,
} from './lib.mjs';

/** Pinned so that every run scans the same bytes. */
const PACKAGES = {
  typescript: '5.9.3',
  googleapis: '144.0.0',
  '@aws-sdk/client-s3': '3.1169.0',
  '@aws-sdk/client-ec2': '3.1169.0',
  '@aws-sdk/client-dynamodb': '3.1169.0',
  'aws-sdk': '2.1692.0',
};
/** What both tools scan, relative to CORPUS: the other benchmarks keep their repositories beside it. */
const SCANNED = 'node_modules';
const MIN_CORPUS_BYTES = 200 * 1e6;
const MAX_FILE_SIZE = 10 * 1024 * 1024; // keyhound's default; rg's 10M is the same number
const TARGET_RATIO = 3;
const TOP_RULES = 5;
const SAMPLES_PER_RULE = 3;

// ---------------------------------------------------------------- set-up

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

function tools(keywordsFile, reportFile) {
  return {
    keyhound: {
      name: 'keyhound',
      cmd: process.execPath,
      args: [KEYHOUND, 'scan', SCANNED, '--format', 'json', '-o', reportFile, '--quiet'],
      cwd: CORPUS,
      // The corpus sits inside this repo's work tree: stop git there, so that it is scanned as the plain directory it is.
      env: { GIT_CEILING_DIRECTORIES: dirname(CORPUS) },
      okStatus: [0, 1],
    },
    ripgrep: {
      name: 'ripgrep',
      cmd: 'rg',
      args: ['-i', '-F', '-c', '--no-ignore', '--hidden', '--max-filesize', '10M', '-f', keywordsFile, SCANNED],
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

  const size = corpusSize(join(CORPUS, SCANNED));
  console.log(
    `corpus: ${join(CORPUS, SCANNED)}\n  ${size.files} files, ${mb(size.bytes).toFixed(1)} MB` +
      ` (${size.scannedFiles} files, ${mb(size.scannedBytes).toFixed(1)} MB within the 10 MB limit)`,
  );
  if (size.bytes < MIN_CORPUS_BYTES) console.log(`  warning: under the ${mb(MIN_CORPUS_BYTES)} MB target`);

  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-'));
  try {
    const rules = listRules();
    const keywords = writeKeywords(rules, scratch);
    const providers = new Set(rules.map((rule) => rule.provider)).size;
    console.log(`rules: ${rules.length} for ${providers} providers and credential formats, distinct keywords: ${keywords.count}\n`);

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

    const results = {
      date: new Date().toISOString(),
      node: process.version,
      corpus: { path: CORPUS, packages: PACKAGES, ...size },
      rules: rules.length,
      providers,
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
    updateResults(results);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
await historyBenchmark();
await unreachableBenchmark();
await hookBenchmark();
await memoryBenchmark();
await noiseBenchmark();
await longLineBenchmark();
await fingerprintsBenchmark();
await archivesBenchmark();
