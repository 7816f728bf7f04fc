/**
 * `.keyhoundignore`: one fingerprint per line, with an optional `# comment`.
 * A fingerprint hashes the rule and the secret, so an entry survives the line moving
 * and never hides a different secret on the same line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KeyhoundError } from '../errors.js';
import { maskSecretLike } from '../report/redact.js';
import { readTextFile } from './yaml-file.js';

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
}

const ENTRY = /^([0-9a-f]{32})(?:\s+#\s?(.*))?$/;

export function parseIgnoreFile(text: string, file: string): IgnoreFile {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = ENTRY.exec(line);
    // Not quoted: a line that is not a fingerprint may well be the key itself, pasted.
    if (!match) throw new KeyhoundError(`${file}:${index + 1}: not a fingerprint (32 hex digits, then an optional # comment)`);
    // Comments are shown in reports (stale entries, what suppressed a finding): masked like a shown line.
    entries.push({ fingerprint: match[1]!, line: index + 1, ...(match[2] ? { comment: maskSecretLike(match[2]) } : {}) });
  });
  return { file, entries };
}

/** The explicit ignore file, else `.keyhoundignore` at the root if there is one. */
export function loadIgnoreFile(root: string, explicit?: string): IgnoreFile | undefined {
  const file = explicit ?? join(root, IGNORE_FILE_NAME);
  if (!explicit && !existsSync(file)) return undefined;
  return parseIgnoreFile(readTextFile(file, 'ignore file'), explicit ?? IGNORE_FILE_NAME);
}
