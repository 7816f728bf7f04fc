/** `keyhound rules list` and `keyhound rules check FILE…`. */
import { resolve } from 'node:path';
import { RuleError } from '../../errors.js';
import { prepareScan } from '../../scan/setup.js';
import { assertWellFormed, compileRuleFile, parseRuleFile, type LoadedRuleFile } from '../../rules/rule-files.js';
import { REDOS_UNCHECKED, redosAnalyserInstalled } from '../../rules/redos.js';
import { checkExamples, describeProblem } from '../../rules/self-test.js';
import { readTextFile } from '../../files/yaml-file.js';
import { inert } from '../../report/inert.js';
import { EXIT_CLEAN, EXIT_LEAKS } from '../exit-codes.js';
import type { Io } from '../io.js';

export async function runRulesList(args: { format: 'text' | 'json'; config?: string }, io: Io): Promise<number> {
  const { ruleset } = await prepareScan({ cwd: io.cwd, ...(args.config ? { config: args.config } : {}) });
  const rows = ruleset.rules.map((rule) => ({ id: rule.id, provider: rule.provider, severity: rule.severity, keywords: rule.keywords }));
  if (args.format === 'json') {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_CLEAN;
  }
  const idWidth = Math.max(...rows.map((row) => row.id.length), 2);
  const providerWidth = Math.max(...rows.map((row) => row.provider.length), 8);
  const line = (id: string, provider: string, severity: string, keywords: string): string =>
    `${id.padEnd(idWidth)}  ${provider.padEnd(providerWidth)}  ${severity.padEnd(8)}  ${keywords}\n`;
  io.stdout(line('ID', 'PROVIDER', 'SEVERITY', 'KEYWORDS'));
  // A repository's own config can add rules: its keywords are shown inert.
  for (const row of rows) io.stdout(line(row.id, row.provider, row.severity, inert(row.keywords.join(', '))));
  io.stdout(`${rows.length} rules from ${new Set(rows.map((row) => row.provider)).size} providers\n`);
  return EXIT_CLEAN;
}

/**
 * Validates rule files and runs their examples and negatives through the real
 * detector (built from the given files' rules). A file that does not parse is an
 * error (exit 2); a failing example or negative is exit 1.
 */
export async function runRulesCheck(args: { files: string[] }, io: Io): Promise<number> {
  const files: LoadedRuleFile[] = [];
  for (const path of args.files) {
    const file = resolve(io.cwd, path);
    files.push(compileRuleFile(await parseRuleFile(readTextFile(file, 'rule file', file, RuleError), path), path));
  }
  await assertWellFormed(files);
  if (!redosAnalyserInstalled()) io.stderr(`warning: ${REDOS_UNCHECKED}\n`);
  const problems = checkExamples(files, files.flatMap((file) => file.rules));
  for (const problem of problems) io.stderr(`${inert(describeProblem(problem))}\n`);
  for (const file of files) {
    const failed = problems.some((problem) => problem.source === file.source);
    const examples = file.spec.rules.reduce((n, rule) => n + rule.examples.length + (rule.negatives?.length ?? 0), 0);
    io.stdout(`${failed ? 'FAIL' : 'ok'}  ${inert(file.source)}: ${file.rules.length} rules, ${examples} examples and negatives\n`);
  }
  return problems.length ? EXIT_LEAKS : EXIT_CLEAN;
}
