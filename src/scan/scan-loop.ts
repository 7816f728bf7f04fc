/**
 * The one scan loop. Every source (the working tree, standard input, a commit or tag
 * message, the staged change, a range of history, objects no commit holds) hands it
 * items, and here they become findings, counted skips and stats:
 *
 * - `skip`: a file not scanned, and why (counted; a warning when it carries one);
 * - `text`: a fragment of text to run the detector on (placed under its path or label);
 * - `file`: a working-tree file already read and run through the detector, here or in a
 *   worker thread (scan-file.ts), with what an archive or key store held;
 * - `diff`: a changed file, judged as `scan` judges its new version (diff-scan.ts);
 * - `commit`: one more commit read (history modes count them).
 *
 * A new source fits by yielding these; nothing below this layer changes.
 */
import type { Finding } from '../findings/finding.js';
import type { BlobReader } from '../git/blobs.js';
import type { FileDiff } from '../sources/diff-parser.js';
import type { Fragment, Skip } from '../sources/types.js';
import { DiffScanner } from './diff-scan.js';
import { placeFindings, toFileFindings } from './file-findings.js';
import { addContents } from './scan-contents.js';
import type { FileResult } from './scan-file.js';
import { countSkip, type ScanSetup, type ScanStats } from './setup.js';

/**
 * `order`: in history, the commit's place in rev-list order (the highest is the oldest);
 * `ownFile`: text counted as a scanned file (standard input), not as part of one (a message).
 */
export type ScanItem =
  | { kind: 'skip'; skip: Skip }
  | { kind: 'text'; fragment: Fragment; ownFile?: boolean; order?: number }
  | { kind: 'file'; result: FileResult }
  | { kind: 'diff'; diff: FileDiff; order?: number }
  | { kind: 'commit' };

export interface LoopOptions {
  setup: ScanSetup;
  stats: ScanStats;
  warn: (message: string) => void;
  /** Each finding as it is made, with the item it came from. */
  onFinding: (finding: Finding, item: ScanItem) => void;
  /** After each file and each commit. */
  onProgress?: () => void;
  /** Where `diff` items' whole versions are read from, when a patch is not enough. */
  blobs?: BlobReader;
  /** After a `diff` item's findings have all been handed on: at once, or once git gave its whole versions. */
  onJudged?: (item: ScanItem) => void;
}

/**
 * Changed files waiting for git to give their whole versions, at most: beyond it the
 * source waits (room). Without a bound, a history whose every change needs its whole file
 * (tiny files, judged whole) piled up 17,722 waiting files and 300 MB by 20,000 commits.
 */
const MAX_WAITING = 256;

export class ScanLoop {
  private diffScanner?: DiffScanner;
  private waiting = 0;
  /** Called as waiting files settle: those who wait for room, or for the last of them. */
  private wakers: Array<() => void> = [];
  private failure: unknown;
  /** False once a changed file could not be read in full: "nothing found" is then not proof of a clean commit. */
  readCleanly = true;

  constructor(private readonly options: LoopOptions) {}

  take(item: ScanItem): void {
    switch (item.kind) {
      case 'skip':
        return this.skip(item.skip);
      case 'commit':
        this.options.stats.commits = (this.options.stats.commits ?? 0) + 1;
        return this.options.onProgress?.();
      case 'text':
        return this.emit(this.text(item.fragment, item.ownFile === true), item);
      case 'file':
        this.file(item);
        return this.options.onProgress?.();
      case 'diff':
        return this.diff(item);
    }
  }

  /** A promise while too many changed files wait for git: the source should pause until it resolves. */
  room(): Promise<void> | undefined {
    if (this.waiting < MAX_WAITING) return undefined;
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  /** Waits for the changed files still being read from git; throws the first failure. */
  async finish(): Promise<void> {
    while (this.waiting > 0) await new Promise<void>((resolve) => this.wakers.push(resolve));
    if (this.failure !== undefined) throw this.failure;
  }

  private skip({ reason, warning }: Skip): void {
    countSkip(this.options.stats, reason);
    if (warning) this.options.warn(warning);
  }

  private text(fragment: Fragment, ownFile: boolean): Finding[] {
    const { setup, stats } = this.options;
    if (fragment.text.length > setup.maxFileSize) {
      countSkip(stats, 'too-large');
      return [];
    }
    if (ownFile) stats.files += 1;
    stats.bytes += Buffer.byteLength(fragment.text);
    return placeFindings(toFileFindings(setup.ruleset.detector.detect(fragment.text)), fragment, setup.ruleset.byId);
  }

  private file(item: { kind: 'file'; result: FileResult }): void {
    const { result } = item;
    const { stats, warn, setup } = this.options;
    if (result.skip) return this.skip(result.skip);
    const found = result.contents ? addContents(stats, result.contents, warn) : result.findings;
    if (!result.contents) {
      stats.files += 1;
      stats.bytes += result.bytes;
    }
    this.emit(placeFindings(found, { path: result.target.shown, startLine: 1 }, setup.ruleset.byId), item);
  }

  private diff(item: { kind: 'diff'; diff: FileDiff }): void {
    const found = this.judge().scan(item.diff);
    if (Array.isArray(found)) {
      this.emit(found, item);
      return this.options.onJudged?.(item);
    }
    this.waiting += 1;
    const settled = (): void => {
      this.waiting -= 1;
      this.options.onJudged?.(item);
      // Room again at half the bound (not at each settled file), and always for the last.
      if (this.waiting > MAX_WAITING / 2 && this.waiting > 0) return;
      const wakers = this.wakers;
      this.wakers = [];
      for (const wake of wakers) wake();
    };
    void found
      .then((later) => this.emit(later, item))
      .catch((error: unknown) => void (this.failure ??= error))
      .finally(settled);
  }

  private judge(): DiffScanner {
    const { setup, stats, warn, blobs } = this.options;
    if (!blobs) throw new Error('a diff item needs a blob reader');
    this.diffScanner ??= new DiffScanner(setup, stats, blobs, (message) => {
      this.readCleanly = false;
      warn(message);
    });
    return this.diffScanner;
  }

  private emit(findings: readonly Finding[], item: ScanItem): void {
    // One at a time: a minified file can hold more findings than a call takes arguments.
    for (const finding of findings) this.options.onFinding(finding, item);
  }
}
