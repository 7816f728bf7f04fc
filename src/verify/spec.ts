/**
 * How a rule says its credential can be checked with its provider: one side-effect-free
 * HTTPS request, and how to read the answer. Data in the rule file:
 *
 *   verify:
 *     url: https://api.stripe.com/v1/account   # the provider's fixed host; {{secret}} may
 *     method: GET                              #   stand in the path or query, never the host
 *     auth: { bearer: '{{secret}}' }           # or basic: ['{{secret}}', ''], or headers:
 *     live: { status: 200 }
 *     revoked: { status: [401, 403] }
 *     identity: [email, business_profile.name] # fields of the JSON answer: whose key it is
 *
 * `{{pair}}` stands for the other half of a paired credential. A signed request (AWS) is
 * code instead: `signer: aws-sts`.
 */
import type { VerifySpec } from '../engine/types.js';
import { KeyhoundError } from '../errors.js';


export const SIGNERS = ['aws-sts'] as const;

/** `https://host[:port]` before any placeholder: the request can go nowhere else. */
function fixedOrigin(url: string): string | undefined {
  const match = /^https:\/\/([a-z0-9.-]+(?::\d{1,5})?)(?=[/?]|$)/i.exec(url);
  return match && !match[1]!.includes('{{') ? `https://${match[1]!.toLowerCase()}` : undefined;
}

/** Refuses a spec that could send a secret anywhere but its provider's fixed HTTPS host. */
export function checkVerifySpec(spec: VerifySpec, where: string): void {
  if (spec.signer) {
    if (!SIGNERS.includes(spec.signer)) throw new KeyhoundError(`${where}: verify.signer: unknown signer ${spec.signer}`);
    return;
  }
  if (!spec.url) throw new KeyhoundError(`${where}: verify: needs a url (or a signer)`);
  if (!fixedOrigin(spec.url)) throw new KeyhoundError(`${where}: verify.url: must be https:// with a fixed host (placeholders only in the path or query)`);
  if (!spec.live) throw new KeyhoundError(`${where}: verify: needs a live condition`);
}

/** The origin (`https://host`) a spec sends to; for signers, their fixed endpoint. */
export function verifyOrigin(spec: VerifySpec): string {
  if (spec.signer === 'aws-sts') return 'https://sts.amazonaws.com';
  return fixedOrigin(spec.url ?? '')!;
}
