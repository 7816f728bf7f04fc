/** What the machine-readable and audit formats share: the secret as shown, locations, versions, links. */
import { sep } from 'node:path';
import type { Severity } from '../engine/types.js';
import { rawSecret, shortSha, type Finding, type Verification } from '../findings/finding.js';
import { packageVersion } from '../package-root.js';
import type { ReportMeta } from './types.js';

export const KEYHOUND_URL = 'https://github.com/keyhound/keyhound';

/** critical first. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The secret as a report shows it: redacted, or raw only with --show-secrets. */
export function shownSecret(finding: Finding, showSecrets: boolean): string {
  return showSecrets ? rawSecret(finding) : finding.secret;
}

/** The masked line; with --show-secrets, the secret's first line put back in place of its redaction. */
export function shownLine(finding: Finding, showSecrets: boolean): string {
  if (!showSecrets) return finding.lineText;
  const firstLine = rawSecret(finding).split(/\r?\n/)[0] ?? '';
  return finding.lineText.split(finding.secret).join(firstLine);
}

/**
 * What the provider said about a credential, in one line: `live (login octocat; checked …)`,
 * `revoked (checked …)`, `unknown: the verification budget ran out (checked …)`.
 */
export function verificationText(verification: Verification): string {
  const { status, reason, identity, checkedAt } = verification;
  const about = Object.entries(identity ?? {}).map(([name, value]) => `${name} ${value}`);
  return `${status}${reason ? `: ${reason}` : ''} (${[...about, `checked ${checkedAt}`].join('; ')})`;
}

/** `file:line:column`, after the short commit id for a history finding (as the text report writes it). */
export function whereIs(finding: Finding): string {
  const at = `${finding.file}:${finding.line}:${finding.column}`;
  return finding.commit ? `${shortSha(finding.commit.sha)}:${at}` : at;
}

/** How a suppressed finding was suppressed, in SARIF's terms: a comment in the file, or something outside it. */
export function suppressionKind(suppressedBy: string): 'inSource' | 'external' {
  return suppressedBy.startsWith('inline comment') ? 'inSource' : 'external';
}

/** The version a report names: the caller's, else the one in keyhound's package.json. */
export function keyhoundVersion(meta: ReportMeta | undefined): string {
  return meta?.version || packageVersion();
}

/** A path's segments: forward slashes (backslashes too on Windows), no leading `./`. */
function segments(path: string): string[] {
  const slashed = sep === '\\' ? path.replace(/\\/g, '/') : path;
  return slashed.replace(/^(?:\.\/)+/, '').split('/');
}

/** A path as a relative URI reference: forward slashes, every segment percent-encoded. */
export function uriReference(path: string): string {
  return segments(path).map((segment) => encodeURIComponent(segment).replace(/%40/g, '@')).join('/');
}

/** An http(s) URL without credentials, query or fragment; undefined for anything else. */
export function cleanUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Links into a repository hosted on GitHub or GitLab. */
export interface RepositoryLinks {
  host: 'github' | 'gitlab';
  /** `https://github.com/owner/repo`, without credentials. */
  base: string;
  commit(sha: string): string | undefined;
  /** The file at that commit, anchored at the lines; undefined for a path outside the repository. */
  file(sha: string, path: string, line: number, endLine: number): string | undefined;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** Links for an https GitHub or GitLab repository URL (github.com, gitlab.com or a gitlab.* host); otherwise none. */
export function repositoryLinks(url: string | undefined): RepositoryLinks | undefined {
  const clean = cleanUrl(url);
  if (!clean) return undefined;
  const parsed = new URL(clean);
  const hostname = parsed.hostname.toLowerCase();
  const host = hostname === 'github.com' ? 'github' : hostname === 'gitlab.com' || hostname.startsWith('gitlab.') ? 'gitlab' : undefined;
  if (parsed.protocol !== 'https:' || !host || parsed.pathname.split('/').filter(Boolean).length < 2) return undefined;
  const base = clean;
  const dash = host === 'gitlab' ? '/-' : '';
  return {
    host,
    base,
    commit: (sha) => (SHA.test(sha) ? `${base}${dash}/commit/${sha}` : undefined),
    file: (sha, path, line, endLine) => {
      const parts = segments(path);
      if (!SHA.test(sha) || path === '<stdin>' || parts.some((part) => part === '..' || part === '')) return undefined;
      const lines = endLine > line ? (host === 'github' ? `L${line}-L${endLine}` : `L${line}-${endLine}`) : `L${line}`;
      return `${base}${dash}/blob/${sha}/${parts.map(encodeURIComponent).join('/')}#${lines}`;
    },
  };
}
