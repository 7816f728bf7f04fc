/**
 * Rule files: `rules/<provider>.yaml`. Parsing, validation, compilation, and the
 * check that every example is found by its rule and every negative is silent.
 */
import { createDetector, type Detector } from '../engine/detect.js';
import { DEFAULT_SPAN, type Rule, type RuleFileSpec, type RuleSpec } from '../engine/types.js';
import { KeyhoundError } from '../errors.js';
import { parseValidatedYaml, readTextFile } from './yaml-file.js';
import { validatorFor } from './schemas.js';

/** Parses and validates the text of one rule file. */
export async function parseRuleFile(text: string, file: string): Promise<RuleFileSpec> {
  const validate = await validatorFor('rules');
  return (await parseValidatedYaml(text, file, validate, (data, path) => {
    if (path[0] !== 'rules' || path[1] === undefined) return '';
    const rule = (data as RuleFileSpec).rules[Number(path[1])];
    return rule?.id ? `rule ${rule.id}` : `rule #${Number(path[1]) + 1}`;
  })) as RuleFileSpec;
}

export function compileRegex(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new KeyhoundError(`${where}: invalid regex: ${(error as Error).message}`);
  }
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
    ...(spec.check ? { check: spec.check } : {}),
    generic: spec.generic ?? false,
    pairsWith: spec.pairsWith ?? [],
    pairLines: spec.pairLines ?? 5,
    allowRegexes: (spec.allowlist?.regexes ?? []).map((re, i) => compileRegex(re, '', `${where}: allowlist.regexes[${i}]`)),
    stopwords: (spec.allowlist?.stopwords ?? []).map((word) => word.toLowerCase()),
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
 * counts too). Each example must be found by its own rule and no other; each negative
 * must produce nothing.
 */
export function checkExamples(files: readonly LoadedRuleFile[], rules: readonly Rule[]): ExampleProblem[] {
  const detector = createDetector(rules);
  const problems: ExampleProblem[] = [];
  for (const file of files) {
    for (const spec of file.spec.rules) {
      spec.examples.forEach((example, index) => {
        const ids = reported(detector, example);
        if (!ids.includes(spec.id)) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: `not found${ids.length ? ` (found by ${[...new Set(ids)].join(', ')})` : ''}` });
        } else if (ids.some((id) => id !== spec.id)) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: `also found by ${[...new Set(ids.filter((id) => id !== spec.id))].join(', ')}` });
        } else if (!spec.keywords.some((keyword) => example.toLowerCase().includes(keyword.toLowerCase())) && spec.keywords.length > 0) {
          problems.push({ source: file.source, ruleId: spec.id, kind: 'example', index, message: 'contains none of the rule keywords' });
        }
      });
      (spec.negatives ?? []).forEach((negative, index) => {
        const ids = reported(detector, negative);
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
  assertUniqueIds(files);
  const problems = checkExamples(files, files.flatMap((file) => file.rules));
  if (problems[0]) throw new KeyhoundError(describeProblem(problems[0]));
  return files;
}

