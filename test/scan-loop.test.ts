/**
 * The one scan loop (src/scan/scan-loop.ts): changed files waiting for git to give their
 * whole versions are bounded, and the source is told to wait (room) beyond the bound,
 * so a history whose every change needs its whole file keeps its memory flat.
 */
import { describe, expect, it } from 'vitest';
import type { BlobReader } from '../src/git/blobs.js';
import type { Finding } from '../src/findings/finding.js';
import type { FileDiff } from '../src/sources/diff-parser.js';
import { ScanLoop } from '../src/scan/scan-loop.js';
import { emptyStats, prepareScan } from '../src/scan/setup.js';
import { commitAll, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

/** A blob reader whose reads wait until the test lets them through. */
function heldBlobs(): BlobReader & { release(): void; asked: number } {
  const held: Array<() => void> = [];
  const reader = {
    asked: 0,
    read: () => {
      reader.asked += 1;
      return new Promise<Buffer>((resolve) => held.push(() => resolve(Buffer.from('nothing here\n'))));
    },
    close: () => undefined,
    release: () => {
      for (const resolve of held.splice(0)) resolve();
    },
  };
  return reader;
}

/** A binary change: judged on its whole new version, so it waits for the blob reader. */
const binaryChange = (i: number): FileDiff => ({ path: `blob${i}.bin`, blob: 'ab'.repeat(20), parentBlobs: ['0'.repeat(40)], binary: true, hunks: [] });

describe('the scan loop', () => {
  it('asks its source to wait once 256 changed files wait for git, and makes room again as they settle', async () => {
    const setup = await prepareScan({ cwd: tempDir() });
    const blobs = heldBlobs();
    const found: Finding[] = [];
    const loop = new ScanLoop({ setup, stats: emptyStats(setup.ruleCount), warn: () => undefined, blobs, onFinding: (finding) => found.push(finding) });
    for (let i = 0; i < 255; i++) loop.take({ kind: 'diff', diff: binaryChange(i) });
    expect(loop.room()).toBeUndefined();
    loop.take({ kind: 'diff', diff: binaryChange(255) });
    const room = loop.room();
    expect(room).toBeInstanceOf(Promise);
    let roomMade = false;
    void room!.then(() => (roomMade = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(roomMade).toBe(false);
    expect(blobs.asked).toBe(256);
    blobs.release();
    await loop.finish();
    expect(roomMade).toBe(true);
    expect(loop.room()).toBeUndefined();
  });

  it('history pauses git while files wait, and still judges every one: 400 changed files in one commit', async () => {
    const keys = fakeKeys(21);
    const dir = repoWith(Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`small/f${i}.cfg`, `v=${i}\n`])));
    commitAll(dir, 'start');
    // Each tiny file changed: judged whole (keyword-less rules read small files whole).
    writeTree(dir, Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`small/f${i}.cfg`, i === 399 ? `token=${keys.github}\n` : `v=${i + 1}\n`])));
    commitAll(dir, 'change them all');
    const result = await run(['history', '--no-cache', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ file: string; ruleId: string }>; stats: { files: number } };
    expect(report.findings.map((finding) => [finding.file, finding.ruleId])).toEqual([['small/f399.cfg', 'github-pat-classic']]);
    expect(report.stats.files).toBe(800);
  });
});
