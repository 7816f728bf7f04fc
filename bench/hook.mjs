// keyhound benchmark: `keyhound staged`, the pre-commit hook, in a large repository.
//
// The repository (bench/.corpus/hook-repo, built once and cached) holds 10,000 real
// files from bench/.corpus/node_modules in one commit. Measured with hyperfine
// (3 warm-up runs, at least 20 runs, no shell: -N), each in the repository:
//   - `node -e 0`: Node's start-up floor. NODE_EXTRA_CA_CERTS, when set (this
//     environment sets it), makes Node load extra CA certificates at start-up, so the
//     floor and keyhound are measured both with the variable as it is and without it
//     (`env -u NODE_EXTRA_CA_CERTS …`), and each overhead is taken against the floor
//     measured the same way;
//   - `keyhound staged` on an empty change (nothing staged), with V8's code cache
//     filled by the warm-up runs, and once without any (a first commit after install);
//   - `keyhound staged` on 10 staged files with 50 added lines each (500 lines of
//     real code from other files of the repository, no secrets); the index is reset
//     afterwards, so the repository stays reusable;
//   - AWS's git-secrets (`git secrets --pre_commit_hook`, what its installed hook
//     runs, after `git secrets --register-aws` in the repository) as a reference.
// Targets (issue "Audits at scale"): keyhound staged at most 20 ms over the floor for
// the empty change and at most 40 ms for the 10-file change. Peak RSS of keyhound
// staged from /usr/bin/time (median-of-3 runs after a warm-up, as in run.mjs).
//
// Run alone with `node bench/hook.mjs` (needs dist/ and the corpus from run.mjs).

import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  CORPUS, KEYHOUND, RUNS, TIME, ensureApt, git, isMain, machineLoad, measure, printColumns, prng, run, strip, updateResults, waitForBuild, works,
} from './lib.mjs';

const REPO = join(CORPUS, 'hook-repo');
const META = join(REPO, '.git', 'keyhound-bench.json');
/** Bump when the generator changes, so that a cached repository is rebuilt. */
const BUILD_VERSION = 1;
const SEED = 0x686f6f6b;

const FILES = 10000;
const MAX_FILE_BYTES = 1024 * 1024;
const CHANGED_FILES = 10;
const ADDED_LINES = 50;
const MAX_LINE = 200;
const WARMUP = 3;
const MIN_RUNS = 20;
const TARGETS_MS = { empty: 20, tenFiles: 40 };
const CA_VAR = 'NODE_EXTRA_CA_CERTS';
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Bench Author',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Bench Author',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
};

// ---------------------------------------------------------------- repository

/** Regular files of node_modules up to MAX_FILE_BYTES, relative to it, sorted. */
function moduleFiles() {
  const modules = join(CORPUS, 'node_modules');
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && lstatSync(path).size <= MAX_FILE_BYTES) files.push(relative(modules, path));
    }
  };
  walk(modules);
  return files.sort();
}

/** Builds bench/.corpus/hook-repo (10,000 real files, one commit) unless a complete one is there. */
function ensureHookRepo() {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    if (meta.version === BUILD_VERSION) return meta;
  } catch {
    // Missing or incomplete: build it.
  }
  console.log(`creating ${REPO} (${FILES} files, one commit)…`);
  const started = Date.now();
  const building = `${REPO}.building`;
  rmSync(building, { recursive: true, force: true });
  git(CORPUS, ['init', '-q', '-b', 'main', building]);
  const files = prng(SEED).shuffle(moduleFiles()).slice(0, FILES).sort();
  if (files.length < FILES) throw new Error(`only ${files.length} files in the corpus, ${FILES} wanted`);
  for (const file of files) {
    const target = join(building, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(CORPUS, 'node_modules', file), target);
  }
  const env = { ...process.env, ...IDENTITY };
  git(building, ['add', '-A'], { env });
  git(building, ['-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', 'commit', '-q', '--no-verify', '-m', `Import ${FILES} files`], { env });
  git(building, ['gc', '-q']);
  const bytes = files.reduce((sum, file) => sum + statSync(join(CORPUS, 'node_modules', file)).size, 0);
  const meta = { version: BUILD_VERSION, seed: SEED, files: files.length, bytes, buildSeconds: (Date.now() - started) / 1000 };
  writeFileSync(join(building, '.git', 'keyhound-bench.json'), `${JSON.stringify(meta, null, 2)}\n`);
  rmSync(REPO, { recursive: true, force: true });
  renameSync(building, REPO);
  console.log(`  built in ${meta.buildSeconds.toFixed(1)} s`);
  return meta;
}

/** Back to the commit: nothing staged, no edits (also repairs a run that was interrupted). */
function resetRepo() {
  git(REPO, ['reset', '-q', '--hard', 'HEAD']);
}

/** Lines of the .js files of the repository that can give ADDED_LINES consecutive short lines. */
function donorFiles(tracked) {
  return tracked.filter((path) => path.endsWith('.js')).filter((path) => {
    const lines = readFileSync(join(REPO, path), 'utf8').split('\n');
    return lines.length >= ADDED_LINES * 2 && lines.every((line) => line.length <= MAX_LINE);
  });
}

/**
 * Stages CHANGED_FILES edits of ADDED_LINES real lines each (inserted at a random line).
 * `attempt` picks another set when a set happens to contain something keyhound flags.
 */
function stageChange(attempt) {
  const random = prng(SEED + 1 + attempt);
  const tracked = git(REPO, ['ls-files', '-z']).split('\0').filter(Boolean);
  const donors = donorFiles(tracked);
  const targets = random.shuffle(tracked.filter((path) => path.endsWith('.js'))).slice(0, CHANGED_FILES);
  for (const path of targets) {
    const donor = readFileSync(join(REPO, random.pick(donors.filter((d) => d !== path))), 'utf8').split('\n');
    const start = random.int(0, donor.length - ADDED_LINES - 1);
    const lines = readFileSync(join(REPO, path), 'utf8').split('\n');
    lines.splice(random.int(0, lines.length - 1), 0, ...donor.slice(start, start + ADDED_LINES));
    writeFileSync(join(REPO, path), lines.join('\n'));
  }
  git(REPO, ['add', '--', ...targets]);
  const stat = git(REPO, ['diff', '--cached', '--numstat']).split('\n').filter(Boolean).map((line) => line.split('\t'));
  return { files: stat.length, added: stat.reduce((sum, [added]) => sum + Number(added), 0), deleted: stat.reduce((sum, [, deleted]) => sum + Number(deleted), 0) };
}

/** The first change set (by attempt) in which keyhound finds nothing, staged. */
function stageCleanChange() {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    resetRepo();
    const change = stageChange(attempt);
    waitForBuild();
    const result = run(process.execPath, [KEYHOUND, 'staged', '--quiet'], { cwd: REPO });
    if (result.status === 0) return { ...change, attempt };
    if (result.status !== 1) throw new Error(`keyhound staged exited ${result.status}: ${result.stderr}`);
  }
  throw new Error('no change set without findings in 10 attempts');
}

// ---------------------------------------------------------------- git-secrets

function ensureGitSecrets() {
  try {
    ensureApt('git-secrets', () => works('sh', ['-c', 'command -v git-secrets']));
  } catch (error) {
    console.log(`git-secrets unavailable (${error.message}): no reference`);
    return false;
  }
  // Once per repository: the patterns live in its .git/config.
  if (run('git', ['config', '--get-all', 'secrets.patterns'], { cwd: REPO }).stdout.trim() === '') git(REPO, ['secrets', '--register-aws']);
  return true;
}

// ---------------------------------------------------------------- measuring

/**
 * Every row runs through `env`, so that all pay for it alike. keyhound's code cache
 * (bin/code-cache.cjs) lives in a directory of this run, which the warm-up runs fill, as
 * a developer's first commit fills theirs; one row runs without it (its directory is a
 * file, so nothing can be kept), as the very first commit after an install does.
 */
function hyperfineCommands(withGitSecrets, scratch) {
  const node = process.execPath;
  const caSet = process.env[CA_VAR] !== undefined;
  const cache = `XDG_CACHE_HOME=${join(scratch, 'cache')}`;
  const noCache = join(scratch, 'not-a-directory');
  writeFileSync(noCache, '');
  const commands = [
    { name: 'node -e 0', cmd: `env ${node} -e 0`, floor: true },
    ...(caSet ? [{ name: `node -e 0 (${CA_VAR} unset)`, cmd: `env -u ${CA_VAR} ${node} -e 0`, floor: true, unset: true }] : []),
    { name: 'keyhound staged', cmd: `env ${cache} ${node} ${KEYHOUND} staged`, keyhound: true },
    ...(caSet ? [{ name: `keyhound staged (${CA_VAR} unset)`, cmd: `env -u ${CA_VAR} ${cache} ${node} ${KEYHOUND} staged`, keyhound: true, unset: true }] : []),
    { name: 'keyhound staged (no code cache)', cmd: `env XDG_CACHE_HOME=${noCache} ${node} ${KEYHOUND} staged`, keyhound: true, cold: true },
    ...(withGitSecrets ? [{ name: 'git secrets --pre_commit_hook', cmd: 'git secrets --pre_commit_hook' }] : []),
  ];
  return commands;
}

/**
 * One hyperfine run over `commands` in the repository. -i keeps git-secrets' exit 1 (a
 * match) from aborting it; the exit codes of node and keyhound are checked instead
 * (a rebuild of dist/ during the run makes keyhound fail: wait and measure again).
 */
function hyperfine(label, commands, scratch) {
  const exportFile = join(scratch, `hyperfine-${label}.json`);
  const args = ['-N', '-i', '--style', 'none', '--warmup', String(WARMUP), '--min-runs', String(MIN_RUNS), '--export-json', exportFile];
  for (const command of commands) args.push('--command-name', command.name, command.cmd);
  for (let attempt = 1; ; attempt += 1) {
    waitForBuild();
    process.stdout.write(`hyperfine: ${label} (${commands.length} commands)…\n`);
    const result = run('hyperfine', args, { cwd: REPO, stdio: ['ignore', 'inherit', 'pipe'] });
    if (result.status !== 0) throw new Error(`hyperfine exited ${result.status}: ${result.stderr}`);
    const rows = JSON.parse(readFileSync(exportFile, 'utf8')).results.map((r, i) => ({ ...commands[i], ...summarise(r) }));
    const failed = rows.filter((r) => (r.floor || r.keyhound) && r.exitCodes.some((code) => code !== 0));
    if (failed.length === 0) return rows;
    const reason = `${failed.map((r) => r.name).join(', ')} failed: exit codes ${failed[0].exitCodes.join(' ')}`;
    if (attempt === 3) throw new Error(reason);
    console.log(`  ${reason} (a rebuild of dist/?): measuring again`);
  }
}

function summarise(result) {
  const ms = (s) => s * 1000;
  return {
    meanMs: ms(result.mean),
    stddevMs: ms(result.stddev ?? 0),
    medianMs: ms(result.median),
    minMs: ms(result.min),
    maxMs: ms(result.max),
    cpuMs: ms(result.user + result.system),
    runs: result.times.length,
    exitCodes: [...new Set(result.exit_codes)],
  };
}

/**
 * Overhead of each keyhound row over the floor measured the same way (same
 * NODE_EXTRA_CA_CERTS): of the means (the target), of the medians, which an outlier
 * on a busy machine moves less, and of the CPU time (user + system, mean), which
 * waiting for a core does not inflate.
 */
function withOverhead(rows) {
  return rows.map((row) => {
    if (!row.keyhound) return row;
    const floor = rows.find((r) => r.floor && !!r.unset === !!row.unset);
    return { ...row, overheadMs: row.meanMs - floor.meanMs, medianOverheadMs: row.medianMs - floor.medianMs, cpuOverheadMs: row.cpuMs - floor.cpuMs };
  });
}

/** Peak RSS of keyhound staged (node and its git child) from /usr/bin/time. */
function keyhoundRss(name, scratch) {
  const tool = { name, cmd: process.execPath, args: [KEYHOUND, 'staged'], cwd: REPO, env: {}, okStatus: [0] };
  return strip(measure(tool, scratch, null));
}

// ---------------------------------------------------------------- reporting

function printRows(title, rows, targetMs) {
  console.log(`\n${title}`);
  printColumns(
    ['command', 'mean ms', '± ms', 'median ms', 'min ms', 'CPU ms', 'runs', 'mean over node -e 0 ms', 'median over', 'CPU over', 'exit'],
    rows.map((r) => [
      r.name,
      r.meanMs.toFixed(1),
      r.stddevMs.toFixed(1),
      r.medianMs.toFixed(1),
      r.minMs.toFixed(1),
      r.cpuMs.toFixed(1),
      String(r.runs),
      r.overheadMs === undefined ? '-' : `${r.overheadMs.toFixed(1)} (target <= ${targetMs})`,
      r.medianOverheadMs === undefined ? '-' : r.medianOverheadMs.toFixed(1),
      r.cpuOverheadMs === undefined ? '-' : r.cpuOverheadMs.toFixed(1),
      r.exitCodes.join(','),
    ]),
  );
}

/** git-secrets exits 1 when it matches; with nothing staged, its hook greps every file of the index (a quirk worth seeing). */
function noteGitSecrets(label, rows) {
  const row = rows.find((r) => r.name.startsWith('git secrets'));
  if (row?.exitCodes.includes(1)) console.log(`${label}: git-secrets exited 1 (it reported matches: its hook greps whole files, and every indexed file when nothing is staged)`);
}

function verdict(label, rows, targetMs) {
  const keyhound = rows.find((r) => r.keyhound && !r.unset && !r.cold);
  const met = keyhound.overheadMs <= targetMs;
  console.log(`${label}: keyhound staged ${keyhound.overheadMs.toFixed(1)} ms over node -e 0 (target <= ${targetMs} ms): ${met ? 'MET' : 'MISSED'}`);
  return { overheadMs: keyhound.overheadMs, targetMs, met };
}

// ---------------------------------------------------------------- main

export async function main() {
  ensureApt('hyperfine', () => works('hyperfine', ['--version']));
  ensureApt('time', () => works(TIME, ['-f', '%M', 'true']));
  if (!existsSync(join(CORPUS, 'node_modules'))) throw new Error(`${CORPUS}/node_modules is missing: run node bench/run.mjs first`);
  waitForBuild();
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-hook-'));
  try {
    console.log('\n== hook ==');
    const meta = ensureHookRepo();
    const withGitSecrets = ensureGitSecrets();
    const ca = process.env[CA_VAR];
    console.log(`hook repo: ${REPO}\n  ${meta.files} files, ${(meta.bytes / 1e6).toFixed(1)} MB, one commit`);
    console.log(`${CA_VAR}: ${ca === undefined ? 'not set' : `${ca} (${existsSync(ca) ? `${statSync(ca).size} bytes` : 'missing'})`}`);
    console.log(`${run('hyperfine', ['--version']).stdout.trim()}; git-secrets: ${withGitSecrets ? 'yes' : 'no'}`);

    resetRepo();
    const loadBefore = machineLoad();
    const commands = hyperfineCommands(withGitSecrets, scratch);
    const empty = withOverhead(hyperfine('empty', commands, scratch));
    const emptyRss = keyhoundRss('keyhound staged (empty change)', scratch);

    let change;
    let ten;
    let tenRss;
    try {
      change = stageCleanChange();
      ten = withOverhead(hyperfine('10 files', commands, scratch));
      tenRss = keyhoundRss('keyhound staged (10 files)', scratch);
    } finally {
      resetRepo();
    }

    console.log(`\nstaged change: ${change.files} files, +${change.added} -${change.deleted} lines (change set #${change.attempt})`);
    printRows('empty change (nothing staged):', empty, TARGETS_MS.empty);
    printRows(`${change.files} files, ${change.added} added lines staged:`, ten, TARGETS_MS.tenFiles);
    console.log(`\nkeyhound staged peak RSS: ${emptyRss.peakRssMb.toFixed(1)} MB (empty), ${tenRss.peakRssMb.toFixed(1)} MB (10 files)`);
    noteGitSecrets('empty change', empty);
    noteGitSecrets('10-file change', ten);
    const emptyVerdict = verdict('empty change', empty, TARGETS_MS.empty);
    const tenVerdict = verdict('10-file change', ten, TARGETS_MS.tenFiles);
    const loadAfter = machineLoad();

    updateResults({
      hook: {
        date: new Date().toISOString(),
        repo: { path: REPO, buildVersion: meta.version, seed: meta.seed, files: meta.files, bytes: meta.bytes },
        nodeExtraCaCerts: ca ?? null,
        hyperfine: { warmup: WARMUP, minRuns: MIN_RUNS, shell: 'none' },
        load: { before: loadBefore, after: loadAfter },
        change,
        empty,
        tenFiles: ten,
        peakRss: { runs: RUNS, empty: emptyRss, tenFiles: tenRss },
        targets: { empty: emptyVerdict, tenFiles: tenVerdict },
      },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
