/**
 * Rule files: `rules/<provider>.yaml`. Parsing, validation, compilation, and the
 * check that every example is found by its rule and every negative is silent.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { createDetector, tellsAbout, type Detector } from '../engine/detect.js';
import { DEFAULT_SPAN, type Rule, type RuleFileSpec, type RuleSpec } from '../engine/types.js';
import { KeyhoundError } from '../errors.js';
import { packagePath } from '../package-root.js';
import { maskSecretLike } from '../report/redact.js';
import { expandRuleFile, type WrittenRuleFile } from '../rules/pieces.js';
import { checkVerifySpec, type VerifySpec } from '../verify/spec.js';

function checkedVerifySpec(spec: VerifySpec, where: string): VerifySpec {
  checkVerifySpec(spec, where);
  return spec;
}
import { parseValidatedYaml, readTextFile } from './yaml-file.js';
import { validatorFor } from './schemas.js';

/** Parses and validates the text of one rule file; its patterns come back expanded (pieces.ts). */
export async function parseRuleFile(text: string, file: string): Promise<RuleFileSpec> {
  const validate = await validatorFor('rules');
  const written = (await parseValidatedYaml(text, file, validate, (data, path) => {
    if (path[0] !== 'rules' || path[1] === undefined) return '';
    const rule = (data as RuleFileSpec).rules[Number(path[1])];
    return rule?.id ? `rule ${rule.id}` : `rule #${Number(path[1]) + 1}`;
  })) as WrittenRuleFile;
  return expandRuleFile(written, file);
}

export function compileRegex(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new KeyhoundError(`${where}: invalid regex: ${regexErrorReason((error as Error).message)}`);
  }
}

/**
 * What is wrong with a regex, without the regex: V8 quotes it (`Invalid regular
 * expression: /…/: Unterminated group`), and an allowlist regex is often a key itself.
 */
function regexErrorReason(message: string): string {
  return /^Invalid regular expression: \/[\s\S]*\/[a-z]*: ([^/]+)$/.exec(message)?.[1] ?? 'not a valid JavaScript regular expression';
}

/** Turns one rule of a rule file into a detector rule; bad regexes name the file and rule. */
export function compileRule(spec: RuleSpec, file: RuleFileSpec, source: string): Rule {
  const where = `${source}: rule ${spec.id}`;
  const regex = compileRegex(spec.pattern, spec.caseInsensitive ? 'gdi' : 'gd', `${where}: pattern`);
  if (!/\(\?<secret>/.test(spec.pattern)) throw new KeyhoundError(`${where}: pattern has no (?<secret>…) group`);
  return {
    id: spec.id,
    provider: file.provider,
    description: spec.description,
    severity: spec.severity,
    remediation: file.remediation,
    keywords: spec.keywords.map((keyword) => keyword.toLowerCase()),
    regex,
    entropy: spec.entropy ?? 0,
    span: spec.span ?? DEFAULT_SPAN,
    lines: spec.lines ?? 1,
    ...(spec.maxTextLength !== undefined ? { maxTextLength: spec.maxTextLength } : {}),
    ...(spec.check ? { check: spec.check } : {}),
    generic: spec.generic ?? false,
    pairsWith: spec.pairsWith ?? [],
    pairLines: spec.pairLines ?? 5,
    informs: spec.informs ?? [],
    informative: spec.informative === true || (spec.informs?.length ?? 0) > 0,
    placeholders: spec.placeholders ?? (spec.informs ? 'references' : 'all'),
    allowRegexes: (spec.allowlist?.regexes ?? []).map((re, i) => compileRegex(re, '', `${where}: allowlist.regexes[${i}]`)),
    stopwords: (spec.allowlist?.stopwords ?? []).map((word) => word.toLowerCase()),
    ...(spec.verify ? { verify: checkedVerifySpec(spec.verify, where) } : {}),
  };
}

export interface LoadedRuleFile {
  source: string;
  spec: RuleFileSpec;
  rules: Rule[];
}

export function compileRuleFile(spec: RuleFileSpec, source: string): LoadedRuleFile {
  return { source, spec, rules: spec.rules.map((rule) => compileRule(rule, spec, source)) };
}

/** What every set of rule files must pass before it runs: unique ids, known partners, linear-time patterns. */
export async function assertWellFormed(files: readonly LoadedRuleFile[]): Promise<void> {
  assertUniqueIds(files);
  assertKnownPartners(files);
  await assertNoCatastrophicBacktracking(files);
}

/** Rejects a pairsWith or informs entry that names no rule of these files. */
export function assertKnownPartners(files: readonly LoadedRuleFile[]): void {
  const ids = new Set(files.flatMap((file) => file.rules.map((rule) => rule.id)));
  for (const file of files) {
    for (const rule of file.rules) {
      const unknown = [...rule.pairsWith, ...rule.informs].find((id) => !ids.has(id) && id !== '*');
      if (unknown) throw new KeyhoundError(`${file.source}: rule ${rule.id}: names rule ${unknown}, which is not in these rule files`);
    }
  }
}

/** Rejects a second rule with an id already taken, naming both files. */
export function assertUniqueIds(files: readonly LoadedRuleFile[]): void {
  const owner = new Map<string, string>();
  for (const file of files) {
    for (const rule of file.rules) {
      const first = owner.get(rule.id);
      if (first) throw new KeyhoundError(`${file.source}: rule ${rule.id}: duplicate id (also in ${first})`);
      owner.set(rule.id, file.source);
    }
  }
}

/** A problem with a rule's own test cases. */
export interface ExampleProblem {
  source: string;
  ruleId: string;
  kind: 'example' | 'negative';
  index: number;
  message: string;
}

/**
 * Runs every example and negative of the given files through the real detector built
 * from `rules` (all loaded rules, so a generic rule yielding or another rule firing
 * counts too). Each example must be found by its own rule and no other (but for the
 * credential an informative rule tells about); each negative must produce nothing of
 * its own rule and no other.
 */
export function checkExamples(files: readonly LoadedRuleFile[], rules: readonly Rule[]): ExampleProblem[] {
  const detector = createDetector(rules);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const informs = (informer: string, credential: string) => {
    const rule = byId.get(informer);
    return rule !== undefined && tellsAbout(rule, credential);
  };
  // A credential and the informative findings about it (its user, its host) come together:
  // each may show up in the other's examples and negatives.
  const together = (ruleId: string, id: string) => informs(ruleId, id) || informs(id, ruleId);
  const problems: ExampleProblem[] = [];
  for (const file of files) {
    for (const spec of file.spec.rules) {
      const expected = { has: (id: string) => id === spec.id || together(spec.id, id) };
      spec.examples.forEach((example, index) => {
        const ids = reported(detector, example);
        if (!ids.includes(spec.id)) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: `not found${ids.length ? ` (found by ${[...new Set(ids)].join(', ')})` : ''}` });
        } else if (ids.some((id) => !expected.has(id))) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: `also found by ${[...new Set(ids.filter((id) => !expected.has(id)))].join(', ')}` });
        } else if (!spec.keywords.some((keyword) => example.toLowerCase().includes(keyword.toLowerCase())) && spec.keywords.length > 0) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: 'contains none of the rule keywords' });
        }
      });
      (spec.negatives ?? []).forEach((negative, index) => {
        const ids = reported(detector, negative).filter((id) => id === spec.id || !expected.has(id));
        if (ids.length) problems.push({ source: file.source, ruleId: spec.id, kind: 'negative', index, message: `found by ${[...new Set(ids)].join(', ')}` });
      });
    }
  }
  return problems;
}

/** Rule ids of the findings a text produces, leaving out suppressed ones (as a scan does). */
function reported(detector: Detector, text: string): string[] {
  return detector.detect(text).filter((finding) => !finding.suppressedBy).map((finding) => finding.rule.id);
}

export function describeProblem(problem: ExampleProblem): string {
  return `${problem.source}: rule ${problem.ruleId}: ${problem.kind} #${problem.index + 1} ${problem.message}`;
}

/**
 * Loads user rules (rule files, and rules written inline in a config): parse,
 * compile, unique ids, and every example must pass.
 */
export async function loadRuleFiles(paths: readonly string[], inline: LoadedRuleFile[] = []): Promise<LoadedRuleFile[]> {
  const files: LoadedRuleFile[] = [...inline];
  for (const path of paths) {
    const spec = await parseRuleFile(readTextFile(path, 'rule file'), path);
    files.push(compileRuleFile(spec, path));
  }
  await assertWellFormed(files);
  const problems = checkExamples(files, files.flatMap((file) => file.rules));
  if (problems[0]) throw new KeyhoundError(describeProblem(problems[0]));
  return files;
}

/** keyhound's own rule files: the test suite checks them (test/redos.test.ts, with its reviewed exceptions). */
function isBuiltinRuleFile(source: string): boolean {
  return resolve(source).startsWith(`${packagePath('rules')}${sep}`);
}

/** Hashes of patterns recheck found safe, in the user's cache directory (hashes only: nothing from a rule file leaks). */
function redosCacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'keyhound', 'redos-safe-v1.txt');
}

function readRedosCache(): Set<string> {
  try {
    return new Set(readTextFile(redosCacheFile(), 'cache').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

function writeRedosCache(cache: Set<string>): void {
  try {
    mkdirSync(dirname(redosCacheFile()), { recursive: true });
    writeFileSync(redosCacheFile(), `${[...cache].sort().join('\n')}\n`);
  } catch {
    // No writable cache directory: the analysis simply runs again next time.
  }
}

type Recheck = Pick<typeof import('recheck'), 'check'>;
let recheck: Promise<Recheck | undefined> | undefined;

/**
 * recheck (a ReDoS analyser) loaded on first use: only custom rules need it, so a scan
 * with the built-in rules alone (the hook) never pays for it. Without it (bundle/keyhound.mjs
 * with no node_modules, as the GitHub Action runs it), the check is skipped, and the
 * config's loading and `rules check` warn that it is (redosAnalyserInstalled).
 */
function loadRecheck(): Promise<Recheck | undefined> {
  recheck ??= import('recheck').then(
    (module) => ('check' in module ? module : (module as { default: Recheck }).default),
    () => undefined,
  );
  return recheck;
}

/** Whether recheck is installed where keyhound runs, without loading it. */
export function redosAnalyserInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('recheck');
    return true;
  } catch {
    return false;
  }
}

/** Said where custom rules load but recheck is not installed: they still run, unchecked. */
export const REDOS_UNCHECKED = 'their patterns are not checked for catastrophic backtracking: recheck, the ReDoS analyser, is not installed here (an npm install of keyhound has it)';

/** How long recheck may analyse one pattern; a pattern it cannot decide in time passes. */
export const REDOS_CHECK_TIMEOUT_MS = 5000;

/** A regex from a user's file, and how to name it in an error (`file: rule x: pattern`). */
export interface RegexToScreen {
  where: string;
  source: string;
  flags: string;
}

/**
 * The patterns of user rule files, and their allowlist regexes. Built-in rules are
 * checked by the test suite (test/redos.test.ts) instead.
 */
function ruleRegexes(files: readonly LoadedRuleFile[]): RegexToScreen[] {
  return files
    .filter((file) => !isBuiltinRuleFile(file.source))
    .flatMap((file) =>
      file.spec.rules.flatMap((spec) => [
        { where: `${file.source}: rule ${spec.id}: pattern`, source: spec.pattern, flags: spec.caseInsensitive ? 'i' : '' },
        ...(spec.allowlist?.regexes ?? []).map((source, i) => ({ where: `${file.source}: rule ${spec.id}: allowlist.regexes[${i}]`, source, flags: '' })),
      ]),
    );
}

/** Rejects a rule file whose patterns can backtrack catastrophically. */
export async function assertNoCatastrophicBacktracking(files: readonly LoadedRuleFile[]): Promise<void> {
  await assertLinearTime(ruleRegexes(files));
}

/**
 * Rejects a regex that can backtrack catastrophically (super-linear time on a crafted
 * line or path), naming where it is, the hot part of the pattern and an attack. A rule
 * pattern runs on every line a repository holds, an allowlist regex on every finding's
 * line or every path: `(a+)+$` against a 32-character name took 95 s.
 */
export async function assertLinearTime(regexes: readonly RegexToScreen[]): Promise<void> {
  const cache = readRedosCache();
  const key = ({ source, flags }: RegexToScreen) => createHash('sha256').update(`${flags}/${source}`).digest('hex').slice(0, 32);
  // Patterns already found safe (or undecidable in time) are not analysed again: the
  // analysis takes up to seconds a pattern, and custom rules load at every hook run.
  const unknown = regexes.filter((regex) => !cache.has(key(regex)));
  if (unknown.length === 0) return;
  const analyser = await loadRecheck();
  if (!analyser) return;
  for (const regex of unknown) {
    // recheck knows no `d` flag (match indices), which does not change matching anyway.
    const result = await analyser.check(regex.source, regex.flags, { timeout: REDOS_CHECK_TIMEOUT_MS });
    if (result.status !== 'vulnerable') {
      cache.add(key(regex));
      writeRedosCache(cache);
      continue;
    }
    // Parts of the pattern and an input built from it: masked like a shown line, in case the pattern holds a literal key.
    const hot = result.hotspot.filter((spot) => spot.temperature === 'heat').map((spot) => maskSecretLike(regex.source.slice(spot.start, spot.end)));
    const attack = maskSecretLike(result.attack.pattern.length > 120 ? `${result.attack.pattern.slice(0, 117)}...` : result.attack.pattern);
    throw new KeyhoundError(
      `${regex.where} can backtrack catastrophically (${result.complexity.summary}` +
        `${hot.length ? `, at ${[...new Set(hot)].map((part) => JSON.stringify(part)).join(' and ')}` : ''}; slow on ${attack}): ` +
        'bound the repetition, or make the parts that repeat unable to match the same text',
    );
  }
}
