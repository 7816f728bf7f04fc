/**
 * What a GitHub Actions runner hands a JavaScript action and reads back, as
 * @actions/core does it: inputs in INPUT_* variables, outputs and the job summary
 * appended to the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name.
 */
import { randomUUID } from '../builtins.js';
import { appendFileSync } from 'node:fs';
import { KeyhoundError } from '../errors.js';

/** An input as the runner passes it: `INPUT_` and the name in capitals, spaces as `_` (a `-` stays). */
export function actionInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A multi-line input as command-line arguments: one argument a line, blank lines left out. */
export function argumentLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

function appendTo(env: NodeJS.ProcessEnv, variable: string, text: string): void {
  const file = env[variable];
  if (!file) return;
  try {
    appendFileSync(file, text);
  } catch (error) {
    throw new KeyhoundError(`cannot write ${variable} ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** A step output, in the runner's heredoc form with a delimiter no value can contain (so no value can set another output). */
export function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendTo(env, 'GITHUB_OUTPUT', `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Markdown for the job's summary page. */
export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  appendTo(env, 'GITHUB_STEP_SUMMARY', markdown);
}
