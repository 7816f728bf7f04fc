/**
 * The ReDoS check of user rules: recheck (a ReDoS analyser, loaded only when custom
 * rules need it) rejects a pattern that can backtrack catastrophically.
 */
import { createHash } from '../builtins.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { readTextFile } from '../files/yaml-file.js';
import { RuleError, type ErrorKind } from '../errors.js';
import { maskSecretLike } from '../findings/redact.js';
import { packagePath } from '../package-root.js';
import type { LoadedRuleFile } from './rule-files.js';

/** keyhound's own rule files: the test suite checks them (test/redos.test.ts, with its reviewed exceptions). */
function isBuiltinRuleFile(source: string): boolean {
  return resolve(source).startsWith(`${packagePath('rules')}${sep}`);
}

/** Hashes of patterns recheck found safe, in the user's cache directory (hashes only: nothing from a rule file leaks). */
function redosCacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'keyhound', 'redos-safe-v1.txt');
}

function readRedosCache(): Set<string> {
  try {
    return new Set(readTextFile(redosCacheFile(), 'cache').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

function writeRedosCache(cache: Set<string>): void {
  try {
    mkdirSync(dirname(redosCacheFile()), { recursive: true });
    writeFileSync(redosCacheFile(), `${[...cache].sort().join('\n')}\n`);
  } catch {
    // No writable cache directory: the analysis simply runs again next time.
  }
}

type Recheck = Pick<typeof import('recheck'), 'check'>;
let recheck: Promise<Recheck | undefined> | undefined;

/**
 * recheck (a ReDoS analyser) loaded on first use: only custom rules need it, so a scan
 * with the built-in rules alone (the hook) never pays for it. Without it (bundle/keyhound.mjs
 * with no node_modules, as the GitHub Action runs it), the check is skipped, and the
 * config's loading and `rules check` warn that it is (redosAnalyserInstalled).
 */
function loadRecheck(): Promise<Recheck | undefined> {
  recheck ??= import('recheck').then(
    (module) => ('check' in module ? module : (module as { default: Recheck }).default),
    () => undefined,
  );
  return recheck;
}

/** Whether recheck is installed where keyhound runs, without loading it. */
export function redosAnalyserInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('recheck');
    return true;
  } catch {
    return false;
  }
}

/** Said where custom rules load but recheck is not installed: they still run, unchecked. */
export const REDOS_UNCHECKED = 'their patterns are not checked for catastrophic backtracking: recheck, the ReDoS analyser, is not installed here (an npm install of keyhound has it)';

/** How long recheck may analyse one pattern; a pattern it cannot decide in time passes. */
export const REDOS_CHECK_TIMEOUT_MS = 5000;

/** A regex from a user's file, and how to name it in an error (`file: rule x: pattern`). */
export interface RegexToScreen {
  where: string;
  source: string;
  flags: string;
}

/**
 * The patterns of user rule files, and their allowlist regexes. Built-in rules are
 * checked by the test suite (test/redos.test.ts) instead.
 */
function ruleRegexes(files: readonly LoadedRuleFile[]): RegexToScreen[] {
  return files
    .filter((file) => !isBuiltinRuleFile(file.source))
    .flatMap((file) =>
      file.spec.rules.flatMap((spec) => [
        { where: `${file.source}: rule ${spec.id}: pattern`, source: spec.pattern, flags: spec.caseInsensitive ? 'i' : '' },
        ...(spec.allowlist?.regexes ?? []).map((source, i) => ({ where: `${file.source}: rule ${spec.id}: allowlist.regexes[${i}]`, source, flags: '' })),
      ]),
    );
}

/** Rejects a rule file whose patterns can backtrack catastrophically. */
export async function assertNoCatastrophicBacktracking(files: readonly LoadedRuleFile[]): Promise<void> {
  await assertLinearTime(ruleRegexes(files));
}

/**
 * Rejects a regex that can backtrack catastrophically (super-linear time on a crafted
 * line or path), naming where it is, the hot part of the pattern and an attack. A rule
 * pattern runs on every line a repository holds, an allowlist regex on every finding's
 * line or every path: `(a+)+$` against a 32-character name took 95 s.
 */
export async function assertLinearTime(regexes: readonly RegexToScreen[], kind: ErrorKind = RuleError): Promise<void> {
  const cache = readRedosCache();
  const key = ({ source, flags }: RegexToScreen) => createHash('sha256').update(`${flags}/${source}`).digest('hex').slice(0, 32);
  // Patterns already found safe (or undecidable in time) are not analysed again: the
  // analysis takes up to seconds a pattern, and custom rules load at every hook run.
  const unknown = regexes.filter((regex) => !cache.has(key(regex)));
  if (unknown.length === 0) return;
  const analyser = await loadRecheck();
  if (!analyser) return;
  for (const regex of unknown) {
    // recheck knows no `d` flag (match indices), which does not change matching anyway.
    const result = await analyser.check(regex.source, regex.flags, { timeout: REDOS_CHECK_TIMEOUT_MS });
    if (result.status !== 'vulnerable') {
      cache.add(key(regex));
      writeRedosCache(cache);
      continue;
    }
    // Parts of the pattern and an input built from it: masked like a shown line, in case the pattern holds a literal key.
    const hot = result.hotspot.filter((spot) => spot.temperature === 'heat').map((spot) => maskSecretLike(regex.source.slice(spot.start, spot.end)));
    const attack = maskSecretLike(result.attack.pattern.length > 120 ? `${result.attack.pattern.slice(0, 117)}...` : result.attack.pattern);
    throw new kind(
      `${regex.where} can backtrack catastrophically (${result.complexity.summary}` +
        `${hot.length ? `, at ${[...new Set(hot)].map((part) => JSON.stringify(part)).join(' and ')}` : ''}; slow on ${attack}): ` +
        'bound the repetition, or make the parts that repeat unable to match the same text',
    );
  }
}
