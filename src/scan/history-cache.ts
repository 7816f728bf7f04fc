/**
 * The history cache: which commits were scanned before, with the same rules, config and
 * keyhound version, and held nothing at all (not even a suppressed finding, nor a
 * warning while they were read). A rescan lists the commits as before but reads only
 * the ones the cache does not name: the new ones, and every commit with a finding.
 *
 * So the cache holds commit ids and nothing else: no finding, no secret, nothing a
 * baseline or an ignore file must match. Every finding of a rescan comes from git, as
 * in a first scan, and the findings are exactly the same.
 *
 * One file, `history.json`, in `.git/keyhound/` by default. Written beside and renamed
 * over (a crash leaves at most a stray temporary file, never read); checked on load (its
 * format, its key, every id, a checksum), and rebuilt with a warning when anything is off.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../git/git.js';

export const CACHE_FILE = 'history.json';
const FORMAT = 'keyhound-history-cache';
/** Bump when what a clean commit means changes (the way commits are read). */
const VERSION = 1;
const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** A temporary file older than this was left by a crash (a write takes milliseconds). */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;

interface CacheFile {
  format: typeof FORMAT;
  version: number;
  /** What the commits were scanned with (historyCacheKey). */
  key: string;
  /** Commit ids, one a line, sorted. */
  commits: string;
  /** SHA-256 of `commits`. */
  sha256: string;
}

export interface CommitCache {
  /** The file, for messages. */
  file: string;
  /** Whether the commit was scanned before with the same key and held nothing. */
  known(sha: string): boolean;
  /** Adds commits scanned in full and found clean; a warning (never an error) when the file cannot be written. */
  remember(clean: readonly string[]): void;
}

/** A key for everything that decides what a commit's scan finds: keyhound, the rules, the config, the options. */
export function historyCacheKey(parts: Record<string, unknown>): string {
  return sha256(JSON.stringify({ version: VERSION, ...parts }));
}

export function openCommitCache(dir: string, key: string, warn: (message: string) => void): CommitCache {
  const file = join(dir, CACHE_FILE);
  const loaded = load(file, key, warn);
  return {
    file,
    known: (sha) => loaded.has(sha),
    remember(clean) {
      if (clean.length === 0) return;
      // Another run (a concurrent shard) may have written since: keep what it added.
      const all = new Set([...load(file, key, () => undefined), ...loaded, ...clean]);
      try {
        mkdirSync(dir, { recursive: true });
        writeWhole(file, serialise(key, [...all].sort()));
      } catch (error) {
        warn(`cannot write the history cache ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): the next run reads every commit again`);
      }
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function serialise(key: string, commits: string[]): string {
  const list = commits.join('\n');
  const cache: CacheFile = { format: FORMAT, version: VERSION, key, commits: list, sha256: sha256(list) };
  return `${JSON.stringify(cache)}\n`;
}

/** The clean commits the file names under `key`; none (and a warning) when it is corrupt. */
function load(file: string, key: string, warn: (message: string) => void): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  const cache = parse(text);
  if (!cache) {
    warn(`the history cache ${file} is corrupt: not trusted, every commit is read again and the cache rebuilt`);
    return new Set();
  }
  // Other rules, config or version: none of it applies (the file is replaced on save).
  if (cache.key !== key || cache.version !== VERSION) return new Set();
  return new Set(cache.commits === '' ? [] : cache.commits.split('\n'));
}

function parse(text: string): CacheFile | undefined {
  try {
    const cache = JSON.parse(text) as Partial<CacheFile> | null;
    if (cache?.format !== FORMAT || typeof cache.version !== 'number' || typeof cache.key !== 'string') return undefined;
    if (typeof cache.commits !== 'string' || cache.sha256 !== sha256(cache.commits)) return undefined;
    if (cache.commits !== '' && !cache.commits.split('\n').every((id) => COMMIT_ID.test(id))) return undefined;
    return cache as CacheFile;
  } catch {
    return undefined;
  }
}

/** Writes beside `file` and renames over it: a reader sees the old file or the new, never half of one. */
function writeWhole(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temporary, text, { flag: 'wx', mode: 0o600 });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
  removeStaleTemporaries(file);
}

/** Temporary files a crashed run left: never read, so only removed. */
function removeStaleTemporaries(file: string): void {
  const dir = join(file, '..');
  const prefix = `${CACHE_FILE}.tmp-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_TEMPORARY_MS) rmSync(path, { force: true });
    } catch {
      // Gone already (another run's rename): nothing to do.
    }
  }
}

/** `.git/keyhound/` (the main repository's, from a linked worktree too). */
export async function defaultCacheDir(repo: string): Promise<string> {
  return join((await runGit(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim(), 'keyhound');
}
