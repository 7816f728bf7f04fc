/**
 * bundle/keyhound.mjs, the committed bundle that runs where nothing can be built (a git
 * install without devDependencies, the GitHub Action): it is exactly what
 * scripts/bundle.mjs builds from today's sources, and it runs with no node_modules and
 * no dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDOS_UNCHECKED } from '../src/rules/redos.js';
import { BIN, keyhound, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { unbuiltCopy } from './helpers/package-copy.js';

const ROOT = join(import.meta.dirname, '..');
const keys = fakeKeys(31);

describe('bundle/keyhound.mjs', () => {
  it('is what `npm run bundle` builds from the sources, byte for byte (a stale bundle fails CI)', () => {
    const out = join(tempDir('keyhound-bundle-'), 'keyhound.mjs');
    const build = spawnSync(process.execPath, ['scripts/bundle.mjs', out], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const fresh = readFileSync(out).equals(readFileSync(join(ROOT, 'bundle', 'keyhound.mjs')));
    expect(fresh, 'bundle/keyhound.mjs is stale: run `npm run bundle` and commit it').toBe(true);
  });
});

describe('a package with no dist/ and no node_modules: bin/keyhound.cjs runs the bundle', () => {
  const pkg = unbuiltCopy();
  const bin = join(pkg, 'bin', 'keyhound.cjs');
  const env = { XDG_CACHE_HOME: tempDir('keyhound-cache-') };

  it('finds a planted key (exit 1), passes a clean tree (exit 0), and says its own version, not the project\'s', () => {
    const leak = keyhound(['scan', '.'], { cwd: repoWith({ 'config.js': `key = "${keys.stripe}"\n` }), bin, env });
    expect(leak.code, leak.stderr).toBe(1);
    expect(leak.stdout).toMatch(/config\.js:1:\d+ +stripe-live-secret-key/);
    expect(leak.stdout).not.toContain(keys.stripe);
    const clean = keyhound(['scan', '.'], { cwd: repoWith({ 'a.txt': 'hello\n' }), bin, env });
    expect(clean.code, clean.stderr).toBe(0);
    // Run as a project runs it, from its node_modules/.bin, beside the project's own package.json.
    const project = tempDir('keyhound-project-');
    writeTree(project, { 'package.json': '{ "name": "project", "version": "9.9.9" }\n' });
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(bin, join(project, 'node_modules', '.bin', 'keyhound'));
    const version = keyhound(['--version'], { cwd: project, bin: join(project, 'node_modules', '.bin', 'keyhound') });
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('reads the rules from rules/*.yaml, not from a stale copy (its cache is keyed by their contents)', () => {
    const dir = repoWith({ 'config.js': `key = "${keys.stripe}"\n` });
    expect(keyhound(['scan', '.'], { cwd: dir, bin, env }).code).toBe(1);
    const copy = unbuiltCopy();
    rmSync(join(copy, 'rules', 'stripe.yaml'));
    const result = keyhound(['scan', '.'], { cwd: dir, bin: join(copy, 'bin', 'keyhound.cjs'), env });
    expect(result.code, result.stderr).toBe(0);
  });

  it('runs custom rules without recheck, warning that their patterns were not checked for backtracking', () => {
    const rule = '  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10})"\n    examples: ["acme_qwzmxnvbty"]\n';
    const dir = repoWith({ '.keyhound.yaml': `rules:\n${rule}`, 'a.txt': 'token acme_plkdjrutqw\n' });
    const result = keyhound(['scan', '.'], { cwd: dir, bin, env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/a\.txt:1:\d+ +acme-key/);
    expect(result.stderr).toContain(`warning: ${join(dir, '.keyhound.yaml')}: custom rules: ${REDOS_UNCHECKED}\n`);
    // Where recheck is installed (this checkout), no such warning.
    expect(keyhound(['scan', '.'], { cwd: dir, bin: BIN, env }).stderr).not.toContain(REDOS_UNCHECKED);
  });
});
