/**
 * How the diff modes (staged, history, ci, pre-push) judge a changed file: as `scan`
 * judges it. What they report is what `scan` finds in the file's new version and did
 * not find, unsuppressed, in the version before (every parent's, for a merge).
 *
 * Reading two whole versions of every changed file would cost far more than the patch,
 * so the patch comes first: its hunks (added lines with unchanged context around them)
 * go through the detector, and the whole file is read from git only when a hunk has a
 * finding on an added line, a keyword of a rule that reaches further than the context
 * (a key block, a keyword-less rule on a tiny file), or an added line that looks like the
 * body of a key block; and when git calls the file binary, or the file moved from a
 * differently allowlisted path. Most hunks hold no keyword at all and cost one pass.
 */
import { tellsAbout } from '../engine/detect.js';
import type { RawFinding, RuleGate } from '../engine/types.js';
import type { Finding } from '../findings/finding.js';
import { MISSING, TOO_LARGE, type BlobReader } from '../git/blobs.js';
import { NULL_BLOB, type FileDiff } from '../sources/diff-parser.js';
import { DIFF_CONTEXT } from '../sources/patches.js';
import { archiveFormat } from '../sources/archives.js';
import { decodeText, hasUtf16Bom, isBinary } from '../sources/read-file.js';
import { addContents, scanContents, type Contents } from './scan-contents.js';
import { placeFindings, toFileFindings, type FileFinding } from './file-findings.js';
import { countSkip, type ScanSetup, type ScanStats } from './setup.js';

/** A rule whose match (or the keyword gating it) can reach beyond the context lines, or that judges a whole small file. */
function reachesBeyondContext(rule: RuleGate): boolean {
  return rule.keywords.length === 0 || rule.lines > DIFF_CONTEXT;
}

/**
 * The findings that touch an added line (through their secret or their pair's other
 * half), and the informative findings beside such a credential.
 */
export function touchingAdded(findings: readonly RawFinding[], isAdded: (line: number) => boolean): RawFinding[] {
  const touches = (finding: RawFinding): boolean => {
    for (let line = finding.line; line <= finding.endLine; line++) if (isAdded(line)) return true;
    return finding.pair !== undefined && isAdded(finding.pair.line);
  };
  const credentials = findings.filter((finding) => !finding.rule.informative && touches(finding));
  const besideOne = (finding: RawFinding): boolean =>
    credentials.some((credential) => tellsAbout(finding.rule, credential.rule.id) && Math.abs(credential.line - finding.line) <= finding.rule.pairLines);
  return findings.filter((finding) => (finding.rule.informative ? touches(finding) || besideOne(finding) : credentials.includes(finding)));
}

/** What the patch alone says about a file: findings on added lines, and whether the whole file must be read. */
interface FirstLook {
  findings: Finding[];
  wholeFile: boolean;
}

/** A line of nothing but base64, long enough to be part of a key block's body (whose header may lie outside the context). */
const KEY_BLOCK_BODY = /^\s*[A-Za-z0-9+/]{40,}={0,2}\s*$/;

/** A finding's identity when comparing two versions of a file: rule and raw secret. */
const identity = (finding: RawFinding | FileFinding): string => `${'rule' in finding ? finding.rule.id : finding.ruleId}\0${finding.secret}`;

/** Archives by name, for blobs too large to read just to look at their first bytes. */
const ARCHIVE_NAME = /\.(?:zip|jar|war|ear|apk|aar|ipa|whl|nupkg|vsix|xpi|tar|tgz|gz)$/i;

export class DiffScanner {
  private readonly reachesFar: boolean[];

  constructor(
    private readonly setup: ScanSetup,
    private readonly stats: ScanStats,
    private readonly blobs: BlobReader,
    private readonly warn: (message: string) => void,
  ) {
    this.reachesFar = setup.ruleset.gates.map(reachesBeyondContext);
  }

  /** Findings of one changed file: at once when the patch settles it, else once git has given the whole file. */
  scan(diff: FileDiff): Finding[] | Promise<Finding[]> {
    if (this.setup.excluded(diff.path)) {
      countSkip(this.stats, 'excluded');
      return [];
    }
    if (this.setup.isPathAllowed(diff.path)) {
      countSkip(this.stats, 'allowlisted');
      return [];
    }
    this.stats.files += 1;
    // A file moved from a path allowlisted otherwise (out of fixtures/) is news in full.
    if (diff.oldPath !== undefined && this.setup.pathSuppressionKey(diff.oldPath) !== this.setup.pathSuppressionKey(diff.path)) {
      return this.judgeWholeFile(diff, [], []);
    }
    if (diff.binary) return this.judgeWholeFile(diff, diff.parentBlobs, []);
    const look = this.firstLook(diff);
    return look.wholeFile ? this.judgeWholeFile(diff, diff.parentBlobs, look.findings) : look.findings;
  }

  private firstLook(diff: FileDiff): FirstLook {
    const { detector, byId } = this.setup.ruleset;
    const findings: Finding[] = [];
    // A new file's one hunk is the whole new version, and there is no version before it:
    // what the detector finds there is what scan finds, with nothing more to read.
    const newFile = diff.hunks.length === 1 && diff.parentBlobs.every((blob) => NULL_BLOB.test(blob)) && !diff.hunks[0]!.added.includes(false);
    for (const hunk of diff.hunks) {
      if (!hunk.added.includes(true)) continue;
      if (!newFile && hunk.lines.some((line, i) => hunk.added[i] && KEY_BLOCK_BODY.test(line))) return { findings, wholeFile: true };
      // A new file's hunk is its whole text, down to the final line break.
      const text = newFile && !hunk.noNewlineAtEnd ? `${hunk.lines.join('\n')}\n` : hunk.lines.join('\n');
      this.stats.bytes += Buffer.byteLength(text);
      const candidates = detector.candidates(text);
      if (candidates.size === 0) continue;
      if (!newFile) for (const index of candidates.keys()) if (this.reachesFar[index]) return { findings, wholeFile: true };
      const touching = touchingAdded(detector.detectCandidates(text, candidates), (line) => hunk.added[line - 1] === true);
      for (const finding of placeFindings(toFileFindings(touching), { path: diff.path, startLine: hunk.startLine, commit: diff.commit }, byId)) findings.push(finding);
    }
    // A finding is judged again on the whole file, as scan sees it (pairs, informative neighbours, spans).
    return { findings, wholeFile: findings.length > 0 && !newFile };
  }

  /** The new version's blob: by id when git named it, else by path at the commit (or in the index). */
  private blobName(diff: FileDiff): string {
    return diff.blob ?? `${diff.commit?.sha ?? ''}:${diff.path}`;
  }

  /**
   * A version's text, or a binary version's bytes (a key store, an archive); undefined when
   * it is an ordinary binary or too large (counted in the stats when `count`), MISSING when
   * git does not have it. A blob over the file size limit is read (up to the archive
   * budget) only when its name says archive: git gives sizes, not first bytes.
   */
  private async readVersion(name: string, path: string, count: boolean): Promise<string | { binary: Buffer } | typeof MISSING | undefined> {
    const { maxFileSize, contentLimits } = this.setup;
    const limit = contentLimits.archives && ARCHIVE_NAME.test(path) ? Math.max(maxFileSize, contentLimits.archives.maxSize) : maxFileSize;
    const bytes = await this.blobs.read(name, limit);
    if (bytes === MISSING) return MISSING;
    if (bytes === TOO_LARGE) return void (count && countSkip(this.stats, 'too-large'));
    if ((!hasUtf16Bom(bytes) && isBinary(bytes)) || archiveFormat(bytes)) return { binary: bytes };
    if (bytes.length > maxFileSize) return void (count && countSkip(this.stats, 'too-large'));
    if (count) this.stats.bytes += bytes.length;
    return decodeText(bytes);
  }

  /**
   * The findings of the file's new version that its parents' versions (blob ids) do not
   * have unsuppressed. `fallback`: the patch's own findings, for when git cannot give the
   * file (a partial clone).
   */
  private async judgeWholeFile(diff: FileDiff, parents: readonly string[], fallback: Finding[]): Promise<Finding[]> {
    const version = await this.readVersion(this.blobName(diff), diff.path, true);
    if (version === MISSING) {
      if (fallback.length || diff.binary) this.warn(`${this.where(diff)}: git could not give the whole file; ${diff.binary ? 'not scanned' : 'judged on the patch alone'}`);
      return fallback;
    }
    if (version === undefined) return [];
    const { detector, byId } = this.setup.ruleset;
    const known = new Set<string>();
    for (const parent of parents) {
      if (NULL_BLOB.test(parent)) continue;
      const before = await this.readVersion(parent, diff.path, false);
      const found = typeof before === 'string' ? detector.detect(before) : typeof before === 'object' ? this.contents(before.binary, diff.path)?.findings : undefined;
      for (const finding of found ?? []) if (!finding.suppressedBy) known.add(identity(finding));
    }
    let fresh: FileFinding[];
    if (typeof version === 'string') fresh = toFileFindings(detector.detect(version));
    else {
      const contents = this.contents(version.binary, diff.path);
      if (!contents) {
        countSkip(this.stats, 'binary');
        return [];
      }
      fresh = addContents(this.stats, contents, this.warn);
    }
    return placeFindings(fresh.filter((finding) => !known.has(identity(finding))), { path: diff.path, startLine: 1, commit: diff.commit }, byId);
  }

  /** A binary version's key store or archive contents (scan-contents.ts). */
  private contents(bytes: Buffer, path: string): Contents | undefined {
    return scanContents(bytes, path, this.setup.ruleset.detector, this.setup.contentLimits);
  }

  private where(diff: FileDiff): string {
    return diff.commit ? `${diff.commit.sha.slice(0, 12)}:${diff.path}` : diff.path;
  }
}
