import type { ScanResult } from '../scan/result.js';

/**
 * Facts about the run that the scan result does not hold. All optional: every format
 * works without them, and uses them (version, links, times) when the caller has them.
 */
export interface ReportMeta {
  /** keyhound's version; default: the version in keyhound's package.json. */
  version?: string;
  /** The command line that produced the report, shown for the record (html, sarif). */
  command?: string;
  /**
   * https URL of the repository, such as `https://github.com/owner/repo` or
   * `https://gitlab.com/group/project`; credentials in it are dropped. On GitHub and
   * GitLab the html report links each history finding's commit and file.
   */
  repositoryUrl?: string;
  /**
   * Which repository the report is about: its https address, else its directory's name.
   * In the json report, so that `keyhound merge` can tell repositories apart.
   */
  repository?: string;
  /** The commit the scanned working tree is at (HEAD): gitlab's `location.commit.sha`, sarif's revision. */
  revision?: string;
  /** The branch checked out (or the CI's branch), for the html header; absent on a detached HEAD. */
  branch?: string;
  /** Where the scanned repository is on this machine (its root), when it has no https address. */
  repositoryPath?: string;
  /** When the scan started, ISO 8601: gitlab's start and end times, sarif's invocation, the html header. */
  startedAt?: string;
}

/** A scan result, as every formatter receives it, plus what the caller knows about the run. */
export type ReportInput = ScanResult & { meta?: ReportMeta };

export interface ReportOptions {
  /** Print raw secrets: only ever true when the user passed --show-secrets. */
  showSecrets: boolean;
  color: boolean;
}

/** A formatter is a pure function from a scan result to the text of a report. */
export type Formatter = (input: ReportInput, options: ReportOptions) => string;
