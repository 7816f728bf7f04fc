/**
 * Values that look like secrets but are documentation keys, placeholders or
 * references to a secret stored elsewhere.
 */
import type { PlaceholderPolicy } from './types.js';

/** Keys published in vendors' documentation; they grant nothing. */
const DOCUMENTATION_KEYS = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe',
  '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',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  // Google reCAPTCHA's test site key and secret key: every verification with them passes
  // (developers.google.com/recaptcha/docs/faq, automated tests)
  '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI', '6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe',
  // OAuth 2.0 (RFC 6749, 6750) and OAuth 1.0 (RFC 5849) examples, copied into many libraries' docs
  '2YotnFZFEjr1zCsicMWpAA', 'tGzv3JOkF0XG5Qx2TlKWIA', 'SplxlOBeZQQYbYS6WxSbIA', '7Fjfp0ZBr1KtDRbnfVdmIw', 'gX1fBat3bV', 'mF_9.B5f-4.1JqM',
  'dpf43f3p2l4k3l03', 'kd94hf93k423kf44', 'hh5s93j4hdidpola', 'hdhd0244k9j7ao03', 'nnch734d00sl2jdk', 'pfkkdhi9sl3r4s00',
]);

/** Words that say a value stands in for the real one: your_api_key, changeme, <redacted>. */
const STAND_IN_WORDS =
  /placeholder|your[_-]?(?:api|secret|token|key|pass|own)|change[_-]?me|redacted|replace[_-]?(?:me|with|this)|insert[_-]|not[_-]?a[_-]?real/i;

/** Words of example and test values, and the alphabet in order (ABCDEFGHIJKLMNOP). */
const EXAMPLE_WORDS = /example|dummy|sample[_-]?(?:key|token|secret)|fake[_-]?(?:key|token|secret)|abcdefgh/i;

/** A name standing in for the value, letters and separators only: my_api_key, your-client-secret. */
const NAMED_STAND_IN = /^(?:my|your)[_-][A-Za-z]+(?:[_-][A-Za-z]+)*$/;

/** A value cut short in documentation: "U2FsdGVkX1...", "AKIA…". */
const ELLIPSIS = /(?:\.{3}|…)$/;

/** A run of mask characters (xxxxxx, ******, ......, 000000). */
const MASK_RUN = /([xX*#.•0])\1{5,}/;

/** Template and environment references: ${X}, {{ x }}, <token>, %(x)s, process.env.X … */
const REFERENCE =
  /\$\{|\{\{|\}\}|^<[^>]*>$|^%\(|^\$[A-Z_][A-Z0-9_]*$|process\.env|os\.environ|getenv|ENV\[|System\.getenv|secrets\.[A-Z_]/;

/**
 * True when the value is a placeholder or a reference rather than a secret. With the
 * `references` policy, example-looking values count: the value is context (a host at
 * example.com), or a program saved what its user typed (a password "ExamplePas123").
 */
export function isPlaceholder(secret: string, policy: PlaceholderPolicy = 'all'): boolean {
  return (
    REFERENCE.test(secret) ||
    MASK_RUN.test(secret) ||
    NAMED_STAND_IN.test(secret) ||
    ELLIPSIS.test(secret) ||
    STAND_IN_WORDS.test(secret) ||
    (policy === 'all' && (DOCUMENTATION_KEYS.has(secret) || EXAMPLE_WORDS.test(secret)))
  );
}
