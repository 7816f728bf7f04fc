/** The configuration file, `.keyhound.yaml` at the repository root or `--config FILE`. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RuleSpec } from '../engine/types.js';
import { KeyhoundError } from '../errors.js';
import { validatorFor } from './schemas.js';
import { parseValidatedYaml, readTextFile } from './yaml-file.js';

export const CONFIG_FILE_NAME = '.keyhound.yaml';

export interface AllowlistSpec {
  paths?: string[];
  pathRegexes?: string[];
  regexes?: string[];
  lines?: string[];
  stopwords?: string[];
}

export interface ConfigSpec {
  useDefault?: boolean;
  ruleFiles?: string[];
  rules?: RuleSpec[];
  remediation?: string;
  disable?: string[];
  maxFileSize?: number | string;
  /** Also report, in test and sample code, findings of generic rules and notes (suppressed by default). */
  reportLowInTests?: boolean;
  allowlist?: AllowlistSpec;
  ruleAllowlists?: Record<string, AllowlistSpec>;
}

export interface LoadedConfig {
  file: string;
  spec: ConfigSpec;
  /** What a translated (gitleaks) config could not carry over. */
  warnings: string[];
}

/** `10MB`, `512KB`, `1048576` → bytes. */
export function parseSize(value: number | string, where: string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(value);
  if (!match) throw new KeyhoundError(`${where}: not a size: ${value} (use bytes or a unit: 512KB, 10MB)`);
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(match[1]) * factor);
}

/** The config file to use: the explicit one, else `.keyhound.yaml` in `root` if present. */
export async function loadConfig(root: string, explicit?: string): Promise<LoadedConfig | undefined> {
  const file = explicit ? resolve(explicit) : join(root, CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file)) return undefined;
  const text = readTextFile(file, 'config file');
  if (file.endsWith('.toml')) {
    const { translateGitleaksConfig } = await import('./gitleaks-config.js');
    return { file, ...(await translateGitleaksConfig(text, explicit ?? file)) };
  }
  const validate = await validatorFor('config');
  const spec = (await parseValidatedYaml(text, explicit ?? file, validate)) as ConfigSpec;
  if (spec.maxFileSize !== undefined) parseSize(spec.maxFileSize, `${file}: maxFileSize`);
  return { file, spec, warnings: [] };
}

/** Rule file paths in a config are relative to the config file. */
export function configRuleFiles(config: LoadedConfig): string[] {
  return (config.spec.ruleFiles ?? []).map((path) => resolve(dirname(config.file), path));
}
