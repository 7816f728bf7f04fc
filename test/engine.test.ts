/** The detector's stages, each on its own, then together. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc24, hasBasicCredentials, hasPlausiblePemBody, hasValidGrafanaChecksum, hasValidBech32Checksum, hasValidCrc32Suffix, hasValidPgpChecksum, isAwsKeyId, isStructuredJwt } from '../src/engine/checks.js';
import { createDetector, onePerSpan } from '../src/engine/detect.js';
import { shannonEntropy } from '../src/engine/entropy.js';
import { LineIndex } from '../src/engine/lines.js';
import { isPlaceholder } from '../src/engine/placeholders.js';
import { buildPrefilter, encodePrefilter } from '../src/engine/prefilter.js';
import { regionsAround } from '../src/engine/windows.js';
import type { RawFinding, Rule } from '../src/engine/types.js';
import { compileRuleset, encodeBuiltinKeywords } from '../src/scan/ruleset.js';
import { readFileSync } from 'node:fs';
import { builtinRuleFilePaths, builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { parseRuleFile } from '../src/rules/rule-files.js';
import { fakeKeys, fakeRsaPem } from './helpers/keys.js';

function rule(id: string, pattern: string, extra: Partial<Rule> = {}): Rule {
  return {
    id, provider: 'test', description: id, severity: 'high', remediation: 'rotate it',
    keywords: [], regex: new RegExp(pattern, 'gd'), entropy: 0, span: 1024, generic: false, pairsWith: [], pairLines: 5, informs: [], placeholders: 'all', allowRegexes: [], stopwords: [], lines: 1, informative: false,
    ...extra,
  };
}

const builtin = compileRuleset({ files: await builtinRuleFiles(), disabled: [], allowlist: { regexes: [], lines: [], stopwords: [] }, ruleAllowlists: {} });
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
  it('check a Grafana service account token\'s CRC32 (little-endian hex)', () => {
    const token = ['glsa', 'A5U0xDzyKlsdOSbbzHz3Cbb1VgFpIZXd', '6da47cab'].join('_');
    expect(hasValidGrafanaChecksum(token)).toBe(true);
    expect(hasValidGrafanaChecksum(token.replace('6da47cab', '6da47cac'))).toBe(false);
  });
  it('check the AWS key id alphabet', () => {
    expect(isAwsKeyId(keys.awsKeyId)).toBe(true);
    expect(isAwsKeyId('AKIA0000111122223333')).toBe(false);
  });
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  it('require a JWT header with alg and a JSON payload', () => {
    expect(isStructuredJwt(`${part({ alg: 'HS256' })}.${part({ sub: 'a' })}.sig`)).toBe(true);
    expect(isStructuredJwt(`${part({ typ: 'JWT' })}.${part({ sub: 'a' })}.sig`)).toBe(false);
    expect(isStructuredJwt('eyJnotjson.eyJnotjson.sig')).toBe(false);
  });
  it('take a JWT signed with a documentation key ("secret", jwt.io\'s) for a sample', () => {
    const signed = (key: string) => {
      const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'user-8812' })}`;
      return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
    };
    expect(isStructuredJwt(signed('your-256-bit-secret'))).toBe(false);
    expect(isStructuredJwt(signed('secret'))).toBe(false);
    expect(isStructuredJwt(signed(keys.generic))).toBe(true);
  });
  it('want a PEM key body that is DER as long as the body, as a file or as code holds it', () => {
    const pem = fakeRsaPem().trim();
    const lines = pem.split('\n');
    const body = lines.slice(1, -1);
    const block = (inner: string[]) => [lines[0], ...inner, lines.at(-1)].join('\n');
    expect(hasPlausiblePemBody(pem)).toBe(true);
    expect(hasPlausiblePemBody(lines.join('\\n'))).toBe(true); // escaped line breaks, as in a JSON string
    expect(hasPlausiblePemBody(block(body.map((line) => `"${line}\\n" +`)))).toBe(true); // Java or JavaScript
    expect(hasPlausiblePemBody(block(body.map((line) => `"${line}\\n"\\`)))).toBe(true); // a C macro
    expect(hasPlausiblePemBody(block(body.map((line) => ` *  ${line}`)))).toBe(true); // a comment
    expect(hasPlausiblePemBody(block(body.slice(1)))).toBe(false); // a line missing
    expect(hasPlausiblePemBody(block([body[0]!, '...']))).toBe(false); // cut short in documentation
    expect(hasPlausiblePemBody(block(body.map((line) => `${line}&#10;`)))).toBeUndefined(); // a syntax not read
    const legacy = [lines[0], 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,5E22C1D0A4C3F8A1E2B4C6D8F0A2B4C6', '', Buffer.alloc(96, 7).toString('base64'), lines.at(-1)];
    expect(hasPlausiblePemBody(legacy.join('\n'))).toBe(true);
  });
  it('want HTTP Basic credentials to decode to a user and a password that is not a stand-in', () => {
    const basic = (text: string) => Buffer.from(text).toString('base64');
    expect(hasBasicCredentials(basic(`deploy:${keys.generic}`))).toBeUndefined(); // plausible: reported, with no more confidence
    expect(hasBasicCredentials(basic('svc-ci:Autumn2019x!').replace(/=+$/, ''))).toBeUndefined(); // padding left off
    expect(hasBasicCredentials(basic('Aladdin:open sesame'))).toBe(false); // RFC 7617's example
    expect(hasBasicCredentials(basic('username:password'))).toBe(false);
    expect(hasBasicCredentials(basic('deploy:${PASSWORD}'))).toBe(false);
    expect(hasBasicCredentials(basic('admin:admin'))).toBe(false); // the password is the user
    expect(hasBasicCredentials(basic('no colon here'))).toBe(false);
    expect(hasBasicCredentials(basic('deploy:'))).toBe(false);
    expect(hasBasicCredentials('constraints')).toBe(false); // prose after "Basic": not text once decoded
  });
  it('check the Bech32 checksum of an age identity', () => {
    const identity = ['AGE', 'SECRET', 'KEY', '1GDKXNC6AVZR5206LEGJSZH4D3S05ST3HZPTR2S3LDAFWYCU4CGJQJU0Q6A'].join('-');
    expect(hasValidBech32Checksum(identity)).toBe(true);
    expect(hasValidBech32Checksum(identity.replace('GDKX', 'GDKY'))).toBe(false);
  });
});

describe('placeholders', () => {
  it.each(['AKIAIOSFODNN7EXAMPLE', '6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe', 'sk_live_xxxxxxxxxxxxxxxxxxxx', '${API_KEY}', '{{ token }}', '<token>', 'process.env.TOKEN', 'changeme', 'your_api_key_here'])(
    'rejects %s',
    (value) => expect(isPlaceholder(value)).toBe(true),
  );
  it('keeps a random token', () => expect(isPlaceholder(keys.generic)).toBe(false));
  it('keeps example-looking values under the references policy, but never references or stand-ins', () => {
    for (const value of ['example.com', 'ExamplePas123', 'dummy@example.org']) {
      expect(isPlaceholder(value)).toBe(true);
      expect(isPlaceholder(value, 'references')).toBe(false);
    }
    for (const value of ['${FTP_HOST}', '<host>', 'your_password', 'xxxxxxxx']) expect(isPlaceholder(value, 'references')).toBe(true);
  });
});

describe('prefilter', () => {
  const rules = [rule('a', 'x', { keywords: ['sk_live_'] }), rule('b', 'x', { keywords: ['sk_'] }), rule('c', 'x', { keywords: ['live_key'] })];
  const prefilter = buildPrefilter(rules);
  const found = (candidates: Map<number, number[] | null>) => Object.fromEntries(candidates);
  it('selects no rule for text without keywords', () => expect(prefilter.scanText('nothing here').size).toBe(0));
  it('finds every occurrence, case-insensitively, nested keywords included', () => {
    expect(found(prefilter.scanText('x SK_LIVE_abc sk_'))).toEqual({ 0: [2], 1: [2, 14] });
  });
  it('sees a keyword that starts inside another one', () => {
    expect(found(prefilter.scanText('sk_live_key'))).toEqual({ 0: [0], 1: [0], 2: [3] });
  });
  it('gives the same answer on bytes as on text', () => {
    const text = 'a sk_live_ b\nLIVE_KEY c';
    expect(found(prefilter.scanBytes(Buffer.from(text)))).toEqual(found(prefilter.scanText(text)));
  });
  it('ignores non-ASCII characters', () => expect(found(prefilter.scanText('ésk_é'))).toEqual({ 1: [1] }));
  it('finds what a naive search finds, with every built-in keyword', () => {
    // Text made of keyword pieces, so that keywords overlap, nest and break off half-way.
    const keywords = [...new Set(builtin.rules.flatMap((r) => r.keywords))];
    let seed = 7;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const keyword = keywords[random(keywords.length)]!;
      const piece = keyword.slice(random(3), keyword.length - random(3));
      pieces.push(random(4) === 0 ? piece.toUpperCase() : piece, ['', ' ', '_', 'é'][random(4)]!);
    }
    const naive = (text: string) => {
      const expected = new Map<number, number[]>();
      const lower = text.toLowerCase();
      keywords.forEach((keyword, index) => {
        const at: number[] = [];
        for (let i = lower.indexOf(keyword); i !== -1; i = lower.indexOf(keyword, i + 1)) at.push(i);
        if (at.length) expected.set(index, at);
      });
      return expected;
    };
    const text = pieces.join('');
    const rules = keywords.map((keyword) => ({ keywords: [keyword] }));
    // Built here, and read back from its encoding (what the build ships for the built-in rules).
    for (const all of [buildPrefilter(rules), buildPrefilter(rules, encodePrefilter(rules))]) {
      for (const part of [text.slice(0, text.length / 3), text, text.slice(text.length / 2)]) {
        const expected = naive(part);
        expect(expected.size).toBeGreaterThan(30);
        expect(all.scanText(part)).toEqual(expected);
        expect(all.scanBytes(Buffer.from(part, 'latin1'))).toEqual(expected);
      }
    }
  });
  it('reads an encoded automaton back only for the keywords it was built for', () => {
    // Everything after its header zeroed: a prefilter that reads it finds nothing, one that builds its own finds all.
    const zeroed = Buffer.from(encodePrefilter(rules));
    zeroed.fill(0, (8 + zeroed.readUInt32LE(4) + 3) & ~3);
    expect(buildPrefilter(rules, zeroed).scanText('x sk_live_abc').size).toBe(0);
    const other = [...rules, rule('d', 'x', { keywords: ['other_'] })];
    expect(found(buildPrefilter(other, zeroed).scanText('x sk_live_abc other_'))).toEqual({ 0: [2], 1: [2], 3: [14] });
    expect(buildPrefilter(rules, Buffer.from('not an automaton')).scanText('sk_').size).toBe(1);
  });
});

describe("the build's prefilter of the built-in rules (dist/keywords.bin)", () => {
  it('is the one their rules, loaded from source, encode', async () => {
    const built = readFileSync(new URL('../dist/keywords.bin', import.meta.url));
    expect(Buffer.from(encodeBuiltinKeywords(await builtinRuleFiles())).equals(built)).toBe(true);
  });
});

describe('windows around keywords', () => {
  const filler = 'x'.repeat(200);
  const text = [filler, 'a token here', filler, filler, 'token again', filler, filler, filler].join('\n');
  it('cover the lines around each occurrence and merge overlaps', () => {
    const first = text.indexOf('token');
    const second = text.lastIndexOf('token');
    const line = (n: number) => text.split('\n').slice(0, n).join('\n').length + (n ? 1 : 0);
    expect(regionsAround(text, [first], 0)).toEqual([[line(1), line(2) - 1]]);
    expect(regionsAround(text, [first, second], 0)).toEqual([[line(1), line(2) - 1], [line(4), line(5) - 1]]);
    expect(regionsAround(text, [first, first + 2], 0)).toEqual([[line(1), line(2) - 1]]);
  });
  it('fall back to the whole text when most of it is covered or the rule has no keywords', () => {
    expect(regionsAround(text, null, 3)).toEqual([[0, text.length]]);
    expect(regionsAround(text, [100, 500, 900], 300)).toEqual([[0, text.length]]);
  });
  it('find a match far from the start of a long text exactly as a whole-text scan would', () => {
    const keys2 = fakeKeys(99);
    const long = `${'filler line\n'.repeat(5000)}key = "${keys2.github}"\n${'more\n'.repeat(5000)}`;
    const [finding] = builtin.detector.detect(long);
    expect(finding).toMatchObject({ line: 5001, column: 8, secret: keys2.github });
    expect(builtin.detector.detectBytes(Buffer.from(long))).toEqual(builtin.detector.detect(long));
  });

  it('place keywords right in bytes with a few or many multi-byte characters before them', () => {
    for (const count of [3, 100, 5000]) {
      const text = `${'é漢🔑'.repeat(count)}\n${'x '.repeat(600)}token = "${keys.github}"\n`;
      const fromBytes = builtin.detector.detectBytes(Buffer.from(text));
      expect(fromBytes.map((f) => [f.line, f.column, f.secret])).toEqual([[2, 1210, keys.github]]);
      expect(fromBytes).toEqual(builtin.detector.detect(text));
    }
  });
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
    const pem = fakeRsaPem().trim();
    const text = `x\nkey: |\n  ${pem}\n`;
    const [finding] = builtin.detector.detect(text);
    expect(finding?.rule.id).toBe('pem-private-key');
    expect(finding).toMatchObject({ line: 3, column: 3, endLine: 2 + pem.split('\n').length, endColumn: 30, confidence: 'high' });
  });
});

describe('detector', () => {
  it('honours inline suppressions of keyhound, gitleaks and detect-secrets', () => {
    for (const marker of ['keyhound:allow', 'gitleaks:allow', 'pragma: allowlist secret', 'keyhound:allow -- fixture']) {
      const findings = builtin.detector.detect(`t = "${keys.github}" # ${marker}`);
      expect(findings.map((f) => f.suppressedBy)).toEqual([`inline comment "${marker.replace(' -- fixture', '')}"`]);
    }
  });

  it('limits `keyhound:allow RULE-ID` to that rule', () => {
    const line = `a = "${keys.github}"; b = "${keys.stripe}" // keyhound:allow stripe-live-secret-key -- test fixture`;
    const findings = builtin.detector.detect(line).map((f) => [f.rule.id, f.suppressedBy]);
    expect(findings).toEqual([
      ['github-pat-classic', undefined],
      ['stripe-live-secret-key', 'inline comment "keyhound:allow stripe-live-secret-key"'],
    ]);
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
      ({ rule: r, secret: 's', start, end, line: 1, column: 1, endLine: 1, endColumn: 1, lineText: '', entropy: 0, confidence: 'medium' });
    expect(onePerSpan([make(g, 0, 10), make(a, 2, 8)]).map((f) => f.rule.id)).toEqual(['a']);
    expect(onePerSpan([make(a, 0, 4), make(a, 10, 14)])).toHaveLength(2);
  });
});

describe('decoding', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it('finds a key inside base64 (a Kubernetes Secret), at the encoded span', () => {
    const encoded = b64(keys.stripe);
    const text = `kind: Secret\ndata:\n  STRIPE: ${encoded}\n`;
    const [finding] = builtin.detector.detect(text);
    expect(finding).toMatchObject({ secret: keys.stripe, encoding: ['base64'], line: 3, column: 11, endColumn: 11 + encoded.length });
  });

  it('finds a token in a basic-auth header, base64 inside base64, hex, \\u escapes and percent-encoding', () => {
    const cases: Array<[string, string[]]> = [
      [`Authorization: Basic ${b64(`deploy:${keys.github}`)}`, ['base64']],
      [`data:\n  cfg: ${b64(`{"auth": "${b64(`token=${keys.github}`)}"}`)}`, ['base64', 'base64']],
      [`secret_hex = "${Buffer.from(`key ${keys.github}`).toString('hex')}"`, ['hex']],
      [`"token": "${[...keys.github].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('')}"`, ['unicode-escape']],
      [`url=https%3A%2F%2Fexample.test%2F%3Ftoken%3D${keys.github}`, ['percent']],
    ];
    for (const [text, encoding] of cases) {
      const findings = builtin.detector.detect(text).filter((f) => f.rule.id === 'github-pat-classic');
      expect(findings.map((f) => f.encoding), text).toEqual([encoding]);
    }
  });

  it('leaves random base64 and hashes alone', () => {
    const noise = `data:\n  blob: ${Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 97) % 256)).toString('base64')}\n  sha: ${'ab12'.repeat(10)}\n`;
    expect(builtin.detector.detect(noise)).toEqual([]);
  });
});

describe('paired credentials', () => {
  it('reports an AWS key id and its secret key near each other as one finding', () => {
    const text = `[default]\naws_access_key_id = ${keys.awsKeyId}\naws_secret_access_key = ${keys.awsSecret}\n`;
    const findings = builtin.detector.detect(text);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: { id: 'aws-secret-access-key' }, confidence: 'high', pair: { rule: { id: 'aws-access-key-id' }, secret: keys.awsKeyId, line: 2 } });
  });

  it('keeps them apart when they are far from each other', () => {
    const text = `aws_access_key_id = ${keys.awsKeyId}\n${'\n'.repeat(20)}aws_secret_access_key = ${keys.awsSecret}\n`;
    expect(builtin.detector.detect(text).map((f) => f.rule.id).sort()).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
  });
});

describe('informative findings', () => {
  const password = rule('password', 'pass=(?<secret>\\S+)');
  const host = rule('host', 'host=(?<secret>\\S+)', { severity: 'low', informs: ['password'], pairLines: 3, placeholders: 'references' });
  const detector = createDetector([password, host]);
  const ids = (text: string) => detector.detect(text).map((finding) => `${finding.rule.id}${finding.suppressedBy ? ' (suppressed)' : ''}`);

  it('are reported beside the credential they tell about, example hosts included', () => {
    expect(ids('host=files.example.com\npass=kChD4xH75znv')).toEqual(['host', 'password']);
  });
  it('are dropped without their credential, or when it is too far away', () => {
    expect(ids('host=files.example.com\nport=22')).toEqual([]);
    expect(ids('host=files.example.com\n\n\n\n\npass=kChD4xH75znv')).toEqual(['password']);
  });
  it('are suppressed with their credential', () => {
    expect(ids('host=files.example.com\npass=kChD4xH75znv # keyhound:allow')).toEqual(['host (suppressed)', 'password (suppressed)']);
  });
});

describe('PGP armour checksum', () => {
  it('accepts a block whose =XXXX line is the CRC-24 of its body, and cannot tell for a block without one', () => {
    const body = Buffer.from(`${keys.awsSecret}${keys.generic}${keys.stripe}`).toString('base64');
    const crc = Buffer.alloc(3);
    crc.writeUIntBE(crc24(Buffer.from(body, 'base64')), 0, 3);
    const block = (checksum: string) => `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body.match(/.{1,64}/g)!.join('\n')}\n${checksum}-----END PGP PRIVATE KEY BLOCK-----`;
    expect(hasValidPgpChecksum(block(`=${crc.toString('base64')}\n`))).toBe(true);
    expect(hasValidPgpChecksum(block(''))).toBeUndefined();
    expect(builtin.detector.detect(block(''))[0]).toMatchObject({ rule: { id: 'pgp-private-key-block' }, confidence: 'medium' });
    expect(hasValidPgpChecksum(block('=AAAA\n'))).toBe(false);
    expect(builtin.detector.detect(block(`=${crc.toString('base64')}\n`))[0]).toMatchObject({ rule: { id: 'pgp-private-key-block' }, confidence: 'high' });
  });
});

describe('regressions of the middle layer', () => {
  it('applies a rule\'s config allowlist to a key found inside encoded text, as to a plain one', () => {
    const withAllowlist = compileRuleset({
      files: builtin.spec.files, disabled: [], allowlist: { regexes: [], lines: [], stopwords: [] },
      ruleAllowlists: { 'github-pat-classic': { regexes: [], lines: ['ALLOWME'], stopwords: [] } },
    });
    const token = fakeKeys(51).github;
    const plain = withAllowlist.detector.detect(`token ${token} # ALLOWME`);
    const encoded = withAllowlist.detector.detect(`data:\n  TOKEN: ${Buffer.from(`token: ${token}`).toString('base64')} # ALLOWME\n`);
    expect(plain.map((finding) => [finding.rule.id, finding.suppressedBy])).toEqual([['github-pat-classic', 'ruleAllowlists.github-pat-classic.lines[0]']]);
    expect(encoded.map((finding) => [finding.rule.id, finding.encoding, finding.suppressedBy])).toEqual([
      ['github-pat-classic', ['base64'], 'ruleAllowlists.github-pat-classic.lines[0]'],
    ]);
  });

  it('compiles a rule of a ruleset only when a text needs it (its keywords occur) or its id is asked for', () => {
    // A spec no loader would pass (its allowlist regex does not compile) shows when the rule is made.
    const broken = { id: 'broken-rule', description: 'broken', severity: 'high' as const, keywords: ['zebra_'], pattern: '(?<secret>zebra_[a-z]{8})', allowlist: { regexes: ['('] }, examples: [] };
    const ruleset = compileRuleset({
      files: [...builtin.spec.files, { provider: 'Test', remediation: 'none', rules: [broken] }], disabled: [], allowlist: { regexes: [], lines: [], stopwords: [] }, ruleAllowlists: {},
    });
    const token = fakeKeys(52).github;
    expect(ruleset.detector.detect(`token ${token}`).map((finding) => finding.rule.id)).toEqual(['github-pat-classic']);
    expect(ruleset.byId.get('github-pat-classic')?.provider).toBe('github');
    expect(ruleset.gates.find((gate) => gate.id === 'broken-rule')).toEqual({ id: 'broken-rule', keywords: ['zebra_'], lines: 1 });
    expect(() => ruleset.detector.detect('zebra_abcdefgh')).toThrow(/broken-rule: allowlist\.regexes\[0\]/);
    expect(() => ruleset.byId.get('broken-rule')).toThrow(/broken-rule/);
  });

  it('reads the rules from rules/*.yaml when run from source, never a build in dist/', async () => {
    // Every pattern as the YAML says now (a stale dist/rules.json would differ after any edit).
    const fromYaml = new Map<string, string>();
    for (const path of builtinRuleFilePaths()) for (const rule of (await parseRuleFile(readFileSync(path, 'utf8'), path)).rules) fromYaml.set(rule.id, rule.pattern);
    const loaded = new Map((await builtinRuleFiles()).flatMap((file) => file.rules.map((rule) => [rule.id, rule.pattern] as const)));
    expect(loaded).toEqual(fromYaml);
  });
});
