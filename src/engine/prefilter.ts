/**
 * Keyword prefilter: one pass over the text tells which rules could match at all.
 * Most text matches no keyword and costs this one scan.
 */
import type { Rule } from './types.js';

export interface Prefilter {
  /** Indexes (into the rule list) of the rules whose keywords occur in the text. */
  candidates(text: string): number[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function buildPrefilter(rules: readonly Rule[]): Prefilter {
  const rulesByKeyword = new Map<string, Set<number>>();
  rules.forEach((rule, index) => {
    for (const keyword of rule.keywords) {
      const set = rulesByKeyword.get(keyword) ?? new Set<number>();
      set.add(index);
      rulesByKeyword.set(keyword, set);
    }
  });
  // Longest first, so that at one position the most specific keyword wins; a match
  // also activates every keyword it contains ("sk_live_" implies "sk_").
  const keywords = [...rulesByKeyword.keys()].sort((a, b) => b.length - a.length);
  const activates = new Map<string, number[]>();
  for (const keyword of keywords) {
    const ids = new Set<number>();
    for (const other of keywords) {
      if (keyword.includes(other)) for (const id of rulesByKeyword.get(other)!) ids.add(id);
    }
    activates.set(keyword, [...ids]);
  }
  const always = rules.flatMap((rule, index) => (rule.keywords.length === 0 ? [index] : []));
  const combined = keywords.length ? new RegExp(keywords.map(escapeRegex).join('|'), 'gi') : undefined;

  return {
    candidates(text: string): number[] {
      if (!combined) return always;
      const found = new Set<number>(always);
      const seen = new Set<string>();
      combined.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = combined.exec(text)) !== null) {
        const keyword = match[0].toLowerCase();
        if (!seen.has(keyword)) {
          seen.add(keyword);
          for (const id of activates.get(keyword) ?? []) found.add(id);
          if (found.size === rules.length) break;
        }
        // Resume one character on, so a keyword starting inside this match is seen too.
        combined.lastIndex = match.index + 1;
      }
      return [...found].sort((a, b) => a - b);
    },
  };
}
