/**
 * The history cache: which commits were scanned before, with the same rules, config and
 * keyhound version, and held nothing at all (not even a suppressed finding, nor a
 * warning while they were read). A rescan lists the commits as before but reads only
 * the ones the cache does not name: the new ones, and every commit with a finding.
 *
 * So the cache holds commit ids and nothing else: no finding, no secret, nothing a
 * baseline or an ignore file must match. Every finding of a rescan comes from git, as
 * in a first scan, and the findings are exactly the same. Beside it, other texts under
 * the same key (keptText: head-presence.ts keeps which files at HEAD hold each secret, by
 * hashes only; history-replay.ts the last result, as a json report has it, for a rescan
 * with nothing new).
 *
 * Files in `.git/keyhound/` by default (`history.json`, `head.json`, `result.json`). Each is written
 * beside and renamed over (a crash leaves at most a stray temporary file, never read);
 * checked on load (its format, its key, a checksum of its body), and rebuilt with a warning
 * when anything is off.
 */
import { randomBytes, sha256 } from '../builtins.js';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Repository } from '../git/git.js';

export const CACHE_FILE = 'history.json';
const FORMAT = 'keyhound-history-cache';
/** Bump when what a clean commit means changes (the way commits are read). */
const VERSION = 1;
/** A temporary file older than this was left by a crash (a write takes milliseconds). */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;

/**
 * A cache file: its format, version and key, a body of text, and the body's SHA-256.
 * (`commits` in history.json; `body` in the others.)
 */
interface CheckedFile {
  format: string;
  version: number;
  /** What was scanned with (historyCacheKey). */
  key: string;
  sha256: string;
}

export interface CommitCache {
  /** The file, for messages. */
  file: string;
  /** Whether the commit was scanned before with the same key and held nothing. */
  known(sha: string): boolean;
  /** How many commits it names. */
  size: number;
  /** Adds commits scanned in full and found clean; a warning (never an error) when the file cannot be written. */
  remember(clean: readonly string[]): void;
}

/** A key for everything that decides what a commit's scan finds: keyhound, the rules, the config, the options. */
export function historyCacheKey(parts: Record<string, unknown>): string {
  return sha256(JSON.stringify({ version: VERSION, ...parts }));
}

export function openCommitCache(dir: string, key: string, warn: (message: string) => void): CommitCache {
  const file = join(dir, CACHE_FILE);
  const commits = (body: string | undefined) => new Set(body ? body.split('\n') : []);
  const read = readChecked(file, COMMITS, key, warn);
  const loaded = commits(read?.body);
  return {
    file,
    known: (sha) => loaded.has(sha),
    size: loaded.size,
    remember(clean) {
      if (clean.length === 0) return;
      // Another run (a concurrent shard) may have written since: keep what it added.
      const since = read && sameFile(file, read.identity) ? loaded : commits(readChecked(file, COMMITS, key, () => undefined)?.body);
      const all = new Set([...since, ...loaded, ...clean]);
      writeChecked(file, COMMITS, key, [...all].join('\n'), warn);
    },
  };
}

/**
 * A text kept under the same key as the commits (head-presence.ts keeps which files at
 * HEAD hold each finding's secret, by hashes only): undefined when absent, written with
 * another key, or corrupt (then with a warning).
 */
export interface KeptText {
  read(): string | undefined;
  write(body: string): void;
}

export function keptText(dir: string, name: string, key: string, warn: (message: string) => void): KeptText {
  const file = join(dir, name);
  const kind: FileKind = { format: `keyhound-${name.replace(/\.json$/, '')}`, field: 'body' };
  return { read: () => readChecked(file, kind, key, warn)?.body, write: (body) => writeChecked(file, kind, key, body, warn) };
}

/** What a cache file is called inside, and which field holds its body. */
interface FileKind {
  format: string;
  field: string;
}

/**
 * The commit list. Its checksum shows it is what keyhound wrote, commit ids git gave it:
 * they are not checked again one by one (3 ms for 10,000 ids, on every rescan).
 */
const COMMITS: FileKind = { format: FORMAT, field: 'commits' };

/** Which version of a file was read: a rename over it makes another inode. */
interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

function sameFile(file: string, identity: FileIdentity): boolean {
  try {
    const current = statSync(file);
    return current.ino === identity.ino && current.size === identity.size && current.mtimeMs === identity.mtimeMs;
  } catch {
    return false;
  }
}

/** The body the file holds under `key`, and which file that was; undefined when there is none, and with a warning when it is corrupt. */
function readChecked(file: string, kind: FileKind, key: string, warn: (message: string) => void): { body: string; identity: FileIdentity } | undefined {
  let text: string;
  let identity: FileIdentity;
  try {
    // Taken from the descriptor read from: the identity is that of these bytes.
    const fd = openSync(file, 'r');
    try {
      const { ino, size, mtimeMs } = fstatSync(fd);
      identity = { ino, size, mtimeMs };
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const body = parse(text, kind);
  if (body === undefined) {
    warn(`the history cache ${file} is corrupt: not trusted, rebuilt from what git says`);
    return undefined;
  }
  // Other rules, config or version: none of it applies (the file is replaced on save).
  return body.key === key && body.version === VERSION ? { body: body.text, identity } : undefined;
}

function parse(text: string, kind: FileKind): { key: string; version: number; text: string } | undefined {
  try {
    const cache = JSON.parse(text) as (Partial<CheckedFile> & Record<string, unknown>) | null;
    const body = cache?.[kind.field];
    if (cache?.format !== kind.format || typeof cache.version !== 'number' || typeof cache.key !== 'string') return undefined;
    if (typeof body !== 'string' || cache.sha256 !== sha256(body)) return undefined;
    return { key: cache.key, version: cache.version, text: body };
  } catch {
    return undefined;
  }
}

/** Writes the file whole; a warning (never an error) when it cannot. */
function writeChecked(file: string, kind: FileKind, key: string, body: string, warn: (message: string) => void): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeWhole(file, `${JSON.stringify({ format: kind.format, version: VERSION, key, [kind.field]: body, sha256: sha256(body) })}\n`);
  } catch (error) {
    warn(`cannot write the history cache ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): the next run asks git again`);
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

/** Temporary files of `file` a crashed run left: never read, so only removed. */
function removeStaleTemporaries(file: string): void {
  const dir = join(file, '..');
  const prefix = `${basename(file)}.tmp-`;
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
export function defaultCacheDir(repository: Repository): string {
  return join(repository.commonDir, 'keyhound');
}
