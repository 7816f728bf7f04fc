/** The rules and allowlists of one scan, in a form that can be sent to worker threads. */
import { compileRegex, compileRule } from '../config/rule-files.js';
import { createDetector, type Detector } from '../engine/detect.js';
import type { Rule, RuleFileSpec } from '../engine/types.js';

export interface RulesetSpec {
  files: RuleFileSpec[];
  disabled: string[];
  allowlist: { regexes: string[]; stopwords: string[] };
}

export interface Ruleset {
  spec: RulesetSpec;
  rules: Rule[];
  byId: Map<string, Rule>;
  detector: Detector;
}

export function compileRuleset(spec: RulesetSpec): Ruleset {
  const disabled = new Set(spec.disabled);
  const rules = spec.files.flatMap((file) =>
    file.rules.filter((rule) => !disabled.has(rule.id)).map((rule) => compileRule(rule, file, `rules/${file.provider}.yaml`)),
  );
  const allowlist = {
    regexes: spec.allowlist.regexes.map((re, i) => compileRegex(re, '', `allowlist.regexes[${i}]`)),
    stopwords: spec.allowlist.stopwords.map((word) => word.toLowerCase()),
  };
  return { spec, rules, byId: new Map(rules.map((rule) => [rule.id, rule])), detector: createDetector(rules, allowlist) };
}
