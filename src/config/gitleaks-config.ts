/**
 * Migration: a gitleaks TOML config (`--config .gitleaks.toml`) translated into
 * keyhound's config. Rules, global and per-rule allowlists and `[extend] useDefault`
 * map; anything that cannot (path-scoped rules, commit allowlists, AND conditions,
 * Go-only regex syntax) is reported as a warning naming the rule and field.
 *
 * | gitleaks                          | keyhound                                   |
 * | --------------------------------- | ------------------------------------------ |
 * | [extend] useDefault               | useDefault                                 |
 * | [[rules]] id, description         | rules[].id, description                    |
 * | regex, secretGroup                | pattern with the group named `secret`      |
 * | (?i) at the start                 | caseInsensitive                            |
 * | entropy, keywords                 | entropy, keywords                          |
 * | [rules.allowlist] / [[rules.allowlists]] | ruleAllowlists[id]                  |
 * | [allowlist] / [[allowlists]]      | allowlist                                  |
 * | paths (regexes)                   | pathRegexes                                |
 * | regexes + regexTarget secret      | regexes                                    |
 * | regexes + regexTarget line/match  | lines                                      |
 * | stopwords                         | stopwords                                  |
 */
import { ConfigError } from '../errors.js';
import type { RuleSpec } from '../engine/types.js';
import type { AllowlistSpec, ConfigSpec } from './config.js';
import { withoutQuotedSource } from '../files/yaml-file.js';

interface GitleaksAllowlist {
  description?: string;
  condition?: string;
  paths?: string[];
  regexes?: string[];
  regexTarget?: string;
  stopwords?: string[];
  commits?: string[];
}

interface GitleaksRule {
  id?: string;
  description?: string;
  regex?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  path?: string;
  tags?: string[];
  allowlist?: GitleaksAllowlist;
  allowlists?: GitleaksAllowlist[];
}

interface GitleaksConfig {
  title?: string;
  extend?: { useDefault?: boolean; path?: string; url?: string; disabledRules?: string[] };
  rules?: GitleaksRule[];
  allowlist?: GitleaksAllowlist;
  allowlists?: GitleaksAllowlist[];
}

export interface Translation {
  spec: ConfigSpec;
  warnings: string[];
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: '\\s',
  xdigit: '0-9A-Fa-f', word: '\\w', punct: '!-\\/:-@\\[-`{-~', blank: ' \\t',
};

/** Go (RE2) syntax → JavaScript; what has no equivalent is a warning. */
export function translateRegex(source: string, where: string, warnings: string[]): { pattern: string; caseInsensitive: boolean } {
  let pattern = source;
  let caseInsensitive = false;
  const leading = /^\(\?([imsU]+)\)/.exec(pattern);
  if (leading) {
    caseInsensitive = leading[1]!.includes('i');
    if (/[msU]/.test(leading[1]!)) warnings.push(`${where}: flags (?${leading[1]}) other than i are not translated`);
    pattern = pattern.slice(leading[0].length);
  }
  if (/\(\?[imsU]+[:)]/.test(pattern)) {
    warnings.push(`${where}: inline flags inside the pattern are not supported in JavaScript; the whole rule is made case-insensitive`);
    pattern = pattern.replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]+:/g, '(?:');
    caseInsensitive = true;
  }
  pattern = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^')
    .replace(/\[:(\w+):\]/g, (whole, name: string) => (Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name]! : whole));
  if (/\\Q|\\E|\\C|\\pN|\\p\{/.test(pattern)) warnings.push(`${where}: \\Q…\\E, \\C and Unicode classes are not translated; check the pattern`);
  return { pattern, caseInsensitive };
}

/** Index (in the source) of the opening parenthesis of the n-th capturing group, or -1. */
function capturingGroupAt(pattern: string, n: number): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i += 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      const named = pattern.startsWith('(?<', i) && !pattern.startsWith('(?<=', i) && !pattern.startsWith('(?<!', i);
      if (pattern[i + 1] !== '?' || named) {
        count += 1;
        if (count === n) return i;
      }
    }
  }
  return -1;
}

/** Gives the secret group its name: gitleaks' secretGroup, else group 1, else the whole match. */
export function nameSecretGroup(pattern: string, secretGroup: number | undefined): string {
  const at = capturingGroupAt(pattern, secretGroup && secretGroup > 0 ? secretGroup : 1);
  if (at === -1) return `(?<secret>${pattern})`;
  if (pattern.startsWith('(?<', at)) return `${pattern.slice(0, at)}(?<secret>${pattern.slice(pattern.indexOf('>', at) + 1)}`;
  return `${pattern.slice(0, at)}(?<secret>${pattern.slice(at + 1)}`;
}

function kebab(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'gitleaks-rule';
}

function translateAllowlists(lists: GitleaksAllowlist[], where: string, warnings: string[]): AllowlistSpec | undefined {
  if (lists.length === 0) return undefined;
  const out: Required<Pick<AllowlistSpec, 'pathRegexes' | 'regexes' | 'lines' | 'stopwords'>> = { pathRegexes: [], regexes: [], lines: [], stopwords: [] };
  for (const list of lists) {
    if (list.condition?.toUpperCase() === 'AND') warnings.push(`${where}: condition = "AND" is not supported; the entries apply on their own (OR)`);
    if (list.commits?.length) warnings.push(`${where}: commits are not translated (use a baseline: keyhound baseline create --history)`);
    out.pathRegexes.push(...(list.paths ?? []).map((path) => translateRegex(path, `${where}.paths`, warnings).pattern));
    const regexes = (list.regexes ?? []).map((regex) => translateRegex(regex, `${where}.regexes`, warnings).pattern);
    if (!list.regexTarget || list.regexTarget === 'secret') out.regexes.push(...regexes);
    else {
      if (list.regexTarget === 'match') warnings.push(`${where}: regexTarget = "match" becomes a line regex`);
      out.lines.push(...regexes);
    }
    out.stopwords.push(...(list.stopwords ?? []));
  }
  return Object.fromEntries(Object.entries(out).filter(([, values]) => values.length)) as AllowlistSpec;
}

/** What a gitleaks config's fields hold (fields keyhound does not read are not checked). */
type Shape = 'string' | 'integer' | 'number' | 'boolean' | 'strings' | Table | [Table];
interface Table {
  [field: string]: Shape;
}

const ALLOWLIST_SHAPE: Table = {
  description: 'string', condition: 'string', paths: 'strings', regexes: 'strings', regexTarget: 'string', stopwords: 'strings', commits: 'strings',
};
const CONFIG_SHAPE: Table = {
  title: 'string',
  extend: { useDefault: 'boolean', path: 'string', url: 'string', disabledRules: 'strings' },
  rules: [{
    id: 'string', description: 'string', regex: 'string', secretGroup: 'integer', entropy: 'number', keywords: 'strings', path: 'string', tags: 'strings',
    allowlist: ALLOWLIST_SHAPE, allowlists: [ALLOWLIST_SHAPE],
  }],
  allowlist: ALLOWLIST_SHAPE,
  allowlists: [ALLOWLIST_SHAPE],
};

const isTable = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The first field holding a value of the wrong type, as `rules[2].regex: must be a string` (never the value: it may be a key). */
function wrongType(value: unknown, shape: Shape, path: string): string | undefined {
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${path}: must be an array of tables ([[${path}]])`;
    for (const [i, item] of value.entries()) {
      const wrong = wrongType(item, shape[0], `${path}[${i}]`);
      if (wrong) return wrong;
    }
    return undefined;
  }
  if (typeof shape === 'object') {
    if (!isTable(value)) return `${path}: must be a table`;
    for (const [field, inner] of Object.entries(shape)) {
      const wrong = Object.hasOwn(value, field) ? wrongType(value[field], inner, path ? `${path}.${field}` : field) : undefined;
      if (wrong) return wrong;
    }
    return undefined;
  }
  const ok =
    shape === 'strings' ? Array.isArray(value) && value.every((item) => typeof item === 'string')
    : shape === 'integer' ? Number.isInteger(value)
    : typeof value === shape;
  return ok ? undefined : `${path}: must be ${shape === 'strings' ? 'an array of strings' : shape === 'integer' ? 'an integer' : `a ${shape}`}`;
}

export async function translateGitleaksConfig(text: string, file: string): Promise<Translation> {
  const { parse } = await import('smol-toml');
  let config: GitleaksConfig;
  try {
    config = parse(text) as GitleaksConfig;
  } catch (error) {
    // The parser's first line names the problem; its later lines quote the file. Guarded anyway.
    const { message, line } = error as Error & { line?: number };
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: invalid TOML: ${withoutQuotedSource(message.split('\n')[0]!, text)}`, { cause: error });
  }
  const wrong = wrongType(config, CONFIG_SHAPE, '');
  if (wrong) throw new ConfigError(`${file}: ${wrong}`);
  const warnings: string[] = [];
  const spec: ConfigSpec = {};
  if (config.extend) {
    spec.useDefault = config.extend.useDefault ?? false;
    if (config.extend.path || config.extend.url) warnings.push(`${file}: [extend] path/url is not followed; only useDefault is translated (keyhound's own rules stand in for gitleaks' defaults)`);
    if (config.extend.disabledRules?.length) warnings.push(`${file}: [extend] disabledRules name gitleaks rule ids; use keyhound's ids in disable:`);
  } else {
    spec.useDefault = false;
  }
  const rules: RuleSpec[] = [];
  const ruleAllowlists: Record<string, AllowlistSpec> = {};
  for (const [index, rule] of (config.rules ?? []).entries()) {
    const id = kebab(rule.id ?? `gitleaks-rule-${index + 1}`);
    const where = `${file}: rule ${id}`;
    if (!rule.regex) {
      warnings.push(`${where}: has no regex (path-only rules are not supported); skipped`);
      continue;
    }
    if (rule.path) warnings.push(`${where}: path = "${rule.path}" is not translated; the rule applies to every file`);
    const { pattern, caseInsensitive } = translateRegex(rule.regex, where, warnings);
    rules.push({
      id,
      description: rule.description ?? id,
      severity: 'high',
      keywords: (rule.keywords ?? []).map((keyword) => keyword.toLowerCase()),
      pattern: nameSecretGroup(pattern, rule.secretGroup),
      ...(caseInsensitive ? { caseInsensitive } : {}),
      ...(rule.entropy ? { entropy: rule.entropy } : {}),
      examples: [],
    });
    const allowlist = translateAllowlists([...(rule.allowlist ? [rule.allowlist] : []), ...(rule.allowlists ?? [])], `${where} allowlist`, warnings);
    if (allowlist) ruleAllowlists[id] = allowlist;
  }
  if (rules.length) {
    spec.rules = rules;
    warnings.push(`${file}: ${rules.length} rules translated from gitleaks have no examples, so they are not self-checked; add examples in a keyhound config`);
  }
  if (Object.keys(ruleAllowlists).length) spec.ruleAllowlists = ruleAllowlists;
  const global = translateAllowlists([...(config.allowlist ? [config.allowlist] : []), ...(config.allowlists ?? [])], `${file}: allowlist`, warnings);
  if (global) spec.allowlist = global;
  return { spec, warnings };
}
