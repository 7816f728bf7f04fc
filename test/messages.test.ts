/** The one-line messages of a failure and of a bad command line, as pure functions. */
import { describe, expect, it } from 'vitest';
import { KeyhoundError } from '../src/errors.js';
import { failureText, oneLine } from '../src/cli/failure.js';
import { usageError } from '../src/cli/usage-errors.js';

describe('usageError', () => {
  it.each([
    ['Not enough arguments following: f', '-f: needs a value'],
    ['Not enough arguments following: range', '--range: needs a value'],
    ['Invalid values:\n  Argument: format, Given: "xml", Choices: "text", "json"', '--format: "xml" is not one of text, json'],
    ['Invalid values:\n  Argument: format, Given: "x", Choices: "text"\n  Argument: fail-on, Given: "y", Choices: "low"', '--format: "x" is not one of text; --fail-on: "y" is not one of low'],
    ['Unknown argument: frobnicate', 'Unknown argument: frobnicate'],
    ['Unknown arguments: bad-opt, badOpt', 'Unknown argument: bad-opt'],
    ['Unknown arguments: bad-opt, badOpt, worse', 'Unknown arguments: bad-opt, worse'],
    ['Not enough non-option arguments: got 0, need at least 1', 'Not enough non-option arguments: got 0, need at least 1'],
    ['first line\n  second line', 'first line second line'],
  ])('%j', (message, expected) => {
    expect(usageError(message)).toBe(expected);
  });
});

describe('failureText', () => {
  const thrown = (make: () => never): unknown => {
    try {
      make();
    } catch (error) {
      return error;
    }
  };
  const expected = thrown(() => {
    throw new KeyhoundError('cannot read config file x.yaml (ENOENT)');
  });
  const bug = thrown(() => {
    throw new TypeError('Cannot read properties of undefined\n(reading "x")');
  });

  it('is the message of an expected error, on one line', () => {
    expect(failureText(expected, {})).toBe('keyhound: cannot read config file x.yaml (ENOENT)\n');
  });

  it('calls anything else an internal error, on one line, and says how to see where', () => {
    expect(failureText(bug, {})).toBe('keyhound: internal error: Cannot read properties of undefined (reading "x") (KEYHOUND_DEBUG=1 shows where)\n');
    expect(failureText('a string', {})).toBe('keyhound: internal error: a string (KEYHOUND_DEBUG=1 shows where)\n');
  });

  it.each(['1', 'yes'])('adds the stack with KEYHOUND_DEBUG=%s', (value) => {
    for (const error of [expected, bug]) {
      const text = failureText(error, { KEYHOUND_DEBUG: value });
      expect(text.split('\n')[0]).toMatch(/^keyhound: /);
      expect(text).toContain(`${(error as Error).stack}\n`);
    }
  });

  it.each(['', '0'])('has no stack with KEYHOUND_DEBUG=%j', (value) => {
    expect(failureText(bug, { KEYHOUND_DEBUG: value }).split('\n')).toHaveLength(2);
  });
});

describe('oneLine', () => {
  it.each([
    ['one', 'one'],
    ['  two\n   lines  \n', 'two lines'],
    ['a\n\n\nb', 'a b'],
  ])('%j', (message, expected) => {
    expect(oneLine(message)).toBe(expected);
  });
});
