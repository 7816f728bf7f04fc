/**
 * --verify: one request to the provider's own host, read as live / revoked / unknown.
 * A local HTTPS server (its certificate made here, trusted by this test alone) answers
 * as providers document; every provider host name resolves to it only through the
 * library API's transport. The CLI is checked to make no connection at all without
 * --verify, and none with --dry-run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRule } from '../src/rules/rule-files.js';
import type { AnswerCondition, Rule, RuleSpec, VerifySpec } from '../src/engine/types.js';
import { makeFinding, type Finding } from '../src/findings/finding.js';
import { buildRequest, readAnswer, signatureV4 } from '../src/verify/request.js';
import { checkVerifySpec } from '../src/verify/spec.js';
import { httpsTransport } from '../src/verify/transport.js';
import { fileVerifyCache } from '../src/verify/cache.js';
import { verifyFindings } from '../src/verify/verify.js';
import { BIN, tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';

const HOST = 'api.keyhound-test.invalid';

describe('a verify spec', () => {
  it.each([
    ['http, not https', { url: `http://${HOST}/v1`, live: { status: 200 } }],
    ['the secret in the host', { url: 'https://{{secret}}.keyhound-test.invalid/v1', live: { status: 200 } }],
    ['user info that moves the host', { url: `https://${HOST}@elsewhere.invalid/v1`, live: { status: 200 } }],
    ['no live condition', { url: `https://${HOST}/v1` }],
  ])('is refused with %s', (_, spec) => {
    expect(() => checkVerifySpec(spec as VerifySpec, 'rules/x.yaml: rule r')).toThrow(/rules\/x\.yaml: rule r: verify/);
  });

  it('puts the secret where it says, percent-encoded in the address', () => {
    const request = buildRequest({ url: `https://${HOST}/bot{{secret}}/me?key={{secret}}`, auth: { basic: ['{{pair}}', '{{secret}}'] }, headers: { 'X-Key': '{{secret}}' } }, { secret: 'a/b?c', pair: 'user' });
    expect(request.url).toBe(`https://${HOST}/bota%2Fb%3Fc/me?key=a%2Fb%3Fc`);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('user:a/b?c').toString('base64')}`);
    expect(request.headers['x-key']).toBe('a/b?c');
  });

  it.each([
    [{ status: 200, body: '{"ok":true,"team":"acme"}' }, 'live'],
    [{ status: 200, body: '{"ok":false,"error":"invalid_auth"}' }, 'revoked'],
    [{ status: 200, body: '{"ok":false,"error":"ratelimited"}' }, 'unknown'],
    [{ status: 500, body: 'oops' }, 'unknown'],
  ])('reads %j as %s (Slack auth.test answers 200 either way)', (answer, status) => {
    const spec: VerifySpec = { url: `https://${HOST}/auth.test`, live: { status: 200, json: { ok: true } }, revoked: { json: { ok: false, error: ['invalid_auth', 'token_revoked'] } }, identity: ['team'] };
    expect(readAnswer(spec, answer).status).toBe(status);
  });

  it('signs AWS requests with Signature Version 4 (AWS\'s documented example)', () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object".
    const toSign = ['AWS4-HMAC-SHA256', '20130524T000000Z', '20130524/us-east-1/s3/aws4_request', '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972'].join('\n');
    expect(signatureV4('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3', toSign)).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });
});

/** A CA and a server certificate for the test host names, made with openssl for this run only. */
function certificates(hosts: readonly string[] = [HOST, 'sts.amazonaws.com']): { ca: string; key: string; cert: string } {
  const dir = tempDir('keyhound-tls-');
  const sh = (script: string) => {
    const result = spawnSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
  };
  sh('openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=keyhound test CA" 2>/dev/null');
  writeFileSync(join(dir, 'san.cnf'), `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}\n`);
  sh('openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=keyhound test" 2>/dev/null');
  sh('openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.cnf 2>/dev/null');
  return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
}

function rule(id: string, verify: VerifySpec, pairsWith?: string[]): Rule {
  const spec: RuleSpec = { id, description: id, severity: 'high', keywords: ['tok_'], pattern: '(?<secret>tok_[a-z0-9]{8})', examples: [], verify, ...(pairsWith ? { pairsWith } : {}) };
  return compileRule(spec, { provider: 'test', remediation: 'Rotate it.', rules: [spec] }, 'rules/test.yaml');
}

function finding(r: Rule, secret: string, pair?: string): Finding {
  return makeFinding(r, {
    secret, line: 1, column: 1, endLine: 1, endColumn: secret.length + 1, lineText: secret, entropy: 4, confidence: 'medium',
    ...(pair ? { pair: { ruleId: 'pair', secret: pair, line: 1, column: 1 } } : {}),
  }, 'a.env', 1);
}

/** Every host name to 127.0.0.1 (Node asks for all addresses when it tries several families). */
const toLocalhost: LookupFunction = (_host, options, callback) => {
  const done = callback as (error: null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
  if ((options as { all?: boolean }).all) done(null, [{ address: '127.0.0.1', family: 4 }]);
  else done(null, '127.0.0.1', 4);
};

describe('verifying against a local HTTPS server', () => {
  let server: Server;
  let port = 0;
  const requests: Array<{ method?: string; url?: string; host?: string; authorization?: string }> = [];
  let ca = '';

  beforeAll(async () => {
    const tls = certificates();
    ca = tls.ca;
    server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      requests.push({ method: request.method, url: request.url, host: request.headers.host, authorization: request.headers.authorization });
      const auth = request.headers.authorization ?? '';
      const answer = (status: number, body: object | string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (request.url === '/v1/account') {
        if (auth === 'Bearer tok_livelive') return answer(200, { email: 'owner@acme.example', id: 'acct_1Nq8ZrT4vW2kX9pL3mB7' });
        if (auth === 'Bearer tok_ratelimt') return answer(429, { error: 'slow down' });
        if (auth === 'Bearer tok_redirect') {
          response.writeHead(302, { location: 'https://elsewhere.invalid/steal' });
          return response.end();
        }
        return answer(401, { error: 'invalid api key' });
      }
      if (request.url === '/' && request.method === 'POST') {
        // STS: a signed request from a key id and secret; this server trusts any signature.
        return auth.startsWith('AWS4-HMAC-SHA256 Credential=AKIDTEST/') ? answer(200, '<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><Account>123456789012</Account></GetCallerIdentityResult>') : answer(403, 'denied');
      }
      return answer(404, 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const transport = () => httpsTransport({ ca, port, lookup: toLocalhost });
  const stripeLike = rule('test-key', { url: `https://${HOST}/v1/account`, auth: { bearer: '{{secret}}' }, live: { status: 200 }, revoked: { status: [401, 403] }, identity: ['email'] });

  it('reads live, revoked, rate-limited and redirected answers, sending each secret to the provider host only', async () => {
    const findings = ['tok_livelive', 'tok_deadbeef', 'tok_ratelimt', 'tok_redirect'].map((secret) => finding(stripeLike, secret));
    const sent = await verifyFindings(findings, () => stripeLike, { transport: transport(), hostIntervalMs: 1, retryPauseMs: 5 });
    expect(findings.map((f) => f.verification?.status)).toEqual(['live', 'revoked', 'unknown', 'unknown']);
    expect(findings[0]!.verification?.identity).toEqual({ email: 'owner@acme.example' });
    expect(findings[2]!.verification?.reason).toBe('rate limited');
    // Four findings, three retries after 429, and no request to the redirect's target.
    expect(sent).toBe(7);
    expect(requests.every((request) => request.host === HOST)).toBe(true);
    expect(JSON.stringify(findings)).not.toContain('tok_livelive');
  });

  it('remembers live and revoked answers (never the secret), and redacts an identity value shaped like a token', async () => {
    const file = join(tempDir(), 'verify-v1.json');
    const leaky = rule('test-identity', { url: `https://${HOST}/v1/account`, auth: { bearer: '{{secret}}' }, live: { status: 200 }, identity: ['id', 'email'] });
    const first = finding(leaky, 'tok_livelive');
    const before = requests.length;
    await verifyFindings([first], () => leaky, { transport: transport(), cache: fileVerifyCache(file) });
    expect(first.verification?.identity).toMatchObject({ email: 'owner@acme.example', id: expect.stringMatching(/^acct\*+$|^acct_\w{0,4}\*+$/) });
    expect(JSON.stringify(first)).not.toContain('acct_1Nq8ZrT4vW2kX9pL3mB7');
    const again = finding(leaky, 'tok_livelive');
    await verifyFindings([again], () => leaky, { transport: transport(), cache: fileVerifyCache(file) });
    expect(again.verification).toEqual(first.verification);
    expect(requests.length).toBe(before + 1);
    expect(readFileSync(file, 'utf8')).not.toContain('tok_livelive');
  });

  it('signs an AWS key pair and reads who it belongs to', async () => {
    const aws = rule('test-aws', { signer: 'aws-sts' });
    const pairFinding = finding(aws, 'tok_secretaw', 'AKIDTEST');
    await verifyFindings([pairFinding], () => aws, { transport: transport(), now: () => new Date('2026-12-03T00:00:00Z') });
    expect(pairFinding.verification).toMatchObject({ status: 'live', identity: { Arn: 'arn:aws:iam::123456789012:user/ci', Account: '123456789012' } });
    expect(requests.at(-1)!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20261203\/us-east-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('says unknown, quickly, when nothing answers', async () => {
    const dead = httpsTransport({ ca, port: 9, lookup: toLocalhost });
    const lonely = finding(stripeLike, 'tok_nobodyyy');
    const started = Date.now();
    await verifyFindings([lonely], () => stripeLike, { transport: dead });
    expect(lonely.verification).toMatchObject({ status: 'unknown' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('keyhound --verify on the command line', () => {
  /** A project with a custom rule that can be verified, and a file holding its token. */
  function project(config = ''): string {
    const dir = tempDir();
    writeTree(dir, {
      '.keyhound.yaml': `${config}rules:\n  - id: test-key\n    description: test key\n    severity: high\n    keywords: [tok_]\n    pattern: '(?<secret>tok_[a-z0-9]{8})'\n    examples: ['k = tok_q8w7e6r5']\n    verify:\n      url: https://${HOST}/v1/account\n      auth: { bearer: '{{secret}}' }\n      live: { status: 200 }\n`,
      'app.env': 'TOKEN=tok_z9y8x7w6\n',
    });
    return dir;
  }

  /** Every outgoing connection the process attempts, recorded by a preloaded module. */
  function connections(args: string[], cwd: string): { code: number; stderr: string; attempts: string[] } {
    const log = join(tempDir(), 'connections.log');
    const preload = join(tempDir(), 'no-net.cjs');
    writeFileSync(preload, `const fs = require('fs'); const net = require('net');
const record = (what) => fs.appendFileSync(${JSON.stringify(log)}, what + '\\n');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { record(JSON.stringify(args[0] && args[0].host || args[1] || args[0])); return connect.apply(this, args); };
`);
    const result = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: tempDir() } });
    let attempts: string[] = [];
    try {
      attempts = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      attempts = [];
    }
    return { code: result.status ?? -1, stderr: result.stderr, attempts };
  }

  it('makes no connection without --verify, nor with --dry-run, which lists the requests without the secret', () => {
    const dir = project();
    expect(connections(['scan', '.'], dir)).toMatchObject({ code: 1, attempts: [] });
    const dry = connections(['scan', '.', '--verify', '--dry-run'], dir);
    expect(dry).toMatchObject({ code: 1, attempts: [] });
    expect(dry.stderr).toContain(`keyhound verify (dry run, nothing sent): GET https://${HOST}/v1/account`);
    expect(dry.stderr).not.toContain('tok_z9y8x7w6');
  });

  it('asks the provider with --verify (here no network answers: unknown), and --only-verified keeps live findings only', () => {
    const dir = project();
    const asked = connections(['scan', '.', '--verify', '--only-verified', '--format', 'json'], dir);
    expect(asked.code).toBe(0);
    expect(asked.attempts.length).toBeGreaterThan(0);
    expect(asked.attempts.every((host) => host.includes(HOST))).toBe(true);
  });

  it('keeps the pre-commit hook offline unless the config allows it', async () => {
    const dir = project();
    spawnSync('git', ['init', '-q'], { cwd: dir });
    spawnSync('git', ['add', '-A'], { cwd: dir });
    const refused = await run(['staged', '--verify'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pre-commit hook stays offline; allow it with "verify: \{ staged: true \}"/);
    writeFileSync(join(dir, '.keyhound.yaml'), readFileSync(join(dir, '.keyhound.yaml'), 'utf8').replace(/^/, 'verify: { staged: true }\n'));
    const allowed = await run(['staged', '--verify', '--dry-run'], { cwd: dir });
    expect(allowed.stderr).toContain('dry run, nothing sent');
  });

  it('says --dry-run, --only-verified and --fail-on-verified need --verify', async () => {
    for (const flag of ['--dry-run', '--only-verified', '--fail-on-verified']) {
      const result = await run(['scan', '.', flag], { cwd: project() });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`keyhound: ${flag}: needs --verify\n`);
    }
  });
});


describe('the built-in verifiers', () => {
  it('cover at least 40 providers, each asking its own fixed https host', async () => {
    const { builtinRuleFiles } = await import('../src/rules/builtin-rules.js');
    const files = await builtinRuleFiles();
    const verified = files.filter((file) => file.rules.some((rule) => rule.verify));
    expect(verified.length).toBeGreaterThanOrEqual(40);
    for (const file of verified) {
      for (const spec of file.rules.flatMap((rule) => (rule.verify ? [rule.verify] : []))) {
        expect(() => checkVerifySpec(spec, `rules/${file.provider}.yaml`)).not.toThrow();
        // The provider's name, or its product's, is in the host it asks.
        if (spec.url) expect(new URL(spec.url.replace(/\{\{\w+\}\}/g, 'x')).protocol).toBe('https:');
      }
    }
  });
});

/** A JSON body that meets a condition's fields (the first allowed value of each), with the identity fields filled in. */
function bodyFor(condition: AnswerCondition | undefined, identity: readonly string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    const names = path.split('.');
    let node = body;
    for (const name of names.slice(0, -1)) node = (node[name] ??= {}) as Record<string, unknown>;
    node[names.at(-1)!] = value;
  };
  for (const path of identity) put(path, `who-${path}`);
  for (const [path, value] of Object.entries(condition?.json ?? {})) put(path, Array.isArray(value) ? value[0] : value);
  return body;
}

const firstStatus = (condition: AnswerCondition | undefined, fallback: number): number =>
  Array.isArray(condition?.status) ? condition.status[0]! : (condition?.status ?? fallback);

describe('every built-in verifier, against a local server that answers as its provider documents', () => {
  type Mode = 'live' | 'revoked' | 'rate-limited' | 'malformed';
  const withUrl: Array<{ rule: Rule; spec: VerifySpec; secret: string }> = [];
  let server: Server;
  let port = 0;
  let ca = '';
  let mode: Mode = 'live';
  let current: VerifySpec | undefined;
  const seen: Array<{ host?: string; raw: string }> = [];

  beforeAll(async () => {
    const { builtinRuleFilePaths } = await import('../src/rules/builtin-rules.js');
    const { compileRuleFile, parseRuleFile } = await import('../src/rules/rule-files.js');
    const { createDetector } = await import('../src/engine/detect.js');
    for (const path of builtinRuleFilePaths()) {
      const file = await parseRuleFile(readFileSync(path, 'utf8'), path);
      for (const rule of compileRuleFile(file, path).rules) {
        if (!rule.verify?.url) continue;
        const example = file.rules.find((spec) => spec.id === rule.id)!.examples[0]!;
        const found = createDetector([rule]).detect(example).find((raw) => raw.rule.id === rule.id);
        if (found) withUrl.push({ rule, spec: rule.verify, secret: found.secret });
      }
    }
    const hosts = [...new Set(withUrl.map(({ spec }) => new URL(spec.url!.replace(/\{\{\w+\}\}/g, 'x')).hostname))];
    const tls = certificates(hosts);
    ca = tls.ca;
    server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ host: request.headers.host, raw: `${request.url} ${JSON.stringify(request.headers)} ${body}` });
        const spec = current!;
        const [status, answer] =
          mode === 'live' ? [firstStatus(spec.live, 200), JSON.stringify(bodyFor(spec.live, spec.identity))]
          : mode === 'revoked' ? [firstStatus(spec.revoked, 401), JSON.stringify(bodyFor(spec.revoked))]
          : mode === 'rate-limited' ? [429, '{"error":"slow down"}']
          : [502, '<html>bad gateway</html>'];
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads live (with who the key belongs to), revoked, rate-limited and malformed answers, and sends each secret only to its own host', async () => {
    expect(withUrl.length).toBeGreaterThanOrEqual(60);
    const transport = httpsTransport({ ca, port, lookup: toLocalhost });
    const problems: string[] = [];
    for (const { rule, spec, secret } of withUrl) {
      current = spec;
      const host = new URL(spec.url!.replace(/\{\{\w+\}\}/g, 'x')).host;
      for (const next of ['live', 'revoked', 'rate-limited', 'malformed'] as const) {
        mode = next;
        const one = finding(rule, secret, spec.url!.includes('{{pair}}') || JSON.stringify(spec).includes('{{pair}}') ? 'pair-value-1234' : undefined);
        seen.length = 0;
        await verifyFindings([one], (id) => (id === rule.id ? rule : undefined), { transport, hostIntervalMs: 0, retryPauseMs: 1 });
        const expected = next === 'live' ? 'live' : next === 'revoked' && spec.revoked ? 'revoked' : 'unknown';
        if (one.verification?.status !== expected) problems.push(`${rule.id} ${next}: ${one.verification?.status} (${one.verification?.reason ?? ''})`);
        if (next === 'live' && spec.identity?.length && !Object.values(one.verification?.identity ?? {}).some((value) => value.startsWith('who-'))) problems.push(`${rule.id}: no identity`);
        if (!seen.length || seen.some((request) => request.host !== host)) problems.push(`${rule.id} ${next}: sent to ${seen.map((request) => request.host).join(', ')}`);
        const placed = [secret, encodeURIComponent(secret), Buffer.from(`${secret}:`).toString('base64').slice(0, 12)];
        if (!seen.every((request) => placed.some((form) => request.raw.includes(form)) || /basic /i.test(request.raw))) problems.push(`${rule.id}: the secret is not in the request`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
