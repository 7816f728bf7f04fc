/**
 * `keyhound hook install|uninstall`: a pre-commit (or pre-push) hook that runs
 * keyhound. With husky, a block in `.husky/<hook>`; otherwise a script in git's hooks
 * directory (honouring core.hooksPath) that chains to the hook that was there before.
 * Installing twice changes nothing; the hook fails closed when keyhound cannot run.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { KeyhoundError } from '../errors.js';
import { simpleGitFor } from '../git/git.js';

export type HookName = 'pre-commit' | 'pre-push';

const MARKER = 'keyhound-managed-hook';
const BLOCK_START = '# >>> keyhound >>>';
const BLOCK_END = '# <<< keyhound <<<';
const PREVIOUS_SUFFIX = '.keyhound-previous';

/** The keyhound subcommand each hook runs. */
const SUBCOMMAND: Record<HookName, string> = { 'pre-commit': 'staged', 'pre-push': 'pre-push' };

export interface HookPlace {
  root: string;
  /** The file keyhound writes or edits. */
  file: string;
  husky: boolean;
}

async function repoRoot(cwd: string): Promise<string> {
  try {
    return (await (await simpleGitFor(cwd, ['core.fsmonitor=false'])).revparse(['--show-toplevel'])).trim();
  } catch {
    throw new KeyhoundError(`not a git repository: ${cwd}`);
  }
}

/** Where the hook goes: husky's directory when the repository uses husky, else git's hooks path. */
export async function hookPlace(cwd: string, hook: HookName): Promise<HookPlace> {
  const root = await repoRoot(cwd);
  // Read the user's real core.hooksPath: the safe settings used for scans override it.
  const repo = await simpleGitFor(root, ['core.fsmonitor=false']);
  const hooksPath = (await repo.raw(['config', '--get', 'core.hooksPath']).catch(() => '')).trim();
  if (existsSync(join(root, '.husky')) || hooksPath.startsWith('.husky')) {
    return { root, file: join(root, '.husky', hook), husky: true };
  }
  const gitPath = (await repo.revparse(['--git-path', 'hooks'])).trim();
  const dir = isAbsolute(gitPath) ? gitPath : join(root, gitPath);
  return { root, file: join(dir, hook), husky: false };
}

/** How the hook calls keyhound: the project's own install if it has one, else this very keyhound. */
export function keyhoundCommand(root: string, binPath: string): string {
  if (existsSync(join(root, 'node_modules', '.bin', 'keyhound'))) return './node_modules/.bin/keyhound';
  return `"${process.execPath}" "${binPath}"`;
}

function gitHookScript(hook: HookName, command: string): string {
  const run = hook === 'pre-push'
    ? `input=$(cat)\nprintf '%s\\n' "$input" | ${command} ${SUBCOMMAND[hook]}`
    : `${command} ${SUBCOMMAND[hook]}`;
  const chain = hook === 'pre-push'
    ? `if [ -x "$0${PREVIOUS_SUFFIX}" ]; then printf '%s\\n' "$input" | "$0${PREVIOUS_SUFFIX}" "$@" || exit $?; fi`
    : `if [ -x "$0${PREVIOUS_SUFFIX}" ]; then exec "$0${PREVIOUS_SUFFIX}" "$@"; fi`;
  return `#!/bin/sh
# ${MARKER}: blocks ${hook === 'pre-commit' ? 'commits' : 'pushes'} that add secrets. Installed by \`keyhound hook install\`.
${run}
status=$?
if [ "$status" -eq 1 ]; then exit 1; fi
if [ "$status" -ne 0 ]; then
  echo "keyhound could not check this ${hook === 'pre-commit' ? 'commit' : 'push'} (exit $status), so it is blocked. Fix the error above; to bypass the check: git ${hook === 'pre-commit' ? 'commit' : 'push'} --no-verify" >&2
  exit 1
fi
# The hook that was here before keyhound, if any.
${chain}
exit 0
`;
}

function huskyBlock(hook: HookName, command: string): string {
  return `${BLOCK_START}\n${command} ${SUBCOMMAND[hook]}\n${BLOCK_END}\n`;
}

function withoutBlock(text: string): string {
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END);
  if (start === -1 || end === -1) return text;
  return text.slice(0, start) + text.slice(end + BLOCK_END.length).replace(/^\n/, '');
}

export interface HookResult {
  file: string;
  message: string;
}

export async function installHook(cwd: string, hook: HookName, binPath: string): Promise<HookResult> {
  const place = await hookPlace(cwd, hook);
  const command = keyhoundCommand(place.root, binPath);
  const shown = relative(cwd, place.file) || place.file;
  mkdirSync(dirname(place.file), { recursive: true });
  if (place.husky) {
    const before = existsSync(place.file) ? readFileSync(place.file, 'utf8') : '';
    const after = `${withoutBlock(before).replace(/\n*$/, before ? '\n' : '')}${huskyBlock(hook, command)}`;
    if (after === before) return { file: place.file, message: `already installed in ${shown}` };
    writeFileSync(place.file, after);
    chmodSync(place.file, 0o755);
    return { file: place.file, message: `added keyhound to ${shown} (husky)` };
  }
  const existing = existsSync(place.file) ? readFileSync(place.file, 'utf8') : undefined;
  let chained = '';
  if (existing !== undefined && !existing.includes(MARKER)) {
    renameSync(place.file, `${place.file}${PREVIOUS_SUFFIX}`);
    chained = ` (the existing hook now runs after it, from ${shown}${PREVIOUS_SUFFIX})`;
  }
  const script = gitHookScript(hook, command);
  if (existing === script) return { file: place.file, message: `already installed in ${shown}` };
  writeFileSync(place.file, script);
  chmodSync(place.file, 0o755);
  return { file: place.file, message: `installed ${hook} hook in ${shown}${chained}` };
}

export async function uninstallHook(cwd: string, hook: HookName): Promise<HookResult> {
  const place = await hookPlace(cwd, hook);
  const shown = relative(cwd, place.file) || place.file;
  if (!existsSync(place.file)) return { file: place.file, message: `no ${hook} hook in ${shown}` };
  const text = readFileSync(place.file, 'utf8');
  if (place.husky) {
    if (!text.includes(BLOCK_START)) return { file: place.file, message: `keyhound is not in ${shown}` };
    writeFileSync(place.file, withoutBlock(text));
    return { file: place.file, message: `removed keyhound from ${shown}` };
  }
  if (!text.includes(MARKER)) return { file: place.file, message: `${shown} is not keyhound's; left alone` };
  rmSync(place.file);
  const previous = `${place.file}${PREVIOUS_SUFFIX}`;
  if (existsSync(previous)) {
    renameSync(previous, place.file);
    return { file: place.file, message: `removed keyhound's hook; restored the previous ${shown}` };
  }
  return { file: place.file, message: `removed keyhound's hook ${shown}` };
}
