/** The configuration file, `.keyhound.yaml` at the repository root or `--config FILE`. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RuleSpec } from '../engine/types.js';
import { ConfigError, KeyhoundError } from '../errors.js';
import { REDOS_UNCHECKED, redosAnalyserInstalled, type RegexToScreen } from '../rules/redos.js';
import { validatorFor } from '../files/schemas.js';
import { parseValidatedYaml, readTextFile } from '../files/yaml-file.js';

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
  /** `staged: true` lets the pre-commit hook verify (it stays offline otherwise). */
  verify?: { staged?: boolean };
}

export interface LoadedConfig {
  file: string;
  spec: ConfigSpec;
  /** What a translated (gitleaks) config could not carry over. */
  warnings: string[];
}

/**
 * `10MB`, `512KB`, `1048576` → bytes. A bad value is repeated in the message only when it
 * is the user's own argument (`typed`): a config's could be a key pasted in the wrong place.
 */
export function parseSize(value: number | string, where: string, typed = false): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(value);
  // A size typed on the command line is an option's error, not the config's.
  if (!match) throw new (typed ? KeyhoundError : ConfigError)(`${where}: not a size${typed ? `: ${value}` : ''} (use bytes or a unit: 512KB, 10MB)`);
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(match[1]) * factor);
}

/** The config file to use: the explicit one (relative to `cwd`, where the command runs), else `.keyhound.yaml` in `root` if present. */
export async function loadConfig(root: string, explicit: string | undefined, cwd: string): Promise<LoadedConfig | undefined> {
  const config = await readConfig(root, explicit, cwd);
  if (config && (config.spec.rules?.length || config.spec.ruleFiles?.length) && !redosAnalyserInstalled()) {
    config.warnings.push(`${config.file}: custom rules: ${REDOS_UNCHECKED}`);
  }
  return config;
}

async function readConfig(root: string, explicit: string | undefined, cwd: string): Promise<LoadedConfig | undefined> {
  const file = explicit ? resolve(cwd, explicit) : join(root, CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file)) return undefined;
  const text = readTextFile(file, 'config file', file, ConfigError);
  if (file.endsWith('.toml')) {
    const { translateGitleaksConfig } = await import('./gitleaks-config.js');
    return { file, ...(await translateGitleaksConfig(text, explicit ?? file)) };
  }
  const validate = await validatorFor('config');
  const spec = (await parseValidatedYaml(text, explicit ?? file, validate, ConfigError)) as ConfigSpec;
  if (spec.maxFileSize !== undefined) parseSize(spec.maxFileSize, `${file}: maxFileSize`);
  assertBoundedGlobs(spec, explicit ?? file);
  return { file, spec, warnings: [] };
}

/**
 * A path glob becomes a regex in which each `*` of a name can take any part of it: with
 * three in one name, a 250-character name takes 1.3 s to match (four: minutes), and
 * every path of the scan is matched.
 */
const MAX_WILDCARDS_IN_A_NAME = 2;

/** The most `*` in one name of a glob (`**` on its own is a name of its own; an escaped `\*` is no wildcard). */
function wildcardsInAName(glob: string): number {
  return Math.max(...glob.split('/').map((name) => (name === '**' ? 0 : (name.replace(/\\./g, '').match(/\*/g) ?? []).length)));
}

function assertBoundedGlobs(spec: ConfigSpec, file: string): void {
  const lists = [['allowlist', spec.allowlist] as const, ...Object.entries(spec.ruleAllowlists ?? {}).map(([id, entries]) => [`ruleAllowlists.${id}`, entries] as const)];
  for (const [where, entries] of lists) {
    const at = (entries?.paths ?? []).findIndex((glob) => wildcardsInAName(glob) > MAX_WILDCARDS_IN_A_NAME);
    if (at === -1) continue;
    throw new ConfigError(
      `${file}: ${where}.paths[${at}]: more than ${MAX_WILDCARDS_IN_A_NAME} * in one name of the path: matching would take time ` +
        "that grows as a power of the name's length (use pathRegexes, with bounded repetition)",
    );
  }
}

/** Rule file paths in a config are relative to the config file. */
export function configRuleFiles(config: LoadedConfig): string[] {
  return (config.spec.ruleFiles ?? []).map((path) => resolve(dirname(config.file), path));
}

/** The config's allowlist regexes (on paths, secrets and lines; global and per rule), named by file and field. */
export function configRegexes(config: LoadedConfig): RegexToScreen[] {
  const regexes = (entries: AllowlistSpec | undefined, where: string): RegexToScreen[] =>
    (['pathRegexes', 'regexes', 'lines'] as const).flatMap((field) =>
      (entries?.[field] ?? []).map((source, i) => ({ where: `${config.file}: ${where}.${field}[${i}]`, source, flags: '' })),
    );
  return [
    ...regexes(config.spec.allowlist, 'allowlist'),
    ...Object.entries(config.spec.ruleAllowlists ?? {}).flatMap(([id, entries]) => regexes(entries, `ruleAllowlists.${id}`)),
  ];
}
