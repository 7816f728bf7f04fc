/**
 * `.keyhoundignore`: one fingerprint per line, with an optional `# comment`.
 * A fingerprint hashes the rule and the secret, so an entry survives the line moving
 * and never hides a different secret on the same line. A `# keyhound-salt: HEX` line
 * gives the repository's fingerprints of guessable secrets a salt of their own
 * (fingerprints.ts); older keyhound versions read it as a comment.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { SALT_PATTERN } from '../findings/fingerprints.js';
import { maskSecretLike } from '../findings/redact.js';
import { readTextFile } from '../files/yaml-file.js';

export const IGNORE_FILE_NAME = '.keyhoundignore';

export interface IgnoreEntry {
  fingerprint: string;
  /** 1-based line in the ignore file, for reporting stale entries. */
  line: number;
  comment?: string;
}

export interface IgnoreFile {
  file: string;
  entries: IgnoreEntry[];
  /** The salt its `# keyhound-salt:` line declares. */
  salt?: string;
}

const ENTRY = /^([0-9a-f]{32})(?:\s+#\s?(.*))?$/;
const SALT_LINE = /^#\s*keyhound-salt:\s*(\S*)\s*$/;

export function parseIgnoreFile(text: string, file: string): IgnoreFile {
  const entries: IgnoreEntry[] = [];
  let salt: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const declared = SALT_LINE.exec(line)?.[1];
    if (declared !== undefined) {
      if (!SALT_PATTERN.test(declared)) throw new ConfigError(`${file}:${index + 1}: keyhound-salt is not 16 to 64 lower-case hex digits`);
      salt = declared;
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const match = ENTRY.exec(line);
    // Not quoted: a line that is not a fingerprint may well be the key itself, pasted.
    if (!match) throw new ConfigError(`${file}:${index + 1}: not a fingerprint (32 hex digits, then an optional # comment)`);
    // Comments are shown in reports (stale entries, what suppressed a finding): masked like a shown line.
    entries.push({ fingerprint: match[1]!, line: index + 1, ...(match[2] ? { comment: maskSecretLike(match[2]) } : {}) });
  });
  return { file, entries, ...(salt ? { salt } : {}) };
}

/** The ignore file a scan reads: the one named (relative to `cwd`), else the default one at the root. */
export function ignoreFilePath(root: string, explicit: string | undefined, cwd: string): string {
  return explicit ? resolve(cwd, explicit) : join(root, IGNORE_FILE_NAME);
}

/** The explicit ignore file (relative to `cwd`), else `.keyhoundignore` at the root if there is one. */
export function loadIgnoreFile(root: string, explicit: string | undefined, cwd: string): IgnoreFile | undefined {
  const file = ignoreFilePath(root, explicit, cwd);
  if (!explicit && !existsSync(file)) return undefined;
  return parseIgnoreFile(readTextFile(file, 'ignore file', explicit, ConfigError), explicit ?? IGNORE_FILE_NAME);
}
