/**
 * `--shard K/N` and `keyhound merge`: N jobs together scan everything exactly once, and
 * their merged reports say what one run says. Also `--format jsonl`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan/scan.js';
import { scanHistory } from '../src/scan/history.js';
import { inShard, parseShard } from '../src/scan/shard.js';
import { commitAll, gitIn, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

interface Finding {
  ruleId: string;
  file: string;
  fingerprint: string;
  repository?: string;
  commit?: { sha: string };
  history?: { commits: number; paths: string[]; position: number };
}
interface Report {
  repository?: string;
  findings: Finding[];
  stats: { commits?: number; files: number; shard?: string; skipped: Record<string, number> };
  repositories?: Array<{ repository: string; shards?: string[]; findings: number }>;
}

const keys = fakeKeys(11);
const other = fakeKeys(12);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

/** A history where one key comes in twice (two commits, two files) and another is added and deleted. */
function historyRepo(): { dir: string; shas: string[] } {
  const dir = repoWith({ 'README.md': 'start\n' });
  const shas = [commitAll(dir, 'start')];
  for (let i = 0; i < 14; i++) {
    const files: Record<string, string> = { [`src/module${i}.js`]: `export const n${i} = ${i};\n` };
    if (i === 2) files['config/app.env'] = `STRIPE_KEY=${keys.stripe}\n`;
    if (i === 5) files['deploy.sh'] = `export GITHUB_TOKEN=${keys.github}\n`;
    if (i === 6) files['deploy.sh'] = 'export GITHUB_TOKEN="$(vault read token)"\n';
    if (i === 10) files['services/billing.py'] = `stripe.api_key = "${keys.stripe}"\n`;
    writeTree(dir, files);
    shas.push(commitAll(dir, `change ${i}`));
  }
  gitIn(dir, ['checkout', '-q', '-b', 'side', shas[4]!]);
  writeTree(dir, { 'side.env': `STRIPE_KEY=${other.stripe}\n` });
  shas.push(commitAll(dir, 'side branch'));
  gitIn(dir, ['checkout', '-q', 'main']);
  return { dir, shas };
}

/** Reports go outside the repository, where a scan would read them. */
async function shardRuns(dir: string, command: string[], count: number, out: string): Promise<string[]> {
  const files = [];
  for (let k = 1; k <= count; k++) {
    const file = join(out, `shard-${k}.json`);
    const result = await run([...command, '--shard', `${k}/${count}`, '--format', 'json', '-o', file, '--quiet'], { cwd: dir });
    expect(result.code, result.stderr).toBeLessThan(2);
    expect(read(file).stats.shard).toBe(`${k}/${count}`);
    files.push(file);
  }
  return files;
}

describe('--shard K/N', () => {
  it('puts every commit id and path in exactly one shard, the same on every run', () => {
    const keysToSplit = [...Array.from({ length: 200 }, (_, i) => `src/file${i}.js`), 'a', 'b'];
    for (const count of [1, 2, 3, 7]) {
      for (const key of keysToSplit) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(key, { index, count }));
        expect(owners).toHaveLength(1);
      }
    }
    // Not all in one: 200 paths over 3 shards land in each.
    for (const index of [1, 2, 3]) expect(keysToSplit.filter((key) => inShard(key, { index, count: 3 })).length).toBeGreaterThan(40);
  });

  it.each([['0/2'], ['3/2'], ['2'], ['a/b'], ['1/0']])('%s is refused with one line naming --shard', async (value) => {
    expect(() => parseShard(value)).toThrow(/^--shard: not K\/N/);
    const result = await run(['scan', '--shard', value], { cwd: repoWith({ 'a.txt': 'x\n' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shard: not K\/N with 1 <= K <= N/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('history: the shards merged are exactly one run (the earliest introduction wins)', async () => {
    const { dir, shas } = historyRepo();
    const out = tempDir();
    const single = await run(['history', '--format', 'json', '-o', join(out, 'single.json'), '--quiet'], { cwd: dir });
    expect(single.code).toBe(1);
    const whole = read(join(out, 'single.json'));
    const stripe = whole.findings.find((finding) => finding.file === 'config/app.env')!;
    expect(stripe.history).toMatchObject({ commits: 2, paths: ['config/app.env', 'services/billing.py'] });
    // Commits made in the same second: only a topological order puts the introduction last.
    expect(stripe.commit!.sha).toBe(shas[3]);
    // The reproduction needs the key's two commits in different shards.
    const count = 3;
    const shardOf = (sha: string) => [1, 2, 3].find((index) => inShard(sha, { index, count }));
    expect(shardOf(shas[3]!)).not.toBe(shardOf(shas[11]!));

    const files = await shardRuns(dir, ['history'], count, out);
    const commits = files.map((file) => read(file).stats.commits!);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(whole.stats.commits);
    expect(commits.every((n) => n > 0 && n < whole.stats.commits!)).toBe(true);

    const merged = await run(['merge', ...files, '--format', 'json', '-o', join(out, 'merged.json')], { cwd: dir });
    expect(merged.code).toBe(1);
    const report = read(join(out, 'merged.json'));
    expect(report.findings).toEqual(whole.findings);
    expect(report.stats.commits).toBe(whole.stats.commits);
    expect(report.stats.skipped['other-shard']).toBeUndefined();
    expect(report.repositories).toEqual([expect.objectContaining({ repository: whole.repository, shards: ['1/3', '2/3', '3/3'], findings: whole.findings.length })]);
  });

  it('scan: the shards merged are exactly one run; other shards\' files are counted as skipped', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`src/f${i}.js`] = i % 7 === 0 ? `const key = "${keys.stripe}";\n` : `export const x${i} = ${i};\n`;
    files['.env'] = `GITHUB_TOKEN=${keys.github}\n`;
    const dir = repoWith(files);
    commitAll(dir, 'files');
    const out = tempDir();
    await run(['scan', '--format', 'json', '-o', join(out, 'single.json'), '--quiet'], { cwd: dir });
    const whole = read(join(out, 'single.json'));
    expect(whole.findings.length).toBe(6);
    const shardFiles = await shardRuns(dir, ['scan', '.'], 4, out);
    const scanned = shardFiles.map((file) => read(file).stats);
    expect(scanned.reduce((total, stats) => total + stats.files, 0)).toBe(whole.stats.files);
    expect(scanned[0]!.skipped['other-shard']).toBe(whole.stats.files - scanned[0]!.files);
    const merged = await run(['merge', ...shardFiles, '-f', 'json'], { cwd: dir });
    expect((JSON.parse(merged.stdout) as Report).findings).toEqual(whole.findings);
  });
});

describe('keyhound merge', () => {
  it('two repositories: a section each, every finding naming its repository, the same key in both two rows', async () => {
    const api = repoWith({ 'app.env': `STRIPE_KEY=${keys.stripe}\n` });
    commitAll(api, 'api');
    gitIn(api, ['remote', 'add', 'origin', 'git@github.com:acme/api.git']);
    const web = repoWith({ 'web.env': `STRIPE_KEY=${keys.stripe}\nGITHUB_TOKEN=${keys.github}\n` });
    commitAll(web, 'web');
    await run(['history', '--format', 'json', '-o', join(api, 'report.json'), '--quiet'], { cwd: api });
    await run(['history', '--format', 'json', '-o', join(web, 'report.json'), '--quiet'], { cwd: web });
    expect(read(join(api, 'report.json')).repository).toBe('https://github.com/acme/api');

    const result = await run(['merge', join(api, 'report.json'), join(web, 'report.json')], { cwd: api });
    expect(result.code).toBe(1);
    const merged = JSON.parse(result.stdout) as Report;
    const webName = read(join(web, 'report.json')).repository!;
    expect(merged.repositories!.map((section) => [section.repository, section.findings])).toEqual(
      [['https://github.com/acme/api', 1], [webName, 2]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(merged.findings.map((finding) => [finding.repository, finding.file])).toEqual(
      expect.arrayContaining([['https://github.com/acme/api', 'app.env'], [webName, 'web.env'], [webName, 'web.env']]),
    );
    expect(merged.findings).toHaveLength(3);
    // Any format reads the merged findings; text names each once.
    const text = await run(['merge', join(api, 'report.json'), join(web, 'report.json'), '-f', 'text'], { cwd: api });
    expect(text.stdout).toContain('app.env');
    expect(text.stdout).not.toContain(keys.stripe);
  });

  it('SARIF: the shards merged hold the results of one run; two repositories are two runs', async () => {
    interface Sarif {
      runs: Array<{ results: Array<{ ruleId: string; ruleIndex: number; partialFingerprints: Record<string, string> }>; tool: { driver: { rules: Array<{ id: string }> } } }>;
    }
    const { dir } = historyRepo();
    const out = tempDir();
    const sarifOf = (text: string) => JSON.parse(text) as Sarif;
    const byFingerprint = (log: Sarif) =>
      log.runs[0]!.results.map((result) => JSON.stringify({ ...result, ruleIndex: log.runs[0]!.tool.driver.rules[result.ruleIndex]!.id })).sort();
    const single = sarifOf((await run(['history', '--format', 'sarif', '--quiet'], { cwd: dir })).stdout);
    const files = [];
    for (const k of [1, 2, 3]) {
      const file = join(out, `shard-${k}.sarif`);
      await run(['history', '--shard', `${k}/3`, '--format', 'sarif', '-o', file, '--quiet'], { cwd: dir });
      files.push(file);
    }
    const merged = await run(['merge', ...files, '-f', 'sarif'], { cwd: dir });
    expect(merged.code).toBe(1);
    expect(merged.stderr).toContain('merged 3 SARIF reports: 3 results in 1 run');
    const log = sarifOf(merged.stdout);
    expect(log.runs).toHaveLength(1);
    expect(byFingerprint(log)).toEqual(byFingerprint(single));
    expect((await run(['merge', files[0]!, files[1]!], { cwd: dir })).stderr).toMatch(/shard 3\/3 missing/);

    const api = repoWith({ 'app.env': `STRIPE_KEY=${keys.stripe}\n` });
    commitAll(api, 'api');
    gitIn(api, ['remote', 'add', 'origin', 'https://github.com/acme/api.git']);
    await run(['history', '--format', 'sarif', '-o', join(out, 'api.sarif'), '--quiet'], { cwd: api });
    await run(['history', '--format', 'sarif', '-o', join(out, 'whole.sarif'), '--quiet'], { cwd: dir });
    const two = sarifOf((await run(['merge', join(out, 'api.sarif'), join(out, 'whole.sarif')], { cwd: dir })).stdout);
    expect(two.runs.map((one) => one.results.length).sort()).toEqual([1, 3]);
    await run(['history', '--format', 'json', '-o', join(out, 'api.json'), '--quiet'], { cwd: api });
    const mixed = await run(['merge', join(out, 'api.sarif'), join(out, 'api.json')], { cwd: dir });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('json and SARIF reports cannot be merged together');
  });

  it('refuses a set of shards with one missing, or twice, and a file that is not a json report, naming it (exit 2)', async () => {
    const { dir } = historyRepo();
    const files = await shardRuns(dir, ['history'], 3, dir);
    const missing = await run(['merge', files[0]!, files[2]!], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 missing/);
    const twice = await run(['merge', ...files, files[1]!], { cwd: dir });
    expect(twice.stderr).toContain(`shard 2/3 twice (${files[1]} and ${files[1]})`);
    writeTree(dir, { 'notes.txt': 'not json\n', 'other.json': '{"runs": []}\n' });
    for (const [file, message] of [['notes.txt', 'notes.txt: not JSON'], ['other.json', 'other.json: not a keyhound json report'], ['nope.json', 'cannot read report nope.json (ENOENT)']]) {
      const result = await run(['merge', file!], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('--format jsonl', () => {
  it('writes one finding a line, each a JSON object as in the json report', async () => {
    const { dir } = historyRepo();
    const json = await run(['history', '--format', 'json', '--quiet'], { cwd: dir });
    const jsonl = await run(['history', '--format', 'jsonl', '--quiet'], { cwd: dir });
    expect(jsonl.code).toBe(1);
    expect(jsonl.stdout.endsWith('\n')).toBe(true);
    const lines = jsonl.stdout.trimEnd().split('\n');
    // History streams each row once it is final: as in the json report but for its `history` summary, which needs the whole walk.
    const byFingerprint = (a: Finding, b: Finding) => a.fingerprint.localeCompare(b.fingerprint);
    const withoutSummary = (JSON.parse(json.stdout) as Report).findings.map(({ history: _summary, ...row }) => row);
    expect(lines.map((line) => JSON.parse(line) as Finding).sort(byFingerprint)).toEqual(withoutSummary.sort(byFingerprint));
    expect(lines).toHaveLength(3);
    expect(jsonl.stdout).not.toContain(keys.stripe);
    const scan = await run(['scan', '--format', 'jsonl'], { cwd: dir });
    expect(scan.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as Finding).file)).toEqual(['config/app.env', 'services/billing.py']);
  });

  it('streams: a finding is passed on as soon as it is final, before the files after it are scanned', async () => {
    const dir = tempDir();
    const files = Object.fromEntries(['a', 'b', 'c', 'd'].map((name, i) => [`${name}.env`, i % 2 ? 'NOTHING=here\n' : `STRIPE_KEY=${i ? other.stripe : keys.stripe}\n`]));
    writeTree(dir, files);
    const events: string[] = [];
    const { findings } = await scan({
      paths: ['.'], cwd: dir,
      onFinding: (finding) => void events.push(`finding ${finding.file}`),
      onProgress: ({ stats }) => void events.push(`scanned ${stats.files}`),
    });
    expect(findings).toHaveLength(2);
    expect(events).toEqual(['scanned 1', 'finding a.env', 'scanned 2', 'scanned 3', 'finding c.env', 'scanned 4']);
  });

  it('history streams each row as soon as no older commit can add its secret, at the commit a full walk names', async () => {
    const dir = repoWith({ 'settings.txt': 'x\n'.repeat(30) });
    commitAll(dir, 'base');
    for (let i = 0; i < 8; i++) {
      // c0 adds a token in a new file (settled by the patch, at once). c1 changes a file
      // (judged on its whole versions, which git gives later) and c4 adds the same Stripe
      // key to a new file: the row must still name c1, the older.
      if (i === 0) writeTree(dir, { 'early.env': `GITHUB_TOKEN=${keys.github}\n` });
      if (i === 1) writeTree(dir, { 'settings.txt': `${'x\n'.repeat(15)}stripe = "${keys.stripe}"\n${'x\n'.repeat(15)}` });
      if (i === 4) writeTree(dir, { 'new.env': `STRIPE=${keys.stripe}\n` });
      // 200 KB a commit: git's output comes in many pieces, as a real history's does.
      writeTree(dir, { [`f${i}.txt`]: `${i}\n`.padEnd(200_000, 'y') });
      commitAll(dir, `c${i}`);
    }
    const events: string[] = [];
    const result = await scanHistory({
      cwd: dir,
      onFinding: (finding) => void events.push(`${finding.ruleId} at ${finding.commit?.message}:${finding.file}`),
      onProgress: ({ stats }) => void events.push(`read ${stats.commits}`),
    });
    const rows = ['github-pat-classic at c0:early.env', 'stripe-live-secret-key at c1:settings.txt'];
    expect(result.findings.map((finding) => `${finding.ruleId} at ${finding.commit?.message}:${finding.file}`).sort()).toEqual(rows);
    expect(events.filter((event) => !event.startsWith('read')).sort()).toEqual(rows);
    // Oldest first: c0's row goes out while newer commits are still being read.
    expect(events.indexOf(rows[0]!)).toBeLessThan(events.indexOf('read 9'));
  });

  it('streams only what is reported: a finding the ignore file or --report-suppressed decides is written as the json report says', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.env': `STRIPE_KEY=${keys.stripe}\n`, 'b.env': `STRIPE_KEY=${other.stripe}\n` });
    const ignored = (JSON.parse((await run(['scan', '--format', 'json'], { cwd: dir })).stdout) as Report).findings.find((finding) => finding.file === 'b.env')!;
    writeTree(dir, { '.keyhoundignore': `${ignored.fingerprint}\n` });
    for (const extra of [[], ['--report-suppressed']]) {
      const json = JSON.parse((await run(['scan', '--format', 'json', ...extra], { cwd: dir })).stdout) as Report & { suppressed?: Finding[] };
      const jsonl = await run(['scan', '--format', 'jsonl', ...extra], { cwd: dir });
      expect(jsonl.code).toBe(1);
      const lines = jsonl.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Finding);
      expect(lines).toEqual([...json.findings, ...(json.suppressed ?? [])]);
    }
  });
});
