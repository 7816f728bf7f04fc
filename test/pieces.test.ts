/** Patterns written for people: fragment lists and named pieces expand to one regex source. */
import { describe, expect, it } from 'vitest';
import { expandPattern, PIECES } from '../src/rules/pieces.js';

describe('expandPattern', () => {
  it.each([
    ['a plain string stays as it is', 'ab(?<secret>c)', {}, 'ab(?<secret>c)'],
    ['fragments are joined in order', ['ab', '(?<secret>', 'c)'], {}, 'ab(?<secret>c)'],
    ['a shared piece is replaced', '{{word-start}}x{{word-end}}', {}, `${PIECES['word-start']}x${PIECES['word-end']}`],
    ['a file piece may be a fragment list', 'x{{v}}', { v: ['[a-', 'z]'] }, 'x[a-z]'],
    ['a file piece may name shared pieces and other file pieces', '{{outer}}', { outer: '{{inner}}{{line-end}}', inner: 'y' }, `y${PIECES['line-end']}`],
    ['a file piece wins over a shared one of the same name', '{{word-end}}', { 'word-end': 'z' }, 'z'],
  ])('%s', (_, pattern, own, expected) => {
    expect(expandPattern(pattern, own, 'rules/x.yaml: rule r')).toBe(expected);
  });

  it('names the file, the rule and the unknown piece', () => {
    expect(() => expandPattern('{{nope}}', {}, 'rules/x.yaml: rule r')).toThrow(/rules\/x\.yaml: rule r: pattern names \{\{nope\}\}, which is no piece/);
  });

  it('refuses pieces that name each other in a cycle', () => {
    expect(() => expandPattern('{{a}}', { a: '{{b}}', b: '{{a}}' }, 'rules/x.yaml: rule r')).toThrow(/piece a names itself \(through a → b\)/);
  });
});
