/**
 * Crafted near-miss inputs for a rule: long runs that almost match, so that a pattern
 * that backtracks catastrophically shows it (see test/redos.test.ts). Built from the
 * rule itself (its keywords, the character classes of its pattern, its first example),
 * so that no key-shaped literal sits in a test source.
 */
import type { RuleSpec } from '../../src/engine/types.js';

/** Printable ASCII, tab and newline: the characters a class is sampled from. */
const CANDIDATES = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).concat('\t');

/** The bracket expressions of a pattern (`[A-Za-z0-9_-]`, `[^"\s]`), escapes kept. */
export function bracketClasses(pattern: string): string[] {
  const classes: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (ch !== '[') continue;
    let j = i + 1;
    if (pattern[j] === '^') j += 1;
    for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j += 1;
    classes.push(pattern.slice(i, j + 1));
    i = j;
  }
  return classes;
}

/** The characters (of CANDIDATES) a class matches, or '' when it does not compile alone. */
export function classChars(cls: string, caseInsensitive: boolean): string {
  let regex: RegExp;
  try {
    regex = new RegExp(`^${cls}$`, caseInsensitive ? 'i' : '');
  } catch {
    return '';
  }
  return CANDIDATES.filter((ch) => regex.test(ch)).join('');
}

/** A deterministic run of `length` characters drawn from `chars`. */
export function run(chars: string, length: number, seed: number): string {
  let state = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += chars[(state >>> 8) % chars.length];
  }
  return out;
}

/** Character sets worth repeating for a rule: its classes, widest first, plus word characters. */
function runSets(spec: RuleSpec): string[] {
  const sets = bracketClasses(spec.pattern).map((cls) => classChars(cls, spec.caseInsensitive ?? false)).filter((chars) => chars.length > 0);
  sets.sort((a, b) => b.length - a.length);
  return [...new Set([...sets.slice(0, 4), 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'])];
}

/** Pieces of text joined until they reach `size` characters. */
function fill(size: number, piece: (i: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const part = piece(i);
    parts.push(part);
    length += part.length;
  }
  return parts.join('').slice(0, size);
}

const SEPARATORS = ['', '=', ': ', '="', " = '", ' ', ':"', '\t', '/', '@'];

/**
 * Three near-miss shapes for one rule, each `size / 3` characters:
 * - the rule's keywords followed by long runs of its pattern's own character classes,
 *   never closed (no quote, no line break where one is awaited), on lines and as one long line;
 * - its first example with the last character repeated, again and again;
 * - keyword fragments alternating (`pa`, `pas`, `pass`… and keyword after keyword).
 */
export function nearMissShapes(spec: RuleSpec, size: number): Record<'classRuns' | 'exampleTail' | 'keywordFragments', string> {
  const third = Math.floor(size / 3);
  const keywords = spec.keywords.length ? spec.keywords : ['key'];
  const sets = runSets(spec);
  const lengths = [40, 130, 700, 4000];
  const half = Math.floor(third / 2);
  const classRuns =
    fill(half, (i) => `${keywords[i % keywords.length]}${SEPARATORS[i % SEPARATORS.length]}${run(sets[i % sets.length]!, lengths[i % lengths.length]!, i + 1)}\n`) +
    fill(third - half, (i) => `${keywords[i % keywords.length]}${SEPARATORS[(i + 3) % SEPARATORS.length]}${run(sets[i % sets.length]!, 9000, i + 7)}`);
  const example = spec.examples[0] ?? `${keywords[0]}=${run(sets[0]!, 32, 3)}`;
  const last = example.at(-1) ?? 'a';
  const exampleTail = fill(third, (i) => `${example.slice(0, -1)}${last.repeat(lengths[i % lengths.length]!)}${i % 2 ? '\n' : ' '}`);
  const keywordFragments = fill(third, (i) => {
    const keyword = keywords[i % keywords.length]!;
    const other = keywords[(i + 1) % keywords.length]!;
    const prefixes = Array.from({ length: keyword.length }, (_, n) => keyword.slice(0, n + 1)).join(i % 3 === 0 ? '' : SEPARATORS[i % SEPARATORS.length]!);
    return `${prefixes}${keyword}${other}`.repeat(8) + (i % 5 === 4 ? '\n' : '');
  });
  return { classRuns, exampleTail, keywordFragments };
}
