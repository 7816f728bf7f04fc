/**
 * From a verify spec and a secret to the HTTPS request, and from the answer to a
 * verdict. Pure: the transport (transport.ts) is the only part that touches the network.
 */
import { createHmac, sha256 } from '../builtins.js';
import type { AnswerCondition, VerifySpec } from '../engine/types.js';
import type { VerifyStatus } from '../findings/finding.js';

export interface VerifyRequest {
  method: 'GET' | 'POST' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  body: string;
}


/** The raw values a request may hold. */
export interface Credential {
  secret: string;
  pair?: string;
}

function fill(template: string, credential: Credential, encode: (value: string) => string = (value) => value): string {
  return template.replace(/\{\{(secret|pair)\}\}/g, (_, name: 'secret' | 'pair') => encode(credential[name] ?? ''));
}

export function buildRequest(spec: VerifySpec, credential: Credential, now: Date = new Date()): VerifyRequest {
  if (spec.signer === 'aws-sts') return awsStsRequest(credential, now);
  const headers: Record<string, string> = { 'user-agent': 'keyhound-verify', accept: 'application/json' };
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = fill(value, credential);
  if (spec.auth?.bearer) headers.authorization = `Bearer ${fill(spec.auth.bearer, credential)}`;
  if (spec.auth?.basic) {
    const [user, password] = spec.auth.basic.map((part) => fill(part, credential));
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  // In the URL a value is percent-encoded, so it cannot add path segments or parameters.
  const request: VerifyRequest = { method: spec.method ?? 'GET', url: fill(spec.url!, credential, encodeURIComponent), headers };
  if (spec.body !== undefined) request.body = fill(spec.body, credential);
  return request;
}

function matches(condition: AnswerCondition | undefined, answer: Answer, json: unknown): boolean {
  if (!condition) return false;
  const statuses = condition.status === undefined ? undefined : [condition.status].flat();
  if (statuses && !statuses.includes(answer.status)) return false;
  for (const [path, expected] of Object.entries(condition.json ?? {})) {
    const value = at(json, path);
    if (![expected].flat().includes(value as string | number | boolean)) return false;
  }
  return true;
}

/** A dotted path into parsed JSON (`business_profile.name`, `items.0.id`). */
function at(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** What the answer says: live, revoked, or unknown (a rate limit, an outage, an answer of another shape). */
export function readAnswer(spec: VerifySpec, answer: Answer): { status: VerifyStatus; identity?: Record<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  const live = spec.signer === 'aws-sts' ? answer.status === 200 : matches(spec.live, answer, json);
  if (live) {
    const identity = identityOf(spec, answer, json);
    return { status: 'live', ...(identity ? { identity } : {}) };
  }
  const revoked = spec.signer === 'aws-sts' ? answer.status === 403 : matches(spec.revoked, answer, json);
  return { status: revoked ? 'revoked' : 'unknown' };
}

/** At most this much of an identity value is kept. */
const MAX_IDENTITY = 120;

function identityOf(spec: VerifySpec, answer: Answer, json: unknown): Record<string, string> | undefined {
  const fields = spec.signer === 'aws-sts' ? awsIdentity(answer.body) : Object.fromEntries((spec.identity ?? []).map((path) => [path, at(json, path)]));
  const identity: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') identity[name] = String(value).slice(0, MAX_IDENTITY);
  }
  return Object.keys(identity).length ? identity : undefined;
}

// --- AWS: STS GetCallerIdentity, signed with Signature Version 4 ----------------------

const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** `GetCallerIdentity` needs no permission and changes nothing: the safest question AWS answers. */
function awsStsRequest(credential: Credential, now: Date): VerifyRequest {
  const keyId = credential.pair ?? '';
  const secret = credential.secret;
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/us-east-1/sts/aws4_request`;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'sts.amazonaws.com',
    'x-amz-date': amzDate,
  };
  const signed = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...signed.map((name) => `${name}:${headers[name]}`), '', signed.join(';'), sha256(body)].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signature = signatureV4(secret, day, 'us-east-1', 'sts', toSign);
  return {
    method: 'POST',
    url: 'https://sts.amazonaws.com/',
    headers: {
      ...headers,
      accept: 'application/json',
      'user-agent': 'keyhound-verify',
      authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
    },
    body,
  };
}

/** Signature Version 4: the signing key derived from the secret, day, region and service, applied to the string to sign. */
export function signatureV4(secret: string, day: string, region: string, service: string, stringToSign: string): string {
  const key = [region, service, 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), hmac(`AWS4${secret}`, day));
  return hmac(key, stringToSign).toString('hex');
}

function awsIdentity(body: string): Record<string, string> {
  const field = (name: string) => new RegExp(`<${name}>([^<]{1,200})</${name}>`).exec(body)?.[1];
  const identity: Record<string, string> = {};
  for (const name of ['Arn', 'Account', 'UserId']) {
    const value = field(name);
    if (value) identity[name] = value;
  }
  return identity;
}
