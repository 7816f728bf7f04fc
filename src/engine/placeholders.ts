/**
 * Values that look like secrets but are documentation keys, placeholders or
 * references to a secret stored elsewhere.
 */

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
]);

/** Words that mark a value as a stand-in for a real secret, and the alphabet in order (ABCDEFGHIJKLMNOP). */
const PLACEHOLDER_WORDS =
  /example|placeholder|your[_-]?(?:api|secret|token|key|pass|own)|change[_-]?me|dummy|redacted|replace[_-]?(?:me|with|this)|insert[_-]|sample[_-]?(?:key|token|secret)|not[_-]?a[_-]?real|fake[_-]?(?:key|token|secret)|abcdefgh/i;

/** A name standing in for the value, letters and separators only: my_api_key, your-client-secret. */
const NAMED_STAND_IN = /^(?:my|your)[_-][A-Za-z]+(?:[_-][A-Za-z]+)*$/;

/** A value cut short in documentation: "U2FsdGVkX1...", "AKIA…". */
const ELLIPSIS = /(?:\.{3}|…)$/;

/** A run of mask characters (xxxxxx, ******, ......, 000000). */
const MASK_RUN = /([xX*#.•0])\1{5,}/;

/** Template and environment references: ${X}, {{ x }}, <token>, %(x)s, process.env.X … */
const REFERENCE =
  /\$\{|\{\{|\}\}|^<[^>]*>$|^%\(|^\$[A-Z_][A-Z0-9_]*$|process\.env|os\.environ|getenv|ENV\[|System\.getenv|secrets\.[A-Z_]/;

/** True when the value is a placeholder or a reference rather than a secret. */
export function isPlaceholder(secret: string): boolean {
  return (
    DOCUMENTATION_KEYS.has(secret) ||
    PLACEHOLDER_WORDS.test(secret) ||
    MASK_RUN.test(secret) ||
    NAMED_STAND_IN.test(secret) ||
    ELLIPSIS.test(secret) ||
    REFERENCE.test(secret)
  );
}
