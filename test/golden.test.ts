/**
 * The text and JSON reports of the README's demo (`keyhound scan fixtures/demo`), and
 * `rules list`, against golden files in test/golden/. Only what changes from run to run
 * (durations, speeds, the checkout's name and commit) is normalised. After a deliberate
 * change of output, rewrite them with `npx vitest run test/golden.test.ts -u` and review
 * the diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';

const ROOT = join(import.meta.dirname, '..');
const DEMO = ['scan', 'fixtures/demo', '--config', 'fixtures/demo/keyhound.yaml'];

/** The summary's duration and speed (`in 6 files, 1.2 KB, 0.32 s (3.9 KB/s)`). */
function stableText(text: string): string {
  return text.replace(/\b\d+(?:\.\d+)? s \(\d+(?:\.\d+)? [KMG]?B\/s\)/g, '<duration>');
}

/** The duration, and the checkout's directory name and commit (they differ between clones and commits). */
function stableJson(text: string): string {
  return text
    .replace(/"durationMs": \d+/g, '"durationMs": 0')
    .replace(/^ {2}"repository": ".*",$/m, '  "repository": "<checkout>",')
    .replace(/^ {2}"revision": "[0-9a-f]{40}",$/m, '  "revision": "<HEAD>",');
}

const ACME_RULES = `provider: acme
remediation: Revoke the key in the Acme console, then create a new one.
category: payments
rules:
  - id: acme-api-key
    description: Acme API key
    severity: high
    keywords: [acme_]
    pattern: '(?<secret>acme_[a-z0-9]{16})'
    examples: ['ACME_KEY=acme_q8z2m4x7c1v9b3n5']
  - id: acme-webhook-secret
    description: Acme webhook signing secret
    severity: medium
    keywords: [acmewh_, acme_webhook]
    pattern: '(?<secret>acmewh_[a-z0-9]{24})'
    examples: ['hook = acmewh_q8z2m4x7c1v9b3n5k2j4h6g8']
`;

describe('golden files', () => {
  it('the demo is the command the README shows', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`keyhound ${DEMO.join(' ')}`);
  });

  it('the demo, as text', async () => {
    const result = await run(DEMO, { cwd: ROOT });
    expect(result.code).toBe(1);
    await expect(stableText(result.stdout)).toMatchFileSnapshot('golden/demo.txt');
  });

  it('the demo, as JSON', async () => {
    const result = await run([...DEMO, '--format', 'json'], { cwd: ROOT });
    expect(result.code).toBe(1);
    await expect(stableJson(result.stdout)).toMatchFileSnapshot('golden/demo.json');
  });

  it('rules list, as text and as JSON', async () => {
    const dir = tempDir();
    writeTree(dir, { 'acme.yaml': ACME_RULES, '.keyhound.yaml': 'useDefault: false\nruleFiles: [acme.yaml]\n' });
    const text = await run(['rules', 'list'], { cwd: dir });
    expect(text.code).toBe(0);
    await expect(text.stdout).toMatchFileSnapshot('golden/rules-list.txt');
    const json = await run(['rules', 'list', '--format', 'json'], { cwd: dir });
    await expect(json.stdout).toMatchFileSnapshot('golden/rules-list.json');
  });

  it('normalises only what changes from run to run', () => {
    expect(stableText('✖ 5 leaks found in 6 files, 1.2 KB, 0.32 s (3.9 KB/s) · skipped: 1 allowlisted')).toBe('✖ 5 leaks found in 6 files, 1.2 KB, <duration> · skipped: 1 allowlisted');
    expect(stableJson('{ "files": 6, "durationMs": 697, "bytes": 1275 }')).toBe('{ "files": 6, "durationMs": 0, "bytes": 1275 }');
    expect(stableJson(`{\n  "repository": "wt-arch",\n  "revision": "${'ab'.repeat(20)}",\n`)).toBe('{\n  "repository": "<checkout>",\n  "revision": "<HEAD>",\n');
  });
});
