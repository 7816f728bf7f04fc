/** Reads a YAML document and validates it against a JSON Schema, with errors that name file, line and field. */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { KeyhoundError } from '../errors.js';

export interface SchemaError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword: string;
}

/**
 * The yaml package, loaded on first use (start-up matters for the hook). Bundled,
 * its CommonJS build arrives as the namespace's default export.
 */
export async function loadYaml(): Promise<typeof import('yaml')> {
  const module = await import('yaml');
  return ('parseDocument' in module ? module : (module as { default: typeof import('yaml') }).default);
}

export type Validate = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** A config, rule, ignore or baseline file larger than this is refused (a baseline of 100,000 findings is about 10 MB). */
export const MAX_TEXT_FILE_SIZE = 64 * 1024 * 1024;

/**
 * Reads a file the user names as input (a config, rule, ignore or baseline file): a
 * regular file only (a symlink to one is fine), of at most MAX_TEXT_FILE_SIZE. A FIFO
 * would block the read forever and a device such as /dev/zero never ends.
 */
export function readTextFile(file: string, what: string): string {
  const refuse = (reason: string): KeyhoundError => new KeyhoundError(`cannot read ${what} ${file} (${reason})`);
  let fd: number;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer (it is refused below).
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse('not a regular file');
    if (stat.size > MAX_TEXT_FILE_SIZE) throw refuse(`larger than ${MAX_TEXT_FILE_SIZE / 1024 / 1024} MB`);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    throw error instanceof KeyhoundError ? error : refuse((error as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    closeSync(fd);
  }
}

/**
 * Parses YAML text and validates it. `describe` names the object at a path (for
 * example the rule id), so that an error says which rule is wrong, not only where.
 */
export async function parseValidatedYaml(
  text: string,
  file: string,
  validate: Validate,
  describe: (data: unknown, path: string[]) => string = () => '',
): Promise<unknown> {
  const { LineCounter, parseDocument, isNode } = await loadYaml();
  const lineCounter = new LineCounter();
  // logLevel error: the package's warnings go to process.emitWarning (stderr) and quote the source.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new KeyhoundError(`${file}:${line}: invalid YAML: ${withoutQuotedSource(syntaxError.message.split('\n')[0]!, text)}`);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // An alias to no anchor, or too many aliases (a "billion laughs"): thrown, not listed in doc.errors.
    throw new KeyhoundError(`${file}: invalid YAML: ${withoutQuotedSource(String((error as Error).message).split('\n')[0]!, text)}`);
  }
  if (validate(data)) return data;
  const error = pickError(validate.errors ?? []);
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field =
    error.keyword === 'additionalProperties' ? String(error.params?.additionalProperty)
    : error.keyword === 'required' ? String(error.params?.missingProperty)
    : path.at(-1) ?? '(top level)';
  if (error.keyword === 'additionalProperties') path.push(field);
  const node = doc.getIn(path.map((part) => (/^\d+$/.test(part) ? Number(part) : part)), true);
  const offset = isNode(node) && node.range ? node.range[0] : 0;
  const line = lineCounter.linePos(offset).line;
  const where = describe(data, path);
  const message =
    error.keyword === 'additionalProperties' ? 'unknown field'
    : error.keyword === 'required' ? 'missing (required)'
    : error.message ?? 'invalid';
  throw new KeyhoundError(`${file}:${line}:${where ? ` ${where}:` : ''} ${shownName(field)}: ${message}${allowedValues(error)}`);
}

/**
 * A name from the file as the user wrote it, unless it looks like a value rather than a
 * name (digits and letters mixed, or long): a key pasted where a name goes is not echoed.
 */
function shownName(name: string): string {
  return /^(?:[A-Za-z_$][A-Za-z_$.-]{0,39}|\d{1,9}|\(top level\))$/.test(name) ? name : '(a name that looks like a value, not shown)';
}

/**
 * A YAML message without the file's text in it. The yaml package quotes the source in
 * some messages (`Unresolved tag: !x`, `Unexpected scalar token in YAML stream: "x"`),
 * and a config or rule file can hold a key: a word of the message that shares 8
 * characters in a row (or all of itself, if shorter) with the file becomes "…", unless
 * it is a plain word (letters, lower case after the first).
 */
export function withoutQuotedSource(message: string, text: string): string {
  const fromText = (word: string): boolean => {
    if (word.length <= 8) return word.length >= 3 && text.includes(word);
    for (let i = 0; i + 8 <= word.length; i++) if (text.includes(word.slice(i, i + 8))) return true;
    return false;
  };
  return message.replace(/\S+/g, (word) => {
    const bare = word.replace(/^["'`(]+|["'`),.;:]+$/g, '');
    return /^(?:[A-Z]?[a-z]+|YAML)$/.test(bare) || !fromText(bare) ? word : word.replace(bare, '…');
  });
}

/** The most useful of ajv's errors: an unknown field or a wrong value before a failed oneOf. */
function pickError(errors: SchemaError[]): SchemaError {
  return errors.find((error) => error.keyword === 'additionalProperties') ?? errors[0] ?? { instancePath: '', keyword: 'type', message: 'invalid' };
}

function allowedValues(error: SchemaError): string {
  const allowed = error.params?.allowedValues;
  return Array.isArray(allowed) ? ` (${allowed.join(', ')})` : '';
}
