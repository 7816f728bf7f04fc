/**
 * The built-in rule files as the scanner needs them (no examples), parsed once and kept
 * as JSON in the user's cache directory, keyed by a hash of their names and contents, so
 * an edited rule file is never read stale. Code run from source (bundle/keyhound.mjs,
 * the tests) reads rules/*.yaml, and parsing those 370 KB of YAML takes about a second
 * at start-up; reading them back as JSON takes a few milliseconds. (dist/ has them
 * precompiled by the build instead.)
 */
import { createHash, randomUUID } from '../builtins.js';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { WrittenRuleFile } from './pieces.js';
import { loadYaml } from '../files/yaml-file.js';

/** Changes when what is cached changes shape, so an older keyhound's cache is not read. */
const CACHE_FORMAT = 'builtin-rules-v1';

function cacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'keyhound', 'builtin-rules.json');
}

/** Examples, negatives and references are for people and the test suite; the scanner does not need them. */
function forScanning(file: WrittenRuleFile): WrittenRuleFile {
  return { ...file, rules: file.rules.map(({ examples: _e, negatives: _n, references: _r, ...rule }) => ({ ...rule, examples: [] })) };
}

export async function parsedRuleFiles(paths: readonly string[]): Promise<WrittenRuleFile[]> {
  const texts = paths.map((path) => readFileSync(path, 'utf8'));
  const hash = createHash('sha256').update(CACHE_FORMAT);
  paths.forEach((path, i) => hash.update(`\0${basename(path)}\0${texts[i]}`));
  const key = hash.digest('hex');
  const file = cacheFile();
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; files?: WrittenRuleFile[] };
    if (cached.key === key && Array.isArray(cached.files)) return cached.files;
  } catch {
    // No cache yet, or an unreadable one: parse the YAML.
  }
  const { parse } = await loadYaml();
  const files = texts.map((text) => forScanning(parse(text) as WrittenRuleFile));
  // Written whole under a unique name, then renamed: a concurrent run never reads half a file.
  const partial = `${file}.${randomUUID()}.partial`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(partial, JSON.stringify({ key, files }));
    renameSync(partial, file);
  } catch {
    // No writable cache directory: the YAML is simply parsed again next time.
    removeIfThere(partial);
  }
  return files;
}

/** Removes a file that may be there; not even a directory to remove it from (the cache's path is a file) is fine too. */
function removeIfThere(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there.
  }
}
