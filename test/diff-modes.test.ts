/**
 * If `scan` finds it, every diff mode finds it. Every example of every built-in rule is
 * committed in a file with unchanged context around it; then only the line where its
 * secret starts changes. `staged`, `ci` and `pre-push` must report exactly what `scan`
 * reports on the new version of each file and not on the old, and `history` exactly
 * what `scan` reports on either version, each secret once, where it came in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRuleFilePaths } from '../src/rules/builtin-rules.js';
import { compileRuleFile, parseRuleFile } from '../src/rules/rule-files.js';
import { createDetector } from '../src/engine/detect.js';
import { gitIn, initRepo, tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';

interface ReportedFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  fingerprint: string;
  informative?: boolean;
  pair?: { line: number };
  commit?: { sha: string };
}

interface Case {
  file: string;
  before: string;
  after: string;
  /** 1-based line, in both versions, that differs between them. */
  changed: number;
}

const CONTEXT_BEFORE = ['# deployment settings', '# (unchanged context)', ''];
const CONTEXT_AFTER = ['', '# end of settings'];
const NEUTRAL = '# this line changes';

/** One case per example: the secret's first line is the one that changes. */
async function buildCases(): Promise<Case[]> {
  const files = [];
  for (const path of builtinRuleFilePaths()) files.push(compileRuleFile(await parseRuleFile(readFileSync(path, 'utf8'), path), path));
  const detector = createDetector(files.flatMap((file) => file.rules));
  const cases: Case[] = [];
  for (const file of files) {
    for (const spec of file.spec.rules) {
      spec.examples.forEach((example, index) => {
        const finding = detector.detect(example).find((raw) => raw.rule.id === spec.id && !raw.suppressedBy);
        if (!finding) return; // rules.test.ts reports an example its rule does not find
        // A whole-file format (a key file holding only the key) gets no context around it, nor a line break.
        const wholeFile = spec.maxTextLength !== undefined;
        const [before, after] = wholeFile ? [[], []] : [CONTEXT_BEFORE, CONTEXT_AFTER];
        const end = wholeFile ? '' : '\n';
        const lines = example.split('\n');
        const changed = before.length + finding.line;
        const v2 = [...before, ...lines, ...after];
        const v1 = [...v2];
        v1[changed - 1] = NEUTRAL;
        cases.push({ file: `settings/${spec.id}-${index + 1}.conf`, before: `${v1.join('\n')}${end}`, after: `${v2.join('\n')}${end}`, changed });
      });
    }
  }
  return cases;
}

const key = (finding: ReportedFinding): string => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`;

async function findingsOf(args: string[], cwd: string, input?: string): Promise<ReportedFinding[]> {
  const result = await run([...args, '--format', 'json', '--quiet'], { cwd, ...(input !== undefined ? { input } : {}), env: { GITHUB_ACTIONS: '', GITLAB_CI: '', KEYHOUND_BASE: '' } });
  expect(result.code, result.stderr).toBeLessThan(2);
  return (JSON.parse(result.stdout) as { findings: ReportedFinding[] }).findings;
}

describe('every diff mode finds what scan finds', () => {
  let cases: Case[] = [];
  let dir = '';
  let first = '';
  let second = '';
  const scanned: Record<'before' | 'after', ReportedFinding[]> = { before: [], after: [] };
  let staged: ReportedFinding[] = [];

  beforeAll(async () => {
    cases = await buildCases();
    dir = tempDir('keyhound-diff-modes-');
    initRepo(dir);
    writeTree(dir, Object.fromEntries(cases.map((c) => [c.file, c.before])));
    scanned.before = await findingsOf(['scan', '.'], dir);
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '--no-verify', '-m', 'settings with the secret lines left out']);
    first = gitIn(dir, ['rev-parse', 'HEAD']).trim();
    for (const c of cases) writeFileSync(join(dir, c.file), c.after);
    scanned.after = await findingsOf(['scan', '.'], dir);
    gitIn(dir, ['add', '-A']);
    staged = await findingsOf(['staged'], dir);
    gitIn(dir, ['commit', '-q', '--no-verify', '-m', 'only the secret lines change']);
    second = gitIn(dir, ['rev-parse', 'HEAD']).trim();
  }, 120_000);

  it('covers every rule', () => {
    expect(cases.length).toBeGreaterThan(600);
    expect(scanned.after.length).toBeGreaterThan(600);
  });

  /** What scan reports on each file's new version and not on its old one. */
  const newFindings = (): ReportedFinding[] =>
    scanned.after.filter((finding) => !scanned.before.some((old) => old.file === finding.file && old.fingerprint === finding.fingerprint));

  it('changes the secret line of every example, which scan then finds', () => {
    const fresh = newFindings();
    const missed = cases.filter((c) => !fresh.some((finding) => finding.file === c.file && finding.line <= c.changed && c.changed <= finding.endLine));
    expect(missed.map((c) => c.file)).toEqual([]);
  });

  /**
   * Each secret once (a history mode keeps one row per secret, listing its other paths):
   * the fingerprints expected, each reported at one of the places scan saw it.
   */
  function expectSameSecrets(reported: ReportedFinding[], expected: ReportedFinding[]): void {
    const places = new Map<string, string[]>();
    for (const finding of expected) places.set(finding.fingerprint, [...(places.get(finding.fingerprint) ?? []), key(finding)]);
    expect(reported.map((finding) => finding.fingerprint).sort()).toEqual([...places.keys()].sort());
    for (const finding of reported) expect(places.get(finding.fingerprint)).toContain(key(finding));
  }

  it('staged reports what scan reports on the changed lines', () => {
    expect(staged.map(key).sort()).toEqual(newFindings().map(key).sort());
  });

  it('ci (BASE..HEAD) reports what scan reports on the changed lines', async () => {
    expectSameSecrets(await findingsOf(['ci', '--base', first], dir), newFindings());
  });

  it('pre-push reports what scan reports on the changed lines', async () => {
    const input = `refs/heads/main ${second} refs/heads/main ${first}\n`;
    expectSameSecrets(await findingsOf(['pre-push'], dir, input), newFindings());
  });

  it('history reports each secret scan finds in either version once, where it came in', async () => {
    const history = await findingsOf(['history'], dir);
    // Every fingerprint scan found, and nothing else.
    const expected = new Set([...scanned.before, ...scanned.after].map((finding) => finding.fingerprint));
    expect(new Set(history.map((finding) => finding.fingerprint))).toEqual(expected);
    expect(history.length).toBe(expected.size);
    // Each at one of its places, in the commit that brought it: the first when it was already there.
    for (const finding of history) {
      const before = scanned.before.filter((other) => other.fingerprint === finding.fingerprint).map(key);
      const after = scanned.after.filter((other) => other.fingerprint === finding.fingerprint).map(key);
      if (before.length) {
        expect(before).toContain(key(finding));
        expect(finding.commit?.sha).toBe(first);
      } else {
        expect(after).toContain(key(finding));
        expect(finding.commit?.sha).toBe(second);
      }
    }
  });
});
