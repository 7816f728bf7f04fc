/**
 * Expected failures: a bad option, a bad rule file, a path that cannot be read.
 * The CLI prints their one-line message (no stack trace) and exits with 2.
 */
export class KeyhoundError extends Error {
  override readonly name = 'KeyhoundError';
}

export function isKeyhoundError(error: unknown): error is KeyhoundError {
  return error instanceof KeyhoundError;
}
