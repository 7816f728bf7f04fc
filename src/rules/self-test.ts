/**
 * A rule file's own test cases: every example must be found by its rule (and no other),
 * every negative must stay silent, run through the real detector.
 */
import { createDetector, tellsAbout, type Detector } from '../engine/detect.js';
import type { Rule } from '../engine/types.js';
import type { LoadedRuleFile } from './rule-files.js';

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
