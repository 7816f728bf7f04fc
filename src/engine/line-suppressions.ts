/**
 * What suppresses the findings on a line: inline ignore comments and the config's line
 * regexes. Worked out once per line of a text, not once per finding: a minified line of
 * megabytes can hold thousands of findings, and reading the whole line for each of them
 * made such a file take time quadratic in its length.
 */
import type { LineIndex } from './lines.js';
import type { GlobalAllowlist } from './types.js';

/**
 * Comments that suppress a finding on their line, ours and those of the tools people
 * move from. `keyhound:allow RULE-ID` suppresses only that rule's findings.
 */
const INLINE_ALLOW = /keyhound:allow(?:[ \t]+(?!--)([a-z0-9]+(?:-[a-z0-9]+)*))?|gitleaks:allow|pragma: allowlist secret/g;

interface InlineComment {
  text: string;
  /** Set when the comment names one rule. */
  onlyRule?: string;
}

const mentionsAllow = (text: string): boolean => text.includes(':allow') || text.includes('allowlist secret');

/** The inline ignore comments on one line. */
function inlineComments(lineText: string): InlineComment[] {
  if (!mentionsAllow(lineText)) return [];
  return [...lineText.matchAll(INLINE_ALLOW)].map((match) => ({ text: match[0], ...(match[1] ? { onlyRule: match[1] } : {}) }));
}

/** The rule ids that `keyhound:allow <id>` comments on a line name. */
export function inlineAllowIds(lineText: string): string[] {
  return inlineComments(lineText).flatMap(({ onlyRule }) => (onlyRule ? [onlyRule] : []));
}

export class LineSuppressions {
  /** Whether the text mentions an inline comment at all: most texts do not, and then no line is read. */
  private anyComment: boolean | undefined;
  private readonly comments = new Map<number, InlineComment[]>();
  private readonly lineRegexes = new Map<GlobalAllowlist, Map<number, RegExp | null>>();

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  /** Why a finding of this rule on this (1-based) line is suppressed by a comment, if it is. */
  comment(line: number, ruleId: string): string | undefined {
    this.anyComment ??= mentionsAllow(this.text);
    if (!this.anyComment) return undefined;
    let comments = this.comments.get(line);
    if (!comments) {
      comments = inlineComments(this.lines.lineText(line));
      this.comments.set(line, comments);
    }
    const comment = comments.find(({ onlyRule }) => onlyRule === undefined || onlyRule === ruleId);
    return comment && `inline comment "${comment.text}"`;
  }

  /** The allowlist's first line regex that matches this line, if one does. */
  lineRegex(line: number, allowlist: GlobalAllowlist): RegExp | undefined {
    if (allowlist.lineRegexes.length === 0) return undefined;
    let byLine = this.lineRegexes.get(allowlist);
    if (!byLine) this.lineRegexes.set(allowlist, (byLine = new Map()));
    let found = byLine.get(line);
    if (found === undefined) {
      const lineText = this.lines.lineText(line);
      found = allowlist.lineRegexes.find((candidate) => candidate.test(lineText)) ?? null;
      byLine.set(line, found);
    }
    return found ?? undefined;
  }
}
