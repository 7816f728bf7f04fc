/**
 * The GitHub Action as the runner runs it: action.yml's `main` under node, from a copy of
 * the repository with no node_modules and no dist/ (what the runner downloads), every
 * input in its INPUT_* variable, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the event
 * payload in GITHUB_EVENT_PATH, in a real repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { commitAll, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { readmeAndDocs } from './helpers/docs.js';
import { fakeKeys } from './helpers/keys.js';
import { unbuiltCopy } from './helpers/package-copy.js';
import { validSarif } from './helpers/sarif.js';

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: Record<string, string>;
}

const actionDir = unbuiltCopy();
const action = parseYaml(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionYml;
const keys = fakeKeys(51);

/** The host's own CI variables, cleared: only what each test sets is seen. */
const HOST_CI = Object.fromEntries(
  Object.keys(process.env).filter((name) => /^(CI|GITHUB_.*|INPUT_.*|RUNNER_.*|GITLAB_CI|KEYHOUND_.*)$/.test(name)).map((name) => [name, undefined]),
);

/** A branch pushed with two commits: a clean one, then `files`. Returns the clone and the push's before and after. */
function pushed(files: Record<string, string>): { dir: string; before: string; after: string } {
  const dir = repoWith({ 'README.md': 'hello\n' });
  const before = commitAll(dir, 'clean');
  writeTree(dir, files);
  return { dir, before, after: commitAll(dir, 'change') };
}

interface Step {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

/** Reads GITHUB_OUTPUT as the runner does: `name<<DELIMITER`, the value's lines, the delimiter. */
function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!heredoc) continue;
    const end = lines.indexOf(heredoc[2]!, i + 1);
    outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

/** The step as the runner starts it: a push of `repo`'s branch main, the inputs given (the rest at their defaults). */
function runStep(repo: { dir: string; before: string; after: string }, inputs: Record<string, string> = {}): Step {
  const runner = tempDir('keyhound-runner-');
  const event = join(runner, 'event.json');
  writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', before: repo.before, after: repo.after, created: false, forced: false, repository: { default_branch: 'main' } }));
  for (const file of ['output', 'summary']) writeFileSync(join(runner, file), '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...HOST_CI,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: repo.after,
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_OUTPUT: join(runner, 'output'),
    GITHUB_STEP_SUMMARY: join(runner, 'summary'),
    RUNNER_TEMP: runner,
    NO_COLOR: '1',
  };
  // The runner's names: INPUT_ and the input's name in capitals (spaces as _).
  for (const [name, spec] of Object.entries(action.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? spec.default ?? '';
  const result = spawnSync(process.execPath, [join(actionDir, action.runs.main!)], { cwd: repo.dir, env, encoding: 'utf8' });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: readOutputs(readFileSync(join(runner, 'output'), 'utf8')),
    summary: readFileSync(join(runner, 'summary'), 'utf8'),
    runnerTemp: runner,
  };
}

describe('action.yml', () => {
  it('is a JavaScript action on the runner\'s node20, running a committed file: no install, no build, no shell', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'bin/action.js' });
    expect(existsSync(join(actionDir, action.runs.main!))).toBe(true);
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'sarif']);
    expect(Object.keys(action.outputs).sort()).toEqual(['findings', 'sarif']);
    expect(readFileSync(join(actionDir, 'action.yml'), 'utf8')).not.toContain('${{');
  });
});

describe('the action, run as the runner runs it', () => {
  it('a push that adds a key: fails, annotates it, writes SARIF for upload-sarif, sets the outputs and the summary', () => {
    const step = runStep(pushed({ 'config.js': `module.exports = { key: "${keys.stripe}" };\n` }));
    expect(step.code, step.stderr).toBe(1);
    expect(step.stdout).toMatch(/^::error file=config\.js,line=1,col=\d+,endLine=1,endColumn=\d+,title=stripe-live-secret-key::/m);
    expect(step.stderr).toMatch(/keyhound ci: scanning .*\.\.HEAD/);
    expect(step.outputs).toEqual({ findings: '1', sarif: join(step.runnerTemp, 'keyhound.sarif') });
    const sarif = validSarif(readFileSync(step.outputs.sarif!, 'utf8'));
    expect(sarif.runs[0]!.results.map((result) => [result.ruleId, result.locations[0].physicalLocation.artifactLocation.uri])).toEqual([['stripe-live-secret-key', 'config.js']]);
    expect(step.summary).toMatch(/^### keyhound\n\n✖ 1 leak found \(1 critical; stripe-live-secret-key 1\)/);
    for (const text of [step.stdout, step.stderr, step.summary, readFileSync(step.outputs.sarif!, 'utf8')]) expect(text).not.toContain(keys.stripe);
  });

  it('a clean push passes, and `args` reach keyhound ci one per line (a relative sarif path lands in the workspace)', () => {
    const repo = pushed({ 'notes.txt': 'nothing secret\n', 'ci/keyhound.yaml': 'allowlist:\n  paths: [vendor/]\n' });
    const step = runStep(repo, { args: '--config\nci/keyhound.yaml\n\n--fail-on\nhigh\n', sarif: 'reports/keyhound.sarif' });
    expect(step.code, step.stderr).toBe(0);
    expect(step.outputs).toEqual({ findings: '0', sarif: join(repo.dir, 'reports', 'keyhound.sarif') });
    expect(validSarif(readFileSync(step.outputs.sarif!, 'utf8')).runs[0]!.results).toEqual([]);
    expect(step.summary).toMatch(/^### keyhound\n\n✔ /);
  });

  it.each([
    ['$(touch pwned)', 'Unknown argument: $(touch pwned)'],
    ['; touch pwned', 'Unknown argument: ; touch pwned'],
    ['`touch pwned`', 'Unknown argument: `touch pwned`'],
    ['--config\n$(touch pwned) && touch pwned', 'cannot read config file'],
  ])('an input of %j reaches keyhound as one plain argument: an error naming it, nothing run', (args, message) => {
    const repo = pushed({ 'notes.txt': 'nothing secret\n' });
    const step = runStep(repo, { args });
    expect(step.code).toBe(2);
    const line = args.split('\n').at(-1)!;
    expect(step.stderr).toContain(`keyhound: ${message}`);
    expect(step.stderr).toContain(line);
    expect(step.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(repo.dir).sort()).toEqual(['.git', 'README.md', 'notes.txt']);
    expect(existsSync(join(actionDir, 'pwned'))).toBe(false);
    expect(step.outputs).toEqual({});
  });

  it('refuses a --format or --output in args, naming it: the action writes its own reports', () => {
    for (const args of ['--format\njson', '-o\nout.json', '--output=out.json', '-qf\ntext']) {
      const step = runStep(pushed({ 'notes.txt': 'x\n' }), { args });
      expect(step.code).toBe(2);
      expect(step.stderr).toMatch(new RegExp(`^keyhound: args: ${args.split('\n')[0]!.replace(/[.*+?^$()[\]{}|\\-]/g, '\\$&')}: the action chooses the reports`, 'm'));
    }
  });
});

describe('the README\'s code scanning steps', () => {
  const readme = readmeAndDocs();
  const block = /```yaml\n((?:(?!```)[^])*upload-sarif(?:(?!```)[^])*)```/.exec(readme)?.[1];
  const steps = parseYaml(block ?? '') as Array<{ uses?: string; id?: string; if?: string; with?: Record<string, string> }>;

  it('upload the action\'s SARIF output, even when the keyhound step failed on a leak', () => {
    const keyhound = steps.find((step) => step.uses?.startsWith('keyhound/keyhound@'));
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(keyhound?.id).toBeDefined();
    expect(Object.keys(action.outputs)).toContain('sarif');
    expect(upload?.with?.sarif_file).toBe(`\${{ steps.${keyhound!.id}.outputs.sarif }}`);
    expect(upload?.if).toMatch(/^always\(\)/);
  });
});
