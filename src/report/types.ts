import type { Finding } from '../findings.js';
import type { ScanStats } from '../scan/setup.js';

export interface ReportInput {
  findings: Finding[];
  stats: ScanStats;
}

export interface ReportOptions {
  /** Print raw secrets: only ever true when the user passed --show-secrets. */
  showSecrets: boolean;
  color: boolean;
}

/** A formatter is a pure function from a scan result to the text of a report. */
export type Formatter = (input: ReportInput, options: ReportOptions) => string;
