/**
 * The pre-commit hook's start-up: bin/keyhound.cjs loads dist/staged.cjs through V8's
 * code cache (bin/code-cache.cjs). The loader is tested in process on small files; the
 * hook itself as git runs it, a real process on a real repository.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, gitIn, keyhound, repoWith, tempDir } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';

const LOADER = join(import.meta.dirname, '..', 'bin', 'code-cache.cjs');
const { cacheDirectory } = createRequire(import.meta.url)(LOADER) as { cacheDirectory(env: NodeJS.ProcessEnv): string };

/**
 * Loads `file` in a new node, as the bin does, and saves the cache when asked: V8 keeps
 * what one process compiled, so only a new process shows what the cache gives.
 */
function load(file: string, env: NodeJS.ProcessEnv, save = true): { status: string; value: number; double: number; error: string } {
  const code = `const l = require(${JSON.stringify(LOADER)}).loadWithCodeCache(${JSON.stringify(file)}, process.env);
    let error = ''; ${save ? "try { l.save(); } catch (e) { error = e.code; }" : ''}
    console.log(JSON.stringify({ status: l.status, value: l.exports.value, double: l.exports.double(4), error }));`;
  const result = spawnSync(process.execPath, ['-e', code], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { status: string; value: number; double: number; error: string };
}

function script(value: number): string {
  const file = join(tempDir(), 'entry.cjs');
  writeFileSync(file, `exports.value = ${value};\nexports.double = (n) => n * 2;\n`);
  return file;
}

describe('the code cache loader', () => {
  it('runs the file as CommonJS, then runs it from the cache it saved', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const file = script(7);
    expect(load(file, env)).toEqual({ status: 'missing', value: 7, double: 8, error: '' });
    expect(readdirSync(cacheDirectory(env)).filter((name) => name.endsWith('.bin'))).toHaveLength(1);
    expect(load(file, env)).toEqual({ status: 'used', value: 7, double: 8, error: '' });
  });

  it('never runs bytecode of other contents, even of the same length', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const file = script(1);
    load(file, env);
    writeFileSync(file, readFileSync(file, 'utf8').replace('= 1;', '= 2;'));
    expect(load(file, env, false)).toMatchObject({ status: 'missing', value: 2 });
  });

  it('compiles from source when the cache is corrupt, and writes it again', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const file = script(3);
    load(file, env);
    // The copy of the file it starts with stays, so that V8 is given the garbage after it.
    const entry = join(cacheDirectory(env), readdirSync(cacheDirectory(env))[0]!);
    const source = readFileSync(file);
    writeFileSync(entry, Buffer.concat([source, Buffer.alloc(readFileSync(entry).length - source.length, 'garbage ')]));
    expect(load(file, env)).toMatchObject({ status: 'rejected', value: 3 });
    expect(load(file, env)).toMatchObject({ status: 'used', value: 3 });
  });

  it('runs without a writable cache directory, leaving nothing behind', () => {
    const home = tempDir();
    writeFileSync(join(home, 'keyhound'), 'a file where the directory would be');
    expect(load(script(5), { XDG_CACHE_HOME: home })).toEqual({ status: 'missing', value: 5, double: 8, error: '' });
    expect(readdirSync(home)).toEqual(['keyhound']);
  });

  it('keeps an entry for each set of node flags, which V8 would otherwise reject in turn', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const flagged = { ...env, NODE_OPTIONS: '--max-old-space-size=200' };
    const file = script(4);
    expect(['missing', 'used'].map(() => load(file, env).status)).toEqual(['missing', 'used']);
    expect(['missing', 'used'].map(() => load(file, flagged).status)).toEqual(['missing', 'used']);
    expect(load(file, env).status).toBe('used');
    expect(readdirSync(cacheDirectory(env))).toHaveLength(2);
  });

  it('keeps the eight most recently written entries', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const dir = cacheDirectory(env);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(dir, `old${i}.bin`), 'x');
      utimesSync(join(dir, `old${i}.bin`), 1000 + i, 1000 + i);
    }
    load(script(9), env);
    const left = readdirSync(dir).sort();
    expect(left).toHaveLength(8);
    expect(left).not.toContain('old0.bin');
    expect(left.filter((name) => !name.startsWith('old'))).toHaveLength(1);
  });
});

describe('the pre-commit hook from its CommonJS entry', () => {
  // Spawned: what is tested is the bin's start-up and the cache it keeps between runs.
  const keys = fakeKeys(44);

  it('blocks the same key with and without the cache, and the cache holds no part of it', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const dir = repoWith({ 'config.py': `STRIPE = "${keys.stripe}"\n` });
    gitIn(dir, ['add', '-A']);
    const findings = [1, 2].map(() => {
      const run = keyhound(['staged', '-f', 'json'], { cwd: dir, env });
      expect(run.code, run.stderr).toBe(1);
      return (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; fingerprint: string }> }).findings.map((f) => `${f.ruleId} ${f.fingerprint}`);
    });
    expect(findings[0]).toHaveLength(1);
    expect(findings[0]![0]).toMatch(/^stripe-live-secret-key /);
    expect(findings[1]).toEqual(findings[0]);
    const cached = readdirSync(cacheDirectory(env)).map((name) => readFileSync(join(cacheDirectory(env), name)).toString('latin1'));
    expect(cached).toHaveLength(1);
    expect(cached[0]).not.toContain(keys.stripe.slice(8));
  });

  it('hands what its short path does not take (--help, a typo) to the full CLI', () => {
    const dir = repoWith({});
    const help = keyhound(['staged', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^keyhound staged/);
    const typo = keyhound(['staged', '--fromat', 'json'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/fromat/);
    expect(BIN.endsWith('keyhound.cjs')).toBe(true);
  });
});

describe('the full CLI starting', () => {
  // Spawned: what is tested is what the built bin does as it starts. A preloaded script
  // records which directories it lists and whether it builds an Intl.Segmenter (what
  // string-width does as it loads, 9–12 ms; its emoji regex another 13 ms).
  function startWatched(args: string[], cwd: string, bin = BIN) {
    const record = join(tempDir(), 'record.json');
    const preload = join(tempDir(), 'watch.cjs');
    writeFileSync(preload, `
      const fs = require('node:fs');
      const listed = [];
      let segmenters = 0;
      const readdirSync = fs.readdirSync;
      fs.readdirSync = (dir, ...rest) => (listed.push(String(dir)), readdirSync(dir, ...rest));
      const Segmenter = Intl.Segmenter;
      Intl.Segmenter = class extends Segmenter { constructor(...a) { super(...a); segmenters += 1; } };
      process.on('exit', () => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ listed, segmenters })));
    `);
    const run = keyhound(args, { cwd, bin, env: { NODE_OPTIONS: `--require ${preload}`, XDG_CACHE_HOME: tempDir() } });
    return { run, ...(JSON.parse(readFileSync(record, 'utf8')) as { listed: string[]; segmenters: number }) };
  }

  it('lists no directory above the one it runs in, and lays out no text it does not print', () => {
    const cwd = join(repoWith({}), 'deep', 'down');
    mkdirSync(cwd, { recursive: true });
    // Also from a package whose directory's name has a dot, as `mktemp -d` makes them: yargs
    // reads such a name as a file's and looked in the directory above.
    const copy = tempDir('keyhound.copy-');
    for (const part of ['bin', 'dist', 'rules', 'package.json']) cpSync(join(BIN, '..', '..', part), join(copy, part), { recursive: true });
    for (const [bin, root] of [[BIN, join(BIN, '..', '..')], [join(copy, 'bin', 'keyhound.cjs'), copy]] as const) {
      const { run, listed, segmenters } = startWatched(['--version'], cwd, bin);
      expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      expect(listed.filter((dir) => !dir.startsWith(root))).toEqual([]);
      expect(segmenters).toBe(0);
    }
    // --help still lays out its columns.
    const help = startWatched(['--help'], cwd);
    expect(help.run.stdout).toMatch(/^ {2}keyhound scan \S* +\S/m);
    expect(help.segmenters).toBeGreaterThan(0);
  });
});
