/** The JSON Schemas that ship with the package, read once when first needed. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Validate } from './yaml-file.js';
import { BUNDLED } from '../bundled.js';
import { packagePath } from '../package-root.js';

const cache = new Map<string, object>();

function schema(name: string): object {
  let value = cache.get(name);
  if (!value) {
    value = JSON.parse(readFileSync(packagePath('schema', name), 'utf8')) as object;
    cache.set(name, value);
  }
  return value;
}

export const ruleSchema = (): object => schema('rules.schema.json');
export const configSchema = (): object => schema('config.schema.json');

export type SchemaName = 'rules' | 'config';
const validators = new Map<SchemaName, Validate>();

/**
 * The validator for a shipped schema: precompiled by the build (dist/validators.cjs,
 * CommonJS so that the hook's CommonJS entry can load it too) in the bundle, compiled
 * with ajv when running from source.
 */
export async function validatorFor(name: SchemaName): Promise<Validate> {
  let validate = validators.get(name);
  if (validate) return validate;
  if (BUNDLED) {
    const precompiled = createRequire(import.meta.url)(packagePath('dist', 'validators.cjs')) as Record<SchemaName, Validate>;
    validate = precompiled[name];
  } else {
    const { default: Ajv } = await import('ajv');
    // The config's own rules are the rule files' rules: its schema refers to theirs.
    const ajv = new Ajv.default({ allErrors: true }).addSchema(ruleSchema());
    validate = (name === 'rules' ? ajv.getSchema((ruleSchema() as { $id: string }).$id) : ajv.compile(configSchema())) as Validate;
  }
  validators.set(name, validate);
  return validate;
}
