/**
 * The command line: parses arguments, runs a command, returns the exit code.
 * Prints only through `io`; the bin just calls `main`.
 */
import yargs from 'yargs';
import { isKeyhoundError, KeyhoundError } from '../errors.js';
import { parseSize } from '../config/config.js';
import { FORMAT_NAMES, type FormatName } from '../report/index.js';
import { runRulesCheck, runRulesList } from './commands/rules.js';
import { runScan } from './commands/scan.js';
import { EXIT_ERROR } from './exit-codes.js';
import { processIo, type Io } from './io.js';

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
        y
          .positional('paths', { type: 'string', array: true, describe: 'files or directories (default .), or - for stdin' })
          .option('stdin', { type: 'boolean', default: false, describe: 'scan standard input (also: a path of -)' })
          .option('format', { alias: 'f', choices: FORMAT_NAMES, default: 'text' as FormatName, describe: 'report format' })
          .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file' })
          .option('show-secrets', { type: 'boolean', default: false, describe: 'print raw secrets (never do this in CI logs)' })
          .option('config', { alias: 'c', type: 'string', describe: 'config file (default: .keyhound.yaml at the repository root)' })
          .option('max-file-size', { type: 'string', describe: 'skip larger files (default 10MB)' })
          .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a terminal, unless NO_COLOR)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no warnings on stderr' })
          .option('workers', { type: 'number', describe: 'worker threads (default: one per core; 0: none)', hidden: true }),
      async (args) => {
        exitCode = await runScan(
          {
            paths: (args.paths ?? []) as string[],
            stdin: args.stdin,
            format: args.format,
            showSecrets: args['show-secrets'],
            quiet: args.quiet,
            ...(args.output ? { output: args.output } : {}),
            ...(args.config ? { config: args.config } : {}),
            ...(args['max-file-size'] !== undefined ? { maxFileSize: parseSize(args['max-file-size'], '--max-file-size') } : {}),
            ...(args.color !== undefined ? { color: args.color } : {}),
            ...(args.workers !== undefined ? { workers: args.workers } : {}),
          },
          io,
        );
      },
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
          async (args) => {
            exitCode = await runRulesList({ format: args.format, ...(args.config ? { config: args.config } : {}) }, io);
          },
        )
        .command(
          'check <files..>',
          'validate rule files and run their examples and negatives',
          (z) => z.positional('files', { type: 'string', array: true, demandOption: true }),
          async (args) => {
            exitCode = await runRulesCheck({ files: args.files as string[] }, io);
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
      return 0;
    }
    return exitCode;
  } catch (error) {
    if (isKeyhoundError(error)) io.stderr(`keyhound: ${error.message}\n`);
    else io.stderr(`keyhound: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_ERROR;
  }
}
