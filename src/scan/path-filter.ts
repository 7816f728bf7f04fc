/**
 * `--include` / `--exclude`: which paths a scan reads at all. Globs are matched against
 * the path relative to the repository root (or the scanned directory outside git): `*`
 * stays within a directory, `**` crosses them, and a glob without a slash matches a name
 * at any depth. A glob that matches a directory covers everything under it, so
 * `--exclude vendor` and `--include src/` mean what they say.
 */
import type { Matcher } from 'picomatch';

/** True when the path is to be scanned. */
export type PathFilter = (pathFromRoot: string) => boolean;

export async function pathFilter(include: readonly string[], exclude: readonly string[]): Promise<PathFilter | undefined> {
  if (include.length === 0 && exclude.length === 0) return undefined;
  // Loaded only when asked for: the pre-commit hook's start-up does not pay for it.
  const { default: picomatch } = await import('picomatch');
  const matcher = (globs: readonly string[]): ((path: string) => boolean) => {
    const cleaned = globs.map((glob) => glob.replace(/^\/+|\/+$/g, '')).filter((glob) => glob.length > 0);
    const names = cleaned.filter((glob) => !glob.includes('/'));
    const paths = cleaned.filter((glob) => glob.includes('/'));
    const byName: Matcher | undefined = names.length ? picomatch(names, { dot: true }) : undefined;
    const byPath: Matcher | undefined = paths.length ? picomatch(paths, { dot: true }) : undefined;
    // The path or a directory it lies in: by name (any segment), or by path from the root.
    return (path) => {
      const segments = path.split('/');
      if (byName && segments.some((segment) => byName(segment))) return true;
      if (byPath) for (let end = segments.length; end > 0; end--) if (byPath(segments.slice(0, end).join('/'))) return true;
      return false;
    };
  };
  const included = include.length ? matcher(include) : () => true;
  const excluded = exclude.length ? matcher(exclude) : () => false;
  return (path) => included(path) && !excluded(path);
}
