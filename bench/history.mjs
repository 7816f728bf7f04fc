// keyhound benchmark: `keyhound history` on a long history of real code.
//
// The repository (bench/.corpus/history-repo, built once and cached) replays real
// .js/.ts/.json files from bench/.corpus/node_modules as a long series of edits:
// 2,000 files added in small batches, then ~9,700 commits that each change 1–3
// files (lines replaced, appended or deleted with chunks of other real files; now
// and then a rename, a new file or a deletion), two unmerged side branches and a
// tag every 1,000 commits. Fixed author and dates, a seeded random generator, and
// `git fast-import` (one stream from Node instead of 10,000 `git commit`s).
// A few fake AWS credentials are planted (generated at build time, some deleted
// again, one committed twice, one only on a side branch), so the scan has a known
// set of findings; source files in which keyhound finds anything are left out, so
// that every finding should be a planted one.
//
// What it measures (wall time: median of 3 after a warm-up; peak RSS from /usr/bin/time):
//   - `git log -p -U0 --all …  > /dev/null`: the floor for a scanner that reads diffs;
//     also with -M (the rename detection keyhound asks git for) and with the default -U3;
//   - `git cat-file --batch-all-objects --batch > /dev/null`: the floor for a scanner
//     that reads each unique blob once;
//   - `keyhound history --format json -o <tmp>`;
//   - keyhound with --max-commits 2000 / 5000 / 10000, to show whether peak memory
//     grows with the length of the history. /usr/bin/time's peak RSS is the largest of
//     node and the `git log` it spawns (git's, here), so one more untimed run per row,
//     with bench/peak-rss.mjs preloaded, gives the node process's own peak.
//   - the history cache: a full scan (--no-cache), a rescan with nothing new, and a
//     rescan after one new commit (each run from the same warm cache), in a mirror clone
//     of the repository with the cache in the scratch directory; the findings of each
//     must equal the full scan's.
// It prints keyhound / git log -p -U0, the sizes (commits, patch bytes, unique blob
// bytes), and checks keyhound's findings against the planted secrets.
//
// Run alone with `node bench/history.mjs` (needs dist/ and the corpus from run.mjs).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import {
  CORPUS, KEYHOUND, RUNS, TIME, countOutputBytes, ensureApt, git, isMain, machineLoad, mb, measure, nodeOwnPeakRss, printColumns, printTable, prng, run, strip,
  updateResults, waitForBuild, works,
} from './lib.mjs';

const REPO = join(CORPUS, 'history-repo');
const META = join(REPO, '.git', 'keyhound-bench.json');
/** Bump when the generator changes, so that a cached repository is rebuilt. */
const BUILD_VERSION = 1;
const SEED = 0x6b657968;

const INITIAL_FILES = 2000;
const INITIAL_BATCH = [1, 25];
const EDIT_COMMITS = 9700;
const MIN_LIVE_FILES = 1500;
const MIN_FILE_BYTES = 512;
const MAX_FILE_BYTES = 64 * 1024;
const MAX_DONOR_LINE = 300;
const SOURCE_EXTENSIONS = /\.(?:js|mjs|cjs|ts|json)$/;
const BRANCHES = [
  { name: 'feature/pagination', from: 4000, commits: 150 },
  { name: 'release/1.x', from: 7000, commits: 250 },
];
const TAG_EVERY = 1000;
const AUTHOR = 'Bench Author <bench@example.invalid>';
const START_DATE = Date.UTC(2019, 0, 1) / 1000;
const HOUR = 3600;

/**
 * The planted secrets. `at`: edit commit on main (or on `branch`); `kind`: what is
 * added; `removeAt`: a later commit removes it again; `againAt`: the same secret is
 * committed a second time, in another file (still one finding).
 */
const PLANTS = [
  { at: 600, kind: 'js-key-id', removeAt: 640 },
  { at: 1800, kind: 'js-key-id' },
  { at: 3100, kind: 'ini-pair', removeAt: 3130 },
  { at: 4700, kind: 'js-key-id', againAt: 6200 },
  { at: 7400, kind: 'env-pair', removeAt: 7410 },
  { at: 8800, kind: 'json-secret' },
  { branch: 'feature/pagination', at: 60, kind: 'js-key-id' },
];

const MAX_COMMITS = [2000, 5000, 10000];
/** One run that takes longer has hung (a normal one takes seconds). */
const TIMEOUT_SECONDS = 600;

// ---------------------------------------------------------------- source files

/** Real source files from the corpus within the size window, without keyhound findings. */
function sourceFiles(scratch) {
  const modules = join(CORPUS, 'node_modules');
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && SOURCE_EXTENSIONS.test(entry.name) && /^[\w@./+-]+$/.test(relative(modules, path))) {
        const bytes = lstatSync(path).size;
        if (bytes >= MIN_FILE_BYTES && bytes <= MAX_FILE_BYTES) files.push(relative(CORPUS, path));
      }
    }
  };
  walk(modules);
  const flagged = filesWithFindings(scratch);
  return files.filter((file) => !flagged.has(file)).sort();
}

/** Files of the corpus in which keyhound already finds something (they would blur the planted set). */
function filesWithFindings(scratch) {
  const report = join(scratch, 'corpus-report.json');
  const result = run(process.execPath, [KEYHOUND, 'scan', 'node_modules', '--format', 'json', '-o', report, '--quiet'], {
    cwd: CORPUS,
    env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(CORPUS) },
  });
  if (result.status !== 0 && result.status !== 1) throw new Error(`keyhound scan exited ${result.status}: ${result.stderr}`);
  return new Set(JSON.parse(readFileSync(report, 'utf8')).findings.map((finding) => finding.file));
}

/** Chunks of consecutive lines of real code, from any source file. */
function donorChunks(files, random) {
  const cache = new Map();
  const lines = (file) => {
    if (!cache.has(file)) cache.set(file, readFileSync(join(CORPUS, file), 'utf8').split('\n').filter((l) => l.length <= MAX_DONOR_LINE));
    return cache.get(file);
  };
  return (count) => {
    const donor = lines(random.pick(files));
    const start = random.int(0, Math.max(0, donor.length - count));
    return donor.slice(start, start + count);
  };
}

// ---------------------------------------------------------------- secrets

function randomString(random, alphabet, length) {
  let text = '';
  for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

const awsKeyId = (random) => `AKIA${randomString(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
const awsSecret = (random) => randomString(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+', 40);

/** keyhound's fingerprint (src/findings/finding.ts): SHA-256 over rule id NUL secret, 32 hex digits. */
const fingerprint = (ruleId, secret) => createHash('sha256').update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);

/** The secrets of one plant, and the lines or file that carry them. */
function plantContent(plant, index, random) {
  const id = awsKeyId(random);
  const secret = awsSecret(random);
  switch (plant.kind) {
    case 'js-key-id':
      return { secrets: [['aws-access-key-id', id]], line: `const awsAccessKeyId = '${id}';` };
    case 'ini-pair':
      return {
        secrets: [['aws-access-key-id', id], ['aws-secret-access-key', secret]],
        file: [`deploy/credentials-${index}.ini`, `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = eu-west-1\n`],
      };
    case 'env-pair':
      return {
        secrets: [['aws-access-key-id', id], ['aws-secret-access-key', secret]],
        file: [`.env.production`, `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\nAWS_REGION=eu-west-1\n`],
      };
    case 'json-secret':
      return {
        secrets: [['aws-secret-access-key', secret]],
        file: [`config/deploy-${index}.json`, `{\n  "region": "eu-west-1",\n  "SecretAccessKey": "${secret}"\n}\n`],
      };
    default:
      throw new Error(`unknown plant kind ${plant.kind}`);
  }
}

// ---------------------------------------------------------------- history

/** A branch being written: its files (path → text), tip mark and clock. */
function branchState(ref, files, from, time) {
  return { ref, files, from, time, commits: 0 };
}

/** Replaces, appends or deletes a few lines of `text` with real lines from elsewhere. */
function editText(text, random, chunk) {
  const lines = text.split('\n');
  const roll = random();
  if (roll < 0.55) {
    const at = random.int(0, lines.length);
    lines.splice(at, random.int(0, 8), ...chunk(random.int(1, 20)));
  } else if (roll < 0.8) {
    lines.splice(Math.max(0, lines.length - 1), 0, ...chunk(random.int(3, 30)));
  } else {
    lines.splice(random.int(0, Math.max(0, lines.length - 2)), random.int(1, 10));
  }
  return lines.join('\n');
}

/** The file-level changes of one ordinary commit: mostly edits, now and then a rename, an addition or a deletion. */
function randomChanges(state, random, context) {
  const live = [...state.files.keys()].filter((path) => !context.protected.has(path));
  const changes = [];
  const roll = random();
  if (roll < 0.04) {
    const from = random.pick(live);
    const dir = posix.dirname(random.pick(live));
    const to = posix.join(dir, `${random() < 0.5 ? 'legacy-' : 'v2-'}${posix.basename(from)}`);
    if (!state.files.has(to)) {
      const text = state.files.get(from);
      changes.push({ delete: from }, { path: to, text: random() < 0.5 ? editText(text, random, context.chunk) : text });
      return { changes, message: `Move ${posix.basename(from)} to ${dir}` };
    }
  } else if (roll < 0.07 && context.unused.length > 0) {
    const file = context.unused.pop();
    changes.push({ path: context.repoPath(file), text: readFileSync(join(CORPUS, file), 'utf8') });
    return { changes, message: `Add ${posix.basename(file)}` };
  } else if (roll < 0.1 && live.length > MIN_LIVE_FILES) {
    const path = random.pick(live);
    changes.push({ delete: path });
    return { changes, message: `Remove ${posix.basename(path)}` };
  }
  const count = random.int(1, 3);
  const paths = new Set();
  for (let i = 0; i < count; i += 1) paths.add(random.pick(live));
  for (const path of paths) changes.push({ path, text: editText(state.files.get(path), random, context.chunk) });
  const verb = random.pick(['Fix', 'Update', 'Refactor', 'Tidy', 'Handle edge case in', 'Document']);
  return { changes, message: `${verb} ${posix.basename([...paths][0])}` };
}

/** The changes of a plant commit (or of the commit that removes a plant again). */
function plantChanges(state, planted, random, event) {
  if (event.type === 'remove') {
    if (planted.file) return { changes: state.files.has(planted.file[0]) ? [{ delete: planted.file[0] }] : [], message: 'Remove credentials file' };
    const changes = [];
    for (const [path, text] of state.files) {
      if (text.includes(planted.line)) changes.push({ path, text: text.split('\n').filter((l) => l !== planted.line).join('\n') });
    }
    return { changes, message: 'Read the AWS key from the environment' };
  }
  if (planted.file) return { changes: [{ path: planted.file[0], text: planted.file[1] }], message: 'Add deployment credentials' };
  const candidates = [...state.files.keys()].filter((path) => /\.(?:js|ts)$/.test(path));
  const path = random.pick(candidates);
  const lines = state.files.get(path).split('\n');
  lines.splice(random.int(0, lines.length), 0, planted.line);
  return { changes: [{ path, text: lines.join('\n') }], message: `Configure the S3 client in ${posix.basename(path)}` };
}

/** Writes one commit to the fast-import stream and applies it to the branch state. */
async function writeCommit(out, state, mark, { changes, message }) {
  const date = `${state.time} +0000`;
  let text = `commit ${state.ref}\nmark :${mark}\nauthor ${AUTHOR} ${date}\ncommitter ${AUTHOR} ${date}\n`;
  text += `data ${Buffer.byteLength(message)}\n${message}\n`;
  if (state.from !== undefined) text += `from :${state.from}\n`;
  await out.write(text);
  for (const change of changes) {
    if (change.delete) {
      state.files.delete(change.delete);
      await out.write(`D ${change.delete}\n`);
    } else {
      state.files.set(change.path, change.text);
      await out.write(`M 100644 inline ${change.path}\ndata ${Buffer.byteLength(change.text)}\n`);
      await out.write(change.text);
      await out.write('\n');
    }
  }
  state.from = undefined;
  state.time += HOUR;
  state.commits += 1;
}

/** git fast-import reading from a stream that respects back-pressure. */
function fastImport(repo, marksFile) {
  const child = spawn('git', ['fast-import', '--quiet', '--done', `--export-marks=${marksFile}`], {
    cwd: repo,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const closed = once(child, 'close');
  return {
    async write(text) {
      if (!child.stdin.write(text)) await once(child.stdin, 'drain');
    },
    async end() {
      child.stdin.end('done\n');
      const [code] = await closed;
      if (code !== 0) throw new Error(`git fast-import exited ${code}`);
    },
  };
}

/** Plant events by branch and commit index: add, add again, remove. */
function plantEvents() {
  const events = new Map();
  const add = (branch, at, event) => events.set(`${branch}#${at}`, event);
  PLANTS.forEach((plant, index) => {
    const branch = plant.branch ?? 'main';
    add(branch, plant.at, { type: 'add', index, plant });
    if (plant.againAt !== undefined) add(branch, plant.againAt, { type: 'again', index, plant });
    if (plant.removeAt !== undefined) add(branch, plant.removeAt, { type: 'remove', index, plant });
  });
  return events;
}

/** Generates the whole history into git fast-import; returns what the checks need. */
async function generateHistory(out, files, random) {
  const chosen = random.shuffle(files);
  const initial = chosen.slice(0, INITIAL_FILES);
  const context = {
    unused: chosen.slice(INITIAL_FILES),
    chunk: donorChunks(files, random),
    repoPath: (file) => file.replace(/^node_modules\//, 'packages/'),
    protected: new Set(),
  };
  const events = plantEvents();
  const planted = PLANTS.map((plant, index) => ({ ...plant, ...plantContent(plant, index, random), marks: [] }));
  const main = branchState('refs/heads/main', new Map(), undefined, START_DATE);
  const forks = new Map();
  let mark = 0;
  const commit = async (state, changes) => {
    mark += 1;
    await writeCommit(out, state, mark, changes);
    return mark;
  };

  for (let next = 0; next < initial.length; ) {
    const batch = initial.slice(next, next + random.int(...INITIAL_BATCH));
    next += batch.length;
    const changes = batch.map((file) => ({ path: context.repoPath(file), text: readFileSync(join(CORPUS, file), 'utf8') }));
    await commit(main, { changes, message: `Import ${batch.length} files from ${batch[0].split('/').slice(1, 3).join('/')}` });
  }

  const step = async (state, branch, i) => {
    const event = events.get(`${branch}#${i}`);
    if (!event) return commit(state, randomChanges(state, random, context));
    const plant = planted[event.index];
    if (plant.file) context.protected.add(plant.file[0]);
    const changes = plantChanges(state, plant, random, event);
    const at = await commit(state, changes);
    if (event.type !== 'remove') plant.marks.push(at);
    return at;
  };

  for (let i = 0; i < EDIT_COMMITS; i += 1) {
    const at = await step(main, 'main', i);
    for (const branch of BRANCHES) if (branch.from === i) forks.set(branch.name, { mark: at, files: new Map(main.files), time: main.time });
    if ((i + 1) % TAG_EVERY === 0) await out.write(`reset refs/tags/v0.${(i + 1) / TAG_EVERY}\nfrom :${at}\n\n`);
  }
  const mainFiles = main.files;
  for (const branch of BRANCHES) {
    const fork = forks.get(branch.name);
    const state = branchState(`refs/heads/${branch.name}`, fork.files, fork.mark, fork.time - HOUR / 2);
    for (let i = 0; i < branch.commits; i += 1) await step(state, branch.name, i);
  }
  return { commits: mark, planted, mainFiles };
}

/** What the checks need to know about the planted secrets: fingerprints, introducing commits, presence at HEAD. */
function plantedSecrets(planted, mainFiles, marks) {
  const head = [...mainFiles.values()];
  return planted.flatMap((plant) =>
    plant.secrets.map(([ruleId, secret]) => ({
      ruleId,
      kind: plant.kind,
      branch: plant.branch ?? 'main',
      fingerprint: fingerprint(ruleId, secret),
      introducedIn: marks.get(plant.marks[0]),
      commits: plant.marks.length,
      presentAtHead: head.some((text) => text.includes(secret)),
    })),
  );
}

function readMarks(file) {
  return new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [mark, sha] = line.split(' ');
        return [Number(mark.slice(1)), sha];
      }),
  );
}

/** Builds bench/.corpus/history-repo unless a complete one of this BUILD_VERSION is there. */
async function ensureHistoryRepo(scratch) {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    if (meta.version === BUILD_VERSION) return meta;
  } catch {
    // Missing or incomplete: build it.
  }
  console.log(`creating ${REPO} (git fast-import)…`);
  const started = Date.now();
  const building = `${REPO}.building`;
  rmSync(building, { recursive: true, force: true });
  git(CORPUS, ['init', '-q', '-b', 'main', building]);
  const files = sourceFiles(scratch);
  const marksFile = join(scratch, 'marks');
  const out = fastImport(building, marksFile);
  const history = await generateHistory(out, files, prng(SEED));
  await out.end();
  git(building, ['reset', '-q', '--hard', 'main']);
  git(building, ['gc', '-q']);
  const meta = {
    version: BUILD_VERSION,
    seed: SEED,
    sourceFiles: files.length,
    commits: history.commits,
    planted: plantedSecrets(history.planted, history.mainFiles, readMarks(marksFile)),
    buildSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(join(building, '.git', 'keyhound-bench.json'), `${JSON.stringify(meta, null, 2)}\n`);
  rmSync(REPO, { recursive: true, force: true });
  renameSync(building, REPO);
  console.log(`  built in ${meta.buildSeconds.toFixed(1)} s`);
  return meta;
}

// ---------------------------------------------------------------- sizes

const LOG_FLAGS = ['--all', '--no-ext-diff', '--no-textconv', '--no-color'];

/** Commits, patch bytes (as git log -p prints them) and object bytes of the repository. */
async function repoSize() {
  const objects = git(REPO, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)']);
  const size = { commits: Number(git(REPO, ['rev-list', '--all', '--count']).trim()), blobs: 0, blobBytes: 0, objects: 0, objectBytes: 0 };
  for (const line of objects.split('\n').filter(Boolean)) {
    const [type, bytes] = line.split(' ');
    size.objects += 1;
    size.objectBytes += Number(bytes);
    if (type === 'blob') {
      size.blobs += 1;
      size.blobBytes += Number(bytes);
    }
  }
  size.patchBytesU0 = await countOutputBytes('git', ['log', '-p', '-U0', ...LOG_FLAGS], REPO);
  size.patchBytesU0M = await countOutputBytes('git', ['log', '-p', '-U0', '-M', ...LOG_FLAGS], REPO);
  size.patchBytesU3 = await countOutputBytes('git', ['log', '-p', ...LOG_FLAGS], REPO);
  size.headFiles = git(REPO, ['ls-tree', '-r', '--name-only', 'HEAD']).split('\n').filter(Boolean).length;
  return size;
}

// ---------------------------------------------------------------- measuring

function gitTool(name, args) {
  return { name, cmd: 'git', args, cwd: REPO, env: {}, okStatus: [0], stdout: 'ignore', timeoutSeconds: TIMEOUT_SECONDS };
}

function keyhoundTool(name, report, extra = []) {
  return {
    name,
    cmd: process.execPath,
    // A full read of the history unless the row names a cache (the cache has its own rows).
    args: [KEYHOUND, 'history', ...(extra.some((arg) => arg.endsWith('cache')) ? [] : ['--no-cache']), '--format', 'json', '-o', report, ...extra],
    cwd: REPO,
    env: {},
    okStatus: [0, 1],
    timeoutSeconds: TIMEOUT_SECONDS,
  };
}

/**
 * keyhound's findings against the planted secrets. A planted secret is found when a
 * finding has its fingerprint, or when it is the other half of a found pair (keyhound
 * reports an AWS key id next to its secret key as one finding with both parts).
 */
function checkFindings(report, meta) {
  // A guessable-looking secret's fingerprint is salted scrypt, not the SHA-256 the planted
  // set records: such a finding is matched by its rule and the commit that planted it.
  const byCommit = new Map(meta.planted.map((secret) => [`${secret.ruleId} ${secret.introducedIn}`, secret]));
  const plantOf = (finding) => meta.planted.find((secret) => secret.fingerprint === finding.fingerprint) ?? byCommit.get(`${finding.ruleId} ${finding.commit?.sha}`);
  for (const finding of report.findings) {
    const plant = plantOf(finding);
    if (plant) finding.fingerprint = plant.fingerprint;
  }
  const planted = new Map(meta.planted.map((secret) => [secret.fingerprint, secret]));
  const found = report.findings.filter((finding) => planted.has(finding.fingerprint));
  const asPair = meta.planted.filter(
    (secret) =>
      !found.some((f) => f.fingerprint === secret.fingerprint) &&
      found.some((f) => f.pair?.ruleId === secret.ruleId && planted.get(f.fingerprint).introducedIn === secret.introducedIn),
  );
  const missing = meta.planted.filter((secret) => !found.some((f) => f.fingerprint === secret.fingerprint) && !asPair.includes(secret));
  return {
    findings: report.findings.length,
    planted: planted.size,
    plantedFound: found.length,
    plantedFoundAsPair: asPair.length,
    missing: missing.map((s) => `${s.ruleId} (${s.kind}, ${s.branch})`),
    unexpected: report.findings.filter((f) => !planted.has(f.fingerprint)).map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.commit?.sha?.slice(0, 10) ?? ''}`),
    wrongCommit: found.filter((f) => f.commit?.sha !== planted.get(f.fingerprint).introducedIn).length,
    presentAtHeadExpected: meta.planted.filter((s) => s.presentAtHead && !asPair.includes(s)).length,
    presentAtHeadReported: found.filter((f) => f.history?.presentAtHead).length,
    commits: report.stats.commits,
  };
}

function printSizes(size) {
  console.log(
    `history: ${REPO}\n  ${size.commits} commits (all refs), ${size.headFiles} files at HEAD` +
      `\n  git log -p --all: ${mb(size.patchBytesU0).toFixed(1)} MB with -U0, ${mb(size.patchBytesU0M).toFixed(1)} MB with -U0 -M, ${mb(size.patchBytesU3).toFixed(1)} MB with -U3` +
      `\n  unique blobs: ${size.blobs}, ${mb(size.blobBytes).toFixed(1)} MB (all ${size.objects} objects: ${mb(size.objectBytes).toFixed(1)} MB)`,
  );
}

function printMemory(rows, full, size) {
  console.log('\nkeyhound history peak RSS by history length (time\'s %M is the largest of node and its git child; node alone from getrusage):');
  const cells = (label, bytes, row) => [label, mb(bytes).toFixed(1), row.seconds.toFixed(3), row.peakRssMb.toFixed(1), row.nodePeakRssMb.toFixed(1)];
  printColumns(
    ['--max-commits', 'patch MB (-U0 -M)', 'median s', 'peak RSS MB (node or git)', 'node alone MB'],
    [...rows.map((r) => cells(String(r.maxCommits), r.patchBytes, r)), cells(`all (${size.commits})`, size.patchBytesU0M, full)],
  );
}

function printCheck(check) {
  console.log(
    `\nkeyhound findings: ${check.findings}; planted distinct secrets: ${check.planted}: ${check.plantedFound} reported as findings, ` +
      `${check.plantedFoundAsPair} as the other half of a reported pair, ${check.missing.length} missing; ${check.unexpected.length} findings not planted` +
      `\n  attributed to the wrong commit: ${check.wrongCommit}; present at HEAD: ${check.presentAtHeadReported} reported, ${check.presentAtHeadExpected} expected; keyhound counted ${check.commits} commits`,
  );
  for (const miss of check.missing) console.log(`  missing: ${miss}`);
  for (const extra of check.unexpected.slice(0, 10)) console.log(`  not planted: ${extra}`);
  if (check.unexpected.length > 10) console.log(`  … and ${check.unexpected.length - 10} more not planted`);
}

// ---------------------------------------------------------------- the history cache

/** A commit on main that adds one small file, made with plumbing (the mirror has no work tree). */
function addCommit(repo) {
  const index = join(repo, 'bench-index');
  const env = { ...process.env, GIT_INDEX_FILE: index, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' };
  git(repo, ['read-tree', 'main'], { env });
  // stdin a pipe: git() ignores stdin by default, and the input would go nowhere.
  const blob = git(repo, ['hash-object', '-w', '--stdin'], { input: 'export const added = 1;\n', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  git(repo, ['update-index', '--add', '--cacheinfo', `100644,${blob},packages/added-by-bench.js`], { env });
  const tree = git(repo, ['write-tree'], { env }).trim();
  const commit = git(repo, ['commit-tree', tree, '-p', 'main', '-m', 'one new commit'], { env }).trim();
  git(repo, ['update-ref', 'refs/heads/main', commit]);
  rmSync(index, { force: true });
}

const findingsOf = (file) => JSON.stringify(JSON.parse(readFileSync(file, 'utf8')).findings);
/** "read / listed": the commits a run read in full, of those it listed (the rest the cache answered for). */
const commitsReadOf = (file) => {
  const { commits = 0, cachedCommits = 0 } = JSON.parse(readFileSync(file, 'utf8')).stats;
  return `${commits - cachedCommits} / ${commits}`;
};

/** Full scan, rescan with nothing new, rescan after one new commit: seconds and ratios to the full scan. */
export function measureCache(scratch) {
  const mirror = join(scratch, 'mirror.git');
  git(scratch, ['clone', '-q', '--mirror', REPO, mirror]);
  const cache = join(scratch, 'cache');
  const snapshot = join(scratch, 'cache-snapshot');
  const report = join(scratch, 'cached.json');
  const tool = (name, extra) => ({ ...keyhoundTool(name, report, extra), cwd: mirror });
  const full = measure(tool('history --no-cache (full)', ['--no-cache']), scratch, null);
  const expected = findingsOf(report);
  run(process.execPath, [KEYHOUND, 'history', '--cache', cache, '--quiet', '--format', 'json', '-o', report], { cwd: mirror });
  const nothingNew = measure(tool('rescan, nothing new', ['--cache', cache]), scratch, null);
  const sameNothingNew = findingsOf(report) === expected;
  const readNothingNew = commitsReadOf(report);
  cpSync(cache, snapshot, { recursive: true });
  addCommit(mirror);
  // Each run starts from the cache as it was before the new commit.
  const oneNew = measure(
    {
      ...tool('rescan, one new commit', []),
      cmd: 'sh',
      args: ['-c', 'rm -rf "$1" && cp -r "$2" "$1" && exec "$3" "$4" history --cache "$1" --format json -o "$5"', 'sh', cache, snapshot, process.execPath, KEYHOUND, report],
    },
    scratch,
    null,
  );
  const fullAfter = run(process.execPath, [KEYHOUND, 'history', '--no-cache', '--quiet', '--format', 'json', '-o', join(scratch, 'full-after.json')], { cwd: mirror });
  if (fullAfter.status !== 0 && fullAfter.status !== 1) throw new Error(`keyhound exited ${fullAfter.status}: ${fullAfter.stderr}`);
  const sameOneNew = findingsOf(report) === findingsOf(join(scratch, 'full-after.json'));
  const readOneNew = commitsReadOf(report);
  const rows = [full, nothingNew, oneNew];
  console.log('\nkeyhound history with the cache (median s; ratio to the full scan):');
  printColumns(
    ['run', 'median s', 'ratio to full', 'CPU s', 'commits read / listed', 'same findings as a full scan'],
    rows.map((row, i) => [
      row.name, row.seconds.toFixed(3), (row.seconds / full.seconds).toFixed(3), row.cpuSeconds.toFixed(2),
      i === 0 ? 'all' : [readNothingNew, readOneNew][i - 1], i === 0 ? '-' : String([sameNothingNew, sameOneNew][i - 1]),
    ]),
  );
  return {
    full: strip(full), nothingNew: strip(nothingNew), oneNewCommit: strip(oneNew),
    ratioNothingNew: nothingNew.seconds / full.seconds, ratioOneNewCommit: oneNew.seconds / full.seconds, sameNothingNew, sameOneNew,
  };
}

// ---------------------------------------------------------------- main

export async function main() {
  ensureApt('time', () => works(TIME, ['-f', '%M', 'true']));
  if (!existsSync(join(CORPUS, 'node_modules'))) throw new Error(`${CORPUS}/node_modules is missing: run node bench/run.mjs first`);
  waitForBuild();
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-bench-history-'));
  try {
    console.log('\n== history ==');
    const meta = await ensureHistoryRepo(scratch);
    const size = await repoSize();
    printSizes(size);
    const loadBefore = machineLoad();
    console.log();

    const report = join(scratch, 'report.json');
    const gitU0 = measure(gitTool('git log -p -U0', ['log', '-p', '-U0', ...LOG_FLAGS]), scratch, size.patchBytesU0);
    const gitU0M = measure(gitTool('git log -p -U0 -M', ['log', '-p', '-U0', '-M', ...LOG_FLAGS]), scratch, size.patchBytesU0M);
    const gitU3 = measure(gitTool('git log -p (-U3)', ['log', '-p', ...LOG_FLAGS]), scratch, size.patchBytesU3);
    const catFile = measure(gitTool('git cat-file --batch', ['cat-file', '--batch-all-objects', '--batch']), scratch, size.objectBytes);
    const keyhoundFull = keyhoundTool('keyhound history', report);
    const keyhound = measure(keyhoundFull, scratch, size.patchBytesU0M);
    keyhound.nodePeakRssMb = nodeOwnPeakRss(keyhoundFull, scratch);
    const check = checkFindings(JSON.parse(readFileSync(report, 'utf8')), meta);

    const byLength = [];
    for (const maxCommits of MAX_COMMITS) {
      const tool = keyhoundTool(`keyhound --max-commits ${maxCommits}`, join(scratch, 'partial.json'), ['--max-commits', String(maxCommits)]);
      const row = measure(tool, scratch, null);
      const nodePeakRssMb = nodeOwnPeakRss(tool, scratch);
      const patchBytes = await countOutputBytes('git', ['log', '-p', '-U0', '-M', `--max-count=${maxCommits}`, ...LOG_FLAGS], REPO);
      byLength.push({ ...strip(row), maxCommits, patchBytes, nodePeakRssMb });
    }

    const ratio = keyhound.seconds / gitU0.seconds;
    console.log('\nMB/s: git log rows over their own output, cat-file over all object bytes, keyhound over the -U0 -M patch it reads');
    printTable([gitU0, gitU0M, gitU3, catFile, keyhound]);
    console.log(`\nkeyhound / git log -p -U0: ${ratio.toFixed(2)}x`);
    console.log(`keyhound / git log -p -U0 -M (its own git command): ${(keyhound.seconds / gitU0M.seconds).toFixed(2)}x`);
    console.log(`keyhound / git cat-file --batch-all-objects: ${(keyhound.seconds / catFile.seconds).toFixed(2)}x`);
    console.log(
      `CPU time: keyhound ${keyhound.cpuSeconds.toFixed(2)} s (node and its git log) vs git log -p -U0 -M ${gitU0M.cpuSeconds.toFixed(2)} s:` +
        ` node's own share ${(keyhound.cpuSeconds - gitU0M.cpuSeconds).toFixed(2)} s; keyhound CPU / git log -p -U0 CPU ${(keyhound.cpuSeconds / gitU0.cpuSeconds).toFixed(2)}x`,
    );
    printMemory(byLength, keyhound, size);
    printCheck(check);
    const cache = measureCache(scratch);
    const loadAfter = machineLoad();

    updateResults({
      history: {
        date: new Date().toISOString(),
        repo: { path: REPO, buildVersion: meta.version, seed: meta.seed, sourceFiles: meta.sourceFiles, ...size },
        runs: RUNS,
        load: { before: loadBefore, after: loadAfter },
        gitLogU0: strip(gitU0),
        gitLogU0M: strip(gitU0M),
        gitLogU3: strip(gitU3),
        catFileBatch: strip(catFile),
        keyhound: strip(keyhound),
        keyhoundByMaxCommits: byLength,
        ratio,
        ratioToGitLogU0M: keyhound.seconds / gitU0M.seconds,
        ratioToCatFile: keyhound.seconds / catFile.seconds,
        cpuRatio: keyhound.cpuSeconds / gitU0.cpuSeconds,
        findings: check,
        cache,
      },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
