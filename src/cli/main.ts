/**
 * The command line: parses arguments, runs a command, returns the exit code.
 * Prints only through `io`; the bin just calls `main`.
 */
import yargs from 'yargs';
import { isKeyhoundError, KeyhoundError } from '../errors.js';
import { installHook, uninstallHook, type HookName } from '../hooks/install.js';
import { packagePath } from '../package-root.js';
import { inert } from '../report/inert.js';
import { runCi, runHistory, runPrePush, runStaged } from './commands/git-modes.js';
import { DEFAULT_BASELINE_FILE, runBaselineCreate, runBaselineImport } from './commands/baseline.js';
import { runRulesCheck, runRulesList } from './commands/rules.js';
import { runScan } from './commands/scan.js';
import { EXIT_CLEAN, EXIT_ERROR } from './exit-codes.js';
import { processIo, type Io } from './io.js';
import { reportArgs, withReportOptions } from './report-options.js';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode = EXIT_ERROR;
  // yargs drops a bare `-`; the convention "read stdin" becomes the --stdin flag.
  const args = argv.map((arg) => (arg === '-' ? '--stdin' : arg));
  const cli = yargs(args)
    .scriptName('keyhound')
    .usage('$0 <command> [options]\n\nFinds leaked API keys, tokens and passwords before they are committed.')
    .command(
      'scan [paths..]',
      'scan files and directories (in git: tracked and untracked-not-ignored files); - reads stdin',
      (y) =>
        withReportOptions(y)
          .positional('paths', { type: 'string', array: true, describe: 'files or directories (default .), or - for stdin' })
          .option('stdin', { type: 'boolean', default: false, describe: 'scan standard input (also: a path of -)' })
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core; 0: none)', hidden: true }),
      async (a) => {
        exitCode = await runScan(
          { ...reportArgs(a), paths: (a.paths ?? []) as string[], stdin: a.stdin, ...(a.workers !== undefined ? { workers: a.workers } : {}) },
          io,
        );
      },
    )
    .command('staged', 'scan what the next commit will contain (the index), for a pre-commit hook', (y) => withReportOptions(y), async (a) => {
      exitCode = await runStaged(reportArgs(a), io);
    })
    .command(
      'history',
      'scan every commit reachable from all refs (or --range/--branch); each secret reported once, where it was introduced',
      (y) =>
        withReportOptions(y)
          .option('range', { type: 'string', array: true, describe: 'revision range A..B (repeatable)' })
          .option('branch', { type: 'string', describe: 'one branch (or ref) and its ancestors' })
          .option('all-refs', { type: 'boolean', default: true, describe: 'all branches and tags; --all-refs=false: HEAD only' })
          .option('since', { type: 'string', describe: 'only commits after this date (as git log --since)' })
          .option('max-commits', { type: 'number', describe: 'at most this many commits' }),
      async (a) => {
        exitCode = await runHistory(
          {
            ...reportArgs(a),
            allRefs: a['all-refs'],
            ...(a.range ? { range: a.range as string[] } : {}),
            ...(a.branch ? { branch: a.branch } : {}),
            ...(a.since ? { since: a.since } : {}),
            ...(a['max-commits'] !== undefined ? { maxCommits: a['max-commits'] } : {}),
          },
          io,
        );
      },
    )
    .command(
      'ci',
      'scan the commits a pull request or push adds (reads GitHub, GitLab, Bitbucket, Azure, CircleCI and Jenkins variables)',
      (y) => withReportOptions(y).option('base', { type: 'string', describe: 'scan BASE..HEAD (default: from the CI variables, else origin/HEAD)' }),
      async (a) => {
        exitCode = await runCi({ ...reportArgs(a), ...(a.base ? { base: a.base } : {}) }, io);
      },
    )
    .command('pre-push', 'scan the commits being pushed (reads the pre-push hook input on stdin)', (y) => withReportOptions(y), async (a) => {
      exitCode = await runPrePush(reportArgs(a), io);
    })
    .command('hook <action>', 'install or uninstall the git hook (husky-aware)', (y) =>
      y
        .positional('action', { choices: ['install', 'uninstall'] as const, demandOption: true })
        .option('pre-push', { type: 'boolean', default: false, describe: 'a pre-push hook instead of pre-commit' }),
      async (a) => {
        const hook: HookName = a['pre-push'] ? 'pre-push' : 'pre-commit';
        const bin = packagePath('bin', 'keyhound.js');
        const result = a.action === 'install' ? await installHook(io.cwd, hook, bin) : await uninstallHook(io.cwd, hook);
        io.stdout(`keyhound: ${result.message}\n`);
        exitCode = EXIT_CLEAN;
      },
    )
    .command('baseline <command>', 'record known findings, or import another scanner\'s baseline', (y) =>
      y
        .command(
          'create [paths..]',
          'write the current findings (hashes only) to a baseline file; later scans with --baseline report only new ones',
          (z) =>
            z
              .positional('paths', { type: 'string', array: true, describe: 'files or directories (default .)' })
              .option('output', { alias: 'o', type: 'string', default: DEFAULT_BASELINE_FILE, describe: 'baseline file' })
              .option('history', { type: 'boolean', default: false, describe: 'record the findings of the whole history instead of the working tree' })
              .option('config', { alias: 'c', type: 'string', describe: 'config file' }),
          async (a) => {
            exitCode = await runBaselineCreate(
              { paths: (a.paths ?? []) as string[], output: a.output, history: a.history, ...(a.config ? { config: a.config } : {}) },
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
              .option('output', { alias: 'o', type: 'string', default: DEFAULT_BASELINE_FILE, describe: 'baseline file (merged into if it exists)' })
              .option('from', { choices: ['gitleaks', 'gitleaksignore', 'detect-secrets'] as const, describe: 'format (default: detected)' })
              .option('config', { alias: 'c', type: 'string', describe: 'config file' }),
          async (a) => {
            exitCode = await runBaselineImport(
              { files: a.files as string[], output: a.output, ...(a.from ? { from: a.from } : {}), ...(a.config ? { config: a.config } : {}) },
              io,
            );
          },
        )
        .demandCommand(1, 'name a baseline command: create or import'),
    )
    .command('rules <command>', 'list the rules, or check rule files', (y) =>
      y
        .command(
          'list',
          'list every rule: id, provider, severity, keywords',
          (z) =>
            z
              .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const })
              .option('config', { alias: 'c', type: 'string', describe: 'config file' }),
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
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new KeyhoundError(message);
    })
    .showHelpOnFail(false);

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
    // Messages name files from the scanned repository: inert, so no name drives the terminal or the CI log.
    if (isKeyhoundError(error)) io.stderr(`keyhound: ${inert(error.message)}\n`);
    else io.stderr(`keyhound: internal error: ${inert((error as Error)?.message ?? String(error))}\n`);
    return EXIT_ERROR;
  }
}

