/**
 * The built-in rules. The build precompiles rules/*.yaml into dist/rules.json (no YAML
 * parser at start-up, no examples), which only the bundle reads; running from source
 * reads the YAML itself, through a cache keyed by its contents (rules-cache.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { BUNDLED } from '../bundled.js';
import type { RuleFileSpec } from '../engine/types.js';
import { packagePath } from '../package-root.js';
import { expandRuleFile, type WrittenRuleFile } from './pieces.js';
import { parsedRuleFiles } from './rules-cache.js';

export function builtinRuleFilePaths(): string[] {
  const dir = packagePath('rules');
  return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort().map((name) => `${dir}/${name}`);
}

export async function builtinRuleFiles(): Promise<RuleFileSpec[]> {
  if (BUNDLED) {
    const files = JSON.parse(readFileSync(packagePath('dist', 'rules.json'), 'utf8')) as WrittenRuleFile[];
    return files.map((file) => expandRuleFile(file, `rules/${file.provider}.yaml`));
  }
  const paths = builtinRuleFilePaths();
  return (await parsedRuleFiles(paths)).map((file, i) => expandRuleFile(file, paths[i]!));
}
