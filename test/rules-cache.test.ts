/**
 * The built-in rules' cache (rules-cache.ts): parsed once, then read back as JSON, and
 * never stale: an edited, added or removed rule file is parsed again.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRuleFilePaths } from '../src/rules/builtin-rules.js';
import { parsedRuleFiles } from '../src/rules/rules-cache.js';
import { tempDir } from './helpers/cli.js';

const before = process.env.XDG_CACHE_HOME;
const cacheHome = tempDir('keyhound-cache-');
const cacheFile = join(cacheHome, 'keyhound', 'builtin-rules.json');
beforeAll(() => void (process.env.XDG_CACHE_HOME = cacheHome));
afterAll(() => {
  if (before === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = before;
});

/** A copy of two built-in rule files, to edit. */
function ruleDir(): string[] {
  const dir = tempDir('keyhound-rules-');
  return builtinRuleFilePaths().filter((path) => /\/(github|stripe)\.yaml$/.test(path)).map((path) => {
    const copy = join(dir, path.slice(path.lastIndexOf('/') + 1));
    cpSync(path, copy);
    return copy;
  });
}

const ids = (files: Awaited<ReturnType<typeof parsedRuleFiles>>) => files.flatMap((file) => file.rules.map((rule) => rule.id));

describe('the built-in rules cache', () => {
  it('keeps what the scanner needs (no examples), and reads it back as parsed', async () => {
    const paths = ruleDir();
    const parsed = await parsedRuleFiles(paths);
    expect(existsSync(cacheFile)).toBe(true);
    expect(parsed.flatMap((file) => file.rules.map((rule) => rule.examples))).toEqual(parsed.flatMap((file) => file.rules.map(() => [])));
    // A cache that says so is what comes back: prove it is read, not parsed again.
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; files: Array<{ provider: string }> };
    cached.files[0]!.provider = 'from-the-cache';
    writeFileSync(cacheFile, JSON.stringify(cached));
    expect((await parsedRuleFiles(paths))[0]!.provider).toBe('from-the-cache');
  });

  it('parses again when a file changes, is removed, or the cache is unreadable', async () => {
    const paths = ruleDir();
    const all = ids(await parsedRuleFiles(paths));
    writeFileSync(paths[1]!, readFileSync(paths[1]!, 'utf8').replace(/- id: stripe-live-secret-key\n/, '- id: stripe-live-secret-key-edited\n'));
    expect(ids(await parsedRuleFiles(paths))).toContain('stripe-live-secret-key-edited');
    rmSync(paths[1]!);
    expect(ids(await parsedRuleFiles(paths.slice(0, 1))).length).toBeLessThan(all.length);
    writeFileSync(cacheFile, '{ not json');
    expect(ids(await parsedRuleFiles(paths.slice(0, 1))).length).toBeGreaterThan(0);
  });
});

describe('without a usable cache directory', () => {
  it('parses the rules all the same (the cache directory is a file)', async () => {
    const home = tempDir('keyhound-cache-');
    writeFileSync(join(home, 'keyhound'), 'a file where the directory would be');
    process.env.XDG_CACHE_HOME = home;
    try {
      expect(ids(await parsedRuleFiles(ruleDir()))).toContain('stripe-live-secret-key');
    } finally {
      process.env.XDG_CACHE_HOME = cacheHome;
    }
  });
});
