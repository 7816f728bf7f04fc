/**
 * `keyhound baseline import`: baselines and ignore lists of other scanners, so a team
 * moving to keyhound keeps its triage. Where the foreign file holds a secret or its
 * hash, the entry matches that secret under any rule; where it holds only a location
 * (a .gitleaksignore line, a redacted gitleaks finding), keyhound scans that location
 * and records the fingerprint of what it finds there. A raw secret that could be
 * guessed is resolved by its location too: its SHA-256 would give it away to anyone
 * who reads the baseline, its fingerprint is salted scrypt (fingerprints.ts).
 */
import { basename } from 'node:path';
import { KeyhoundError } from '../errors.js';
import { runGit } from '../git/git.js';
import type { Detector } from '../engine/detect.js';
import { fingerprint, isGuessable } from '../findings/fingerprints.js';
import { secretSha256, type BaselineEntry } from './baseline.js';
import { readTextFile } from '../files/yaml-file.js';

export type ForeignFormat = 'gitleaks' | 'gitleaksignore' | 'detect-secrets';

/** A place another tool reported a secret; resolved to keyhound's finding there. */
export interface ForeignLocation {
  file: string;
  line: number;
  commit?: string;
  source: ForeignFormat;
}

export interface ImportResult {
  entries: BaselineEntry[];
  locations: ForeignLocation[];
  warnings: string[];
}

interface GitleaksFinding {
  RuleID?: string;
  Secret?: string;
  File?: string;
  StartLine?: number;
  Commit?: string;
}

interface DetectSecretsBaseline {
  results?: Record<string, Array<{ hashed_secret?: string; line_number?: number; type?: string }>>;
}

export function detectFormat(file: string, text: string): ForeignFormat {
  const name = basename(file);
  if (name === '.gitleaksignore') return 'gitleaksignore';
  try {
    const data: unknown = JSON.parse(text);
    if (Array.isArray(data)) return 'gitleaks';
    if (typeof data === 'object' && data !== null && 'results' in data) return 'detect-secrets';
  } catch {
    if (/^[^:\s]+(:[^:\s]+){2,3}$/m.test(text)) return 'gitleaksignore';
  }
  throw new KeyhoundError(`${file}: not a gitleaks report, .gitleaksignore or detect-secrets baseline (name the format with --from)`);
}

const REDACTED = /^REDACTED$|\*{4,}/;

export function parseForeign(text: string, file: string, format: ForeignFormat): ImportResult {
  const result: ImportResult = { entries: [], locations: [], warnings: [] };
  if (format === 'detect-secrets') {
    const data = parseJson<DetectSecretsBaseline>(text, file);
    for (const [path, secrets] of Object.entries(data.results ?? {})) {
      for (const secret of secrets) {
        if (secret.hashed_secret) result.entries.push({ secretSha1: secret.hashed_secret, source: 'detect-secrets' });
        else if (secret.line_number) result.locations.push({ file: path, line: secret.line_number, source: format });
      }
    }
  } else if (format === 'gitleaks') {
    const data = parseJson<GitleaksFinding[]>(text, file);
    for (const finding of data) {
      if (finding.Secret && !REDACTED.test(finding.Secret) && !isGuessable(finding.Secret)) {
        result.entries.push({ secretSha256: secretSha256(finding.Secret), source: 'gitleaks' });
      } else if (finding.File && finding.StartLine) {
        result.locations.push({ file: finding.File, line: finding.StartLine, ...(finding.Commit ? { commit: finding.Commit } : {}), source: format });
      }
    }
  } else {
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      // commit:file:rule:line, or file:rule:line (the file may itself contain colons).
      const parts = line.split(':');
      const lineNumber = Number(parts.at(-1));
      const isCommit = /^[0-9a-f]{7,40}$/.test(parts[0] ?? '') && parts.length >= 4;
      const path = parts.slice(isCommit ? 1 : 0, -2).join(':');
      if (!Number.isInteger(lineNumber) || !path) {
        result.warnings.push(`${file}:${index + 1}: not a gitleaks fingerprint (commit:file:rule:line), skipped`);
        return;
      }
      result.locations.push({ file: path, line: lineNumber, ...(isCommit ? { commit: parts[0]! } : {}), source: format });
    });
  }
  return result;
}

function parseJson<T>(text: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    // Not the parser's message: it quotes the input, which may be a secret.
    throw new KeyhoundError(`${file}: not JSON`);
  }
}

/** The text of a file now, or at a commit. */
async function contentAt(root: string, location: ForeignLocation): Promise<string | undefined> {
  try {
    return location.commit ? await runGit(root, ['show', `${location.commit}:${location.file}`]) : readTextFile(`${root}/${location.file}`, 'file');
  } catch {
    return undefined;
  }
}

/** Scans each location and turns what keyhound finds on that line into fingerprint entries (under the baseline's salt). */
export async function resolveLocations(root: string, locations: ForeignLocation[], detector: Detector, salt: string): Promise<ImportResult> {
  const result: ImportResult = { entries: [], locations: [], warnings: [] };
  for (const location of locations) {
    const text = await contentAt(root, location);
    const where = `${location.commit ? `${location.commit.slice(0, 12)}:` : ''}${location.file}:${location.line}`;
    if (text === undefined) {
      result.warnings.push(`${where} (${location.source}): cannot read it, skipped`);
      continue;
    }
    const found = detector.detect(text).filter((finding) => finding.line <= location.line && location.line <= finding.endLine);
    if (found.length === 0) result.warnings.push(`${where} (${location.source}): keyhound finds nothing there, skipped`);
    for (const finding of found) result.entries.push({ ruleId: finding.rule.id, fingerprint: fingerprint(finding.rule.id, finding.secret, salt, finding.rule.keywords) });
  }
  return result;
}
