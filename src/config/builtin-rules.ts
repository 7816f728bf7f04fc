/**
 * The built-in rules. The build precompiles rules/*.yaml into dist/rules.json (no
 * YAML parser at start-up, no examples); running from source reads the YAML directly.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { RuleFileSpec } from '../engine/types.js';
import { packagePath } from '../package-root.js';
import { loadYaml } from './yaml-file.js';

export function builtinRuleFilePaths(): string[] {
  const dir = packagePath('rules');
  return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort().map((name) => `${dir}/${name}`);
}

export async function builtinRuleFiles(): Promise<RuleFileSpec[]> {
  const compiled = packagePath('dist', 'rules.json');
  if (existsSync(compiled)) return JSON.parse(readFileSync(compiled, 'utf8')) as RuleFileSpec[];
  const { parse } = await loadYaml();
  return builtinRuleFilePaths().map((path) => parse(readFileSync(path, 'utf8')) as RuleFileSpec);
}
