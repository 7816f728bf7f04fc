/**
 * The built-in rules. The build precompiles rules/*.yaml into dist/rules.json (no YAML
 * parser at start-up, no examples, patterns expanded) and their ids into
 * dist/rule-ids.json, which only the bundle reads; running from source reads the YAML
 * itself, through a cache keyed by its contents (rules-cache.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from '../builtins.js';
import { BUNDLED } from '../bundled.js';
import type { RuleFileSpec } from '../engine/types.js';
import { packagePath } from '../package-root.js';
import { expandRuleFile } from './pieces.js';
import { parsedRuleFiles } from './rules-cache.js';

export function builtinRuleFilePaths(): string[] {
  const dir = packagePath('rules');
  return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort().map((name) => `${dir}/${name}`);
}

export async function builtinRuleFiles(): Promise<RuleFileSpec[]> {
  if (BUNDLED) return bundledRuleFiles();
  const paths = builtinRuleFilePaths();
  return (await parsedRuleFiles(paths)).map((file, i) => expandRuleFile(file, paths[i]!));
}

/** The built-in rules' ids, and the rules themselves, read on first use. */
export interface BuiltinRules {
  ids: readonly string[];
  files(): RuleFileSpec[];
  /** Their prefilter, encoded by the build (dist/keywords.bin); none from source. */
  keywords(): Uint8Array | undefined;
  /** A SHA-256 of the rules as scanned with, for the history cache's key: cheaper than hashing the parsed rules. */
  digest(): string;
}

/**
 * What a scan knows of the built-in rules before it compiles them. A pre-commit hook
 * with nothing staged needs only the ids (to count the rules and check the config's
 * rule ids): the bundle then reads a small list, not every rule (about 10 ms).
 */
export async function builtinRules(): Promise<BuiltinRules> {
  if (BUNDLED) {
    let files: RuleFileSpec[] | undefined;
    return {
      ids: JSON.parse(readFileSync(packagePath('dist', 'rule-ids.json'), 'utf8')) as string[],
      files: () => (files ??= bundledRuleFiles()),
      keywords: bundledKeywords,
      digest: () => sha256(readFileSync(packagePath('dist', 'rules.json'))),
    };
  }
  const files = await builtinRuleFiles();
  return {
    ids: files.flatMap((file) => file.rules.map((rule) => rule.id)),
    files: () => files,
    keywords: () => undefined,
    digest: () => sha256(JSON.stringify(files)),
  };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The build's encoded prefilter; without it, the scan builds its own. */
function bundledKeywords(): Uint8Array | undefined {
  try {
    return readFileSync(packagePath('dist', 'keywords.bin'));
  } catch {
    return undefined;
  }
}

/** The build's rules, their patterns expanded already (scripts/build.mjs). */
function bundledRuleFiles(): RuleFileSpec[] {
  return JSON.parse(readFileSync(packagePath('dist', 'rules.json'), 'utf8')) as RuleFileSpec[];
}
