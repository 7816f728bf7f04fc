/** Rule ids that name no rule, in the config and in `keyhound:allow <id>` comments. */
import { describe, expect, it } from 'vitest';
import { inlineAllowIds } from '../src/engine/line-suppressions.js';
import { unknownConfigRuleIds, unknownInlineRuleIds } from '../src/scan/unknown-rules.js';

const KNOWN = new Set(['stripe-live-secret-key', 'jwt', 'github-pat-classic']);

describe('inlineAllowIds', () => {
  it.each([
    ['const a = "x";', []],
    ['const a = "x"; // keyhound:allow', []],
    ['const a = "x"; // keyhound:allow -- a test key', []],
    ['const a = "x"; // keyhound:allow jwt', ['jwt']],
    ['const a = "x"; // keyhound:allow stripe-live-secret-kye -- typo', ['stripe-live-secret-kye']],
    ['a # keyhound:allow jwt, b # keyhound:allow github-pat', ['jwt', 'github-pat']],
    ['a # gitleaks:allow', []],
  ])('%j', (line, ids) => {
    expect(inlineAllowIds(line)).toEqual(ids);
  });
});

describe('unknownConfigRuleIds', () => {
  it.each([
    [{}, []],
    [{ disable: ['jwt'], ruleAllowlists: { 'github-pat-classic': {} } }, []],
    [{ disable: ['jwt', 'jwt-tokn'] }, ['.keyhound.yaml: disable: no rule has the id jwt-tokn (see keyhound rules list)']],
    [{ ruleAllowlists: { 'stripe-live': { paths: ['x'] }, jwt: {} } }, ['.keyhound.yaml: ruleAllowlists: no rule has the id stripe-live (see keyhound rules list)']],
    [{ disable: ['a'], ruleAllowlists: { b: {} } }, ['.keyhound.yaml: disable: no rule has the id a (see keyhound rules list)', '.keyhound.yaml: ruleAllowlists: no rule has the id b (see keyhound rules list)']],
  ])('%j', (spec, warnings) => {
    expect(unknownConfigRuleIds('.keyhound.yaml', spec, KNOWN)).toEqual(warnings);
  });
});

describe('unknownInlineRuleIds', () => {
  const at = (file: string, line: number, lineText: string, sha?: string) => ({
    ruleId: 'stripe-live-secret-key', file, line, lineText,
    ...(sha ? { commit: { sha, author: 'a', email: 'a@b', date: '2024-01-02T03:04:05Z', message: 'm' } } : {}),
  });

  it.each([
    [[at('a.js', 1, 'k = "sk_live_Q7wE****"')], []],
    [[at('a.js', 1, 'k = "sk_live_Q7wE****" // keyhound:allow jwt')], []],
    [[at('a.js', 1, 'k = "sk_live_Q7wE****" // keyhound:allow')], []],
    [[at('a.js', 2, 'k = "sk_live_Q7wE****" // keyhound:allow stripe-live-secret-kye')], ['a.js:2: keyhound:allow stripe-live-secret-kye: no rule has this id, so the stripe-live-secret-key finding is still reported']],
    // Two findings on one line, one warning; history names the commit.
    [[at('a.js', 3, 'x // keyhound:allow nope'), at('a.js', 3, 'x // keyhound:allow nope')], ['a.js:3: keyhound:allow nope: no rule has this id, so the stripe-live-secret-key finding is still reported']],
    [[at('a.js', 4, 'x // keyhound:allow nope', '3f2a9c1d5e7b4a6f8d0c')], ['3f2a9c1d5e7b:a.js:4: keyhound:allow nope: no rule has this id, so the stripe-live-secret-key finding is still reported']],
  ])('%j', (findings, warnings) => {
    expect(unknownInlineRuleIds(findings, KNOWN)).toEqual(warnings);
  });
});
