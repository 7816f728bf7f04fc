/**
 * One data-driven suite for every built-in rule, through the real detector (not
 * regex.test): the file validates, ids are unique and well-formed, every example is
 * found by exactly its rule, every negative is silent, every example holds one of the
 * rule's keywords. (Linear time on crafted input is checked in redos.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRuleFilePaths, builtinRuleFiles, gatedRuleFiles, type GatedRuleFile } from '../src/rules/builtin-rules.js';
import { assertKnownPartners, assertUniqueIds, compileRule, compileRuleFile, parseRuleFile, type LoadedRuleFile } from '../src/rules/rule-files.js';
import { checkExamples } from '../src/rules/self-test.js';
import { createDetector, type Detector } from '../src/engine/detect.js';
import type { Rule, RuleFileSpec } from '../src/engine/types.js';
import { DIFF_CONTEXT } from '../src/sources/patches.js';

const paths = builtinRuleFilePaths();
let files: LoadedRuleFile[] = [];
let rules: Rule[] = [];

beforeAll(async () => {
  files = [];
  for (const path of paths) files.push(compileRuleFile(await parseRuleFile(readFileSync(path, 'utf8'), path), path));
  rules = files.flatMap((file) => file.rules);
});

describe('built-in rule files', () => {
  it('validate against the schema and compile, with unique ids', () => {
    expect(files.length).toBe(paths.length);
    expect(() => assertUniqueIds(files)).not.toThrow();
    expect(() => assertKnownPartners(files)).not.toThrow();
  });

  it('name the provider after the file', () => {
    for (const file of files) expect(`${file.spec.provider}.yaml`).toBe(basename(file.source));
  });

  it('cover at least 700 rules across 500 providers and credential formats', () => {
    expect(rules.length).toBeGreaterThanOrEqual(700);
    expect(new Set(rules.map((rule) => rule.provider)).size).toBeGreaterThanOrEqual(500);
  });

  it('are counted as the README says', () => {
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8').replace(/\s+/g, ' ');
    const [, stated, providers] = /(\d+) rules for (\d+) providers/.exec(readme) ?? [];
    expect([Number(stated), Number(providers)]).toEqual([rules.length, files.length]);
  });

  it('give every file a category and every rule the documentation of its format', () => {
    const uncategorised = files.filter((file) => !file.spec.category && file.spec.rules.some((rule) => !rule.category)).map((file) => file.source);
    expect(uncategorised).toEqual([]);
    const unreferenced = files.flatMap((file) => file.spec.rules.filter((rule) => !rule.references?.length).map((rule) => rule.id));
    expect(unreferenced).toEqual([]);
    for (const url of files.flatMap((file) => file.spec.rules.flatMap((rule) => rule.references ?? []))) expect(url).toMatch(/^https:\/\/\S+$/);
  });

  it('show every rule in at least two syntaxes (examples differ once their secrets are masked)', () => {
    const mask = (example: string) => example.replace(/[A-Za-z0-9+/_.=-]{12,}/g, 'S').replace(/\s+/g, ' ');
    const samey = files.flatMap((file) =>
      // A whole-file format (a key file holding only the key), or the line keyhound writes
      // for a key store it recognised (key-store.yaml), has one syntax by nature.
      file.spec.rules.filter((rule) => rule.maxTextLength === undefined && file.spec.provider !== 'key-store' && new Set(rule.examples.map(mask)).size < 2).map((rule) => rule.id),
    );
    expect(samey).toEqual([]);
  });

  it('give every rule at least two examples and one negative', () => {
    const thin = files.flatMap((file) =>
      file.spec.rules.filter((rule) => rule.examples.length < 2 || (rule.negatives ?? []).length < 1).map((rule) => rule.id),
    );
    expect(thin).toEqual([]);
  });

  it('find every example by exactly its rule and stay silent on every negative', () => {
    const problems = checkExamples(files, rules).map((p) => `${p.ruleId}: ${p.kind} #${p.index + 1} ${p.message}`);
    expect(problems).toEqual([]);
  });
});

describe('rule reach', () => {
  /** Lines from the nearest of the rule's keywords (or the match's start) to the secret's end. */
  function linesSpanned(detector: Detector, example: string, rule: Rule): number | undefined {
    const finding = detector.detect(example).find((raw) => raw.rule.id === rule.id);
    if (!finding) return undefined;
    const lineOf = (offset: number) => example.slice(0, offset).split('\n').length;
    const lower = example.toLowerCase();
    const keywordLines = rule.keywords.flatMap((keyword) => {
      const at = lower.lastIndexOf(keyword, finding.start);
      return at === -1 ? [] : [finding.endLine - lineOf(at) + 1];
    });
    return Math.max(finding.endLine - lineOf(finding.matchStart ?? finding.start) + 1, Math.min(...keywordLines, Infinity) === Infinity ? 0 : Math.min(...keywordLines));
  }

  it('declares `lines` when an example reaches further than the diff context, so the diff modes read the whole file', () => {
    const detector = createDetector(rules);
    const short = files.flatMap((file) =>
      file.spec.rules.flatMap((spec) => {
        const rule = rules.find((candidate) => candidate.id === spec.id)!;
        const reach = Math.max(0, ...spec.examples.map((example) => linesSpanned(detector, example, rule) ?? 0));
        return reach > DIFF_CONTEXT && rule.lines < reach ? [`${rule.id}: an example spans ${reach} lines, lines: ${rule.lines}`] : [];
      }),
    );
    expect(short).toEqual([]);
  });
});

describe('a rule compiled for a scan (already checked)', () => {
  const spec = { id: 'late', description: 'd', severity: 'high' as const, keywords: ['late_'], pattern: '(?<secret>late_[a-z]{8})', examples: [] };
  const file = { provider: 'test', remediation: 'Rotate it.', rules: [spec] };

  it('compiles its regex when first read, the same regex as when checked', () => {
    const checked = compileRule(spec, file, 'rules/test.yaml');
    const lazy = compileRule(spec, file, 'rules/test.yaml', true);
    expect(lazy.regex).toEqual(checked.regex);
    expect(lazy.regex).toBe(lazy.regex);
  });

  it('is checked at once otherwise: a broken pattern fails when the file is loaded', () => {
    const broken = { ...spec, pattern: '(?<secret>late_[a-z' };
    expect(() => compileRule(broken, file, 'rules/test.yaml')).toThrow(/rules\/test\.yaml: rule late: pattern: invalid regex/);
    // Trusted, it fails only if a scan ever needs it: nothing else in the rule is touched.
    const trusted = compileRule(broken, file, 'rules/test.yaml', true);
    expect(trusted.id).toBe('late');
    expect(() => trusted.regex).toThrow(/invalid regex/);
  });
});

describe("the build's rules (dist/rules.json, which the bundle reads)", () => {
  it('are the rule files, each pattern expanded as when loaded from source', async () => {
    const patterns = (files: Array<{ rules: Array<{ id: string; pattern: unknown }> }>) => files.flatMap((file) => file.rules.map((rule) => [rule.id, rule.pattern]));
    const built = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'dist', 'rules.json'), 'utf8')) as Array<{ rules: Array<{ id: string; pattern: unknown }> }>;
    const fromSource = await builtinRuleFiles();
    expect(patterns(built)).toEqual(patterns(fromSource));
    expect(patterns(built).every(([, pattern]) => typeof pattern === 'string' && !pattern.includes('{{'))).toBe(true);
  });

  it('read through their gates (dist/rule-gates.json), are the same rules, each part parsed where it stands', () => {
    const dist = (name: string) => readFileSync(join(import.meta.dirname, '..', 'dist', name));
    const json = dist('rules.json');
    const built = JSON.parse(json.toString('utf8')) as RuleFileSpec[];
    const gated = gatedRuleFiles(json, JSON.parse(dist('rule-gates.json').toString('utf8')) as GatedRuleFile[]);
    // Each key as a compiler reads it, and the whole as JSON gives it (what a worker thread is sent).
    const stripe = gated.flatMap((file) => file.rules).find((rule) => rule.id === 'stripe-live-secret-key')!;
    const expected = built.flatMap((file) => file.rules).find((rule) => rule.id === 'stripe-live-secret-key')!;
    expect([stripe.pattern, stripe.severity, stripe.keywords, stripe.verify]).toEqual([expected.pattern, expected.severity, expected.keywords, expected.verify]);
    expect(JSON.parse(JSON.stringify(gated))).toEqual(built);
    expect(gated.map((file) => file.remediation)).toEqual(built.map((file) => file.remediation));
    // And they compile to the same rules.
    const rules = (files: RuleFileSpec[]) => files.flatMap((file) => file.rules.map((rule) => compileRule(rule, file, file.provider, true))).map(({ regex: _r, ...rule }) => rule);
    expect(rules(gatedRuleFiles(json, JSON.parse(dist('rule-gates.json').toString('utf8')) as GatedRuleFile[]))).toEqual(rules(built));
  });
});
