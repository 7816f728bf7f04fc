import type { ScanResult } from '../scan/result.js';

/** A scan result, as every formatter receives it. */
export type ReportInput = ScanResult;

export interface ReportOptions {
  /** Print raw secrets: only ever true when the user passed --show-secrets. */
  showSecrets: boolean;
  color: boolean;
}

/** A formatter is a pure function from a scan result to the text of a report. */
export type Formatter = (input: ReportInput, options: ReportOptions) => string;
