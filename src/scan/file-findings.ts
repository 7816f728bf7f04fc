/**
 * Raw findings as plain data (they cross from worker threads by copy), and the one place
 * they become findings: placeFindings, whatever their source.
 */
import type { RawFinding, RuleLookup } from '../engine/types.js';
import { makeFinding, type Finding, type Located } from '../findings/finding.js';
import type { Place } from '../sources/types.js';

export interface FileFinding extends Located {
  ruleId: string;
  /** Where inside the scanned file it was found (`outer.zip!inner/path`); absent: the file itself. */
  file?: string;
}

/**
 * How much of a finding's line travels with it, on either side of the secret: more than
 * any report shows (maskLine keeps 160 characters). Findings cross from worker threads
 * by copy, and a minified line of megabytes can hold thousands of them.
 */
const LINE_CONTEXT = 200;

/** Plain data (no rule object, no RegExp), so results can cross from a worker thread. */
export function toFileFindings(findings: RawFinding[]): FileFinding[] {
  return findings.map(({ rule, secret, line, column, endLine, endColumn, lineText, otherSpans, entropy, suppressedBy, confidence, encoding, pair }) => {
    const from = Math.max(0, column - 1 - LINE_CONTEXT);
    const to = Math.min(lineText.length, (endLine === line ? endColumn - 1 : lineText.length) + LINE_CONTEXT);
    const inWindow = (offset: number): number => Math.min(Math.max(offset - from, 0), to - from);
    const others = otherSpans?.filter(([start, end]) => end > from && start < to).map(([start, end]) => [inWindow(start), inWindow(end)] as const);
    return {
      ruleId: rule.id, secret, line, column, endLine, endColumn, entropy, confidence,
      lineText: lineText.slice(from, to),
      ...(from > 0 ? { lineOffset: from } : {}),
      ...(others?.length ? { otherSpans: others } : {}),
      ...(suppressedBy ? { suppressedBy } : {}),
      ...(encoding ? { encoding } : {}),
      ...(pair ? { pair: { ruleId: pair.rule.id, secret: pair.secret, line: pair.line, column: pair.column } } : {}),
    };
  });
}

/**
 * The one place raw findings become findings, whatever their source: each is placed in
 * its fragment (path, first line, commit); one found inside an archive keeps its path there.
 */
export function placeFindings(found: readonly FileFinding[], place: Place, rules: RuleLookup): Finding[] {
  return found.map((raw) => makeFinding(rules.get(raw.ruleId)!, raw, raw.file ?? place.path, place.startLine, place.commit));
}
