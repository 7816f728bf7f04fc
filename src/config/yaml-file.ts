/** Reads a YAML document and validates it against a JSON Schema, with errors that name file, line and field. */
import { readFileSync } from 'node:fs';
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

export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new KeyhoundError(`cannot read ${what} ${file} (${code})`);
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new KeyhoundError(`${file}:${line}: invalid YAML: ${syntaxError.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
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
  throw new KeyhoundError(`${file}:${line}:${where ? ` ${where}:` : ''} ${field}: ${message}${allowedValues(error)}`);
}

/** The most useful of ajv's errors: an unknown field or a wrong value before a failed oneOf. */
function pickError(errors: SchemaError[]): SchemaError {
  return errors.find((error) => error.keyword === 'additionalProperties') ?? errors[0] ?? { instancePath: '', keyword: 'type', message: 'invalid' };
}

function allowedValues(error: SchemaError): string {
  const allowed = error.params?.allowedValues;
  return Array.isArray(allowed) ? ` (${allowed.join(', ')})` : '';
}
