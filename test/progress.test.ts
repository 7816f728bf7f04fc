/** The progress line: on a terminal only, not before half a second, cleared before the report. */
import { describe, expect, it } from 'vitest';
import { progressDisplay } from '../src/cli/progress.js';
import { emptyStats } from '../src/scan/setup.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('progress display', () => {
  it('shows files, throughput and findings so far after a moment, then clears its line', async () => {
    const written: string[] = [];
    const display = progressDisplay((text) => written.push(text), true);
    const stats = { ...emptyStats(10), files: 3, bytes: 3 * 1024 * 1024 };
    display.update({ stats, findings: 1 });
    expect(written).toEqual([]); // a short scan never shows one
    await wait(550);
    display.update({ stats, findings: 2 });
    expect(written.at(-1)).toMatch(/^\r\u001b\[2Kscanning: 3 files, 3\.0 MB \(.+\/s\), 2 findings so far$/);
    display.update({ stats: { ...stats, commits: 7 }, findings: 2 }); // throttled: at most every 100 ms
    expect(written).toHaveLength(1);
    await wait(110);
    display.update({ stats: { ...stats, commits: 7 }, findings: 2 });
    expect(written.at(-1)).toMatch(/scanning: 7 commits/);
    display.done();
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });

  it('writes nothing when disabled (not a terminal, or --quiet)', async () => {
    const written: string[] = [];
    const display = progressDisplay((text) => written.push(text), false);
    await wait(550);
    display.update({ stats: emptyStats(1), findings: 0 });
    display.done();
    expect(written).toEqual([]);
  });
});
