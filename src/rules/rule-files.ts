/**
 * Rule files: `rules/<provider>.yaml`. Parsing, validation and compilation; loading a
 * user's files also runs their ReDoS check (redos.ts) and their own examples (self-test.ts).
 */
import { parseValidatedYaml, readTextFile } from '../files/yaml-file.js';
import { validatorFor } from '../files/schemas.js';
import { DEFAULT_SPAN, type Rule, type RuleFileSpec, type RuleGate, type RuleSpec, type VerifySpec } from '../engine/types.js';
import { RuleError, type ErrorKind } from '../errors.js';
import { checkVerifySpec } from '../verify/spec.js';
import { expandRuleFile, type WrittenRuleFile } from './pieces.js';
import { assertNoCatastrophicBacktracking } from './redos.js';
import { checkExamples, describeProblem } from './self-test.js';

function checkedVerifySpec(spec: VerifySpec, where: string): VerifySpec {
  checkVerifySpec(spec, where);
  return spec;
}

/** Parses and validates the text of one rule file; its patterns come back expanded (pieces.ts). */
export async function parseRuleFile(text: string, file: string): Promise<RuleFileSpec> {
  const validate = await validatorFor('rules');
  const written = (await parseValidatedYaml(text, file, validate, RuleError, (data, path) => {
    if (path[0] !== 'rules' || path[1] === undefined) return '';
    const rule = (data as RuleFileSpec).rules[Number(path[1])];
    return rule?.id ? `rule ${rule.id}` : `rule #${Number(path[1]) + 1}`;
  })) as WrittenRuleFile;
  return expandRuleFile(written, file);
}

/** A rule's or a config's regex (`kind`: the error for a broken one); V8's message is not kept, as it quotes the regex. */
export function compileRegex(source: string, flags: string, where: string, kind: ErrorKind = RuleError): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new kind(`${where}: invalid regex: ${regexErrorReason((error as Error).message)}`);
  }
}

/**
 * What is wrong with a regex, without the regex: V8 quotes it (`Invalid regular
 * expression: /…/: Unterminated group`), and an allowlist regex is often a key itself.
 */
function regexErrorReason(message: string): string {
  return /^Invalid regular expression: \/[\s\S]*\/[a-z]*: ([^/]+)$/.exec(message)?.[1] ?? 'not a valid JavaScript regular expression';
}

/** What a rule is known by before it is compiled: its id, keywords and reach. */
export function ruleGate(spec: RuleSpec): RuleGate {
  return {
    id: spec.id,
    keywords: spec.keywords.map((keyword) => keyword.toLowerCase()),
    lines: spec.lines ?? 1,
    ...(spec.maxTextLength !== undefined ? { maxTextLength: spec.maxTextLength } : {}),
  };
}

/**
 * Turns one rule of a rule file into a detector rule; bad regexes name the file and rule.
 * `checked`: its spec passed this function already (a custom rule, when its file was
 * loaded) or the build and the test suite (a built-in rule): nothing is checked again,
 * and its regex is compiled when a scan first needs it.
 */
export function compileRule(spec: RuleSpec, file: RuleFileSpec, source: string, checked = false): Rule {
  const where = `${source}: rule ${spec.id}`;
  const flags = spec.caseInsensitive ? 'gdi' : 'gd';
  let regex = checked ? undefined : compileRegex(spec.pattern, flags, `${where}: pattern`);
  if (!checked && !/\(\?<secret>/.test(spec.pattern)) throw new RuleError(`${where}: pattern has no (?<secret>…) group`);
  return {
    ...ruleGate(spec),
    provider: file.provider,
    description: spec.description,
    severity: spec.severity,
    remediation: file.remediation,
    get regex() {
      return (regex ??= compileRegex(spec.pattern, flags, `${where}: pattern`));
    },
    entropy: spec.entropy ?? 0,
    span: spec.span ?? DEFAULT_SPAN,
    ...(spec.check ? { check: spec.check } : {}),
    generic: spec.generic ?? false,
    pairsWith: spec.pairsWith ?? [],
    pairLines: spec.pairLines ?? 5,
    informs: spec.informs ?? [],
    informative: spec.informative === true || (spec.informs?.length ?? 0) > 0,
    placeholders: spec.placeholders ?? (spec.informs ? 'references' : 'all'),
    allowRegexes: (spec.allowlist?.regexes ?? []).map((re, i) => compileRegex(re, '', `${where}: allowlist.regexes[${i}]`)),
    stopwords: (spec.allowlist?.stopwords ?? []).map((word) => word.toLowerCase()),
    ...(spec.verify ? { verify: checked ? spec.verify : checkedVerifySpec(spec.verify, where) } : {}),
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
      if (unknown) throw new RuleError(`${file.source}: rule ${rule.id}: names rule ${unknown}, which is not in these rule files`);
    }
  }
}

/** Rejects a second rule with an id already taken, naming both files. */
export function assertUniqueIds(files: readonly LoadedRuleFile[]): void {
  const owner = new Map<string, string>();
  for (const file of files) {
    for (const rule of file.rules) {
      const first = owner.get(rule.id);
      if (first) throw new RuleError(`${file.source}: rule ${rule.id}: duplicate id (also in ${first})`);
      owner.set(rule.id, file.source);
    }
  }
}

/**
 * Loads user rules (rule files, and rules written inline in a config): parse,
 * compile, unique ids, and every example must pass.
 */
export async function loadRuleFiles(paths: readonly string[], inline: LoadedRuleFile[] = []): Promise<LoadedRuleFile[]> {
  const files: LoadedRuleFile[] = [...inline];
  for (const path of paths) {
    const spec = await parseRuleFile(readTextFile(path, 'rule file', path, RuleError), path);
    files.push(compileRuleFile(spec, path));
  }
  await assertWellFormed(files);
  const problems = checkExamples(files, files.flatMap((file) => file.rules));
  if (problems[0]) throw new RuleError(describeProblem(problems[0]));
  return files;
}
