/**
 * Reads blobs (and tag objects) by name from long-running `git cat-file` processes, started on the first
 * request: the diff modes need a file's whole new version only now and then (a finding
 * to judge in context, a file git calls binary), and one process serves them all. The
 * size is asked first (`--batch-check`), so a blob over the size limit is never read.
 */
import { GitError, spawnGit } from './git.js';

/** What `read` returns for a name git does not know, or that is not a blob. */
export const MISSING = Symbol('missing');
/** What `read` returns for a blob larger than the limit it was given. */
export const TOO_LARGE = Symbol('too-large');

export interface BlobReader {
  /** The blob's bytes; `name` is an object id or `<rev>:<path>` (`:<path>` for the index). */
  read(name: string, maxSize: number, type?: 'blob' | 'tag'): Promise<Buffer | typeof MISSING | typeof TOO_LARGE>;
  /** Ends the git processes. */
  close(): void;
}

interface Answer {
  type: string;
  size: number;
  bytes?: Buffer;
}

type Ask = ((name: string) => Promise<Answer | typeof MISSING>) & { close(): void };

/**
 * One `git cat-file --batch[-check]` process. Its output arrives in chunks, joined only
 * once a whole answer is there, so a 10 MB blob costs one copy, not one per chunk.
 */
function catFile(repo: string, mode: '--batch' | '--batch-check'): Ask {
  const args = ['cat-file', mode];
  // Answers come in the order of the questions. A plain array's shift() copies the rest,
  // and thousands of reads can be waiting: the front is an index instead.
  const queue: Array<{ resolve(answer: Answer | typeof MISSING): void; reject(error: Error): void }> = [];
  let head = 0;
  const waiting = (): number => queue.length - head;
  const next = () => {
    const pending = queue[head]!;
    queue[head++] = undefined!;
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    return pending;
  };
  let child: ReturnType<typeof spawnGit> | undefined;
  let chunks: Buffer[] = [];
  let length = 0;
  /** Bytes the answer at the front needs in all, once its header has been read. */
  let needed = 0;
  let failed: Error | undefined;

  const drain = (): void => {
    while (waiting() && length && length >= needed) {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, length)];
      const buffered = chunks[0]!;
      const newline = buffered.indexOf(10);
      if (newline === -1) return;
      // `<id> <type> <size>`, or `<name> missing` (and `ambiguous`).
      const header = /^[0-9a-f]+ (\w+) (\d+)$/.exec(buffered.subarray(0, newline).toString('utf8'));
      const size = header ? Number(header[2]) : 0;
      const end = header && mode === '--batch' ? newline + 1 + size + 1 : newline + 1;
      if (length < end) {
        needed = end;
        return;
      }
      const answer: Answer | typeof MISSING = header
        ? { type: header[1]!, size, ...(mode === '--batch' ? { bytes: Buffer.from(buffered.subarray(newline + 1, newline + 1 + size)) } : {}) }
        : MISSING;
      chunks = [buffered.subarray(end)];
      length -= end;
      needed = 0;
      next().resolve(answer);
    }
  };

  const fail = (error: Error): void => {
    failed = error;
    while (waiting()) next().reject(error);
  };

  const start = (): ReturnType<typeof spawnGit> => {
    const process = spawnGit(repo, args, true);
    const stderr: Buffer[] = [];
    process.stdout!.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      drain();
    });
    process.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    process.stdin!.on('error', () => {});
    process.on('error', (error) => fail(new GitError(args, -1, error.message)));
    process.on('close', (code) => {
      if (waiting()) fail(new GitError(args, code ?? -1, Buffer.concat(stderr).toString('utf8')));
    });
    return process;
  };

  // Names asked for in one turn go to git in one write: a write a name cost 0.3 s of a
  // 10,000-commit history's 3.6 s.
  let outgoing = '';
  const flush = (): void => {
    if (outgoing) child!.stdin!.write(outgoing);
    outgoing = '';
  };
  const ask = (name: string): Promise<Answer | typeof MISSING> => {
    if (failed) return Promise.reject(failed);
    child ??= start();
    return new Promise((resolve, reject) => {
      queue.push({ resolve, reject });
      if (!outgoing) queueMicrotask(flush);
      outgoing += `${name}\n`;
    });
  };
  return Object.assign(ask, {
    // Names still waiting for their turn's write go first: end() after them, never before.
    close: () => {
      const last = outgoing;
      outgoing = '';
      child?.stdin!.end(last || undefined);
    },
  });
}

export function blobReader(repo: string): BlobReader {
  const check = catFile(repo, '--batch-check');
  const contents = catFile(repo, '--batch');
  return {
    async read(name, maxSize, type = 'blob') {
      // cat-file reads one name per line: a name with a line break cannot be asked for.
      if (/[\n\r]/.test(name)) return MISSING;
      const info = await check(name);
      if (info === MISSING || info.type !== type) return MISSING;
      if (info.size > maxSize) return TOO_LARGE;
      const blob = await contents(name);
      return blob === MISSING || !blob.bytes ? MISSING : blob.bytes;
    },
    close() {
      check.close();
      contents.close();
    },
  };
}
