/** The detector's stages, each on its own, then together. */
import { describe, expect, it } from 'vitest';
import { hasValidCrc32Suffix, isAwsKeyId, isStructuredJwt } from '../src/engine/checks.js';
import { createDetector, onePerSpan } from '../src/engine/detect.js';
import { shannonEntropy } from '../src/engine/entropy.js';
import { LineIndex } from '../src/engine/lines.js';
import { isPlaceholder } from '../src/engine/placeholders.js';
import { buildPrefilter } from '../src/engine/prefilter.js';
import type { RawFinding, Rule } from '../src/engine/types.js';
import { compileRuleset } from '../src/scan/ruleset.js';
import { builtinRuleFiles } from '../src/config/builtin-rules.js';
import { fakeKeys } from './helpers/keys.js';

function rule(id: string, pattern: string, extra: Partial<Rule> = {}): Rule {
  return {
    id, provider: 'test', description: id, severity: 'high', remediation: 'rotate it',
    keywords: [], regex: new RegExp(pattern, 'gd'), entropy: 0, generic: false, allowRegexes: [], stopwords: [],
    ...extra,
  };
}

const builtin = compileRuleset({ files: await builtinRuleFiles(), disabled: [], allowlist: { regexes: [], stopwords: [] } });
const keys = fakeKeys(7);

describe('entropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy('')).toBe(0);
  });
});

describe('structural checks', () => {
  it('accept a GitHub token whose CRC32 suffix matches and reject one that does not', () => {
    expect(hasValidCrc32Suffix(keys.github)).toBe(true);
    expect(hasValidCrc32Suffix(keys.githubBadChecksum)).toBe(false);
  });
  it('check the AWS key id alphabet', () => {
    expect(isAwsKeyId(keys.awsKeyId)).toBe(true);
    expect(isAwsKeyId('AKIA0000111122223333')).toBe(false);
  });
  it('require a JWT header with alg and a JSON payload', () => {
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(isStructuredJwt(`${part({ alg: 'HS256' })}.${part({ sub: 'a' })}.sig`)).toBe(true);
    expect(isStructuredJwt(`${part({ typ: 'JWT' })}.${part({ sub: 'a' })}.sig`)).toBe(false);
    expect(isStructuredJwt('eyJnotjson.eyJnotjson.sig')).toBe(false);
  });
});

describe('placeholders', () => {
  it.each(['AKIAIOSFODNN7EXAMPLE', 'sk_live_xxxxxxxxxxxxxxxxxxxx', '${API_KEY}', '{{ token }}', '<token>', 'process.env.TOKEN', 'changeme', 'your_api_key_here'])(
    'rejects %s',
    (value) => expect(isPlaceholder(value)).toBe(true),
  );
  it('keeps a random token', () => expect(isPlaceholder(keys.generic)).toBe(false));
});

describe('prefilter', () => {
  const rules = [rule('a', 'x', { keywords: ['sk_live_'] }), rule('b', 'x', { keywords: ['sk_'] }), rule('c', 'x', { keywords: ['live_key'] })];
  const prefilter = buildPrefilter(rules);
  it('selects no rule for text without keywords', () => expect(prefilter.candidates('nothing here')).toEqual([]));
  it('activates the keywords a longer keyword contains', () => expect(prefilter.candidates('SK_LIVE_abc')).toEqual([0, 1]));
  it('sees a keyword that starts inside another match', () => expect(prefilter.candidates('sk_live_key')).toEqual([0, 1, 2]));
});

describe('line and column', () => {
  it('maps offsets to 1-based positions across LF and CRLF', () => {
    const index = new LineIndex('ab\r\ncd\nef');
    expect(index.position(0)).toEqual({ line: 1, column: 1 });
    expect(index.position(4)).toEqual({ line: 2, column: 1 });
    expect(index.position(8)).toEqual({ line: 3, column: 2 });
    expect(index.lineText(1)).toBe('ab');
  });

  it('locates single-line findings exactly', () => {
    const text = `one\n  token = "${keys.github}"\n`;
    const [finding] = builtin.detector.detect(text);
    expect(finding).toMatchObject({ line: 2, column: 12, endLine: 2, endColumn: 12 + keys.github.length });
  });

  it('locates multi-line findings from BEGIN to END', () => {
    const body = Array.from({ length: 3 }, (_, i) => Buffer.from(`${keys.awsSecret}${i}${keys.generic}`).toString('base64')).join('\n');
    const text = `x\nkey: |\n  -----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    const [finding] = builtin.detector.detect(text);
    expect(finding?.rule.id).toBe('pem-private-key');
    expect(finding).toMatchObject({ line: 3, column: 3, endLine: 7, endColumn: 30 });
  });
});

describe('detector', () => {
  it('honours inline suppressions of keyhound, gitleaks and detect-secrets', () => {
    for (const marker of ['keyhound:allow', 'gitleaks:allow', 'pragma: allowlist secret']) {
      expect(builtin.detector.detect(`t = "${keys.github}" # ${marker}`)).toEqual([]);
    }
  });

  it('drops a GitHub token with a wrong checksum, and the generic rule does not pick it up', () => {
    expect(builtin.detector.detect(`GITHUB_TOKEN=${keys.githubBadChecksum}`)).toEqual([]);
  });

  it('lets a specific rule win over the generic rule on the same span', () => {
    const ids = builtin.detector.detect(`api_key = "${keys.stripe}"`).map((f) => f.rule.id);
    expect(ids).toEqual(['stripe-live-secret-key']);
  });

  it('enforces the entropy floor', () => {
    const detector = createDetector([rule('r', '(?<secret>k_[a-z]{8})', { entropy: 2.5 })]);
    expect(detector.detect('k_aaaaabbb')).toEqual([]);
    expect(detector.detect('k_qwrtzpmn')).toHaveLength(1);
  });

  it('keeps one finding per span', () => {
    const a = rule('a', 'x');
    const g = rule('g', 'x', { generic: true });
    const make = (r: Rule, start: number, end: number): RawFinding =>
      ({ rule: r, secret: 's', start, end, line: 1, column: 1, endLine: 1, endColumn: 1, lineText: '', entropy: 0 });
    expect(onePerSpan([make(g, 0, 10), make(a, 2, 8)]).map((f) => f.rule.id)).toEqual(['a']);
    expect(onePerSpan([make(a, 0, 4), make(a, 10, 14)])).toHaveLength(2);
  });
});
