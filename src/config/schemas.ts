/** The JSON Schemas that ship with the package, read once when first needed. */
import { readFileSync } from 'node:fs';
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
