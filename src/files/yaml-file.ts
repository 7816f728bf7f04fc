/** Reads a YAML document and validates it against a JSON Schema, with errors that name file, line and field. */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { KeyhoundError, type ErrorKind } from '../errors.js';

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
/** `shown`: the file's name as the user gave it, for the message (default: `file`); `kind`: the error to throw. */
export function readTextFile(file: string, what: string, shown = file, kind: ErrorKind = KeyhoundError): string {
  const refuse = (reason: string, cause?: unknown): KeyhoundError => new kind(`cannot read ${what} ${shown} (${reason})`, { cause });
  let fd: number;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer (it is refused below).
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error', error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse('not a regular file');
    if (stat.size > MAX_TEXT_FILE_SIZE) throw refuse(`larger than ${MAX_TEXT_FILE_SIZE / 1024 / 1024} MB`);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    throw error instanceof KeyhoundError ? error : refuse((error as NodeJS.ErrnoException).code ?? 'error', error);
  } finally {
    closeSync(fd);
  }
}

type Yaml = typeof import('yaml');
type YamlDocument = ReturnType<Yaml['parseDocument']>;

/**
 * Parses YAML text and validates it. `describe` names the object at a path (for
 * example the rule id), so that an error says which rule is wrong, not only where.
 * An empty document (nothing, only comments, or null) is an empty mapping. Errors are
 * of `kind` (ConfigError, RuleError), with the parser's own error as their cause.
 */
export async function parseValidatedYaml(
  text: string,
  file: string,
  validate: Validate,
  kind: ErrorKind,
  describe: (data: unknown, path: string[]) => string = () => '',
): Promise<unknown> {
  const yaml = await loadYaml();
  const lineCounter = new yaml.LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  // logLevel error: the package's warnings go to process.emitWarning (stderr) and quote the source.
  const doc = yaml.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const line = lineAt(unclosedAt(yaml, doc, syntaxError.pos[0]) ?? syntaxError.pos[0]);
    throw new kind(`${file}:${line}: invalid YAML: ${withoutQuotedSource(syntaxError.message.split('\n')[0]!, text)}`, { cause: syntaxError });
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    // An alias to no anchor, or too many aliases (a "billion laughs"): thrown, not listed in doc.errors.
    const alias = unresolvedAlias(yaml, doc);
    throw new kind(`${file}${alias === undefined ? '' : `:${lineAt(alias)}`}: invalid YAML: ${withoutQuotedSource(String((error as Error).message).split('\n')[0]!, text)}`, { cause: error });
  }
  if (validate(data)) return data;
  const error = pickError(validate.errors ?? []);
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field =
    error.keyword === 'additionalProperties' ? String(error.params?.additionalProperty)
    : error.keyword === 'required' ? String(error.params?.missingProperty)
    : path.at(-1) ?? '(top level)';
  if (error.keyword === 'additionalProperties') path.push(field);
  const line = lineAt(offsetOf(yaml, doc, path));
  const where = describe(data, path);
  const message =
    error.keyword === 'additionalProperties' ? 'unknown field'
    : error.keyword === 'required' ? 'missing (required)'
    : error.message ?? 'invalid';
  throw new kind(`${file}:${line}:${where ? ` ${where}:` : ''} ${shownName(field)}: ${message}${allowedValues(error)}`);
}

/**
 * Where the user looks for the value at `path`: its key, in a mapping (the value of
 * `alowlist:` starts on the next line), or the item itself, in a list.
 */
function offsetOf(yaml: Yaml, doc: YamlDocument, path: string[]): number {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path.at(-1);
  const node =
    last === undefined ? parent
    : yaml.isMap(parent) ? parent.items.find((pair) => String(yaml.isScalar(pair.key) ? pair.key.value : pair.key) === last)?.key
    : yaml.isSeq(parent) ? parent.items[Number(last)]
    : undefined;
  return (yaml.isNode(node) && node.range ? node.range[0] : undefined) ?? (yaml.isNode(parent) && parent.range ? parent.range[0] : 0);
}

/**
 * Where an unclosed quote or bracket opens, if a syntax error at `offset` is its
 * missing end: the parser notices it at the end of the file, the user left it earlier.
 */
function unclosedAt(yaml: Yaml, doc: YamlDocument, offset: number): number | undefined {
  let opener: number | undefined;
  yaml.visit(doc, {
    Node(_, node) {
      const closable = yaml.isCollection(node) ? node.flow : yaml.isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
      if (closable && node.range?.[1] === offset && (opener === undefined || node.range[0] > opener)) opener = node.range[0];
    },
  });
  return opener;
}

/** Where the first alias to no anchor is, if there is one. */
function unresolvedAlias(yaml: Yaml, doc: YamlDocument): number | undefined {
  let offset: number | undefined;
  yaml.visit(doc, {
    Alias(_, node) {
      if (!node.resolve(doc) && node.range) {
        offset = node.range[0];
        return yaml.visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
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
