/** The rules and allowlists of one scan, in a form that can be sent to worker threads. */
import { ConfigError } from '../errors.js';
import { compileRegex, compileRule } from '../rules/rule-files.js';
import { createDetector, encodeKeywords, type Detector } from '../engine/detect.js';
import type { GlobalAllowlist, Rule, RuleFileSpec } from '../engine/types.js';

/** Allowlist entries as written (strings), so the spec can cross to a worker thread. */
export interface AllowlistEntries {
  regexes: string[];
  lines: string[];
  stopwords: string[];
}

export interface RulesetSpec {
  files: RuleFileSpec[];
  disabled: string[];
  allowlist: AllowlistEntries;
  ruleAllowlists: Record<string, AllowlistEntries>;
}

export interface Ruleset {
  spec: RulesetSpec;
  /** The encoded prefilter it was given (compileRuleset), for worker threads to read back too. */
  keywords?: Uint8Array;
  rules: Rule[];
  byId: Map<string, Rule>;
  detector: Detector;
}

/**
 * `keywords`: the built-in rules' prefilter as the build encoded it (dist/keywords.bin),
 * used when this ruleset has exactly their keywords (no rule disabled or added).
 */
export function compileRuleset(spec: RulesetSpec, keywords?: Uint8Array): Ruleset {
  const disabled = new Set(spec.disabled);
  // Own keys only: a rule may be called `constructor`.
  const ruleAllowlist = (id: string) => (Object.hasOwn(spec.ruleAllowlists, id) ? spec.ruleAllowlists[id] : undefined);
  const rules = spec.files.flatMap((file) =>
    // Every rule here was checked before: a custom one when its file was loaded (setup.ts).
    file.rules.filter((rule) => !disabled.has(rule.id)).map((rule) => withRuleAllowlist(compileRule(rule, file, `rules/${file.provider}.yaml`, true), ruleAllowlist(rule.id))),
  );
  const allowlist = compileAllowlist(spec.allowlist, 'allowlist');
  return { spec, ...(keywords ? { keywords } : {}), rules, byId: new Map(rules.map((rule) => [rule.id, rule])), detector: createDetector(rules, allowlist, keywords) };
}

/** The prefilter of the built-in rules alone, encoded: what the build ships as dist/keywords.bin. */
export function encodeBuiltinKeywords(files: RuleFileSpec[]): Uint8Array {
  const none: AllowlistEntries = { regexes: [], lines: [], stopwords: [] };
  return encodeKeywords(compileRuleset({ files, disabled: [], allowlist: none, ruleAllowlists: {} }).rules);
}

function compileAllowlist(entries: AllowlistEntries, where: string): GlobalAllowlist {
  return {
    regexes: entries.regexes.map((re, i) => compileRegex(re, '', `${where}.regexes[${i}]`, ConfigError)),
    lineRegexes: entries.lines.map((re, i) => compileRegex(re, '', `${where}.lines[${i}]`, ConfigError)),
    stopwords: entries.stopwords.map((word) => word.toLowerCase()),
  };
}

/** The config's allowlist for one rule (its findings there are suppressed, not dropped). */
function withRuleAllowlist(rule: Rule, entries: AllowlistEntries | undefined): Rule {
  return entries ? { ...rule, configAllowlist: compileAllowlist(entries, `ruleAllowlists.${rule.id}`) } : rule;
}
