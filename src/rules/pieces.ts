/**
 * Patterns a reviewer can read. A rule's `pattern` is a string or a list of fragments
 * joined in order (each on its own line, with a YAML comment beside it), and it may
 * name shared pieces as `{{name}}`: the boundaries below, or pieces the rule file
 * defines under `pieces:`. Expanded once when the file is loaded, so the detector sees
 * one plain regex source.
 */
import { RuleError } from '../errors.js';
import type { RuleFileSpec, RuleSpec } from '../engine/types.js';

/** The boundaries rules use again and again; each says what may not touch the match. */
export const PIECES: Readonly<Record<string, string>> = {
  /** Not inside a longer word: no letter, digit or _ before / after. */
  'word-start': '(?<![A-Za-z0-9_])',
  'word-end': '(?![A-Za-z0-9_])',
  /** Not inside a longer token: no letter, digit, _ or - before / after. */
  'token-start': '(?<![A-Za-z0-9_-])',
  'token-end': '(?![A-Za-z0-9_-])',
  /** Not inside a dotted name either (a host, a module path). */
  'dotted-start': '(?<![A-Za-z0-9_.-])',
  /** The same for case-insensitive rules, written in lower case. */
  'lower-start': '(?<![a-z0-9])',
  'lower-end': '(?![a-z0-9])',
  'lower-token-end': '(?![a-z0-9_-])',
  /** At the start / end of a line. */
  'line-start': '(?<![^\\n])',
  'line-end': '(?![^\\r\\n])',
  /** No more base64 after it. */
  'base64-end': '(?![A-Za-z0-9+/=])',
};

export type PatternSource = string | readonly string[];

/** A rule file as written: patterns may be fragment lists naming pieces; the file may define its own pieces. */
export interface WrittenRuleFile extends Omit<RuleFileSpec, 'rules'> {
  pieces?: Record<string, PatternSource>;
  rules: Array<Omit<RuleSpec, 'pattern'> & { pattern: PatternSource }>;
}

const NAME = /\{\{([a-z0-9-]+)\}\}/g;

/**
 * The plain regex source of a pattern: fragments joined, `{{pieces}}` replaced. A file's
 * pieces may name shared pieces and each other, but not in a cycle.
 */
export function expandPattern(pattern: PatternSource, own: Readonly<Record<string, PatternSource>>, where: string, using: readonly string[] = []): string {
  const joined = typeof pattern === 'string' ? pattern : pattern.join('');
  return joined.replace(NAME, (_, name: string) => {
    if (Object.hasOwn(own, name)) {
      if (using.includes(name)) throw new RuleError(`${where}: piece ${name} names itself (through ${using.join(' → ')})`);
      return expandPattern(own[name]!, own, where, [...using, name]);
    }
    if (Object.hasOwn(PIECES, name)) return PIECES[name]!;
    throw new RuleError(`${where}: pattern names {{${name}}}, which is no piece (shared: ${Object.keys(PIECES).join(', ')})`);
  });
}

/** The rule file the rest of keyhound works with: every pattern one plain string. */
export function expandRuleFile(written: WrittenRuleFile, source: string): RuleFileSpec {
  const { pieces = {}, rules, ...rest } = written;
  return {
    ...rest,
    rules: rules.map((rule) => ({ ...rule, pattern: expandPattern(rule.pattern, pieces, `${source}: rule ${rule.id}`) })),
  };
}
