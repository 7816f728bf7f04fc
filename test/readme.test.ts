/**
 * Every `keyhound …` and `npx keyhound …` command in the README's shell blocks, run in
 * process, in the order the README shows them, in a repository with a leak on a feature
 * branch: a command that stops working (an option renamed, a subcommand gone) fails here.
 * Placeholders are filled in: FINGERPRINT with a fingerprint the scan reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, gitIn, repoWith, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The keyhound commands of the README's `sh` blocks, as argument lists (comments dropped, `a && b` split). */
function readmeCommands(markdown: string): string[][] {
  const blocks = [...markdown.matchAll(/^ *```sh\n([^]*?)^ *```/gm)].map((match) => match[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .flatMap((line) => line.split(/\s*&&\s*/))
    .filter((command) => /^(?:npx )?keyhound /.test(command))
    .map((command) => words(command.replace(/^npx /, '')).slice(1));
}

/** Shell words: "double" and 'single' quoted strings are one word each. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

describe('the README\'s commands', () => {
  const commands = readmeCommands(README);

  it('are found: the three uses, noise control and the quick start', () => {
    const shown = commands.map((args) => args.slice(0, 2).join(' '));
    for (const command of ['hook install', 'scan .', 'staged', 'ci --base', 'history', 'ignore FINGERPRINT', 'baseline create', 'scan --no-baseline']) {
      expect(shown).toContain(command);
    }
  });

  it('each works, in the order shown, in a repository with a leak', { timeout: 120_000 }, async () => {
    const keys = fakeKeys(51);
    const dir = repoWith({ 'README.md': 'shop\n' });
    commitAll(dir, 'start');
    gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    writeTree(dir, { 'config/settings.json': `${JSON.stringify({ stripe: { key: keys.stripe } }, null, 2)}\n` });
    commitAll(dir, 'settings');
    writeTree(dir, { 'app.env': `GITHUB_TOKEN=${keys.github}\n` });
    gitIn(dir, ['add', 'app.env']);
    const fingerprint = (JSON.parse((await run(['scan', '--format', 'json'], { cwd: dir })).stdout) as { findings: Array<{ fingerprint: string }> }).findings[0]!.fingerprint;

    for (const args of commands) {
      const filled = args.map((arg) => (arg === 'FINGERPRINT' ? fingerprint : arg));
      const result = await run(filled, { cwd: dir, env: { GITHUB_ACTIONS: '', GITLAB_CI: '', CI: '' } });
      const label = `keyhound ${args.join(' ')}\n${result.stderr}`;
      // 0 clean or 1 leaks: never 2, keyhound could not do its job.
      expect([0, 1], label).toContain(result.code);
      expect(result.stderr, label).not.toMatch(/^keyhound: (?!warning:)/m);
    }
    // What the commands were to do, they did.
    expect(readFileSync(join(dir, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('keyhound');
    expect(readFileSync(join(dir, '.keyhoundignore'), 'utf8')).toContain(fingerprint);
    expect(readFileSync(join(dir, 'keyhound-report.html'), 'utf8')).toContain('<dt>Branch</dt><dd><code>feature</code></dd>');
    expect(JSON.parse(readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8')).entries.length).toBeGreaterThan(0);
  });
});
