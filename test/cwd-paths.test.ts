/**
 * Every option that names a file is relative to where the command runs: the cwd that
 * main(argv, io) is given (a library caller, the GitHub Action), never the process's own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(41);

describe('path options, in process with a cwd other than process.cwd()', () => {
  it('--config, --baseline, --ignore-file and --output are read and written in the invocation cwd', async () => {
    const dir = repoWith({ 'a.env': `GH=${keys.github}\nSTRIPE_KEY=${keys.stripe}\n`, 'conf/keyhound.yaml': 'disable: [github-pat-classic]\n' });
    expect(dir).not.toBe(process.cwd());
    mkdirSync(join(dir, 'out'));
    const stripeOnly = await run(['scan', '--config', 'conf/keyhound.yaml', '--format', 'json', '--output', 'out/report.json'], { cwd: dir });
    expect(stripeOnly.code, stripeOnly.stderr).toBe(1);
    expect(stripeOnly.stderr).toMatch(/^1 leak found \(1 critical; stripe-live-secret-key 1\)/);
    expect(existsSync(join(dir, 'out/report.json'))).toBe(true);

    expect((await run(['baseline', 'create', '--output', 'conf/known.json'], { cwd: dir })).code).toBe(0);
    expect(await run(['scan', '--baseline', 'conf/known.json'], { cwd: dir })).toMatchObject({ code: 0 });

    writeTree(dir, { 'conf/ignored': '' });
    const json = await run(['scan', '--format', 'json', '--no-baseline'], { cwd: dir });
    const fingerprints = (JSON.parse(json.stdout) as { findings: Array<{ fingerprint: string }> }).findings.map((finding) => finding.fingerprint);
    for (const fingerprint of fingerprints) expect((await run(['ignore', fingerprint, '--reason', 'test', '--ignore-file', 'conf/ignored'], { cwd: dir })).code).toBe(0);
    expect(await run(['scan', '--ignore-file', 'conf/ignored', '--no-baseline'], { cwd: dir })).toMatchObject({ code: 0 });
  });

  it('rules check and rules list --config read their files in the invocation cwd', async () => {
    const dir = tempDir();
    const rule = 'provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10})"\n    examples: ["acme_qwzmxnvbty"]\n';
    writeTree(dir, { 'rules/acme.yaml': rule, 'keyhound.yaml': 'useDefault: false\nruleFiles: [rules/acme.yaml]\n' });
    expect(await run(['rules', 'check', 'rules/acme.yaml'], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringContaining('ok  rules/acme.yaml') });
    expect(await run(['rules', 'list', '--config', 'keyhound.yaml'], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringContaining('1 rules from 1 providers') });
  });

  it('history REPO reads --config and writes --output where the command runs, not in REPO', async () => {
    const parent = tempDir();
    writeTree(parent, { 'audit.yaml': 'disable: [github-pat-classic]\n' });
    const dir = repoWith({ 'a.env': `GH=${keys.github}\n` });
    commitAll(dir, 'leak');
    const result = await run(['history', dir, '--config', 'audit.yaml', '--format', 'json', '--output', 'history.json'], { cwd: parent });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(parent, 'history.json'))).toBe(true);
    expect(existsSync(join(dir, 'history.json'))).toBe(false);
  });
});
