/**
 * Streaming history (`--format jsonl`): each secret's row goes out as soon as no older
 * commit can add that secret, instead of when the whole walk is done.
 *
 * The walk then lists commits oldest first (rev-list --reverse), and each walker reads
 * its commits from older to newer. A row at commit position `order` (the higher, the
 * older) is final once every walker still reading is at or past it, and no changed file
 * of an older commit still waits for git: the frontier. Rows are released in that order,
 * not sorted; the row's `history` summary (commits, paths, present at HEAD) needs the
 * whole walk and comes in the json report only.
 */
import type { Finding } from '../findings/finding.js';

export interface ReleasableRow {
  finding: Finding;
  /** The row's commit position in rev-list order (newest 0); -1 outside any commit. */
  order: number;
}

export class RowRelease {
  /** Per walker: the position of the commit it reads (Infinity before its first, -Infinity once done). */
  private readonly current = new Map<number, number>();
  /** Changed files still being judged, by their commit's position. */
  private readonly judging = new Map<number, number>();
  /** Rows offered but not yet final, by secret. */
  private readonly queued = new Map<string, ReleasableRow>();
  private readonly released = new Set<string>();

  constructor(private readonly release: (finding: Finding) => void) {}

  walkerStarted(walker: number): void {
    this.current.set(walker, Infinity);
  }

  walkerAt(walker: number, order: number): void {
    this.current.set(walker, order);
    this.flush();
  }

  walkerDone(walker: number): void {
    this.current.set(walker, -Infinity);
    this.flush();
  }

  judgingStarted(order: number): void {
    this.judging.set(order, (this.judging.get(order) ?? 0) + 1);
  }

  judgingDone(order: number): void {
    const left = (this.judging.get(order) ?? 1) - 1;
    if (left > 0) this.judging.set(order, left);
    else this.judging.delete(order);
    this.flush();
  }

  /** A secret's row as it now stands (an unsuppressed occurrence): out now if final, else when it is. */
  offer(secret: string, row: ReleasableRow): void {
    if (this.released.has(secret)) return;
    this.queued.set(secret, row);
    this.flush();
  }

  /** The oldest position anything still to come can have. */
  private frontier(): number {
    let frontier = -Infinity;
    for (const order of this.current.values()) frontier = Math.max(frontier, order);
    for (const order of this.judging.keys()) frontier = Math.max(frontier, order);
    return frontier;
  }

  private flush(): void {
    if (this.queued.size === 0) return;
    const frontier = this.frontier();
    for (const [secret, row] of this.queued) {
      if (row.order < frontier) continue;
      this.queued.delete(secret);
      this.released.add(secret);
      this.release(row.finding);
    }
  }
}
