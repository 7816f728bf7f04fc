/**
 * One minified line holding thousands of findings: time linear in the line's length
 * (the inline-comment and line-allowlist checks read each line once, not once per
 * finding), and what crosses from a worker thread is the part of the line around each
 * finding, not the whole line (bench/long-line.mjs measures up to 10 MB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { compileRuleset } from '../src/scan/ruleset.js';
import { scanFile } from '../src/scan/scan-file.js';
import { keyhound, tempDir, writeTree } from './helpers/cli.js';
import { passwordLine } from './helpers/keys.js';

/** A line with a finding every 32 characters, then an inline comment for another rule (read once for the line). */
const minifiedLine = (findings: number): string => `${passwordLine(findings, findings)} // keyhound:allow github-pat-classic\n`;

// A config line allowlist (global and for the rule) that matches nothing: checked on every finding's line.
const ruleset = compileRuleset({
  files: await builtinRuleFiles(),
  disabled: [],
  allowlist: { regexes: [], lines: ['^#never$'], stopwords: [] },
  ruleAllowlists: { 'generic-secret-assignment': { regexes: [], lines: ['^//never$'], stopwords: [] } },
});

describe('one long line with a finding every 32 characters', () => {
  it('takes about four times as long for four times the line (linear, not quadratic)', () => {
    const best = (text: string): number => {
      let fastest = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        // A few random values fall under the entropy floor.
        expect(ruleset.detector.detect(text).length).toBeGreaterThan(0.99 * (text.length >> 5));
        fastest = Math.min(fastest, performance.now() - started);
      }
      return fastest;
    };
    // 256 KB and 1 MB: 8,192 and 32,768 findings. Before, the line was read once per
    // finding: ×16 for four times the line (8.9 s at 1 MB). Linear is ×4; ×10 leaves
    // room for timing noise on a busy machine.
    const small = best(minifiedLine(8_192));
    const large = best(minifiedLine(32_768));
    expect(large / small, `${small.toFixed(0)} ms → ${large.toFixed(0)} ms`).toBeLessThan(10);
  });

  it('sends each finding with the part of the line around it, not the whole line', () => {
    const dir = tempDir();
    writeTree(dir, { 'bundle.min.js': minifiedLine(10_000) });
    const result = scanFile({ absolute: join(dir, 'bundle.min.js'), shown: 'bundle.min.js' }, ruleset.detector, { maxFileSize: 10 * 1024 * 1024 });
    expect(result.findings.length).toBeGreaterThan(9_900);
    // The secret (20 characters) and 200 characters either side at most.
    expect(Math.max(...result.findings.map((finding) => finding.lineText.length))).toBeLessThanOrEqual(420);
  });

  it('reports a line scanned in a worker thread as the main thread does, each finding with its own masked context', () => {
    const dir = tempDir();
    const files: Record<string, string> = { 'a-bundle.min.js': minifiedLine(16_384) };
    // Enough files for the worker pool; the long line sorts first, so a worker takes it.
    for (let i = 0; i < 300; i++) files[`f${i}.txt`] = `line ${i}\n`;
    writeTree(dir, files);
    // Worker threads exist only in the built package: a real process.
    const findings = (path: string) => {
      const result = keyhound(['scan', path, '--format', 'json', '--output', 'report.json'], { cwd: dir });
      expect(result.code, result.stderr).toBe(1);
      return (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { findings: Array<{ column: number; lineText: string }> }).findings.map(({ column, lineText }) => ({ column, lineText }));
    };
    const inWorker = findings('.');
    expect(inWorker.length).toBeGreaterThan(16_000);
    expect(inWorker).toEqual(findings('a-bundle.min.js'));
    // Deep in the line: the context is cut on both sides, and every value in it is masked.
    const middle = inWorker[8_000]!;
    expect(middle.lineText).toMatch(/^….*password="[0-9A-Za-z]{4}\*{8}";.*…$/);
    expect(middle.lineText.match(/"[0-9A-Za-z]{5,}/)).toBeNull();
  }, 120_000); // two real processes with 16,000 findings each: 25 s on a loaded 2-core machine
});
