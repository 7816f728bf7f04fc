/**
 * `--shard K/N`: a deterministic share of the work, so that N CI jobs together scan
 * everything exactly once. A commit (history) or a path (scan) belongs to the shard its
 * hash names: the same in every job, on every machine, whatever order git lists it in.
 */
import { createHash } from '../builtins.js';
import { KeyhoundError } from '../errors.js';

export interface Shard {
  /** 1 to count. */
  index: number;
  count: number;
}

/** `K/N` → a shard; anything else is the user's to fix. */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || count < 1 || index < 1 || index > count) throw new KeyhoundError(`--shard: not K/N with 1 <= K <= N: ${value}`);
  return { index, count };
}

export function shardName(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** Whether a commit id or a path belongs to the shard (every key to exactly one of 1..N). */
export function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count === 1) return true;
  const bucket = createHash('sha256').update(key).digest().readUInt32BE(0) % shard.count;
  return bucket === shard.index - 1;
}
