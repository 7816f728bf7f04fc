/** Walks a plain directory (outside git) with fast-glob, honouring every .gitignore in the tree. */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';

/** Directories no one wants scanned outside git either. */
const ALWAYS_SKIPPED = ['**/.git/**', '**/.hg/**', '**/.svn/**'];

export async function walkDirectory(dir: string): Promise<string[]> {
  // One walk lists everything: the .gitignore files and what they may exclude. Not
  // only files: symlinks and special files are listed too, so they are counted as skipped.
  const entries = await fg('**', {
    cwd: dir,
    dot: true,
    onlyFiles: false,
    markDirectories: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    ignore: ALWAYS_SKIPPED,
  });
  const matchers = new Map<string, Ignore>();
  for (const entry of entries) {
    if (entry !== '.gitignore' && !entry.endsWith('/.gitignore')) continue;
    try {
      matchers.set(posix.dirname(entry), ignore().add(readFileSync(posix.join(dir, entry), 'utf8')));
    } catch {
      // An unreadable .gitignore ignores nothing; its directory is still scanned.
    }
  }
  return entries.filter((entry) => !entry.endsWith('/') && (matchers.size === 0 || !isIgnored(entry, matchers)));
}

/** A path is ignored when the .gitignore of any ancestor directory ignores it (relative to that directory). */
function isIgnored(path: string, matchers: Map<string, Ignore>): boolean {
  let dir = posix.dirname(path);
  for (;;) {
    const matcher = matchers.get(dir);
    if (matcher) {
      const relative = dir === '.' ? path : path.slice(dir.length + 1);
      if (matcher.ignores(relative)) return true;
    }
    if (dir === '.') return false;
    dir = posix.dirname(dir);
  }
}
