/**
 * Parses unified diffs (`git diff -U0`, `git log -p -U0`) into fragments: each run
 * of consecutive added lines becomes one fragment, with the line number it has in
 * the new version of the file. Pure: lines in, fragments out, tested on strings.
 */
import type { CommitInfo, Fragment } from './types.js';

/** The line `git log --format=COMMIT_FORMAT` prints before each commit's patch. */
export const COMMIT_MARKER = '\u0001keyhound-commit\u0001';
export const COMMIT_FORMAT = `${COMMIT_MARKER}%H%x01%an%x01%ae%x01%aI%x01%s`;

export interface DiffEvents {
  fragment(fragment: Fragment): void;
  /** A binary file changed (git prints no lines for it). */
  binary?(path: string): void;
  commit?(commit: CommitInfo): void;
}

/** Undoes git's C-style quoting of unusual path names ("a\tb", "\303\251"). */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < raw.length - 1; i++) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte);
      continue;
    }
    const next = raw[i + 1]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(raw.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `+++ b/path` → `path`; `+++ /dev/null` → undefined (the file was deleted). */
function newPath(header: string): string | undefined {
  const raw = header.slice(4);
  if (raw === '/dev/null') return undefined;
  const path = unquotePath(raw.replace(/\t$/, ''));
  return path.startsWith('b/') ? path.slice(2) : path;
}

/** `Binary files a/x and b/y differ` → `y` (or the old name when deleted). */
function binaryPath(line: string): string {
  const match = /^Binary files (.+) and (.+) differ$/.exec(line);
  if (!match) return line;
  const side = match[2] === '/dev/null' ? match[1]! : match[2]!;
  const path = unquotePath(side);
  return path.replace(/^[ab]\//, '');
}

const MAX_SUBJECT = 200;

/** `@@ -12,3 +14,5 @@`: old count, new start, new count (a missing count means 1). */
const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export class DiffParser {
  private commit: CommitInfo | undefined;
  private path: string | undefined;
  /** Lines of the current hunk still to come, old and new side (from its @@ header). */
  private oldLeft = 0;
  private newLeft = 0;
  private nextLine = 0;
  private added: string[] = [];
  private addedStart = 0;

  constructor(private readonly events: DiffEvents) {}

  line(line: string): void {
    if (this.oldLeft > 0 || this.newLeft > 0) {
      const first = line.charCodeAt(0);
      if (first === 43 /* + */) {
        if (this.added.length === 0) this.addedStart = this.nextLine;
        this.added.push(line.slice(1));
        this.nextLine += 1;
        this.newLeft -= 1;
      } else if (first === 45 /* - */) {
        this.flush();
        this.oldLeft -= 1;
      } else if (first === 92 /* \ No newline at end of file */) {
        return;
      } else {
        // A context line (or, defensively, anything else) counts on both sides.
        this.flush();
        this.nextLine += 1;
        this.oldLeft -= 1;
        this.newLeft -= 1;
      }
      if (this.oldLeft <= 0 && this.newLeft <= 0) this.flush();
      return;
    }
    if (line.startsWith('@@')) {
      const match = HUNK.exec(line);
      if (match && this.path !== undefined) {
        this.oldLeft = match[1] === undefined ? 1 : Number(match[1]);
        this.newLeft = match[3] === undefined ? 1 : Number(match[3]);
        // git writes a new start of 0 only for an empty new side; line numbers start at 1.
        this.nextLine = Math.max(1, Number(match[2]));
      }
    } else if (line.startsWith('diff --git ') || line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
      this.path = undefined;
    } else if (line.startsWith('+++ ')) {
      this.path = newPath(line);
    } else if (line.startsWith('Binary files ')) {
      this.events.binary?.(binaryPath(line));
    } else if (line.startsWith(COMMIT_MARKER)) {
      const [sha = '', author = '', email = '', date = '', message = ''] = line.slice(COMMIT_MARKER.length).split('\u0001');
      // A subject can be megabytes long; reports need its start.
      this.commit = { sha, author, email, date, message: message.length > MAX_SUBJECT ? `${message.slice(0, MAX_SUBJECT)}…` : message };
      this.path = undefined;
      this.events.commit?.(this.commit);
    }
  }

  /** Call once at the end of the input. */
  end(): void {
    this.flush();
    this.oldLeft = 0;
    this.newLeft = 0;
  }

  private flush(): void {
    if (this.added.length === 0 || this.path === undefined) {
      this.added = [];
      return;
    }
    this.events.fragment({
      path: this.path,
      text: this.added.join('\n'),
      startLine: this.addedStart,
      ...(this.commit ? { commit: this.commit } : {}),
    });
    this.added = [];
  }
}
