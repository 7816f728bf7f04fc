/**
 * Which of history's secrets some file at HEAD still holds (reports say "present at
 * HEAD": still there to remove, not only to rotate). `git grep` searches HEAD's tree for
 * them, the secrets going to git through a pipe, never a file.
 *
 * Searching every file at HEAD is a rescan's largest cost (0.12–0.17 s of 0.47 s on
 * the 10,000-commit benchmark), so with the history cache the answer is kept: for each
 * finding row (by a hash of where it was found), hashes of the paths at HEAD that hold
 * its secret, and HEAD's tree. A rescan with the same tree asks git nothing; after new
 * commits, git searches only the files that changed between the two trees, and a row
 * not seen before is searched for everywhere. No secret and no path is kept in clear.
 */
import type { Finding } from '../findings/finding.js';
import { headTree, runGit, SAFE_DIFF_OPTIONS } from '../git/git.js';
import { sha256 } from '../builtins.js';
import type { KeptText } from './history-cache.js';

/** The file in the cache directory. */
export const HEAD_FILE = 'head.json';

/** More changed files than this: one search of the whole tree beats naming them all to git. */
const MAX_CHANGED = 2000;

export interface Row {
  finding: Finding;
  /** The raw secret. */
  secret: string;
}

/** Per row key: hashes of the paths at HEAD that hold its secret. */
type Presence = Map<string, string[]>;

const hash = (text: string): string => sha256(text).slice(0, 32);

/** Where a row was found, which decides its secret: commit, file, span and rule. */
function rowKey({ finding }: Row): string {
  return hash([finding.commit?.sha ?? '', finding.file, finding.line, finding.column, finding.endLine, finding.endColumn, finding.ruleId].join('\0'));
}

/** The longest line of a secret: what a line-oriented grep can look for. */
function searchableLine(secret: string): string {
  return secret.split(/\r?\n/).reduce((longest, line) => (line.length > longest.length ? line : longest), '');
}

/** Whether each row's secret is in some file at HEAD; `kept`: the history cache's record of the last answer. */
export async function presentAtHead(repo: string, rows: readonly Row[], kept?: KeptText): Promise<(row: Row) => boolean> {
  const tree = rows.length ? await headTree(repo) : undefined;
  if (!tree) return () => false;
  const before = kept ? parsePresence(kept.read()) : undefined;
  const changed = before ? await changedPaths(repo, before.tree, tree) : undefined;
  const presence: Presence = new Map();
  const everywhere: Row[] = [];
  const inChanged: Row[] = [];
  const gone = new Set(changed?.map(hash));
  for (const row of rows) {
    const key = rowKey(row);
    const paths = changed && before?.presence.get(key);
    if (!paths) {
      everywhere.push(row);
      continue;
    }
    presence.set(key, paths.filter((path) => !gone.has(path)));
    if (changed.length) inChanged.push(row);
  }
  await grepInto(presence, repo, tree, everywhere, undefined);
  await grepInto(presence, repo, tree, inChanged, changed);
  kept?.write(serialise(tree, presence));
  return (row) => (presence.get(rowKey(row))?.length ?? 0) > 0;
}

/** Adds to each row the paths at `tree` holding its secret, searching `paths` only when given. */
async function grepInto(presence: Presence, repo: string, tree: string, rows: readonly Row[], paths: readonly string[] | undefined): Promise<void> {
  const lines = new Map<string, string[]>();
  for (const row of rows) {
    const line = searchableLine(row.secret);
    if (!line) continue;
    lines.set(line, [...(lines.get(line) ?? []), rowKey(row)]);
    if (!presence.has(rowKey(row))) presence.set(rowKey(row), []);
  }
  if (lines.size === 0) return;
  let output = '';
  try {
    const pathspecs = paths ? paths.map((path) => `:(literal)${path}`) : [];
    output = await runGit(repo, ['grep', '-z', '-o', '-F', '--no-textconv', '-I', '-f', '-', tree, '--', ...pathspecs], [...lines.keys()].join('\n'));
  } catch {
    // Nothing matched (git grep exits 1): no file holds any of them.
  }
  // `-z`: "TREE:path\0match\n", so a path may hold a newline or a colon.
  for (let at = 0; at < output.length; ) {
    const nul = output.indexOf('\0', at);
    const end = output.indexOf('\n', nul + 1);
    if (nul === -1 || end === -1) break;
    const path = hash(output.slice(at + tree.length + 1, nul));
    for (const key of lines.get(output.slice(nul + 1, end)) ?? []) {
      const held = presence.get(key)!;
      if (!held.includes(path)) held.push(path);
    }
    at = end + 1;
  }
}

/** Files added, changed or deleted between two trees; undefined when git cannot say (the old tree is gone) or they are too many to name. */
async function changedPaths(repo: string, from: string, to: string): Promise<string[] | undefined> {
  if (from === to) return [];
  try {
    const output = await runGit(repo, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', ...SAFE_DIFF_OPTIONS, from, to]);
    const paths = output.split('\0').filter(Boolean);
    return paths.length <= MAX_CHANGED ? paths : undefined;
  } catch {
    return undefined;
  }
}

/** One line for the tree, then a line a row: its key and its paths' hashes. */
function serialise(tree: string, presence: Presence): string {
  return [tree, ...[...presence].map(([key, paths]) => [key, ...paths].join(' '))].join('\n');
}

function parsePresence(body: string | undefined): { tree: string; presence: Presence } | undefined {
  if (!body) return undefined;
  const [tree = '', ...rows] = body.split('\n');
  if (!/^[0-9a-f]{40,64}$/.test(tree)) return undefined;
  return { tree, presence: new Map(rows.map((line) => line.split(' ')).map(([key = '', ...paths]) => [key, paths])) };
}
