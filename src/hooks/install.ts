/**
 * `keyhound hook install|uninstall`: a pre-commit (or pre-push) hook that runs
 * keyhound, put where git will run it. With husky, a block in husky's script
 * (`.husky/<hook>`); otherwise keyhound's own script in git's hooks directory
 * (core.hooksPath or .git/hooks), chaining to the hook that was there before.
 *
 * Hooks are often committed and shared, so the hook text holds no path of this
 * machine: it runs the project's own keyhound (node_modules/.bin) or one on PATH, and
 * blocks with one line when there is none. Installing twice changes nothing; the hook
 * fails closed; keyhound never writes through a symbolic link nor changes a file's mode.
 */
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KeyhoundError } from '../errors.js';
import { HOOKS_PATH_CONFIG, runGit } from '../git/git.js';

export type HookName = 'pre-commit' | 'pre-push' | 'commit-msg';

const MARKER = 'keyhound-managed-hook';
const BLOCK_START = '# >>> keyhound >>>';
const BLOCK_END = '# <<< keyhound <<<';
const PREVIOUS_SUFFIX = '.keyhound-previous';
const LOCAL_BIN = 'node_modules/.bin/keyhound';

/** The keyhound subcommand each hook runs, and what it blocks. */
const HOOKS: Record<HookName, { subcommand: string; blocks: string }> = {
  'pre-commit': { subcommand: 'staged', blocks: 'commit' },
  'pre-push': { subcommand: 'pre-push', blocks: 'push' },
  // git passes commit-msg the file holding the message.
  'commit-msg': { subcommand: 'commit-msg "$1"', blocks: 'commit' },
};

export interface HookPlace {
  root: string;
  /** The git directory (a linked worktree's common one), where hooks live by default. */
  gitDir: string;
  /** The file keyhound writes or edits, and how to name it to the user. */
  file: string;
  shown: string;
  /** A husky script (run by husky's runner, keyhound adds a block) or a script git runs itself. */
  husky: boolean;
}

/** Whether `path` is `parent` or inside it (both already resolved). */
function isInside(parent: string, path: string): boolean {
  const rel = relative(parent, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Where the hook goes: husky's script when git runs husky's hooks, else git's hooks directory. */
export async function hookPlace(cwd: string, hook: HookName): Promise<HookPlace> {
  // The user's real core.hooksPath: the safe settings used for scans would override it.
  let paths: string[];
  try {
    paths = (await runGit(cwd, ['rev-parse', '--show-toplevel', '--git-common-dir', '--git-path', 'hooks'], undefined, HOOKS_PATH_CONFIG)).trim().split('\n');
  } catch (error) {
    throw new KeyhoundError(`not a git repository: ${cwd}`, { cause: error });
  }
  // git prints the top level resolved, the others relative to where it runs: resolve them alike.
  const here = realpathSync(cwd);
  const [root = '', gitDir = '', hooksDir = ''] = paths.map((path, i) => (i === 0 ? path.trim() : resolve(here, path.trim())));
  const at = (file: string, husky: boolean): HookPlace => ({ root, gitDir, file, shown: relative(here, file) || file, husky });
  // husky 9 points core.hooksPath at <dir>/_, whose runner `h` runs <dir>/<hook>.
  if (basename(hooksDir) === '_' && existsSync(join(hooksDir, 'h'))) return at(join(dirname(hooksDir), hook), true);
  if (hooksDir === join(gitDir, 'hooks') && existsSync(join(root, '.husky'))) {
    throw new KeyhoundError(
      `.husky/ is here but git does not run husky's hooks in this clone (core.hooksPath is not set), so a hook in .husky/${hook} would never run: set husky up (npx husky), then run keyhound hook install again`,
    );
  }
  return at(join(hooksDir, hook), false);
}

/**
 * Refuses a hook file that a committed symbolic link would carry elsewhere: a cloned
 * repository must not make keyhound write outside it. (The git directory and a
 * core.hooksPath outside the work tree are the user's own, not the repository's.)
 */
function checkNoLink(place: HookPlace): void {
  const { shown } = place;
  const dir = dirname(place.file);
  if (isInside(place.root, dir) && !isInside(place.gitDir, dir)) {
    let existing = dir;
    while (!existsSync(existing)) existing = dirname(existing);
    const real = realpathSync(existing);
    if (!isInside(realpathSync(place.root), real)) {
      throw new KeyhoundError(`${shown}: its directory is a symbolic link out of the repository (to ${real}); keyhound does not write there`);
    }
  }
  if (place.husky && lstatSync(place.file, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new KeyhoundError(`${shown} is a symbolic link; keyhound edits only a regular file there (replace the link with the script it points to)`);
  }
}

/** A regular file's text, or undefined when there is none (a link is not read through). */
function regularFileText(file: string): string | undefined {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  return stat?.isFile() ? readFileSync(file, 'utf8') : undefined;
}

/** Replaces a file's content in place: its mode stays as it is, and a link is never followed. */
function rewrite(file: string, text: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** The marked block that runs keyhound: the project's own, or one on PATH, else it blocks. */
function keyhoundBlock(hook: HookName): string {
  const { subcommand, blocks } = HOOKS[hook];
  // git passes pre-push its refs on stdin; the chained hook needs them too.
  const run = hook === 'pre-push' ? `input=$(cat)\nprintf '%s\\n' "$input" | "$keyhound" ${subcommand}` : `"$keyhound" ${subcommand}`;
  return `${BLOCK_START}
# Blocks ${blocks}s that add secrets (keyhound hook install). Runs the project's own keyhound.
if [ -x ${LOCAL_BIN} ]; then keyhound=${LOCAL_BIN}
elif command -v keyhound >/dev/null 2>&1; then keyhound=keyhound
else
  echo "keyhound: could not run: add keyhound as a devDependency (npm install --save-dev git+https://github.com/keyhound/keyhound.git) and install it (npm install); this ${blocks} is blocked" >&2
  exit 1
fi
${run} || {
  status=$?
  [ "$status" -eq 1 ] || echo "keyhound could not check this ${blocks} (exit $status), so it is blocked. Fix the error above; to bypass the check: git ${blocks} --no-verify" >&2
  exit 1
}
${BLOCK_END}
`;
}

/** keyhound's own hook script for git's hooks directory. */
function gitHookScript(hook: HookName): string {
  const chain = hook === 'pre-push'
    ? `if [ -x "$0${PREVIOUS_SUFFIX}" ]; then printf '%s\\n' "$input" | "$0${PREVIOUS_SUFFIX}" "$@" || exit $?; fi`
    : `if [ -x "$0${PREVIOUS_SUFFIX}" ]; then exec "$0${PREVIOUS_SUFFIX}" "$@"; fi`;
  return `#!/bin/sh
# ${MARKER}: installed by \`keyhound hook install\`.
${keyhoundBlock(hook)}# The hook that was here before keyhound, if any.
${chain}
exit 0
`;
}

/** The script with keyhound's block replaced by `block` where it was ('' removes it), or `block` added at the end. */
function withBlock(text: string, block: string): string {
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END, start);
  if (start !== -1 && end !== -1) return text.slice(0, start) + block + text.slice(end + BLOCK_END.length).replace(/^\n/, '');
  if (!block) return text;
  return text && !text.endsWith('\n') ? `${text}\n${block}` : text + block;
}

export interface HookResult {
  file: string;
  message: string;
  /** Something the user should know: the hook will block until keyhound is installed in the project. */
  warning?: string;
}

export async function installHook(cwd: string, hook: HookName): Promise<HookResult> {
  const place = await hookPlace(cwd, hook);
  const { file, shown } = place;
  checkNoLink(place);
  const warning = existsSync(join(place.root, LOCAL_BIN))
    ? undefined
    : `this project has no ${LOCAL_BIN}: the hook runs a keyhound on PATH, or blocks every ${HOOKS[hook].blocks} until keyhound is installed (npm install --save-dev git+https://github.com/keyhound/keyhound.git)`;
  const done = (message: string): HookResult => ({ file, message, ...(warning ? { warning } : {}) });
  mkdirSync(dirname(file), { recursive: true });

  if (place.husky) {
    const before = regularFileText(file);
    const after = withBlock(before ?? '', keyhoundBlock(hook));
    if (after === before) return done(`already installed in ${shown}`);
    if (before === undefined) writeFileSync(file, after, { flag: 'wx' });
    else rewrite(file, after);
    return done(`added keyhound to ${shown} (husky)`);
  }

  const script = gitHookScript(hook);
  const existing = regularFileText(file);
  if (existing === script) return done(`already installed in ${shown}`);
  if (existing?.includes(MARKER)) {
    rewrite(file, script);
    return done(`updated keyhound's ${hook} hook in ${shown}`);
  }
  let chained = '';
  if (lstatSync(file, { throwIfNoEntry: false })) {
    // Not keyhound's (a link is moved as a link, never read through): it runs after keyhound.
    renameSync(file, `${file}${PREVIOUS_SUFFIX}`);
    chained = ` (the existing hook now runs after it, from ${shown}${PREVIOUS_SUFFIX})`;
  }
  writeFileSync(file, script, { flag: 'wx', mode: 0o755 });
  return done(`installed ${hook} hook in ${shown}${chained}`);
}

export async function uninstallHook(cwd: string, hook: HookName): Promise<HookResult> {
  const place = await hookPlace(cwd, hook);
  const { file, shown } = place;
  checkNoLink(place);
  if (!lstatSync(file, { throwIfNoEntry: false })) return { file, message: `no ${hook} hook in ${shown}` };
  const text = regularFileText(file) ?? '';
  if (place.husky) {
    if (!text.includes(BLOCK_START)) return { file, message: `keyhound is not in ${shown}` };
    const rest = withBlock(text, '');
    // A script that held only keyhound's block goes, as it came.
    if (rest.trim()) rewrite(file, rest);
    else rmSync(file);
    return { file, message: `removed keyhound from ${shown}` };
  }
  if (!text.includes(MARKER)) return { file, message: `${shown} is not keyhound's; left alone` };
  rmSync(file);
  const previous = `${file}${PREVIOUS_SUFFIX}`;
  if (lstatSync(previous, { throwIfNoEntry: false })) {
    renameSync(previous, file);
    return { file, message: `removed keyhound's hook; restored the previous ${shown}` };
  }
  return { file, message: `removed keyhound's hook ${shown}` };
}
