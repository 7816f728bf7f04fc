/**
 * Test and sample code: the directories and file names that hold tests, their data,
 * and examples. (Not .env.example and the like: a copy of the real .env is a common leak.) Findings of generic rules (a high-entropy value assigned to a
 * secret-looking name) and notes (public keys) are suppressed there
 * unless the config says `reportLowInTests: true`: test vectors, fixtures and examples
 * are made of such values. A provider's credential (sk_live_…, a test-mode key, AKIA…,
 * a private key) is reported there as anywhere.
 */
const TEST_DIRECTORY =
  /(?:^|\/)(?:t|tests?|testdata|test[_-]data|__tests__|spec|specs|fixtures|__fixtures__|__mocks__|regress|examples?|samples?|demos?)\//i;
const TEST_FILE =
  /(?:^|\/)(?:test_[^/]*\.py|[^/]*_test\.(?:go|py|rb|exs?)|[^/]*\.(?:test|spec)\.[cm]?[jt]sx?|[^/]*_spec\.rb|[^/]*Tests?\.(?:java|kt|cs|scala|swift))$/;

/** True when a path (relative to the repository root, `/`-separated) is test or sample code. */
export function isTestPath(path: string): boolean {
  return TEST_DIRECTORY.test(path) || TEST_FILE.test(path);
}
