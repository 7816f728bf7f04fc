/**
 * The command line: parses arguments, runs a command, returns the exit code.
 * Prints only through `io`; the bin just calls `main`.
 */
import yargs, { type Argv } from 'yargs';
import { KeyhoundError } from '../errors.js';
import { installHook, uninstallHook, type HookName } from '../hooks/install.js';
import { runCi, runCommitMsg, runHistory, runPrePush, runStaged } from './commands/git-modes.js';
import { DEFAULT_BASELINE_FILE, runBaselineCreate, runBaselineImport } from './commands/baseline.js';
import { runIgnore } from './commands/ignore.js';
import { runRulesCheck, runRulesList } from './commands/rules.js';
import { runScan } from './commands/scan.js';
import { EXIT_CLEAN, EXIT_ERROR } from './exit-codes.js';
import { failureText } from './failure.js';
import { keyhoundVersion } from '../report/common.js';
import { processIo, type Io } from './io.js';
import { HISTORY_OPTIONS, historyArgs, REPORT_OPTIONS, reportArgs, SHARD_OPTION, wholeNumber } from './options.js';
import { runMerge } from './commands/merge.js';
import type { FormatName } from '../report/index.js';
import type { Severity } from '../engine/types.js';
import { withReportOptions } from './report-options.js';
import { usageError } from './usage-errors.js';

/** Options and positionals that may be given more than once. */
const REPEATABLE = new Set(['_', 'paths', 'include', 'exclude', 'range', 'reports', 'files']);

/**
 * yargs renders the whole help text whenever a command starts, to have it ready should
 * the command fail; keyhound never shows help on a failure (its own `fail`,
 * showHelpOnFail(false)), and the rendering cost 20–50 ms of every run (a CPU profile of
 * a cached history rescan). `--help` still renders it when asked.
 */
function skipHelpRendering(cli: Argv): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance: () => { cacheHelpMessage: () => void } } };
  const usage = (cli as unknown as Internals).getInternalMethods?.().getUsageInstance();
  if (usage) usage.cacheHelpMessage = () => undefined;
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode = EXIT_ERROR;
  // yargs drops a bare `-`; the convention "read stdin" becomes the --stdin flag.
  const args = argv.map((arg) => (arg === '-' ? '--stdin' : arg));
  const cli = yargs(args)
    // An option given twice takes its last value, as in most tools; repeatable ones collect.
    .middleware((parsed) => {
      for (const [name, value] of Object.entries(parsed)) if (Array.isArray(value) && !REPEATABLE.has(name)) parsed[name] = value.at(-1);
    }, true)
    .scriptName('keyhound')
    .usage('$0 <command> [options]\n\nFinds leaked API keys, tokens and passwords before they are committed.')
    .command(
      'scan [paths..]',
      'scan files and directories (in git: tracked and untracked-not-ignored files); - reads stdin',
      (y) =>
        withReportOptions(y)
          .positional('paths', { type: 'string', array: true, describe: 'files or directories (default .), or - for stdin' })
          .option('stdin', { type: 'boolean', default: false, describe: 'scan standard input (also: a path of -)' })
          .option('shard', SHARD_OPTION)
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core; 0: none)', hidden: true, requiresArg: true, coerce: (value: number) => wholeNumber(value, '--workers') }),
      async (a) => {
        exitCode = await runScan(
          {
            ...reportArgs(a), paths: (a.paths ?? []) as string[], stdin: a.stdin,
            ...(a.workers !== undefined ? { workers: a.workers } : {}), ...(a.shard ? { shard: a.shard } : {}),
          },
          io,
        );
      },
    )
    .command('staged', 'scan what the next commit will contain (the index), for a pre-commit hook', (y) => withReportOptions(y), async (a) => {
      exitCode = await runStaged(reportArgs(a), io);
    })
    .command(
      'history [repo]',
      'scan every commit reachable from all refs (or --range/--branch); each secret reported once, where it was introduced',
      (y) =>
        withReportOptions(y)
          .positional('repo', { type: 'string', describe: 'the repository to audit: a clone, a bare repository or a mirror (default: the current one)' })
          .options(HISTORY_OPTIONS),
      async (a) => {
        exitCode = await runHistory(historyArgs({ ...a, cache: a.cache as string | false | undefined }), io);
      },
    )
    .command(
      'ci',
      'scan the commits a CI event is about: a pull request, push or tag, or the whole history on a schedule (GitHub, GitLab, Bitbucket, Azure, CircleCI, Jenkins)',
      (y) => withReportOptions(y).option('base', { type: 'string', describe: 'scan BASE..HEAD (default: chosen from the CI variables and event)', requiresArg: true }),
      async (a) => {
        exitCode = await runCi({ ...reportArgs(a), ...(a.base ? { base: a.base } : {}) }, io);
      },
    )
    .command(
      'pre-push [remote] [url]',
      'scan the commits being pushed (reads the pre-push hook input on stdin)',
      // git passes a pre-push hook the remote's name and address: taken, and not needed (stdin names the commits).
      (y) => withReportOptions(y).positional('remote', { type: 'string', describe: 'the remote pushed to (as git passes it)' }).positional('url', { type: 'string', describe: "the remote's address" }),
      async (a) => {
        exitCode = await runPrePush(reportArgs(a), io);
      },
    )
    .command(
      'commit-msg <file>',
      'scan a commit message before git records it (for a commit-msg hook; git passes the message file)',
      (y) => withReportOptions(y).positional('file', { type: 'string', demandOption: true, describe: 'the file holding the message' }),
      async (a) => {
        exitCode = await runCommitMsg({ ...reportArgs(a), file: a.file }, io);
      },
    )
    .command(
      'merge <reports..>',
      'combine json reports of --shard runs, or of many repositories, into one: one row per secret, a section per repository',
      (y) =>
        y
          .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'json reports (--format json)' })
          .options({ format: { ...REPORT_OPTIONS.format, default: 'json' as const }, output: REPORT_OPTIONS.output, 'fail-on': REPORT_OPTIONS['fail-on'], quiet: REPORT_OPTIONS.quiet, color: REPORT_OPTIONS.color }),
      async (a) => {
        exitCode = await runMerge(
          { reports: a.reports as string[], format: a.format as FormatName, failOn: a['fail-on'] as Severity, quiet: a.quiet, ...(a.output ? { output: a.output } : {}), ...(a.color !== undefined ? { color: a.color } : {}) },
          io,
        );
      },
    )
    .command('hook <command>', 'install or uninstall the git hook (husky-aware)', (y) => {
      const which = <T>(z: Argv<T>) =>
        z
          .option('pre-push', { type: 'boolean', default: false, describe: 'a pre-push hook instead of pre-commit' })
          .option('commit-msg', { type: 'boolean', default: false, describe: 'a commit-msg hook (secrets in commit messages) instead of pre-commit' });
      const hook = async (action: 'install' | 'uninstall', a: { 'pre-push': boolean; 'commit-msg': boolean }) => {
        if (a['pre-push'] && a['commit-msg']) throw new KeyhoundError('--pre-push and --commit-msg: one hook at a time');
        const name: HookName = a['pre-push'] ? 'pre-push' : a['commit-msg'] ? 'commit-msg' : 'pre-commit';
        const result = action === 'install' ? await installHook(io.cwd, name) : await uninstallHook(io.cwd, name);
        io.stdout(`keyhound: ${result.message}\n`);
        if (result.warning) io.stderr(`keyhound: warning: ${result.warning}\n`);
        exitCode = EXIT_CLEAN;
      };
      return y
        .command('install', 'install the hook (pre-commit; pre-push or commit-msg with --pre-push, --commit-msg)', which, (a) => hook('install', a))
        .command('uninstall', 'remove the hook, restoring the one it replaced', which, (a) => hook('uninstall', a))
        .demandCommand(1, 'name a hook command: install or uninstall');
    })
    .command('baseline <command>', 'record known findings, or import another scanner\'s baseline', (y) =>
      y
        .command(
          'create [paths..]',
          'write the current findings (hashes only) to a baseline file; later scans report only new ones (they read .keyhound-baseline.json at the repository root by themselves)',
          (z) =>
            z
              .positional('paths', { type: 'string', array: true, describe: 'files or directories (default: the whole repository)' })
              .option('output', { alias: 'o', type: 'string', describe: `baseline file (default: ${DEFAULT_BASELINE_FILE} at the repository root, which scans use without --baseline)`, requiresArg: true })
              .option('history', { type: 'boolean', default: false, describe: 'record the findings of the whole history instead of the working tree' })
              .option('config', { alias: 'c', type: 'string', describe: 'config file', requiresArg: true }),
          async (a) => {
            exitCode = await runBaselineCreate(
              { paths: (a.paths ?? []) as string[], history: a.history, ...(a.output ? { output: a.output } : {}), ...(a.config ? { config: a.config } : {}) },
              io,
            );
          },
        )
        .command(
          'import <files..>',
          'merge a gitleaks JSON report, a .gitleaksignore or a detect-secrets .secrets.baseline into a keyhound baseline',
          (z) =>
            z
              .positional('files', { type: 'string', array: true, demandOption: true })
              .option('output', { alias: 'o', type: 'string', describe: `baseline file, merged into if it exists (default: ${DEFAULT_BASELINE_FILE} at the repository root)`, requiresArg: true })
              .option('from', { choices: ['gitleaks', 'gitleaksignore', 'detect-secrets'] as const, describe: 'format (default: detected)', requiresArg: true })
              .option('config', { alias: 'c', type: 'string', describe: 'config file', requiresArg: true }),
          async (a) => {
            exitCode = await runBaselineImport(
              { files: a.files as string[], ...(a.output ? { output: a.output } : {}), ...(a.from ? { from: a.from } : {}), ...(a.config ? { config: a.config } : {}) },
              io,
            );
          },
        )
        .demandCommand(1, 'name a baseline command: create or import'),
    )
    .command(
      'ignore <fingerprint>',
      'record a false alarm in .keyhoundignore by the fingerprint the report shows (for a line that cannot hold a keyhound:allow comment, such as JSON)',
      (y) =>
        y
          .positional('fingerprint', { type: 'string', demandOption: true, describe: 'the finding\'s fingerprint (32 hex digits)' })
          .option('reason', { type: 'string', demandOption: 'say why it is not a leak: --reason "…"', describe: 'why it is not a leak (written beside it)', requiresArg: true })
          .option('ignore-file', { type: 'string', describe: 'the ignore file (default: .keyhoundignore at the repository root)', requiresArg: true }),
      async (a) => {
        exitCode = await runIgnore({ fingerprint: a.fingerprint, reason: a.reason, ...(a['ignore-file'] ? { ignoreFile: a['ignore-file'] } : {}) }, io);
      },
    )
    .command('rules <command>', 'list the rules, or check rule files', (y) =>
      y
        .command(
          'list',
          'list every rule: id, provider, severity, keywords',
          (z) =>
            z
              .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, requiresArg: true })
              .option('config', { alias: 'c', type: 'string', describe: 'config file', requiresArg: true }),
          async (a) => {
            exitCode = await runRulesList({ format: a.format, ...(a.config ? { config: a.config } : {}) }, io);
          },
        )
        .command(
          'check <files..>',
          'validate rule files and run their examples and negatives',
          (z) => z.positional('files', { type: 'string', array: true, demandOption: true }),
          async (a) => {
            exitCode = await runRulesCheck({ files: a.files as string[] }, io);
          },
        )
        .demandCommand(1, 'name a rules command: list or check'),
    )
    .demandCommand(1, 'name a command (try keyhound --help)')
    .strict()
    .help()
    // keyhound's own version: yargs would read the package.json nearest the command, the project's when run from its node_modules/.bin.
    .version(keyhoundVersion(undefined))
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    // A bad command line (yargs' own message, or its YError around a parse or coerce
    // failure) is the user's to fix; an error thrown by a command goes on as it is.
    .fail((message, error) => {
      if (error && error.name !== 'YError') throw error;
      throw new KeyhoundError(usageError(message ?? error.message));
    })
    .showHelpOnFail(false);
  skipHelpRendering(cli);

  try {
    let helpOrVersion = '';
    await cli.parseAsync(args, {}, (_err, _args, output) => {
      helpOrVersion = output;
    });
    if (helpOrVersion) {
      io.stdout(`${helpOrVersion}\n`);
      return EXIT_CLEAN;
    }
    return exitCode;
  } catch (error) {
    io.stderr(failureText(error, io.env));
    return EXIT_ERROR;
  }
}

