/**
 * Expected failures: a bad option, a bad rule file, a path that cannot be read.
 * The CLI prints their one-line message (no stack trace) and exits with 2.
 * `cause` keeps the underlying error (a parser's, the file system's) for the library.
 */
export class KeyhoundError extends Error {
  override readonly name: string = 'KeyhoundError';
}

/** A configuration file (config, gitleaks config, baseline, ignore file) that cannot be used. */
export class ConfigError extends KeyhoundError {
  override readonly name: string = 'ConfigError';
}

/** A rule file, or a rule written in a config, that cannot be used. */
export class RuleError extends KeyhoundError {
  override readonly name: string = 'RuleError';
}

/** The kind of error a reader of a user's file throws (ConfigError for a config, RuleError for a rule file). */
export type ErrorKind = new (message: string, options?: ErrorOptions) => KeyhoundError;

export function isKeyhoundError(error: unknown): error is KeyhoundError {
  return error instanceof KeyhoundError;
}
