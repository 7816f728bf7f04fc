/**
 * No secret leaves keyhound (README: "keyhound never prints one unless you ask"):
 * unique fake keys are planted in every kind of input, and every command, in every
 * report format, verbosity and error path, is run on a real repository (in process,
 * through `main(argv, io)`; a real process where one is needed: another user, a crashing
 * worker thread of a package copy). No raw key may
 * appear in stdout, stderr, a report, a baseline, or any other file keyhound wrote,
 * unless --show-secrets is given. An encoded key counts as raw in its encoded form too
 * (a base64 run is as good as the key). Keys no rule reports (beside one it does), a
 * key in a commit subject and keys in broken config files count too. The repository
 * also holds hostile names and content: no run may print a terminal escape or a line
 * a CI runner would read as a workflow command.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gitIn, initRepo, tempDir, writeTree, type RunResult } from './helpers/cli.js';
import { run } from './helpers/run.js';
import { packageCopy } from './helpers/package-copy.js';
import { fakeKeys } from './helpers/keys.js';


// --- the planted keys, each in one kind of input -------------------------------------------

const KEYS = {
  plain: fakeKeys(101).github, // src/app.js, committed
  encoded: fakeKeys(102).github, // base64 in a Kubernetes Secret, committed
  utf16: fakeKeys(103).stripe, // a UTF-16 file with a byte-order mark, committed
  awsId: fakeKeys(104).awsKeyId, // an AWS key id and its secret on one line, committed
  awsSecret: fakeKeys(104).awsSecret,
  staged: fakeKeys(105).github, // staged, never committed
  deleted: fakeKeys(106).github, // committed, then deleted by a later commit
  stdin: fakeKeys(107).stripe, // standard input only
  gitleaks: fakeKeys(108).github, // only in a gitleaks report to import, raw
  config: fakeKeys(109).github, // only in a broken .keyhound.yaml
  notBaseline: fakeKeys(110).awsKeyId, // the whole content of a file passed as --baseline (20 characters)
  sameLineA: fakeKeys(111).github, // two keys on one line, committed
  sameLineB: fakeKeys(112).github,
  neighbourId: fakeKeys(113).awsKeyId, // reported, on a line with its secret that no rule reports
  neighbourSecret: fakeKeys(113).awsSecret,
  neighbourPassword: `Pw${fakeKeys(114).generic.slice(0, 6)}&3x`, // curl -u beside a reported token
  subject: fakeKeys(115).stripe, // only in a commit subject
  allowed: fakeKeys(116).github, // committed, suppressed by an allowlist regex that is the key itself
  stopworded: fakeKeys(117).github, // committed, suppressed by a stopword that is a piece of it
  ignoreFile: fakeKeys(118).stripe, // only in an ignore file, pasted where a fingerprint goes
  regex: fakeKeys(119).github, // only in a config's broken allowlist regex
  size: fakeKeys(120).stripe, // only as a config's maxFileSize
  ruleFile: fakeKeys(121).stripe, // only in a rule file's broken pattern
  toml: fakeKeys(122).github, // only in a broken gitleaks TOML config
  disabled: fakeKeys(123).stripe, // only in a config's disable list, pasted where a rule id goes
};
/** The stopword: a piece of a key, as long as a prefix a redaction never shows. */
const STOPWORD = KEYS.stopworded.slice(10, 22).toLowerCase();
const ENCODED_FORMS = { encodedBase64: Buffer.from(`token: ${KEYS.encoded}`).toString('base64') };
/** Every string that must not leave keyhound: the keys, and the forms they were planted in. */
const FORBIDDEN: Record<string, string> = { ...KEYS, ...ENCODED_FORMS, stopword: STOPWORD };

/** A file name, content and a commit subject that would drive a terminal or a CI log if printed raw. */
const HOSTILE_NAME = 'notes\n::error file=a.js::forged\n::stop-commands::tok ##[add-mask]x.txt';
const HOSTILE_TEXT = '\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u001b[1;1H\u009b31m\u202e';
/** What no run may print raw: terminal, C1 and bidi controls, and the runner's old command syntax. */
const DRIVING = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|##\[/;

/** Where a run printed or wrote something that drives a terminal or forges a workflow command. */
function hostile(run: Run, format: string): string[] {
  const found: string[] = [];
  const places: Record<string, string> = { stdout: run.stdout, stderr: run.stderr, ...run.written };
  for (const where of Object.keys(places)) {
    if (!(where.startsWith('std') || where.startsWith(OUT))) continue;
    // Reports as written (run.written also holds other decodings, to find encoded keys).
    const text = where.startsWith(OUT) ? readFileSync(join(world.repo, where), 'utf8') : places[where]!;
    if (DRIVING.test(text)) found.push(`${run.label}: a control character or ##[ in ${where}`);
    const commands = text.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::'));
    // The github format's own annotations are the only workflow commands keyhound prints.
    if (commands.some((line) => !(format === 'github' && /^::(error|warning) file=/.test(line)))) found.push(`${run.label}: a workflow command in ${where}`);
  }
  return found;
}

interface Run {
  label: string;
  code: number;
  stdout: string;
  stderr: string;
  /** Files created or changed by the run, with their content. */
  written: Record<string, string>;
}

/** Which forbidden strings occur in what a run printed or wrote, as "name in where". */
function leaks(run: Run): string[] {
  const found: string[] = [];
  const places: Record<string, string> = { stdout: run.stdout, stderr: run.stderr, ...run.written };
  for (const [where, text] of Object.entries(places)) {
    for (const [name, value] of Object.entries(FORBIDDEN)) if (text.includes(value)) found.push(`${run.label}: ${name} in ${where}`);
  }
  return found;
}

// --- the repository under test ---------------------------------------------------------------

interface World {
  pkg: string;
  bin: string;
  repo: string;
  /** TMPDIR for keyhound, watched like the repository. */
  tmp: string;
  firstCommit: string;
  formats: string[];
}

let world: World;

function buildRepo(repo: string): string {
  initRepo(repo);
  writeTree(repo, { 'old.env': `GITHUB_TOKEN=${KEYS.deleted}\n`, 'README.md': 'demo\n' });
  gitIn(repo, ['add', '-A']);
  gitIn(repo, ['commit', '-q', '-m', 'first']);
  const first = gitIn(repo, ['rev-parse', 'HEAD']).trim();
  gitIn(repo, ['rm', '-q', 'old.env']);
  writeTree(repo, {
    'src/app.js': `// the app\nconst token = "${KEYS.plain}";\n`,
    'deploy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  config: ${ENCODED_FORMS.encodedBase64}\n`,
    'win/creds.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`stripe = ${KEYS.utf16}\r\n`, 'utf16le')]),
    '.env': `AWS_ACCESS_KEY_ID=${KEYS.awsId} AWS_SECRET_ACCESS_KEY=${KEYS.awsSecret}\n`,
    'ci/tokens.sh': `export A=${KEYS.sameLineA} B=${KEYS.sameLineB}\n`,
    'app.py': `db = aws_lib.connect("${KEYS.neighbourId}", "${KEYS.neighbourSecret}")\n`,
    'deploy.sh': `curl -u deploy:${KEYS.neighbourPassword} -H "Authorization: Bearer ${KEYS.plain}" https://api.example.com\n`,
    'allowed.env': `A=${KEYS.allowed}\nB=${KEYS.stopworded}\n`,
    [HOSTILE_NAME]: `x="${HOSTILE_TEXT}" token=${KEYS.plain}\n`,
    '.keyhound.yaml': `allowlist:\n  regexes: ['^${KEYS.allowed}$']\n  stopwords: ['${STOPWORD}']\n`,
  });
  gitIn(repo, ['add', '-A']);
  gitIn(repo, ['commit', '-q', '-m', `second: remove old.env, add the app, rotate ${KEYS.subject} ${HOSTILE_TEXT}`]);
  writeTree(repo, { 'staged.txt': `next = ${KEYS.staged}\n` });
  gitIn(repo, ['add', 'staged.txt']);
  // Inputs for baseline import and the error paths, outside the scanned tree's git history.
  writeTree(repo, {
    'gitleaks.json': JSON.stringify([
      { RuleID: 'github-pat', Secret: KEYS.gitleaks, File: 'src/app.js', StartLine: 2, Commit: '' },
      { RuleID: 'github-pat', Secret: 'REDACTED', File: 'src/app.js', StartLine: 2 },
    ]),
    'not-a-baseline.txt': KEYS.notBaseline,
    'broken/ignore': `# triaged\n${KEYS.ignoreFile}\n`,
    'broken/regex.yaml': `allowlist:\n  regexes: ['${KEYS.regex}(']\n`,
    'broken/size.yaml': `maxFileSize: ${KEYS.size}\n`,
    'broken/rules.yaml': 'ruleFiles: [broken-rules.yaml]\n',
    'broken/broken-rules.yaml': `provider: acme\nremediation: Rotate it.\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme]\n    pattern: '(?<secret>${KEYS.ruleFile}('\n    examples: ['acme']\n`,
    'broken/disable.yaml': `disable: ['${KEYS.disabled}']\n`,
    'broken/gitleaks.toml': `[[rules]]\nid = "x"\nregex = '''${KEYS.toml}('''\n[allowlist]\nregexes = [ ${KEYS.toml} ]\n`,
    '.gitignore': 'gitleaks.json\nnot-a-baseline.txt\nbroken/\nout/\n',
  });
  return first;
}

/** Files under `dir` with their size and modification time. */
function snapshot(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) snapshot(path, into);
    else into.set(path, `${stat.size}:${stat.mtimeMs}`);
  }
  return into;
}

interface RunOptions {
  cwd?: string;
  input?: string;
  /** Spawn this bin (of a package copy) instead of running in process. */
  bin?: string;
  /** Spawn the package copy as `nobody` (when the tests run as root, which reads every file). */
  asNobody?: boolean;
}

/** Report files (under out/) belong to the run that names them: runs go three at a time. */
const OUT = 'out/';

/** Runs the CLI (in process unless a real process is asked for) and collects what it printed and every file it created or changed under the repository and its TMPDIR. */
async function keyhound(label: string, args: string[], options: RunOptions = {}): Promise<Run> {
  const cwd = options.cwd ?? world.repo;
  const before = snapshot(world.repo, snapshot(world.tmp));
  const { code, stdout, stderr } = options.bin || options.asNobody ? await spawned(args, cwd, options) : await run(args, { cwd, ...(options.input ? { input: options.input } : {}) });
  const after = snapshot(world.repo, snapshot(world.tmp));
  const written: Record<string, string> = {};
  for (const [path, stamp] of after) {
    const name = relative(world.repo, path);
    if (name.startsWith(OUT) && !args.some((arg) => arg.endsWith(name))) continue;
    if (before.get(path) !== stamp) written[name] = ['latin1', 'utf8', 'utf16le'].map((encoding) => readFileSync(path, encoding as BufferEncoding)).join('\n');
  }
  return { label: `${label} (exit ${code})`, code, stdout, stderr, written };
}

/** A real process of the package copy (or `options.bin`), with the environment beforeAll set. */
function spawned(args: string[], cwd: string, options: RunOptions): Promise<RunResult> {
  const bin = options.bin ?? world.bin;
  const [command, ...prefix] = options.asNobody ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
  return new Promise((resolve) => {
    const child = execFile(command!, [...prefix, bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs one batch of jobs, a few at once (their git processes overlap; two cores). */
async function runAll(jobs: Array<() => Promise<Run>>, parallel = 3): Promise<Run[]> {
  const results: Run[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await jobs[index]!();
      }
    }),
  );
  return results;
}

/** The --format choices the CLI offers, read from its help (other formats may be added). */
async function formatChoices(): Promise<string[]> {
  const help = (await run(['scan', '--help'], { cwd: world.repo })).stdout;
  const choices = /--format[\s\S]*?\[choices: ([^\]]+)\]/.exec(help)?.[1];
  if (!choices) throw new Error(`no --format choices in scan --help:\n${help}`);
  return [...choices.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
}

beforeAll(async () => {
  const pkg = packageCopy();
  const repo = tempDir('keyhound-noleak-repo-');
  const tmp = tempDir('keyhound-noleak-tmp-');
  chmodSync(tmp, 0o777);
  // keyhound's caches and temporary files go under HOME and TMPDIR, watched like the
  // repository. In process it reads them from process.env (os.homedir(), os.tmpdir()),
  // so they are set there, for this file's runs and the processes it spawns alike.
  for (const name of ['HOME', 'TMPDIR']) vi.stubEnv(name, tmp);
  for (const name of ['CI', 'GITHUB_ACTIONS']) vi.stubEnv(name, '');
  const firstCommit = buildRepo(repo);
  world = { pkg, bin: join(pkg, 'bin', 'keyhound.cjs'), repo, tmp, firstCommit, formats: [] };
  world.formats = await formatChoices();
}, 120_000);

afterAll(() => vi.unstubAllEnvs());

// --- the matrix ------------------------------------------------------------------------------

/** Every scanning command, with what it needs. */
const COMMANDS: Array<{ name: string; args: () => string[]; input?: string; found: Array<keyof typeof KEYS> }> = [
  { name: 'scan', args: () => ['scan'], found: ['plain', 'encoded', 'utf16', 'awsId', 'sameLineA'] },
  { name: 'scan -', args: () => ['scan', '-'], input: `line one\nSTRIPE_KEY=${KEYS.stdin}\n`, found: ['stdin'] },
  { name: 'staged', args: () => ['staged'], found: ['staged'] },
  { name: 'history', args: () => ['history'], found: ['deleted', 'plain'] },
  { name: 'ci --base', args: () => ['ci', '--base', world.firstCommit], found: ['plain'] },
];
const VERBOSITY: Array<{ name: string; args: (out: string) => string[] }> = [
  { name: 'default', args: () => [] },
  { name: '--quiet', args: () => ['--quiet'] },
  { name: '--report-suppressed', args: () => ['--report-suppressed'] },
  { name: '--output', args: (out) => ['--output', out] },
];

describe('no secret leaves keyhound', () => {
  it('in any scanning command × report format × verbosity', async () => {
    mkdirSync(join(world.repo, 'out'), { recursive: true });
    chmodSync(join(world.repo, 'out'), 0o777);
    const jobs: Array<() => Promise<Run>> = [];
    COMMANDS.forEach((command, c) => {
      world.formats.forEach((format, f) => {
        // Every format for every command, the verbosity rotating (each command gets each verbosity).
        for (const verbosity of [VERBOSITY[(c + f) % VERBOSITY.length]!]) {
          const out = join(world.repo, 'out', `${command.name.replace(/\W+/g, '-')}-${format}-${verbosity.name.replace(/\W+/g, '')}.report`);
          const args = [...command.args(), '--format', format, ...verbosity.args(out)];
          jobs.push(() => keyhound(`${command.name} --format ${format} ${verbosity.name}`, args, command.input ? { input: command.input } : {}));
        }
      });
    });
    const runs = await runAll(jobs);
    // Each command found its keys (exit 1), so the absence of leaks means something.
    for (const run of runs) expect(run.code, `${run.label}\n${run.stderr}`).toBe(1);
    const text = runs.find((run) => run.label.startsWith('scan --format text default'))!;
    expect(text.stdout).toMatch(/ghp_/);
    // Including another key on the same line, the other half of a pair and the encoded
    // form of a key found inside base64: the line context masks every secret on it.
    expect(runs.flatMap(leaks)).toEqual([]);
    expect(runs.flatMap((run) => hostile(run, /--format (\S+)/.exec(run.label)![1]!))).toEqual([]);
    // The neighbours and the subject were on shown lines: the masking, not their absence, kept them out.
    expect(text.stdout).toMatch(/curl -u deploy:(?:[A-Za-z0-9]{2})?\*{8,} -H "Authorization: Bearer ghp_/);
    // What suppressed a finding is named by its place in the config, not by the regex (the key) or the stopword (a piece of it).
    // (GitLab's report leaves suppressed findings out: it has no place for them.)
    const listed = runs.filter((run) => /^(scan|history|ci) .*--report-suppressed/.test(run.label) && !run.label.startsWith('scan -') && !run.label.includes('--format gitlab'));
    expect(listed.length).toBeGreaterThan(2);
    for (const run of listed) expect(run.stdout, run.label).toMatch(/allowlist\.regexes\[0\][\s\S]*allowlist\.stopwords\[0\]|allowlist\.stopwords\[0\][\s\S]*allowlist\.regexes\[0\]/);
    const history = runs.find((run) => run.label.startsWith('history --format text'))!;
    expect(history.stdout + Object.values(history.written).join('')).toMatch(/rotate \*{8} \\x1b\]52/);
  }, 120_000); // some 40 runs, each with its git processes: over 30 s on a loaded 2-core machine

  it('in baseline create, baseline import (of a gitleaks report holding the raw key) and rules list', async () => {
    const runs = await runAll([
      () => keyhound('baseline create', ['baseline', 'create', '--output', 'out/created-baseline.json']),
      () => keyhound('baseline create --history', ['baseline', 'create', '--history', '--output', 'out/history-baseline.json']),
      () => keyhound('baseline import', ['baseline', 'import', 'gitleaks.json', '--output', 'out/imported-baseline.json']),
      () => keyhound('rules list', ['rules', 'list']),
      () => keyhound('rules list --format json', ['rules', 'list', '--format', 'json']),
    ]);
    for (const run of runs) expect(run.code, `${run.label}\n${run.stderr}`).toBe(0);
    expect(runs[0]!.written['out/created-baseline.json']).toMatch(/"fingerprint"/);
    expect(runs[2]!.written['out/imported-baseline.json']).toMatch(/"secretSha256"/);
    expect(runs.flatMap(leaks)).toEqual([]);
  });

  it('on error paths: a broken config, a --baseline that is not a baseline, an unreadable file, a worker crash', async () => {
    const broken = join(world.repo, 'broken');
    writeTree(broken, {
      // The yaml package quotes source in some messages; an unresolved alias used to throw a bare ReferenceError.
      'block-header.yaml': `allowlist:\n  stopwords: |${KEYS.config}\n    x\n`,
      'stray-scalar.yaml': `- a\ntoken: ${KEYS.config}\n`,
      'alias.yaml': `allowlist:\n  stopwords: *${KEYS.config}\n`,
      'schema.yaml': `allowlist:\n  ${KEYS.config}: [x]\n`,
    });
    const jobs: Array<() => Promise<Run>> = ['block-header', 'stray-scalar', 'alias', 'schema'].map(
      (name) => () => keyhound(`scan --config broken/${name}.yaml`, ['scan', '--config', `broken/${name}.yaml`]),
    );
    jobs.push(() => keyhound('scan --baseline not-a-baseline.txt', ['scan', '--baseline', 'not-a-baseline.txt']));
    // A key pasted into the ignore file, in a regex that does not compile, as a size, in a rule file's pattern, in a gitleaks TOML.
    jobs.push(() => keyhound('scan --ignore-file broken/ignore', ['scan', '--ignore-file', 'broken/ignore']));
    for (const name of ['regex', 'size', 'rules']) jobs.push(() => keyhound(`scan --config broken/${name}.yaml`, ['scan', '--config', `broken/${name}.yaml`]));
    jobs.push(() => keyhound('scan --config broken/gitleaks.toml', ['scan', '--config', 'broken/gitleaks.toml']));
    jobs.push(() => keyhound('scan --baseline (missing)', ['scan', '--baseline', 'out/none.json', '--format', 'json']));
    const runs = await runAll(jobs);
    for (const run of runs) {
      expect(run.code, `${run.label}\n${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    // A --baseline file holding just a key: the error names the file, never quotes it.
    expect(runs.flatMap(leaks)).toEqual([]);
    // A key in the disable list is a warning (no rule has that id), and masked there.
    const disabled = await keyhound('scan --config broken/disable.yaml', ['scan', '--config', 'broken/disable.yaml', '--format', 'json']);
    expect(disabled.stderr).toContain('disable: no rule has the id ******** (see keyhound rules list)');
    expect(leaks(disabled)).toEqual([]);
    expect(runs.slice(5, 10).map((run) => run.stderr.replace(/^.*broken\//, '').trim())).toEqual([
      'ignore:2: not a fingerprint (32 hex digits, then an optional # comment)',
      'regex.yaml: allowlist.regexes[0]: invalid regex: Unterminated group',
      'size.yaml: maxFileSize: not a size (use bytes or a unit: 512KB, 10MB)',
      'broken-rules.yaml: rule acme-key: pattern: invalid regex: Unterminated group',
      'gitleaks.toml:5: invalid TOML: Invalid TOML document: invalid value',
    ]);
  });

  it('when a file cannot be read (run as nobody when root)', async () => {
    const dir = tempDir('keyhound-noleak-unreadable-');
    chmodSync(dir, 0o755);
    writeTree(dir, { 'locked.env': `TOKEN=${KEYS.plain}\n`, 'open.env': `TOKEN=${KEYS.stdin}\n` });
    chmodSync(join(dir, 'locked.env'), 0o000);
    chmodSync(join(dir, 'open.env'), 0o644);
    const asRoot = process.getuid?.() === 0;
    const run = await keyhound('scan (unreadable file)', ['scan', '--format', 'json'], { cwd: dir, asNobody: asRoot });
    expect(run.stderr).toMatch(/locked\.env: cannot read \(EACCES\)/);
    expect(run.code).toBe(1);
    expect(leaks(run)).toEqual([]);
  });

  it('when a scanner worker crashes (a package copy whose worker throws)', async () => {
    // No option or variable crashes a worker from outside, so a copy of the package gets a
    // worker that fails on its first batch, as a real crash (out of memory, a bug) would.
    const crashing = tempDir('keyhound-noleak-crash-');
    for (const part of ['package.json', 'bin', 'dist', 'rules', 'schema']) cpSync(join(world.pkg, part), join(crashing, part), { recursive: true });
    writeFileSync(
      join(crashing, 'dist', 'worker.js'),
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new RangeError('Invalid string length'); });\n",
    );
    const many = tempDir('keyhound-noleak-many-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`f${i}.env`] = i === 7 ? `TOKEN=${KEYS.plain}\n` : `n=${i}\n`;
    writeTree(many, files);
    const run = await keyhound('scan (worker crash)', ['scan', '--workers', '2', '--format', 'json'], { cwd: many, bin: join(crashing, 'bin', 'keyhound.cjs') });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/scanner worker failed/);
    expect(leaks(run)).toEqual([]);
  });

  it('prints the raw keys with --show-secrets (json and text), and only then', async () => {
    const runs = await runAll([
      () => keyhound('scan --show-secrets --format json', ['scan', '--show-secrets', '--format', 'json']),
      () => keyhound('scan --show-secrets --format text', ['scan', '--show-secrets', '--format', 'text']),
      () => keyhound('scan - --show-secrets --format json', ['scan', '-', '--show-secrets', '--format', 'json'], { input: `k=${KEYS.stdin}\n` }),
      () => keyhound('history --show-secrets --format text', ['history', '--show-secrets']),
    ]);
    for (const run of runs.slice(0, 2)) {
      expect(run.stdout).toContain(KEYS.plain);
      expect(run.stdout).toContain(KEYS.utf16);
      expect(run.stdout).toContain(KEYS.awsId);
    }
    expect(runs[2]!.stdout).toContain(KEYS.stdin);
    expect(runs[3]!.stdout).toContain(KEYS.deleted);
  });
});

