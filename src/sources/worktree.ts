/**
 * The working-tree source: which files a `keyhound scan PATH…` reads. Inside git:
 * tracked files plus untracked files that are not ignored. Outside git: a walk that
 * honours .gitignore files. Explicit files are taken as given.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { KeyhoundError } from '../errors.js';
import { isIgnoredByGit, listWorkTreeFiles, workTreeRoot } from '../git/git.js';
import type { Skip } from './types.js';

export interface ScanTarget {
  /** Where to read the file. */
  absolute: string;
  /** How to name it in reports (forward slashes, relative to the current directory when given relative). */
  shown: string;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function shownPath(arg: string, child: string): string {
  return toPosix(posix.normalize(posix.join(toPosix(arg), child)));
}

export interface Targets {
  targets: ScanTarget[];
  /** Directories (outside git) whose files could not be listed, each with a warning. */
  skipped: Skip[];
}

/** Lists the files to scan under the given paths (files or directories), relative to `cwd`. */
export async function listTargets(paths: readonly string[], cwd: string): Promise<Targets> {
  const targets: ScanTarget[] = [];
  const skipped: Skip[] = [];
  for (const arg of paths) {
    const absolute = isAbsolute(arg) ? arg : resolve(cwd, arg);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new KeyhoundError(code === 'ENOENT' ? `no such file or directory: ${arg}` : `cannot read ${arg} (${code})`);
    }
    if (!isDirectory) {
      targets.push({ absolute, shown: toPosix(arg) });
      continue;
    }
    // A directory git ignores (node_modules, a vendored tree) is walked like one outside
    // git: naming it on the command line means "scan this", and git would list nothing.
    const useGit = (await workTreeRoot(absolute)) !== undefined && !(await isIgnoredByGit(absolute));
    // The walker (and its .gitignore parser) is loaded only for directories outside git.
    const walk = useGit ? { files: await listWorkTreeFiles(absolute), unlisted: [] } : await (await import('./walk.js')).walkDirectory(absolute);
    for (const file of walk.files) targets.push({ absolute: join(absolute, file), shown: shownPath(arg, file) });
    for (const { path, code } of walk.unlisted) {
      const shown = `${shownPath(arg, path)}/`;
      skipped.push({ path: shown, reason: 'unreadable', warning: `${shown}: cannot list this directory (${code}); its files were not scanned` });
    }
  }
  return { targets: dedupe(targets), skipped };
}

/** The same file named twice (`scan . src`) is scanned once. */
function dedupe(targets: ScanTarget[]): ScanTarget[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    if (seen.has(target.absolute)) return false;
    seen.add(target.absolute);
    return true;
  });
}

