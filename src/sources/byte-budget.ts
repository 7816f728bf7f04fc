/**
 * How many bytes archives may still expand to: the scan's budget is a counter in shared
 * memory, so the worker threads draw on one budget; each outer archive has its own
 * budget on top (its nested archives included).
 */
import type { ExpansionBudget } from './archives.js';
import type { SkipReason } from './types.js';

/** A scan's budget, as memory that can be handed to worker threads. */
export function scanBudget(bytes: number): SharedArrayBuffer {
  const memory = new SharedArrayBuffer(8);
  new BigInt64Array(memory)[0] = BigInt(bytes);
  return memory;
}

function takeFrom(memory: SharedArrayBuffer, bytes: number): boolean {
  const left = new BigInt64Array(memory);
  const amount = BigInt(bytes);
  if (Atomics.sub(left, 0, amount) >= amount) return true;
  Atomics.add(left, 0, amount);
  return false;
}

function remainingIn(memory: SharedArrayBuffer): number {
  return Math.max(0, Number(Atomics.load(new BigInt64Array(memory), 0)));
}

/** One outer archive's budget within the scan's. */
export function archiveBudget(scan: SharedArrayBuffer, maxArchiveSize: number, maxRatio: number): ExpansionBudget {
  let left = maxArchiveSize;
  return {
    maxRatio,
    remaining: () => Math.min(left, remainingIn(scan)),
    charge(bytes): SkipReason | undefined {
      if (bytes > left) return 'archive-too-large';
      if (!takeFrom(scan, bytes)) return 'archive-budget';
      left -= bytes;
      return undefined;
    },
  };
}
