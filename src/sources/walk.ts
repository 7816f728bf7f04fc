/**
 * Walks a plain directory (outside git), honouring every .gitignore in the tree.
 * Our own walker rather than fast-glob: fast-glob's `ignore` is one list of globs for
 * the whole walk, while each .gitignore applies, with gitignore's own rules (anchoring,
 * negation), to the directory it sits in; walking by hand applies each where it lives
 * and skips an ignored directory whole instead of listing and filtering it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Directories no one wants scanned outside git either. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

interface Matcher {
  /** The directory (relative, '' for the root) whose .gitignore this is. */
  base: string;
  rules: Ignore;
}

export interface Walk {
  /**
   * Every entry that is not a directory (files, symlinks, special files: the reader
   * counts what it skips), as paths relative to the walked directory with forward slashes.
   */
  files: string[];
  /** Directories that could not be listed (unreadable, or a path too long for the system), with the error code. */
  unlisted: Array<{ path: string; code: string }>;
}

export async function walkDirectory(dir: string): Promise<Walk> {
  const files: string[] = [];
  const unlisted: Walk['unlisted'] = [];
  const visit = (relative: string, matchers: Matcher[]): void => {
    let entries;
    try {
      entries = readdirSync(join(dir, relative), { withFileTypes: true });
    } catch (error) {
      unlisted.push({ path: relative, code: (error as NodeJS.ErrnoException).code ?? 'error' });
      return;
    }
    const own = entries.some((entry) => entry.name === '.gitignore' && entry.isFile())
      ? [...matchers, { base: relative, rules: ignore().add(readGitignore(join(dir, relative, '.gitignore'))) }]
      : matchers;
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name) && !isIgnored(`${path}/`, own)) visit(path, own);
      } else if (!isIgnored(path, own)) {
        files.push(path);
      }
    }
  };
  visit('', []);
  return { files: files.sort(), unlisted };
}

function readGitignore(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // An unreadable .gitignore ignores nothing.
  }
}

/** Ignored when the .gitignore of any ancestor directory ignores it (relative to that directory). */
function isIgnored(path: string, matchers: readonly Matcher[]): boolean {
  return matchers.some(({ base, rules }) => rules.ignores(base ? posix.relative(base, path) + (path.endsWith('/') ? '/' : '') : path));
}
