/**
 * Suppressions that need more than the text: the config's path allowlists, the
 * ignore file and the baseline. (Inline comments and secret allowlists are applied
 * by the detector.) Every suppressed finding says what suppressed it.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { baselineMatcher, DEFAULT_BASELINE_FILE, loadBaseline } from '../config/baseline.js';
import { ignoreFilePath, loadIgnoreFile, type IgnoreEntry, type IgnoreFile } from '../config/ignore-file.js';
import { hasGuessableSecret, legacyFingerprint, prepareFingerprints, type Finding } from '../findings/finding.js';
import { DEFAULT_SALT } from '../findings/fingerprints.js';
import { isTestPath } from './test-paths.js';

export interface SuppressionOptions {
  /** A baseline file: its findings are not reported. Default `.keyhound-baseline.json` at the root, if present; false: none. */
  baseline?: string | false;
  /** An ignore file; default `.keyhoundignore` at the root, if present. */
  ignoreFile?: string;
}

/**
 * In test and sample code, findings of generic rules (low confidence) and notes (public
 * keys) are suppressed unless the config asks for them. A provider's credential, a
 * test-mode key included, is reported there as anywhere: its format says what it is.
 */
const LOW_IN_TESTS = 'low confidence or a note in test or sample code (reportLowInTests: true in the config reports it)';

export interface Suppressor {
  /** The salt of the scan's fingerprints: the one the ignore file declares, else DEFAULT_SALT. */
  salt: string;
  /** Computes, on every core, the slow fingerprints reasonFor will need. */
  prepare(findings: readonly Finding[]): Promise<void>;
  /** Why the finding is suppressed, if it is. `pathFromRoot` is the finding's path relative to the root. */
  reasonFor(finding: Finding, pathFromRoot: string): string | undefined;
  /** Ignore-file entries that matched nothing in this scan. */
  staleIgnores(): IgnoreEntry[];
  /** What the user should fix: entries that name a guessable secret by a hash anyone can reverse. */
  notices(): string[];
  ignoreFile?: IgnoreFile;
  /** The ignore file and the baseline it reads or would read (there or not): what its answers depend on. */
  files: string[];
}

/** `cwd`: where the command runs; the files the options name are relative to it. */
export function createSuppressor(
  root: string,
  cwd: string,
  options: SuppressionOptions,
  pathAllowedBy: (path: string, ruleId?: string) => string | undefined,
  reportLowInTests = false,
): Suppressor {
  const ignoreFile = loadIgnoreFile(root, options.ignoreFile, cwd);
  const ignored = new Map((ignoreFile?.entries ?? []).map((entry) => [entry.fingerprint, entry]));
  const used = new Set<string>();
  const baselineFile = chooseBaseline(root, cwd, options.baseline);
  const baseline = baselineFile ? baselineMatcher(loadBaseline(baselineFile.path, baselineFile.name)) : undefined;
  const reversibleIgnores = new Map<IgnoreEntry, string>();
  const reversibleInBaseline = new Set<Finding>();

  /** The ignore entry for the finding: by its fingerprint, or by the SHA-256 older keyhound versions wrote for a guessable secret too. */
  const ignoreEntry = (finding: Finding): IgnoreEntry | undefined => {
    if (ignored.size === 0) return undefined;
    const entry = ignored.get(finding.fingerprint);
    if (entry || !hasGuessableSecret(finding)) return entry;
    const old = ignored.get(legacyFingerprint(finding));
    if (old) reversibleIgnores.set(old, finding.fingerprint);
    return old;
  };

  return {
    ...(ignoreFile ? { ignoreFile } : {}),
    files: [ignoreFilePath(root, options.ignoreFile, cwd), ...(options.baseline === false ? [] : [baselineFile?.path ?? join(root, DEFAULT_BASELINE_FILE)])],
    salt: ignoreFile?.salt ?? DEFAULT_SALT,
    async prepare(findings) {
      const guessable = findings.filter((finding) => !finding.suppressedBy && hasGuessableSecret(finding));
      if (ignored.size) await prepareFingerprints(guessable);
      await baseline?.prepare(guessable);
    },
    reasonFor(finding, pathFromRoot) {
      const byPath = pathAllowedBy(pathFromRoot, finding.ruleId);
      if (byPath) return byPath;
      const entry = ignoreEntry(finding);
      if (entry) {
        used.add(entry.fingerprint);
        return `${ignoreFile!.file}:${entry.line}${entry.comment ? ` (${entry.comment})` : ''}`;
      }
      const known = baseline?.match(finding);
      if (known === 'reversible') reversibleInBaseline.add(finding);
      if (known) return `baseline ${baselineFile!.name}`;
      // After the user's own decisions, so that an ignore entry for such a finding is not stale.
      if (!reportLowInTests && (finding.confidence === 'low' || finding.informative) && isTestPath(pathFromRoot)) return LOW_IN_TESTS;
      return undefined;
    },
    staleIgnores: () => (ignoreFile?.entries ?? []).filter((entry) => !used.has(entry.fingerprint)),
    notices: () => [
      ...[...reversibleIgnores].map(([entry, replacement]) =>
        `${ignoreFile!.file}:${entry.line}: this fingerprint of a guessable secret can be reversed (written by an older keyhound): replace it with ${replacement}`),
      ...(reversibleInBaseline.size
        ? [`${baselineFile!.name}: ${reversibleInBaseline.size} findings match entries that name a guessable secret by a hash that can be reversed (written by an older keyhound): write the baseline again (keyhound baseline create)`]
        : []),
    ],
  };
}

/** The baseline to use and the name reports give it: the one named (relative to `cwd`), else the default one at the root if it is there. */
function chooseBaseline(root: string, cwd: string, option: string | false | undefined): { path: string; name: string } | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return { path: resolve(cwd, option), name: option };
  const path = join(root, DEFAULT_BASELINE_FILE);
  return existsSync(path) ? { path, name: DEFAULT_BASELINE_FILE } : undefined;
}

export interface Partitioned {
  findings: Finding[];
  suppressed: Finding[];
}

/**
 * Splits findings into reported and suppressed. `toRoot` maps a finding's path to
 * its path relative to the repository root (the paths allowlists are written against).
 */
export function partition(all: Finding[], suppressor: Suppressor, toRoot: (file: string) => string): Partitioned {
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of all) {
    const reason = finding.suppressedBy ?? suppressor.reasonFor(finding, toRoot(finding.file));
    if (reason === undefined) findings.push(finding);
    else suppressed.push(Object.assign(finding, { suppressedBy: reason }));
  }
  return { findings, suppressed };
}

export function relativeToRoot(root: string, cwd: string): (file: string) => string {
  return (file) => (file === '<stdin>' ? file : relative(root, resolve(cwd, file)));
}
