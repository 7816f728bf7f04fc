/**
 * A one-line progress display on stderr while a long scan runs: files or commits
 * done, bytes per second, findings so far. Only on a terminal, and never with --quiet.
 */
import type { Progress } from '../scan/setup.js';
import { formatBytes } from '../report/summary.js';
import { now } from '../builtins.js';

/** Redraw at most this often. */
const INTERVAL_MS = 100;
/** Short scans finish before a display would help; wait this long before the first one. */
const DELAY_MS = 500;

export interface ProgressDisplay {
  update(progress: Progress): void;
  /** Clears the line so the report starts clean. */
  done(): void;
}

export function progressDisplay(write: (text: string) => void, enabled: boolean): ProgressDisplay {
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update({ stats, findings }) {
      if (!enabled) return;
      const time = now();
      if (time - started < DELAY_MS || time - last < INTERVAL_MS) return;
      last = time;
      shown = true;
      const seconds = (time - started) / 1000;
      const done = stats.commits !== undefined ? `${stats.commits} commits` : `${stats.files} files`;
      write(`\r\u001b[2Kscanning: ${done}, ${formatBytes(stats.bytes)} (${formatBytes(Math.round(stats.bytes / seconds))}/s), ${findings} findings so far`);
    },
    done() {
      if (shown) write('\r\u001b[2K');
    },
  };
}
