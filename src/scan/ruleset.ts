/** The rules and allowlists of one scan, in a form that can be sent to worker threads. */
import { ConfigError } from '../errors.js';
import { compileRegex, compileRule, ruleGate } from '../rules/rule-files.js';
import { createDetector, encodeKeywords, type Detector } from '../engine/detect.js';
import type { GlobalAllowlist, Rule, RuleFileSpec, RuleGate, RuleLookup } from '../engine/types.js';

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
  /** What the scan asks of every rule without compiling it: its id, keywords and reach. */
  gates: readonly RuleGate[];
  /** Every rule, compiled (all of them at once: for listing them). */
  readonly rules: readonly Rule[];
  /** A rule by id, compiled when first asked for; undefined for no rule (or a disabled one). */
  byId: RuleLookup;
  detector: Detector;
}

/**
 * `keywords`: the built-in rules' prefilter as the build encoded it (dist/keywords.bin),
 * used when this ruleset has exactly their keywords (no rule disabled or added).
 *
 * Each rule is compiled when a text first needs it (its keywords occur there), or when
 * asked for by id: a pre-commit hook's change needs a handful of 801 rules, and making
 * them all took it 5 ms.
 */
export function compileRuleset(spec: RulesetSpec, keywords?: Uint8Array): Ruleset {
  const disabled = new Set(spec.disabled);
  // Own keys only: a rule may be called `constructor`.
  const ruleAllowlist = (id: string) => (Object.hasOwn(spec.ruleAllowlists, id) ? spec.ruleAllowlists[id] : undefined);
  const specs = spec.files.flatMap((file) => file.rules.filter((rule) => !disabled.has(rule.id)).map((rule) => ({ rule, file })));
  const gates = specs.map(({ rule }) => ruleGate(rule));
  const compiled: Array<Rule | undefined> = [];
  const rule = (index: number): Rule => {
    const { rule: ruleSpec, file } = specs[index]!;
    // Every rule here was checked before: a custom one when its file was loaded (setup.ts).
    return (compiled[index] ??= withRuleAllowlist(compileRule(ruleSpec, file, `rules/${file.provider}.yaml`, true), ruleAllowlist(ruleSpec.id)));
  };
  const indexOf = new Map(gates.map((gate, index) => [gate.id, index]));
  const allowlist = compileAllowlist(spec.allowlist, 'allowlist');
  let all: Rule[] | undefined;
  return {
    spec,
    ...(keywords ? { keywords } : {}),
    gates,
    get rules() {
      return (all ??= gates.map((_, index) => rule(index)));
    },
    byId: {
      get(id) {
        const index = indexOf.get(id);
        return index === undefined ? undefined : rule(index);
      },
    },
    detector: createDetector({ gates, rule }, allowlist, keywords),
  };
}

/** The prefilter of the built-in rules alone, encoded: what the build ships as dist/keywords.bin. */
export function encodeBuiltinKeywords(files: RuleFileSpec[]): Uint8Array {
  return encodeKeywords(files.flatMap((file) => file.rules.map(ruleGate)));
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
