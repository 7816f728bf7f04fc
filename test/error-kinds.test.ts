/**
 * Typed errors: a broken config is a ConfigError, a broken rule file a RuleError, a git
 * failure a GitError; each is a KeyhoundError (one line, exit 2) and keeps what caused
 * it in `cause` for programs using the library.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, KeyhoundError, RuleError } from '../src/errors.js';
import { GitError } from '../src/git/git.js';
import { scan } from '../src/scan/scan.js';
import { scanHistory } from '../src/scan/history.js';
import { repoWith, tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';

const RULE_FILE = `provider: acme
remediation: Revoke it.
rules:
  - id: acme-token
    description: Acme token
    severity: high
    keywords: [acme_]
    pattern: '(?<secret>acme_[a-z0-9]{16})'
    examples: ['ACME=acme_q8z2m4x7c1v9b3n5']
`;

/** Rejects with what `promise` throws, or fails the test. */
async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A directory holding `files`, and what the library's scan of it throws. */
async function scanFailure(files: Record<string, string>): Promise<{ dir: string; error: Error }> {
  const dir = tempDir();
  writeTree(dir, files);
  return { dir, error: await thrown(scan({ cwd: dir, paths: ['.'] })) };
}

describe('error kinds', () => {
  it('a config with broken YAML: ConfigError naming file and line, with the parser error as cause; exit 2 in one line', async () => {
    const { dir, error } = await scanFailure({ '.keyhound.yaml': 'useDefault: true\nruleFiles: [unclosed\n' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(KeyhoundError);
    expect(error.message).toMatch(/\.keyhound\.yaml:2: invalid YAML/);
    expect(error.cause).toBeInstanceOf(Error);

    const cli = await run(['scan', '.'], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^keyhound: \S*\.keyhound\.yaml:2: invalid YAML[^\n]*\n$/);
  });

  it('a config naming a missing rule file: RuleError, the file system error as cause', async () => {
    const { error } = await scanFailure({ '.keyhound.yaml': 'ruleFiles: [missing.yaml]\n' });
    expect(error).toBeInstanceOf(RuleError);
    expect(error.message).toContain('missing.yaml (ENOENT)');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('a rule file whose example its rule does not find: RuleError; exit 2 in one line', async () => {
    const { dir, error } = await scanFailure({ 'acme.yaml': RULE_FILE.replace('acme_q8z2m4x7c1v9b3n5', 'acme_short'), '.keyhound.yaml': 'ruleFiles: [acme.yaml]\n' });
    expect(error).toBeInstanceOf(RuleError);
    expect(error.message).toMatch(/acme\.yaml: rule acme-token: example #1 not found/);

    const cli = await run(['scan', '.'], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a config allowlist regex that does not compile: ConfigError, the regex not quoted', async () => {
    const { error } = await scanFailure({ '.keyhound.yaml': "allowlist:\n  regexes: ['(unclosed_zq7']\n" });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('invalid regex');
    expect(error.message).not.toContain('unclosed_zq7');
  });

  it('a revision git does not know: GitError with its args, exit code and stderr', async () => {
    const dir = repoWith({ 'a.txt': 'nothing here\n' });
    const error = await thrown(scanHistory({ cwd: dir, ranges: ['no-such-branch..HEAD'] }));
    expect(error).toBeInstanceOf(GitError);
    const git = error as GitError;
    expect(git.code).toBeGreaterThan(0);
    expect(git.args.length).toBeGreaterThan(0);
    expect(git.stderr).toContain('no-such-branch');
  });
});
