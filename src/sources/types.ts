/** What every source yields: a piece of text and where it came from. */

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  date: string;
  message: string;
}

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

/** Why a file was not scanned; counted in the stats, never silent. */
export type SkipReason = 'binary' | 'too-large' | 'symlink' | 'not-a-file' | 'unreadable' | 'vanished' | 'allowlisted' | 'excluded';

export interface Skip {
  path: string;
  reason: SkipReason;
  /** Set for failures the user should hear about (a warning), not for ordinary skips. */
  warning?: string;
}
