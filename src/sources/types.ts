/** What every source yields: a piece of text and where it came from. */
import type { CommitInfo } from '../findings/finding.js';

/** How findings in text that is not a file are labelled in reports, in place of a path. */
export const LABELS = {
  stdin: '<stdin>',
  commitMessage: '<commit message>',
  tag: (name: string) => `<tag ${name}>`,
  notes: (commit: string) => `<notes of ${commit.slice(0, 12)}>`,
  blob: (id: string) => `<blob ${id.slice(0, 12)}>`,
} as const;

export interface Fragment {
  /** Path as shown to the user (relative to the scan root where possible). */
  path: string;
  text: string;
  /** Line number of the first line of `text` in the file (1 for whole files). */
  startLine: number;
  commit?: CommitInfo;
}

/** Where a fragment's text sits: what a finding in it is reported at. */
export type Place = Omit<Fragment, 'text'>;

/**
 * Why a file was not scanned; counted in the stats, never silent. For archives:
 * `archive` not opened (--no-archives), `archive-unsupported` a format or entry not read
 * here (bzip2, xz, an encrypted entry), `archive-ratio` compressed more than the ratio
 * limit (a bomb), `archive-too-large` over the archive's budget, `archive-budget` over the
 * scan's, `archive-depth` nested deeper than the limit. `other-shard`: left to another
 * `--shard` job.
 */
export type SkipReason =
  | 'binary' | 'too-large' | 'symlink' | 'not-a-file' | 'unreadable' | 'vanished' | 'allowlisted' | 'excluded' | 'other-shard'
  | 'archive' | 'archive-unsupported' | 'archive-ratio' | 'archive-too-large' | 'archive-budget' | 'archive-depth';

export interface Skip {
  path: string;
  reason: SkipReason;
  /** Set for failures the user should hear about (a warning), not for ordinary skips. */
  warning?: string;
}
