/** Runs the detector over fragments from git (staged changes, history), applying the config's path allowlist and size limit. */
import { makeFinding, type Finding } from '../findings.js';
import type { Fragment } from '../sources/types.js';
import { scanText } from './scan-file.js';
import { countSkip, type ScanSetup, type ScanStats } from './setup.js';

export class FragmentScanner {
  private lastFile = '';
  private lastFileSkipped = false;

  constructor(
    private readonly setup: ScanSetup,
    readonly stats: ScanStats,
  ) {}

  /** Findings in one fragment; paths are relative to the repository root. */
  scan(fragment: Fragment): Finding[] {
    const file = `${fragment.commit?.sha ?? ''}:${fragment.path}`;
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileSkipped = this.setup.isPathAllowed(fragment.path);
      if (this.lastFileSkipped) countSkip(this.stats, 'allowlisted');
      else this.stats.files += 1;
    }
    if (this.lastFileSkipped) return [];
    if (fragment.text.length > this.setup.maxFileSize) {
      countSkip(this.stats, 'too-large');
      return [];
    }
    this.stats.bytes += Buffer.byteLength(fragment.text);
    const { byId, detector } = this.setup.ruleset;
    return scanText(fragment.text, detector).map((raw) =>
      makeFinding(byId.get(raw.ruleId)!, raw, fragment.path, fragment.startLine, fragment.commit),
    );
  }
}
