/**
 * The GitHub Action (action.yml): `keyhound ci` with the step's inputs as its arguments,
 * never through a shell. It writes a SARIF report for github/codeql-action/upload-sarif,
 * annotates the findings on the run and the pull request, sets the step outputs
 * `findings` and `sarif`, and adds the summary line to the job summary.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { main } from '../cli/entry.js';
import { EXIT_ERROR } from '../cli/exit-codes.js';
import { failureText } from '../cli/failure.js';
import { processIo, type Io } from '../cli/io.js';
import { KeyhoundError } from '../errors.js';
import { formatGithub } from '../report/github.js';
import { summaryLine } from '../report/summary.js';
import type { ReportInput } from '../report/types.js';
import { actionInput, appendSummary, argumentLines, setOutput } from './runner.js';

/** `--format`, `--output`, or a cluster of short flags holding -f or -o: the action chooses its reports itself. */
const REPORT_CHOICE = /^--(?:format|output)(?:=|$)|^-[a-zA-Z]*[fo]/;

/** The arguments for `keyhound ci`: the `args` input, one a line, then the action's own report options. */
function actionArguments(env: NodeJS.ProcessEnv, sarif: string): string[] {
  const args = argumentLines(actionInput(env, 'args'));
  const chosen = args.find((arg) => REPORT_CHOICE.test(arg));
  if (chosen) throw new KeyhoundError(`args: ${chosen}: the action chooses the reports (SARIF to the sarif input's file, annotations in the log); leave it out`);
  return ['ci', ...args, '--format', 'sarif', '--output', sarif];
}

/** Runs the action's step; an error is one line and exit 2, as for every keyhound command. */
export async function runAction(io: Io = processIo()): Promise<number> {
  try {
    return await runStep(io);
  } catch (error) {
    io.stderr(failureText(error, io.env));
    return EXIT_ERROR;
  }
}

async function runStep(io: Io): Promise<number> {
  const { env } = io;
  const sarif = resolve(io.cwd, actionInput(env, 'sarif') || join(env.RUNNER_TEMP || tmpdir(), 'keyhound.sarif'));
  try {
    mkdirSync(dirname(sarif), { recursive: true });
  } catch (error) {
    throw new KeyhoundError(`sarif: cannot create the directory of ${sarif} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let result: ReportInput | undefined;
  const code = await main(actionArguments(env, sarif), { ...io, onReport: (input) => void (result = input) });
  if (!result) return code;
  // The annotations only: the summary and the warnings are in the log already.
  const annotations = formatGithub(result, { showSecrets: false, color: false }).split('\n').filter((line) => line.startsWith('::'));
  if (annotations.length) io.stdout(`${annotations.join('\n')}\n`);
  setOutput(env, 'findings', String(result.findings.length));
  setOutput(env, 'sarif', sarif);
  appendSummary(env, `### keyhound\n\n${result.findings.length ? '✖' : '✔'} ${summaryLine(result.findings, result.stats)}\n`);
  return code;
}
