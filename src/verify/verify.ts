/**
 * `--verify`: asks each finding's provider whether the credential still works, with the
 * one request its rule names (spec.ts), sent to that provider's fixed host only.
 * Bounded on every side: a timeout per request, a few requests at a time, a pause
 * between requests to one host and a back-off when it answers 429, and a budget for
 * the whole run; whatever is left when it runs out is `unknown`. A dead network makes
 * every answer `unknown` quickly, and the scan still succeeds. `dryRun` lists the
 * requests (method and address, with the secret's place shown, never the secret).
 */
import { shannonEntropy } from '../engine/entropy.js';
import { rawSecret, withRawSecrets, type Finding, type Verification } from '../findings/finding.js';
import { redact } from '../findings/redact.js';
import type { VerifyCache } from './cache.js';
import { buildRequest, readAnswer } from './request.js';
import type { Rule, VerifySpec } from '../engine/types.js';
import { verifyOrigin } from './spec.js';
import { httpsTransport, type Transport } from './transport.js';

export interface VerifyOptions {
  /** List the requests instead of sending them. */
  dryRun?: boolean;
  /** Where requests go: the real network by default. Only the library API can change it (tests). */
  transport?: Transport;
  timeoutMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** At least this long between two requests to one host. */
  hostIntervalMs?: number;
  /** The whole run's time; past it, what is left is `unknown`. */
  budgetMs?: number;
  /** The first pause after a 429 answer; each next one is twice as long. */
  retryPauseMs?: number;
  cache?: VerifyCache;
  now?: () => Date;
  /** Each request's description, as it is sent (or, in a dry run, instead). */
  onRequest?: (description: string) => void;
}

const DEFAULTS = { timeoutMs: 10_000, concurrency: 4, hostIntervalMs: 250, budgetMs: 120_000, retryPauseMs: 1000 };
/** Tries after a 429 answer, each after a longer pause (or the provider's Retry-After, capped). */
const RETRIES_AFTER_429 = 3;
const MAX_RETRY_PAUSE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request as a dry run and the log show it: the spec's own address, the secret's place marked. */
export function describeRequest(spec: VerifySpec): string {
  if (spec.signer === 'aws-sts') return 'POST https://sts.amazonaws.com/ (GetCallerIdentity, signed with the key; the secret is not sent)';
  return `${spec.method ?? 'GET'} ${spec.url}`;
}

/** A value shaped like a token (one long run of token characters, high entropy), not a name, an e-mail or an ARN. */
const looksSecret = (value: string): boolean => /^[A-Za-z0-9+/=_.-]{20,}$/.test(value) && shannonEntropy(value) >= 3.5;

/** Identity values are shown, but not one that looks like a secret itself. */
function safeIdentity(identity: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!identity) return undefined;
  return Object.fromEntries(Object.entries(identity).map(([name, value]) => [name, looksSecret(value) ? redact(value) : value]));
}

/**
 * Sets `verification` on every finding whose rule can be verified; returns how many
 * requests were sent (or, in a dry run, would be).
 */
export async function verifyFindings(findings: readonly Finding[], ruleFor: (ruleId: string) => Rule | undefined, options: VerifyOptions = {}): Promise<number> {
  const settings = { ...DEFAULTS, ...options };
  const transport = options.transport ?? httpsTransport();
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const nextSlot = new Map<string, number>();
  let sent = 0;

  const jobs = findings.flatMap((finding) => {
    const spec = ruleFor(finding.ruleId)?.verify;
    return spec ? [{ finding, spec }] : [];
  });

  const ask = async (finding: Finding, spec: VerifySpec): Promise<Verification> => {
    const cached = options.cache?.get(finding);
    if (cached) return cached;
    const origin = verifyOrigin(spec);
    const credential = { secret: rawSecret(finding), ...(withRawSecrets(finding).pair ? { pair: withRawSecrets(finding).pair!.secret } : {}) };
    for (let attempt = 0; ; attempt++) {
      if (Date.now() - started > settings.budgetMs) return { status: 'unknown', checkedAt: now().toISOString(), reason: 'the verification budget ran out' };
      // One host at a time, spaced out: never a burst at one provider.
      const slot = Math.max(Date.now(), nextSlot.get(origin) ?? 0);
      nextSlot.set(origin, slot + settings.hostIntervalMs);
      if (slot > Date.now()) await sleep(slot - Date.now());
      sent += 1;
      options.onRequest?.(describeRequest(spec));
      try {
        const answer = await transport(buildRequest(spec, credential, now()), settings.timeoutMs);
        if (answer.status === 429 && attempt < RETRIES_AFTER_429) {
          nextSlot.set(origin, Date.now() + Math.min(MAX_RETRY_PAUSE_MS, settings.retryPauseMs * 2 ** attempt));
          continue;
        }
        const verdict = answer.status === 429 ? { status: 'unknown' as const } : readAnswer(spec, answer);
        const identity = safeIdentity(verdict.identity);
        const result: Verification = {
          status: verdict.status,
          checkedAt: now().toISOString(),
          ...(identity ? { identity } : {}),
          ...(verdict.status === 'unknown' ? { reason: answer.status === 429 ? 'rate limited' : `unexpected answer (HTTP ${answer.status})` } : {}),
        };
        if (result.status === 'live' || result.status === 'revoked') options.cache?.set(finding, result);
        return result;
      } catch (error) {
        // The message names the failure (a timeout, a refused connection), never the request's secret.
        return { status: 'unknown', checkedAt: now().toISOString(), reason: (error as Error).message.slice(0, 200) };
      }
    }
  };

  if (options.dryRun) {
    for (const { spec } of jobs) options.onRequest?.(describeRequest(spec));
    return jobs.length;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { finding, spec } = jobs[next++]!;
      finding.verification = await ask(finding, spec);
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, jobs.length) }, worker));
  await options.cache?.save();
  return sent;
}
