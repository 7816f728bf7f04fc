/**
 * Parses the patches of `git diff` and `git log -p` (with context lines, `--full-index`,
 * and combined diffs of merges) into one FileDiff per changed file: its hunks as lines
 * of the new version, each marked added or not, and the blob ids git names. Pure:
 * lines in, file diffs out, tested on strings.
 */
import type { CommitInfo } from '../findings/finding.js';

/**
 * What `git log --format=COMMIT_FORMAT` prints before each commit's patch: a marker line
 * with the commit's id, author, date and subject, then the whole message with every line
 * indented by one space (`%w(0,1,1)`), so that no line of a message can pass for a
 * header or a patch line.
 */
export const COMMIT_MARKER = '\u0001keyhound-commit\u0001';
export const COMMIT_FORMAT = `${COMMIT_MARKER}%H%x01%an%x01%ae%x01%aI%x01%s%n%w(0,1,1)%B`;

/** A run of the new version's lines: context and added lines, as the patch shows them. */
export interface Hunk {
  /** Line number, in the new version, of the first line. */
  startLine: number;
  lines: string[];
  /** Per line: added relative to every parent (for a merge, in none of its parents). */
  added: boolean[];
  /** The new version ends with the hunk's last line, which has no line break ("\ No newline at end of file"). */
  noNewlineAtEnd?: true;
}

/** One file's changes in one commit (or in the index, for staged changes). */
export interface FileDiff {
  /** Path in the new version. */
  path: string;
  /** Path in the parent, when the file was renamed or copied. */
  oldPath?: string;
  /** The new version's blob id (with --full-index), when git printed one. */
  blob?: string;
  /** The parents' blob ids (one per parent; all zeros where the file did not exist). */
  parentBlobs: string[];
  /** git printed "Binary files … differ" instead of lines. */
  binary: boolean;
  hunks: Hunk[];
  commit?: CommitInfo;
}

export interface DiffEvents {
  file(diff: FileDiff): void;
  commit?(commit: CommitInfo): void;
  /** The commit's whole message (subject and body), once it has been read. */
  message?(commit: CommitInfo, text: string): void;
}

export const NULL_BLOB = /^0+$/;

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

/** `a/path` or `b/path` (quoted or not) → `path`; `/dev/null` → undefined. */
function sidePath(raw: string): string | undefined {
  const name = unquotePath(raw.replace(/\t$/, ''));
  if (name === '/dev/null') return undefined;
  return /^[ab]\//.test(name) ? name.slice(2) : name;
}

/** `diff --git a/p b/p` → `p` when both sides are the same path (the usual case). */
function headerPath(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const split = rest.indexOf('" "');
    return split === -1 ? undefined : sidePath(rest.slice(split + 2));
  }
  const half = (rest.length - 1) / 2;
  return Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3) ? rest.slice(half + 3) : undefined;
}

const MAX_SUBJECT = 200;

/** `@@ -a,b +c,d @@` (or `@@@ -a,b -c,d +e,f @@@` for a merge): the new side's start. */
const HUNK_NEW_START = / \+(\d+)(?:,\d+)? @@/;

export class DiffParser {
  private commit: CommitInfo | undefined;
  private file: FileDiff | undefined;
  /** Set while the file is being deleted: its lines are not in any new version. */
  private deleted = false;
  private hunk: Hunk | undefined;
  /** The message lines of the commit just started, while they come (null once they have ended). */
  private messageLines: string[] | null = null;
  /** Columns before each hunk line: one per parent. */
  private parents = 1;
  private nextLine = 0;
  /** Whether the hunk line just read is in the new version (a "No newline" marker is about it). */
  private lastInNewVersion = false;

  constructor(private readonly events: DiffEvents) {}

  line(line: string): void {
    if (this.messageLines) {
      if (line.charCodeAt(0) === 32 /* every message line is indented */) {
        this.messageLines.push(line.slice(1));
        return;
      }
      this.endMessage();
    }
    if (this.hunk) {
      const first = line.charCodeAt(0);
      // ' ', '+', '-' or '\' (No newline at end of file): still in the hunk.
      if (first === 32 || first === 43 || first === 45 || first === 92) {
        this.hunkLine(line);
        return;
      }
      this.hunk = undefined;
    }
    if (line.startsWith('@@')) this.startHunk(line);
    else if (line.startsWith('diff --git ')) this.startFile(headerPath(line.slice(11)));
    else if (line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) this.startFile(unquotePath(line.slice(line.indexOf(' ', 7) + 1)));
    else if (line.startsWith(COMMIT_MARKER)) this.startCommit(line);
    else if (this.file) this.header(this.file, line);
  }

  /** Call once at the end of the input. */
  end(): void {
    this.endMessage();
    this.endFile();
  }

  private endMessage(): void {
    const lines = this.messageLines;
    this.messageLines = null;
    if (!lines || !this.commit) return;
    // git ends the message with a line break, which the indentation turns into a last " ".
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (lines.length) this.events.message?.(this.commit, lines.join('\n'));
  }

  private header(file: FileDiff, line: string): void {
    if (line.startsWith('index ')) {
      const [sides = ''] = line.slice(6).split(' ');
      const [parents = '', blob = ''] = sides.split('..');
      file.parentBlobs = parents.split(',');
      if (blob && !NULL_BLOB.test(blob)) file.blob = blob;
    } else if (line.startsWith('+++ ')) {
      const path = sidePath(line.slice(4));
      if (path === undefined) this.deleted = true;
      else file.path = path;
    } else if (line.startsWith('--- ')) {
      const path = sidePath(line.slice(4));
      if (path !== undefined && path !== file.path) file.oldPath ??= path;
    } else if (line.startsWith('rename from ') || line.startsWith('copy from ')) {
      file.oldPath = unquotePath(line.slice(line.indexOf(' from ') + 6));
    } else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
      file.path = unquotePath(line.slice(line.indexOf(' to ') + 4));
    } else if (line.startsWith('deleted file mode')) {
      this.deleted = true;
    } else if (line.startsWith('Binary files ')) {
      const match = /^Binary files (.+) and (.+) differ$/.exec(line);
      const path = match ? sidePath(match[2]!) : undefined;
      if (match && path === undefined) this.deleted = true;
      if (path !== undefined) file.path = path;
      file.binary = true;
    }
  }

  private startHunk(line: string): void {
    const match = HUNK_NEW_START.exec(line);
    if (!match || !this.file || this.deleted) return;
    this.parents = /^@+/.exec(line)![0].length - 1;
    // git writes a new start of 0 only for an empty new side; line numbers start at 1.
    this.nextLine = Math.max(1, Number(match[1]));
    this.hunk = { startLine: this.nextLine, lines: [], added: [] };
    this.file.hunks.push(this.hunk);
  }

  private hunkLine(line: string): void {
    const hunk = this.hunk!;
    if (line.charCodeAt(0) === 92 /* \ No newline at end of file, about the line before */) {
      if (this.lastInNewVersion) hunk.noNewlineAtEnd = true;
      return;
    }
    const columns = this.parents === 1 ? line[0]! : line.slice(0, this.parents);
    // A '-' in any parent's column: a line of that parent that the new version drops.
    this.lastInNewVersion = !columns.includes('-');
    if (!this.lastInNewVersion) return;
    hunk.lines.push(line.slice(this.parents));
    hunk.added.push(!columns.includes(' '));
    this.nextLine += 1;
  }

  private startFile(path: string | undefined): void {
    this.endFile();
    this.file = { path: path ?? '', parentBlobs: [], binary: false, hunks: [], ...(this.commit ? { commit: this.commit } : {}) };
  }

  private endFile(): void {
    const file = this.file;
    this.file = undefined;
    this.hunk = undefined;
    const deleted = this.deleted;
    this.deleted = false;
    if (!file || deleted || file.path === '') return;
    if (file.oldPath === file.path) delete file.oldPath;
    this.events.file(file);
  }

  private startCommit(line: string): void {
    this.endMessage();
    this.endFile();
    const [sha = '', author = '', email = '', date = '', message = ''] = line.slice(COMMIT_MARKER.length).split('\u0001');
    // A subject can be megabytes long; reports need its start.
    this.commit = { sha, author, email, date, message: message.length > MAX_SUBJECT ? `${message.slice(0, MAX_SUBJECT)}…` : message };
    this.events.commit?.(this.commit);
    this.messageLines = [];
  }
}
